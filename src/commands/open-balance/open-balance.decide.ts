import type { BalanceOpened, FundLineKey, Money } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { fundLineLabel, fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { money } from '../../money/money';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { checkLineKey, event, requireActivity, requireActivityFitsLine, requireDecision } from '../rules';

/**
 * Số dư đầu kỳ: money carried into the first year the ledger records from a year it does not hold. The line is
 * the receiving one (budget year N, origin year before N); the money keeps its origin year, its deadline and the
 * decision that carried it, and no plan is invented for the earlier year.
 */
export interface OpenBalance {
  readonly line: FundLineKey;
  readonly openingId: string;
  readonly amount: Money;
  readonly activityId?: string;
  readonly deadline: string;
  readonly note?: string;
  readonly basis: Basis;
}

/** The line a carry-over into `line` would have come from: the year before, the same origin year. */
export function openingSource(line: FundLineKey): FundLineKey {
  return { ...line, budgetYear: line.budgetYear - 1 };
}

/** `_line`, the receiving line, is read for its revision only: an opening balance adds to what it holds. */
export function decideOpenBalance(
  cmd: OpenBalance,
  _line: FundLineState,
  previous: FundLineState,
  activity: ActivityState | undefined,
  catalogue: Catalogue,
): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'an opening balance');
  const key = checkLineKey(catalogue, cmd.line, 'line');
  money(cmd.amount);
  if (key.originYear >= key.budgetYear) {
    throw InvalidCommand.field(
      'line.originYear',
      `an opening balance is money of an earlier year: origin year ${key.originYear} must be before budget year ${key.budgetYear} (money of ${key.budgetYear} itself is assigned as a plan)`,
    );
  }
  if (cmd.deadline < `${key.budgetYear}-01-01` || cmd.deadline <= cmd.basis.effectiveDate) {
    throw InvalidCommand.field(
      'deadline',
      `the deadline of carried money must fall in ${key.budgetYear} or later and after the decision's effective date ${cmd.basis.effectiveDate}`,
    );
  }
  const source = openingSource(key);
  if (previous.key !== null) {
    throw new CommandRefused(
      'ORIGIN_YEAR_HELD',
      `the ledger holds line ${fundLineLabel(source)}: carry its money over into ${key.budgetYear} instead of opening a balance`,
      { line: key, heldLine: source },
    );
  }
  if (cmd.activityId !== undefined) {
    requireActivity(activity as ActivityState, cmd.activityId);
    requireActivityFitsLine(catalogue, activity as ActivityState, key);
  }
  return [
    {
      stream: fundLineStream(key),
      events: [
        event<BalanceOpened>('BalanceOpened', {
          line: key,
          openingId: cmd.openingId,
          amount: cmd.amount,
          ...(cmd.activityId !== undefined ? { activityId: cmd.activityId } : {}),
          deadline: cmd.deadline,
          ...(cmd.note ? { note: cmd.note } : {}),
        }),
      ],
    },
  ];
}
