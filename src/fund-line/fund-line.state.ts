import type { FundLineEvent, FundLineKey } from '../../events';
import { D, ZERO } from '../money/money';

/** What the line holds for one activity: allocated to it (net) and disbursed against it (net of reversals). */
export interface ActivityMoney {
  readonly allocated: D;
  readonly disbursed: D;
}

/** A disbursement that can still be reversed. */
export interface OpenDisbursement {
  readonly activityId: string;
  readonly amount: D;
}

/**
 * The balances of one fund line, folded from its events. Carried in counts money from the ledger's earlier years
 * and opening balances from years it does not hold; transferred in/out, money handed from a unit that ended to
 * its successor. Definitions (all exact):
 *  plan        = assigned + increased − decreased + movedIn − movedOut      (kế hoạch vốn)
 *  funds       = plan + carriedIn − carriedOut + transferredIn − transferredOut − returned
 *                                                                           (money the line can use)
 *  allocated   = net amount allocated to activities                          (đã phân bổ)
 *  unallocated = funds − allocated                                           (chưa phân bổ)
 *  disbursed   = disbursements − reversals                                   (đã giải ngân)
 *  available   = funds − disbursed                                           (chưa giải ngân)
 */
export interface FundLineState {
  readonly key: FundLineKey | null;
  readonly assigned: D;
  readonly increased: D;
  readonly decreased: D;
  readonly movedIn: D;
  readonly movedOut: D;
  readonly carriedIn: D;
  readonly carriedOut: D;
  /** Chuyển giao: received from, or handed to, a successor unit's line (the 2025 reform). */
  readonly transferredIn: D;
  readonly transferredOut: D;
  readonly returned: D;
  readonly allocated: D;
  readonly disbursed: D;
  readonly activities: ReadonlyMap<string, ActivityMoney>;
  readonly disbursements: ReadonlyMap<string, OpenDisbursement>;
  readonly reversed: ReadonlySet<string>;
}

export const initialFundLineState = (): FundLineState => ({
  key: null,
  assigned: ZERO,
  increased: ZERO,
  decreased: ZERO,
  movedIn: ZERO,
  movedOut: ZERO,
  carriedIn: ZERO,
  carriedOut: ZERO,
  transferredIn: ZERO,
  transferredOut: ZERO,
  returned: ZERO,
  allocated: ZERO,
  disbursed: ZERO,
  activities: new Map(),
  disbursements: new Map(),
  reversed: new Set(),
});

export const plan = (s: FundLineState): D => s.assigned.plus(s.increased).minus(s.decreased).plus(s.movedIn).minus(s.movedOut);
export const funds = (s: FundLineState): D =>
  plan(s).plus(s.carriedIn).minus(s.carriedOut).plus(s.transferredIn).minus(s.transferredOut).minus(s.returned);
export const unallocated = (s: FundLineState): D => funds(s).minus(s.allocated);
export const available = (s: FundLineState): D => funds(s).minus(s.disbursed);
export const activityMoney = (s: FundLineState, activityId: string): ActivityMoney =>
  s.activities.get(activityId) ?? { allocated: ZERO, disbursed: ZERO };
export const undisbursed = (s: FundLineState, activityId: string): D => {
  const a = activityMoney(s, activityId);
  return a.allocated.minus(a.disbursed);
};

/**
 * Collections are copied before a change unless the caller owns the state (see evolveFundLineOwned): a
 * line may hold tens of thousands of disbursements, and copying them on every event of a long stream
 * would make folding quadratic.
 */
type Own = <T extends Map<unknown, unknown> | Set<unknown>>(collection: T) => T;
const copy: Own = (c) => (c instanceof Map ? new Map(c) : new Set(c)) as typeof c;
const inPlace: Own = (c) => c;

