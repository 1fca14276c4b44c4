import { deciderSpec } from '../../../test/support/decider-spec';
import { CARRIED_2023_INTO_2024, CARRIED_2023_INTO_2024_STREAM, HOUSING, LINE, LINE_2023, VOUCHER, activityRegistered, catalogue, lineKey, planAssigned } from '../../../test/support/fixtures';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis } from '../command';
import { OpenBalance, decideOpenBalance, openingSource } from './open-balance.decide';

const spec = deciderSpec((cmd: OpenBalance, given) =>
  decideOpenBalance(cmd, given.line(cmd.line), given.line(openingSource(cmd.line)), cmd.activityId ? given.activity(cmd.activityId) : undefined, catalogue),
);

/** Quyết định chuyển nguồn 2023 → 2024 of Văn Quan: the ledger starts in 2024 and holds no 2023 line. */
const CARRY_DECISION: Basis = {
  legalBasis: { kind: 'decision', number: '152/QĐ-UBND', date: '2024-01-15', issuer: 'UBND huyện Văn Quan' },
  effectiveDate: '2024-01-15',
};

const opening = (amount: string, overrides: Partial<OpenBalance> = {}): OpenBalance => ({
  line: CARRIED_2023_INTO_2024,
  openingId: 'SD-2023-01',
  amount,
  deadline: '2024-12-31',
  basis: CARRY_DECISION,
  ...overrides,
});

describe('OpenBalance (số dư chuyển sang từ năm sổ không ghi)', () => {
  describe('when the ledger starts in 2024 and 2023 money was carried into it', () => {
    it('records it on the 2024 line with origin year 2023, its deadline and its decision, and invents no 2023 plan', () => {
      spec
        .given([])
        .when(opening('500000000'))
        .then([
          {
            stream: CARRIED_2023_INTO_2024_STREAM,
            events: [
              {
                type: 'BalanceOpened',
                version: 1,
                data: { line: CARRIED_2023_INTO_2024, openingId: 'SD-2023-01', amount: '500000000', deadline: '2024-12-31' },
              },
            ],
          },
        ]);
    });

    it('counts as money carried in, which the line can then allocate and pay', () => {
      spec
        .given([])
        .when(opening('500000000'))
        .thenWorld((after) => {
          const line = after.line(CARRIED_2023_INTO_2024);
          expect(line.carriedIn.toFixed()).toBe('500000000');
          expect(line.assigned.toFixed()).toBe('0');
          expect(after.line(LINE_2023).key).toBeNull();
          expect(after.lines().size).toBe(1);
        });
    });

    it("arrives as an activity's undisbursed allocation when the decision says whose it is", () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(opening('300000000', { activityId: HOUSING }))
        .thenWorld((after) => {
          const line = after.line(CARRIED_2023_INTO_2024);
          expect(line.activities.get(HOUSING)?.allocated.toFixed()).toBe('300000000');
          expect(line.allocated.toFixed()).toBe('300000000');
        });
    });
  });

  describe('when the ledger holds the year the money comes from', () => {
    it('refuses: the money is carried over from that line instead', () => {
      spec
        .given([planAssigned('2000000000', LINE_2023)])
        .when(opening('500000000'))
        .thenThrows(CommandRefused, 'ORIGIN_YEAR_HELD', 'the ledger holds line DA5/NSTW/SN/2023@184: carry its money over into 2024 instead of opening a balance');
    });
  });

  describe('when the command is not an opening balance', () => {
    it('refuses money of the budget year itself', () => {
      spec.given([]).when(opening('1000', { line: LINE })).thenThrows(InvalidCommand, 'line.originYear', /must be before budget year 2024/);
    });

    it('refuses a deadline before the receiving year', () => {
      spec.given([]).when(opening('1000', { deadline: '2023-12-31' })).thenThrows(InvalidCommand, 'deadline');
    });

    it('refuses a voucher as its basis', () => {
      spec.given([]).when(opening('1000', { basis: VOUCHER })).thenThrows(InvalidCommand, 'legalBasis', /needs a decision/);
    });

    it('refuses an activity that is not registered, or of another component', () => {
      spec.given([]).when(opening('1000', { activityId: HOUSING })).thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND');
      spec
        .given([activityRegistered(HOUSING)])
        .when(opening('1000', { activityId: HOUSING, line: lineKey({ component: 'DA2', budgetYear: 2024, originYear: 2023 }) }))
        .thenThrows(CommandRefused, 'ACTIVITY_COMPONENT_MISMATCH');
    });
  });
});
