import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import { DECISION, HOUSING, MODEL, PROGRAMME, VAN_QUAN, VOUCHER, activityRegistered, catalogue } from '../../../test/support/fixtures';
import { RegisterActivity, decideRegisterActivity } from './register-activity.decide';

const spec = deciderSpec((cmd: RegisterActivity, given) => decideRegisterActivity(cmd, given.activity(cmd.activityId), catalogue));

const register = (overrides: Partial<RegisterActivity> = {}): RegisterActivity => ({
  activityId: HOUSING,
  name: 'Hỗ trợ xây mới, sửa chữa nhà ở cho hộ nghèo, hộ cận nghèo năm 2024 (lần 01)',
  programme: PROGRAMME,
  component: 'DA5',
  kind: 'housing-support',
  unit: VAN_QUAN,
  communes: [],
  beneficiaries: { poor: 101, 'near-poor': 177 },
  targets: [
    { indicator: 'houses-new', quantity: '101' },
    { indicator: 'houses-repaired', quantity: '177' },
  ],
  basis: DECISION,
  ...overrides,
});

describe('RegisterActivity (đăng ký hoạt động)', () => {
  describe('when the activity is new', () => {
    it('records ActivityRegistered on the activity stream, without the basis', () => {
      spec
        .given([])
        .when(register())
        .then([{ stream: 'activity-VQ-DA5-2024-01', events: [activityRegistered(HOUSING)] }]);
    });

    it('keeps the investor of an investment project', () => {
      spec
        .given([])
        .when(
          register({
            activityId: 'VQ-DA1-2024-07',
            name: 'Đường từ Bảo hiểm xã hội huyện đến cầu Tâm An',
            component: 'DA1.TDA2',
            kind: 'infrastructure-work',
            investor: 'Ban QLDA ĐTXD huyện Văn Quan',
            beneficiaries: {},
            targets: [{ indicator: 'road-km', quantity: '1.25' }],
          }),
        )
        .then([
          {
            stream: 'activity-VQ-DA1-2024-07',
            events: [
              activityRegistered('VQ-DA1-2024-07', {
                name: 'Đường từ Bảo hiểm xã hội huyện đến cầu Tâm An',
                component: 'DA1.TDA2',
                kind: 'infrastructure-work',
                investor: 'Ban QLDA ĐTXD huyện Văn Quan',
                beneficiaries: {},
                targets: [{ indicator: 'road-km', quantity: '1.25' }],
              }),
            ],
          },
        ]);
    });

    it('registers a value-chain production model under DA3.TDA1', () => {
      spec
        .given([])
        .when(register({ activityId: MODEL, component: 'DA3.TDA1', kind: 'value-chain-production', beneficiaries: {}, targets: [] }))
        .thenWorld((after) => {
          expect(after.activity(MODEL)).toMatchObject({ activityId: MODEL, component: 'DA3.TDA1', kind: 'value-chain-production' });
        });
    });
  });

  describe('when the activity is already registered', () => {
    it('refuses to register it again', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(register({ name: 'tên khác' }))
        .thenThrows(
          CommandRefused,
          'ACTIVITY_EXISTS',
          'activity VQ-DA5-2024-01 is already registered ("Hỗ trợ xây mới, sửa chữa nhà ở cho hộ nghèo, hộ cận nghèo năm 2024 (lần 01)")',
        );
    });
  });

  describe('when the basis is not a decision', () => {
    it('refuses a voucher', () => {
      spec.given([]).when(register({ basis: VOUCHER })).thenThrows(InvalidCommand, 'legalBasis', /registering an activity needs a decision/);
    });
  });

  describe('when the kind does not fit the component', () => {
    it('refuses housing support under DA3.TDA1 and names the component it belongs to', () => {
      spec
        .given([])
        .when(register({ component: 'DA3.TDA1' }))
        .thenThrows(InvalidCommand, 'kind', 'activity kind housing-support does not belong to component DA3.TDA1; it belongs to DA5');
    });

    it('refuses the project DA3 itself: activities sit under one of its sub-projects', () => {
      spec
        .given([])
        .when(register({ component: 'DA3', kind: 'value-chain-production' }))
        .thenThrows(InvalidCommand, 'kind', 'activity kind value-chain-production does not belong to component DA3; it belongs to DA2, DA3.TDA1');
    });
  });

  describe('when a code is not in the catalogue', () => {
    it('refuses an unknown kind and lists the valid ones', () => {
      spec
        .given([])
        .when(register({ kind: 'house' }))
        .thenThrows(InvalidCommand, 'kind', /^unknown activity kind "house"; valid: infrastructure-work, maintenance, .*housing-support/);
    });

    it('refuses an unknown component and lists the valid ones', () => {
      spec.given([]).when(register({ component: 'DA8' })).thenThrows(InvalidCommand, 'component', /^unknown component "DA8"; valid: DA1, /);
    });

    it('refuses an unknown programme', () => {
      spec.given([]).when(register({ programme: 'GNBV' })).thenThrows(InvalidCommand, 'programme', 'unknown programme "GNBV"; valid: GNBV-2021-2025');
    });

    it('refuses an unknown unit, naming the nearest units of the decision day instead of every valid code', () => {
      spec
        .given([])
        .when(register({ unit: '1840' }))
        .thenThrows(InvalidCommand, 'unit', /^unknown administrative unit "1840"; nearest on 2023-12-22: [^;]*$/);
    });

    it('refuses an unknown commune, naming its position', () => {
      spec.given([]).when(register({ communes: ['184', '06299'] })).thenThrows(InvalidCommand, 'communes[1]', /^unknown administrative unit "06299"; nearest on 2023-12-22: 06298 Xã Bình Phúc \(Huyện Văn Quan\)/);
    });
  });

  describe('when a unit did not exist on the day the decision took effect', () => {
    const on = (effectiveDate: string): RegisterActivity['basis'] => ({ ...DECISION, effectiveDate });

    it('accepts a commune merged at the end of 2024 for a decision of mid-2024', () => {
      spec
        .given([])
        .when(register({ communes: ['06295', '06301'], basis: on('2024-06-30') }))
        .then([{ stream: 'activity-VQ-DA5-2024-01', events: [activityRegistered(HOUSING, { communes: ['06295', '06301'] })] }]);
    });

    it('refuses it for a decision of 2025, saying when it existed', () => {
      spec
        .given([])
        .when(register({ communes: ['06295'], basis: on('2025-03-01') }))
        .thenThrows(
          InvalidCommand,
          'communes[0]',
          /^administrative unit "06295" \(Xã Đồng Giáp\) did not exist on 2025-03-01: it existed from before 2021-02-01 to 2024-12-31; nearest on 2025-03-01: /,
        );
    });

    it('refuses a district after the reform and names the units that took it over', () => {
      spec
        .given([])
        .when(register({ basis: on('2026-02-01') }))
        .thenThrows(InvalidCommand, 'unit', /^administrative unit "184" \(Huyện Văn Quan\) did not exist on 2026-02-01: .* it went into \(2025-07-01\): 06253 Xã Văn Quan/);
    });

    it('refuses an unknown beneficiary category and lists the valid ones', () => {
      spec
        .given([])
        .when(register({ beneficiaries: { poor: 101, disabled: 3 } }))
        .thenThrows(
          InvalidCommand,
          'beneficiaries.disabled',
          'unknown beneficiary category "disabled"; valid: poor, near-poor, newly-escaped, ethnic-minority, women, low-income, other',
        );
    });

    it('refuses an unknown target indicator, naming its position', () => {
      spec
        .given([])
        .when(register({ targets: [{ indicator: 'houses-new', quantity: '101' }, { indicator: 'houses', quantity: '1' }] }))
        .thenThrows(InvalidCommand, 'targets[1].indicator', /^unknown indicator "houses"; valid: houses-new, houses-repaired, /);
    });
  });
});
