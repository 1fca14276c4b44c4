import type { FundLineKey, FundsMovedIn, FundsMovedOut, Money, PlanAdjusted } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { fundLineLabel, fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { money } from '../../money/money';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { checkLineKey, event, requireActivity, requireActivityFitsLine, requireDecision, requireLine } from '../rules';
import { requireTakeable } from '../sources-of-money';

/** One side of a move: a line, and optionally an activity's allocation on it. */
export interface MoveEnd {
  readonly line: FundLineKey;
  readonly activityId?: string;
}

/** Điều chỉnh: a decision increases or decreases a line, or moves money between lines or activities. */
export type Adjust =
  | {
      readonly kind: 'increase' | 'decrease';
      readonly adjustmentId: string;
      readonly line: FundLineKey;
      readonly amount: Money;
      readonly reason: string;
      readonly basis: Basis;
    }
  | {
      readonly kind: 'move';
      readonly adjustmentId: string;
      readonly from: MoveEnd;
      readonly to: MoveEnd;
      readonly amount: Money;
      readonly reason: string;
      readonly basis: Basis;
    };

export function decideResize(
  cmd: Extract<Adjust, { kind: 'increase' | 'decrease' }>,
  line: FundLineState,
  catalogue: Catalogue,
): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'an adjustment');
  const key = checkLineKey(catalogue, cmd.line, 'line');
  requireLine(line, key);
  const amount = money(cmd.amount);
  if (cmd.kind === 'decrease') requireTakeable(line, key, amount, undefined, undefined);
  return [
    {
      stream: fundLineStream(key),
      events: [
        event<PlanAdjusted>('PlanAdjusted', {
          line: key,
          adjustmentId: cmd.adjustmentId,
          direction: cmd.kind,
          amount: cmd.amount,
          reason: cmd.reason,
        }),
      ],
    },
  ];
}

/** Dimensions a move may not change: money of one source, capital type and year stays so. */
const CONSERVED = ['programme', 'source', 'capitalType', 'budgetYear', 'originYear'] as const;

export interface MoveStates {
  readonly fromLine: FundLineState;
  readonly toLine: FundLineState;
  readonly fromActivity?: ActivityState;
  readonly toActivity?: ActivityState;
}

/**
 * Moves an amount from one line (or activity allocation) to another, as a FundsMovedOut / FundsMovedIn
 * pair of equal amounts appended atomically: money is conserved by construction.
 */
export function decideMove(
  cmd: {
    readonly adjustmentId: string;
    readonly from: MoveEnd;
    readonly to: MoveEnd;
    readonly amount: Money;
    readonly reason: string;
    readonly basis: Basis;
  },
  states: MoveStates,
  catalogue: Catalogue,
): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'an adjustment');
  const from = checkLineKey(catalogue, cmd.from.line, 'from.line');
  const to = checkLineKey(catalogue, cmd.to.line, 'to.line');
  const sameLine = fundLineStream(from) === fundLineStream(to);
  if (sameLine && cmd.from.activityId === cmd.to.activityId) {
    throw InvalidCommand.field('to', 'a move needs a different line or a different activity than its origin');
  }
  for (const dim of CONSERVED) {
    if (from[dim] !== to[dim]) {
      throw new CommandRefused(
        'MOVE_CHANGES_DIMENSION',
        `a move keeps the ${dim} of the money: ${fundLineLabel(from)} is ${from[dim]}, ${fundLineLabel(to)} is ${to[dim]}`,
        { dimension: dim, from: from[dim], to: to[dim] },
      );
    }
  }
  requireLine(states.fromLine, from);
  requireTakeable(states.fromLine, from, money(cmd.amount), cmd.from.activityId, states.fromActivity);
  if (cmd.to.activityId !== undefined) {
    const toActivity = states.toActivity as ActivityState;
    requireActivity(toActivity, cmd.to.activityId);
    requireActivityFitsLine(catalogue, toActivity, to);
  }
  const out = event<FundsMovedOut>('FundsMovedOut', {
    line: from,
    adjustmentId: cmd.adjustmentId,
    amount: cmd.amount,
    ...(cmd.from.activityId ? { fromActivityId: cmd.from.activityId } : {}),
    toLine: to,
    ...(cmd.to.activityId ? { toActivityId: cmd.to.activityId } : {}),
    reason: cmd.reason,
  });
  const into = event<FundsMovedIn>('FundsMovedIn', {
    line: to,
    adjustmentId: cmd.adjustmentId,
    amount: cmd.amount,
    ...(cmd.to.activityId ? { toActivityId: cmd.to.activityId } : {}),
    fromLine: from,
    ...(cmd.from.activityId ? { fromActivityId: cmd.from.activityId } : {}),
    reason: cmd.reason,
  });
  return sameLine
    ? [{ stream: fundLineStream(from), events: [out, into] }]
    : [
        { stream: fundLineStream(from), events: [out] },
        { stream: fundLineStream(to), events: [into] },
      ];
}
