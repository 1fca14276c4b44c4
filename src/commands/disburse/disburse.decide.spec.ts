import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import {
  DECISION,
  HOUSING,
  HOUSING_2,
  LINE,
  LINE_STREAM,
  VOUCHER,
  activityRegistered,
  catalogue,
  disbursed,
  disbursementReversed,
  fundsAllocated,
  lineKey,
  planAssigned,
} from '../../../test/support/fixtures';
import { Disburse, decideDisburse } from './disburse.decide';

const spec = deciderSpec((cmd: Disburse, given) => decideDisburse(cmd, given.line(cmd.line), given.activity(cmd.activityId), catalogue));

const disburse = (amount: string, overrides: Partial<Disburse> = {}): Disburse => ({
  line: LINE,
  activityId: HOUSING,
  disbursementId: 'UNC-000158',
  amount,
  basis: VOUCHER,
  ...overrides,
});

/** Plan 8.036.000.000 đ, 7.700.000.000 đ allocated to the housing activity. */
const allocated = [planAssigned('8036000000'), activityRegistered(HOUSING), fundsAllocated(HOUSING, '7700000000')];

describe('Disburse (giải ngân)', () => {
  describe("when the activity has allocated money on the line", () => {
    it('records the disbursement against the activity', () => {
      spec
        .given(allocated)
        .when(disburse('620000000'))
        .then([
          {
            stream: LINE_STREAM,
            events: [
              {
                type: 'Disbursed',
                version: 1,
                data: { line: LINE, activityId: HOUSING, disbursementId: 'UNC-000158', amount: '620000000' },
              },
            ],
          },
        ]);
    });

    it("pays out exactly what is left of the activity's allocation", () => {
      spec
        .given([...allocated, disbursed(HOUSING, 'UNC-000158', '620000000')])
        .when(disburse('7080000000', { disbursementId: 'UNC-000201' }))
        .thenWorld((after) => {
          const line = after.line(LINE);
          expect(line.disbursed.toFixed()).toBe('7700000000');
          expect(line.activities.get(HOUSING)?.disbursed.toFixed()).toBe('7700000000');
        });
    });
  });

  describe("when the request is above the activity's undisbursed allocation", () => {
    it('refuses one cent more, naming both amounts', () => {
      spec
        .given([...allocated, disbursed(HOUSING, 'UNC-000158', '620000000')])
        .when(disburse('7080000000.01', { disbursementId: 'UNC-000201' }))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_ALLOCATION',
          'activity VQ-DA5-2024-01 on line DA5/NSTW/SN/2024@184 has 7.080.000.000 đ allocated and not yet disbursed; 7.080.000.000,01 đ requested',
        );
    });

    it("refuses to pay from the line's unallocated money", () => {
      spec
        .given([...allocated, activityRegistered(HOUSING_2)])
        .when(disburse('1000', { activityId: HOUSING_2 }))
        .thenThrows(CommandRefused, 'INSUFFICIENT_ALLOCATION', /VQ-DA5-2024-02 .* has 0 đ allocated and not yet disbursed; 1\.000 đ requested/);
    });
  });

  describe('when the line is fully disbursed', () => {
    it('refuses a further disbursement', () => {
      spec
        .given([...allocated, disbursed(HOUSING, 'UNC-000158', '7700000000')])
        .when(disburse('1', { disbursementId: 'UNC-000201' }))
        .thenThrows(CommandRefused, 'INSUFFICIENT_ALLOCATION');
    });

    it('pays again once a disbursement is reversed', () => {
      spec
        .given([
          ...allocated,
          disbursed(HOUSING, 'UNC-000158', '7700000000'),
          disbursementReversed(HOUSING, 'UNC-000158', '7700000000'),
        ])
        .when(disburse('7700000000', { disbursementId: 'UNC-000201' }))
        .then([
          {
            stream: LINE_STREAM,
            events: [
              { type: 'Disbursed', version: 1, data: { line: LINE, activityId: HOUSING, disbursementId: 'UNC-000201', amount: '7700000000' } },
            ],
          },
        ]);
    });
  });

  describe('when the disbursement id is already recorded on the line', () => {
    it('refuses the duplicate', () => {
      spec
        .given([...allocated, disbursed(HOUSING, 'UNC-000158', '620000000')])
        .when(disburse('620000000'))
        .thenThrows(CommandRefused, 'DISBURSEMENT_EXISTS', 'disbursement UNC-000158 is already recorded on this line');
    });

    it('refuses it even after that disbursement was reversed', () => {
      spec
        .given([...allocated, disbursed(HOUSING, 'UNC-000158', '620000000'), disbursementReversed(HOUSING, 'UNC-000158', '620000000')])
        .when(disburse('620000000'))
        .thenThrows(CommandRefused, 'DISBURSEMENT_EXISTS');
    });
  });

  describe('when the line has no plan', () => {
    it('refuses the disbursement', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(disburse('1000'))
        .thenThrows(CommandRefused, 'LINE_NOT_FOUND', 'line DA5/NSTW/SN/2024@184 has no plan: assign a plan to it first');
    });
  });

  describe('when the activity is not registered', () => {
    it('refuses the disbursement', () => {
      spec
        .given([planAssigned('8036000000')])
        .when(disburse('1000'))
        .thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND', 'activity VQ-DA5-2024-01 is not registered');
    });
  });

  describe('when there is no treasury voucher', () => {
    it('refuses a disbursement backed by a decision', () => {
      spec
        .given(allocated)
        .when(disburse('620000000', { basis: DECISION }))
        .thenThrows(
          InvalidCommand,
          'legalBasis',
          'a disbursement needs a State Treasury voucher (number, date, treasury), not a decision',
        );
    });
  });

  describe('when the line names an unknown code', () => {
    it('refuses it and lists the valid codes', () => {
      spec
        .given(allocated)
        .when(disburse('1000', { line: lineKey({ capitalType: 'XDCB' }) }))
        .thenThrows(InvalidCommand, 'line.capitalType', 'unknown capital type "XDCB"; valid: DTPT, SN');
    });
  });
});
