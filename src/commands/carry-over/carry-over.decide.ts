import type { CarriedIn, CarriedOver, FundLineKey, Money } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { money } from '../../money/money';
import { InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { checkLineKey, event, requireDecision, requireLine } from '../rules';
import { requireTakeable } from '../sources-of-money';

/** Chuyển nguồn: unspent money of year N moves into year N+1, keeping its origin year, with a new deadline. */
export interface CarryOver {
  readonly from: FundLineKey;
  readonly carryOverId: string;
  readonly amount: Money;
  /** Carry an activity's undisbursed allocation with it; otherwise unallocated money. */
  readonly activityId?: string;
  readonly deadline: string;
  readonly basis: Basis;
}

/** The line that receives a carry-over: the next budget year, the same origin year and other dimensions. */
export function carryOverTarget(from: FundLineKey): FundLineKey {
  return { ...from, budgetYear: from.budgetYear + 1 };
}

export function decideCarryOver(
  cmd: CarryOver,
  from: FundLineState,
  activity: ActivityState | undefined,
  catalogue: Catalogue,
): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'carrying money over');
  const source = checkLineKey(catalogue, cmd.from, 'from');
  const target = carryOverTarget(source);
  // The receiving line is of the next year: its unit must exist in that year (a district abolished on
  // 1/7/2025 hands its money to the units that took it over; it does not carry it into 2026).
  catalogue.requireUnit('from.unit', target.unit, target.budgetYear);
  requireLine(from, source);
  if (cmd.deadline <= cmd.basis.effectiveDate || cmd.deadline < `${target.budgetYear}-01-01`) {
    throw InvalidCommand.field(
      'deadline',
      `the deadline of carried money must fall in ${target.budgetYear} or later and after the decision's effective date ${cmd.basis.effectiveDate}`,
    );
  }
  requireTakeable(from, source, money(cmd.amount), cmd.activityId, activity);
  const shared = { carryOverId: cmd.carryOverId, amount: cmd.amount, ...(cmd.activityId ? { activityId: cmd.activityId } : {}), deadline: cmd.deadline };
  return [
    { stream: fundLineStream(source), events: [event<CarriedOver>('CarriedOver', { line: source, ...shared, toLine: target })] },
    { stream: fundLineStream(target), events: [event<CarriedIn>('CarriedIn', { line: target, ...shared, fromLine: source })] },
  ];
}
