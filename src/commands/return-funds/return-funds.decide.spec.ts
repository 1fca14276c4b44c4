import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import {
  DECISION,
  HOUSING,
  LINE,
  LINE_STREAM,
  VOUCHER,
  activityRegistered,
  catalogue,
  disbursed,
  fundsAllocated,
  lineKey,
  planAssigned,
} from '../../../test/support/fixtures';
import { ReturnFunds, decideReturnFunds } from './return-funds.decide';

const spec = deciderSpec((cmd: ReturnFunds, given) =>
  decideReturnFunds(cmd, given.line(cmd.line), cmd.activityId ? given.activity(cmd.activityId) : undefined, catalogue),
);

const returnFunds = (amount: string, overrides: Partial<ReturnFunds> = {}): ReturnFunds => ({
  line: LINE,
  returnId: 'NT-2024-01',
  mode: 'returned',
  amount,
  reason: 'hết nhiệm vụ chi',
  basis: DECISION,
  ...overrides,
});

/** Plan 8.036.000.000 đ: 7.700.000.000 đ allocated (620.000.000 đ of it disbursed), 336.000.000 đ unallocated. */
const housing = [
  planAssigned('8036000000'),
  activityRegistered(HOUSING),
  fundsAllocated(HOUSING, '7700000000'),
  disbursed(HOUSING, 'UNC-000158', '620000000'),
];

describe('ReturnFunds (nộp trả / hủy dự toán)', () => {
  describe('when the line has unallocated money', () => {
    it('returns it from the unallocated part', () => {
      spec
        .given(housing)
        .when(returnFunds('336000000'))
        .then([
          {
            stream: LINE_STREAM,
            events: [
              {
                type: 'FundsReturned',
                version: 1,
                data: { line: LINE, returnId: 'NT-2024-01', mode: 'returned', amount: '336000000', reason: 'hết nhiệm vụ chi' },
              },
            ],
          },
        ]);
    });

    it('refuses one cent more than the unallocated part', () => {
      spec
        .given(housing)
        .when(returnFunds('336000000.01'))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_UNALLOCATED',
          'line DA5/NSTW/SN/2024@184 has 336.000.000 đ not yet allocated; 336.000.000,01 đ requested',
        );
    });
  });

  describe("when the money is part of an activity's allocation", () => {
    it('cancels the undisbursed part of that allocation', () => {
      spec
        .given(housing)
        .when(returnFunds('7080000000', { mode: 'cancelled', activityId: HOUSING }))
        .thenWorld((after, produced) => {
          expect(produced).toEqual([
            {
              stream: LINE_STREAM,
              events: [
                {
                  type: 'FundsReturned',
                  version: 1,
                  data: {
                    line: LINE,
                    returnId: 'NT-2024-01',
                    mode: 'cancelled',
                    amount: '7080000000',
                    activityId: HOUSING,
                    reason: 'hết nhiệm vụ chi',
                  },
                },
              ],
            },
          ]);
          const line = after.line(LINE);
          expect(line.activities.get(HOUSING)?.allocated.toFixed()).toBe('620000000');
          expect(line.allocated.toFixed()).toBe('620000000');
          expect(line.returned.toFixed()).toBe('7080000000');
        });
    });

    it('refuses to return disbursed money', () => {
      spec
        .given(housing)
        .when(returnFunds('7080000000.01', { activityId: HOUSING }))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_ALLOCATION',
          'activity VQ-DA5-2024-01 on line DA5/NSTW/SN/2024@184 has 7.080.000.000 đ allocated and not yet disbursed; 7.080.000.000,01 đ requested',
        );
    });

    it('refuses to return allocated money without naming the activity', () => {
      spec.given(housing).when(returnFunds('400000000')).thenThrows(CommandRefused, 'INSUFFICIENT_UNALLOCATED');
    });

    it('refuses an activity that is not registered', () => {
      spec
        .given(housing)
        .when(returnFunds('1000', { activityId: 'VQ-DA5-2024-09' }))
        .thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND', 'activity VQ-DA5-2024-09 is not registered');
    });
  });

  describe('when the line has no plan', () => {
    it('refuses the return', () => {
      spec.given([]).when(returnFunds('1000')).thenThrows(CommandRefused, 'LINE_NOT_FOUND');
    });
  });

  describe('when the basis is not a decision', () => {
    it('refuses a return backed by a voucher', () => {
      spec
        .given(housing)
        .when(returnFunds('1000', { basis: VOUCHER }))
        .thenThrows(InvalidCommand, 'legalBasis', /returning or cancelling funds needs a decision/);
    });
  });

  describe('when the line names a project with sub-projects', () => {
    it('refuses it', () => {
      spec
        .given(housing)
        .when(returnFunds('1000', { line: lineKey({ component: 'DA3' }) }))
        .thenThrows(InvalidCommand, 'line.component', /DA3\.TDA1, DA3\.TDA2/);
    });
  });
});