function withActivity(s: FundLineState, activityId: string, change: Partial<Record<keyof ActivityMoney, D>>, own: Own): Map<string, ActivityMoney> {
  const current = activityMoney(s, activityId);
  const next = own(s.activities as Map<string, ActivityMoney>);
  next.set(activityId, {
    allocated: current.allocated.plus(change.allocated ?? ZERO),
    disbursed: current.disbursed.plus(change.disbursed ?? ZERO),
  });
  return next;
}

/** Moves an activity's allocation on this line by `delta` (negative to release), keeping the line total in step. */
function allocateTo(s: FundLineState, activityId: string | undefined, delta: D, own: Own): Partial<FundLineState> {
  if (!activityId) return {};
  return { allocated: s.allocated.plus(delta), activities: withActivity(s, activityId, { allocated: delta }, own) };
}

/** Pure: the given state is left as it was. */
export function evolveFundLine(s: FundLineState, event: FundLineEvent): FundLineState {
  return apply(s, event, copy);
}

/**
 * The same fold for a caller that owns the state and will never read the old one again (the aggregate
 * cache): collections are updated in place instead of copied.
 */
export function evolveFundLineOwned(s: FundLineState, event: FundLineEvent): FundLineState {
  return apply(s, event, inPlace);
}

function apply(s: FundLineState, event: FundLineEvent, own: Own): FundLineState {
  const allocate = (activityId: string | undefined, delta: D) => allocateTo(s, activityId, delta, own);
  const key = s.key ?? event.data.line;
  const amount = new D(event.data.amount);
  switch (event.type) {
    case 'PlanAssigned':
      return { ...s, key, assigned: s.assigned.plus(amount) };
    case 'PlanAdjusted':
      return event.data.direction === 'increase'
        ? { ...s, key, increased: s.increased.plus(amount) }
        : { ...s, key, decreased: s.decreased.plus(amount) };
    case 'FundsAllocated':
      return { ...s, key, ...allocate(event.data.activityId, amount) };
    case 'FundsMovedOut':
      return { ...s, key, movedOut: s.movedOut.plus(amount), ...allocate(event.data.fromActivityId, amount.neg()) };
    case 'FundsMovedIn':
      return { ...s, key, movedIn: s.movedIn.plus(amount), ...allocate(event.data.toActivityId, amount) };
    case 'CarriedOver':
      return { ...s, key, carriedOut: s.carriedOut.plus(amount), ...allocate(event.data.activityId, amount.neg()) };
    case 'CarriedIn':
      return { ...s, key, carriedIn: s.carriedIn.plus(amount), ...allocate(event.data.activityId, amount) };
    case 'FundsReturned':
      return { ...s, key, returned: s.returned.plus(amount), ...allocate(event.data.activityId, amount.neg()) };
    case 'BalanceOpened':
      return { ...s, key, carriedIn: s.carriedIn.plus(amount), ...allocate(event.data.activityId, amount) };
    case 'FundsTransferredOut':
      return { ...s, key, transferredOut: s.transferredOut.plus(amount), ...allocate(event.data.activityId, amount.neg()) };
    case 'FundsTransferredIn':
      return { ...s, key, transferredIn: s.transferredIn.plus(amount), ...allocate(event.data.activityId, amount) };
    case 'Disbursed': {
      const disbursements = own(s.disbursements as Map<string, OpenDisbursement>);
      disbursements.set(event.data.disbursementId, { activityId: event.data.activityId, amount });
      return {
        ...s,
        key,
        disbursed: s.disbursed.plus(amount),
        activities: withActivity(s, event.data.activityId, { disbursed: amount }, own),
        disbursements,
      };
    }
    case 'DisbursementReversed': {
      const reversed = own(s.reversed as Set<string>);
      reversed.add(event.data.disbursementId);
      return {
        ...s,
        key,
        disbursed: s.disbursed.minus(amount),
        activities: withActivity(s, event.data.activityId, { disbursed: amount.neg() }, own),
        reversed,
      };
    }
  }
}
