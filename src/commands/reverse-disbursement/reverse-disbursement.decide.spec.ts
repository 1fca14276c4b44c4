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
import { ReverseDisbursement, decideReverseDisbursement } from './reverse-disbursement.decide';

const spec = deciderSpec((cmd: ReverseDisbursement, given) => decideReverseDisbursement(cmd, given.line(cmd.line), catalogue));

const reverse = (disbursementId: string, overrides: Partial<ReverseDisbursement> = {}): ReverseDisbursement => ({
  line: LINE,
  disbursementId,
  reason: 'chứng từ ghi sai tài khoản',
  basis: { ...VOUCHER, legalBasis: { kind: 'voucher', number: 'GNT-000031', date: '2024-06-20', treasury: 'KBNN Văn Quan' } },
  ...overrides,
});

const paid = [
  planAssigned('8036000000'),
  activityRegistered(HOUSING),
  activityRegistered(HOUSING_2),
  fundsAllocated(HOUSING, '7000000000'),
  fundsAllocated(HOUSING_2, '700000000'),
  disbursed(HOUSING, 'UNC-000158', '620000000'),
  disbursed(HOUSING_2, 'UNC-000159', '150000000.5'),
];

describe('ReverseDisbursement (thu hồi giải ngân)', () => {
  describe('when the disbursement is on the line', () => {
    it('reverses the whole of it, against the activity it paid, with the amount the line recorded', () => {
      spec
        .given(paid)
        .when(reverse('UNC-000159'))
        .then([
          {
            stream: LINE_STREAM,
            events: [
              {
                type: 'DisbursementReversed',
                version: 1,
                data: {
                  line: LINE,
                  activityId: HOUSING_2,
                  disbursementId: 'UNC-000159',
                  amount: '150000000.5',
                  reason: 'chứng từ ghi sai tài khoản',
                },
              },
            ],
          },
        ]);
    });

    it('gives the money back to the activity, leaving the original in the log', () => {
      spec
        .given(paid)
        .when(reverse('UNC-000158'))
        .thenWorld((after) => {
          const line = after.line(LINE);
          expect(line.disbursed.toFixed()).toBe('150000000.5');
          expect(line.activities.get(HOUSING)?.disbursed.toFixed()).toBe('0');
          expect(after.events(LINE_STREAM).map((e) => e.type)).toContain('Disbursed');
        });
    });
  });

  describe('when the disbursement is not on the line', () => {
    it('refuses an unknown id', () => {
      spec
        .given(paid)
        .when(reverse('UNC-999999'))
        .thenThrows(CommandRefused, 'DISBURSEMENT_NOT_FOUND', 'line DA5/NSTW/SN/2024@184 has no disbursement UNC-999999');
    });

    it('refuses a disbursement recorded on another line', () => {
      const other = lineKey({ component: 'DA3.TDA1' });
      spec
        .given([...paid, planAssigned('100000000', other)])
        .when(reverse('UNC-000158', { line: other }))
        .thenThrows(CommandRefused, 'DISBURSEMENT_NOT_FOUND', 'line DA3.TDA1/NSTW/SN/2024@184 has no disbursement UNC-000158');
    });
  });

  describe('when the disbursement was already reversed', () => {
    it('refuses to reverse it twice', () => {
      spec
        .given([...paid, disbursementReversed(HOUSING, 'UNC-000158', '620000000')])
        .when(reverse('UNC-000158'))
        .thenThrows(CommandRefused, 'ALREADY_REVERSED', 'disbursement UNC-000158 was already reversed');
    });
  });

  describe('when the line has no plan', () => {
    it('refuses the reversal', () => {
      spec.given([]).when(reverse('UNC-000158')).thenThrows(CommandRefused, 'LINE_NOT_FOUND');
    });
  });

  describe('when there is no treasury voucher', () => {
    it('refuses a reversal backed by a decision', () => {
      spec
        .given(paid)
        .when(reverse('UNC-000158', { basis: DECISION }))
        .thenThrows(InvalidCommand, 'legalBasis', /reversing a disbursement needs a State Treasury voucher/);
    });
  });

  describe('when the line names an unknown code', () => {
    it('refuses it', () => {
      spec
        .given(paid)
        .when(reverse('UNC-000158', { line: lineKey({ unit: '18' }) }))
        .thenThrows(InvalidCommand, 'line.unit', /^unknown administrative unit "18"; nearest in 2024: 018 Huyện Gia Lâm /);
    });
  });
});
