import type { FundLineEvent, FundLineKey } from '../../events';
import { FundLineState, available, funds, initialFundLineState, plan, unallocated } from '../../src/fund-line/fund-line.state';
import { rate, toMoney } from '../../src/money/money';
import { Cents, centsToDecimal, centsToMoney, toCents } from '../shared/cents';
import type { RecordedFundLineEvent } from '../shared/recorded';

/**
 * Số dư dòng vốn: the balances of a fund line, and of any sum of lines (a district, a sub-project, a year...).
 * The stored measures are the raw counters of FundLineState; every derived figure (plan, funds,
 * unallocated, available) comes from the definitions in src/fund-line/fund-line.state.ts, so the read
 * model and the deciders can never disagree on what "available" means.
 */
export const MEASURES = [
  'assigned',
  'increased',
  'decreased',
  'movedIn',
  'movedOut',
  'carriedIn',
  'carriedOut',
  'returned',
  'allocated',
  'disbursed',
  'transferredIn',
  'transferredOut',
] as const;
export type Measure = (typeof MEASURES)[number];
export type Measures = { readonly [K in Measure]: Cents };
export type MeasureDelta = { readonly [K in Measure]?: Cents };

export const ZERO_MEASURES: Measures = Object.freeze({
  assigned: 0n,
  increased: 0n,
  decreased: 0n,
  movedIn: 0n,
  movedOut: 0n,
  carriedIn: 0n,
  carriedOut: 0n,
  returned: 0n,
  allocated: 0n,
  disbursed: 0n,
  transferredIn: 0n,
  transferredOut: 0n,
});

/**
 * The change one event makes to its line's counters, in cents. Mirrors evolveFundLine case by case
 * (a property test folds random histories both ways and compares).
 */
export function fundLineDelta(event: FundLineEvent): MeasureDelta {
  const a = toCents(event.data.amount);
  switch (event.type) {
    case 'PlanAssigned':
      return { assigned: a };
    case 'PlanAdjusted':
      return event.data.direction === 'increase' ? { increased: a } : { decreased: a };
    case 'FundsAllocated':
      return event.data.activityId ? { allocated: a } : {};
    case 'FundsMovedOut':
      return event.data.fromActivityId ? { movedOut: a, allocated: -a } : { movedOut: a };
    case 'FundsMovedIn':
      return event.data.toActivityId ? { movedIn: a, allocated: a } : { movedIn: a };
    case 'CarriedOver':
      return event.data.activityId ? { carriedOut: a, allocated: -a } : { carriedOut: a };
    case 'CarriedIn':
      return event.data.activityId ? { carriedIn: a, allocated: a } : { carriedIn: a };
    case 'FundsReturned':
      return event.data.activityId ? { returned: a, allocated: -a } : { returned: a };
    case 'Disbursed':
      return { disbursed: a };
    case 'DisbursementReversed':
      return { disbursed: -a };
    case 'BalanceOpened':
      return event.data.activityId ? { carriedIn: a, allocated: a } : { carriedIn: a };
    case 'FundsTransferredOut':
      return event.data.activityId ? { transferredOut: a, allocated: -a } : { transferredOut: a };
    case 'FundsTransferredIn':
      return event.data.activityId ? { transferredIn: a, allocated: a } : { transferredIn: a };
  }
}

/** The activity whose allocation or disbursement on the line the event changes, if any. */
export function activityOfFundLineEvent(event: FundLineEvent): string | undefined {
  switch (event.type) {
    case 'FundsMovedOut':
      return event.data.fromActivityId || undefined;
    case 'FundsMovedIn':
      return event.data.toActivityId || undefined;
    case 'PlanAssigned':
    case 'PlanAdjusted':
      return undefined;
    default:
      return event.data.activityId || undefined;
  }
}

export function addMeasures(m: Measures, d: MeasureDelta): Measures {
  return {
    assigned: d.assigned === undefined ? m.assigned : m.assigned + d.assigned,
    increased: d.increased === undefined ? m.increased : m.increased + d.increased,
    decreased: d.decreased === undefined ? m.decreased : m.decreased + d.decreased,
    movedIn: d.movedIn === undefined ? m.movedIn : m.movedIn + d.movedIn,
    movedOut: d.movedOut === undefined ? m.movedOut : m.movedOut + d.movedOut,
    carriedIn: d.carriedIn === undefined ? m.carriedIn : m.carriedIn + d.carriedIn,
    carriedOut: d.carriedOut === undefined ? m.carriedOut : m.carriedOut + d.carriedOut,
    returned: d.returned === undefined ? m.returned : m.returned + d.returned,
    allocated: d.allocated === undefined ? m.allocated : m.allocated + d.allocated,
    disbursed: d.disbursed === undefined ? m.disbursed : m.disbursed + d.disbursed,
    transferredIn: d.transferredIn === undefined ? m.transferredIn : m.transferredIn + d.transferredIn,
    transferredOut: d.transferredOut === undefined ? m.transferredOut : m.transferredOut + d.transferredOut,
  };
}

/** The document of one line (or of a sum of lines): its counters, how many events made them, and the last one. */
export interface FundLineBalance {
  readonly stream: string;
  readonly key: FundLineKey;
  readonly measures: Measures;
  readonly eventCount: number;
  readonly lastPosition: number;
}

/** `delta` may be passed when the caller already computed fundLineDelta(event). */
export function evolveFundLineBalance(
  doc: FundLineBalance | null,
  event: RecordedFundLineEvent,
  delta: MeasureDelta = fundLineDelta(event),
): FundLineBalance {
  return {
    stream: doc?.stream ?? event.stream,
    key: doc?.key ?? event.data.line,
    measures: addMeasures(doc?.measures ?? ZERO_MEASURES, delta),
    eventCount: (doc?.eventCount ?? 0) + 1,
    lastPosition: event.position,
  };
}

/** The figures users read, all exact decimal strings of đồng; rates are fractions with 6 places (0.172218 = 17.22%), null when the base is 0. */
export interface BalanceFigures {
  /** Giao kế hoạch: sum of PlanAssigned. */
  readonly assigned: string;
  readonly increased: string;
  readonly decreased: string;
  readonly movedIn: string;
  readonly movedOut: string;
  /** Kế hoạch vốn: assigned + increased − decreased + movedIn − movedOut. */
  readonly plan: string;
  /** Vốn chuyển nguồn sang (from earlier years). */
  readonly carriedIn: string;
  /** Chuyển nguồn đi (to the next year). */
  readonly carriedOut: string;
  /** Nộp trả / hủy dự toán. */
  readonly returned: string;
  /** Chuyển giao: received from a unit that ended (this line's unit is its successor). */
  readonly transferredIn: string;
  /** Chuyển giao: handed to a successor unit's line. */
  readonly transferredOut: string;
  /** Money the line can use: plan + carriedIn − carriedOut + transferredIn − transferredOut − returned. */
  readonly funds: string;
  /** Đã phân bổ chi tiết. */
  readonly allocated: string;
  /** Chưa phân bổ: funds − allocated. */
  readonly unallocated: string;
  /** Đã giải ngân, net of reversals. */
  readonly disbursed: string;
  /** Chưa giải ngân: funds − disbursed. */
  readonly available: string;
  /** Tỷ lệ giải ngân so với kế hoạch: disbursed / plan. */
  readonly disbursementRateOfPlan: string | null;
  /** disbursed / (plan + carriedIn + transferredIn): against all money the year received. */
  readonly disbursementRateOfFunds: string | null;
  /** disbursed / allocated. */
  readonly disbursementRateOfAllocation: string | null;
}

const BASE_STATE: FundLineState = initialFundLineState();

/**
 * The figures from exact counters: each counter's digits, and plan, funds, unallocated and available summed in cents
 * with the coefficients read off the ledger's own definitions (figuresByDefinition), once. The same answer as those
 * definitions in Decimal (balances.fold.spec.ts compares them), without a Decimal per counter: a page of a line's
 * history builds these for each of its entries.
 */
export function balanceFigures(m: Measures): BalanceFigures {
  const c = (coefficients ??= allCoefficients());
  const p = combine(m, c.plan);
  const overFunds = fundsWhole(p, m);
  const ofPlan = centsRate(m.disbursed, p);
  return {
    assigned: centsToMoney(m.assigned),
    increased: centsToMoney(m.increased),
    decreased: centsToMoney(m.decreased),
    movedIn: centsToMoney(m.movedIn),
    movedOut: centsToMoney(m.movedOut),
    plan: centsToMoney(p),
    carriedIn: centsToMoney(m.carriedIn),
    carriedOut: centsToMoney(m.carriedOut),
    returned: centsToMoney(m.returned),
    transferredIn: centsToMoney(m.transferredIn),
    transferredOut: centsToMoney(m.transferredOut),
    funds: centsToMoney(combine(m, c.funds)),
    allocated: centsToMoney(m.allocated),
    unallocated: centsToMoney(combine(m, c.unallocated)),
    disbursed: centsToMoney(m.disbursed),
    available: centsToMoney(combine(m, c.available)),
    disbursementRateOfPlan: ofPlan,
    // The same rate as of the plan while nothing was carried or transferred in (most lines).
    disbursementRateOfFunds: overFunds === p ? ofPlan : centsRate(m.disbursed, overFunds),
    disbursementRateOfAllocation: centsRate(m.disbursed, m.allocated),
  };
}

/** What the disbursement rate of funds is over: the plan, the money carried in and the money transferred in (not the funds figure). */
function fundsWhole(plan: Cents, m: Measures): Cents {
  let whole = plan;
  if (m.carriedIn !== 0n) whole += m.carriedIn;
  if (m.transferredIn !== 0n) whole += m.transferredIn;
  return whole;
}

/** A figure's text: the one before when its value has not moved. */
const moneyUnlessSame = (now: Cents, was: Cents, text: string): string => (now === was ? text : centsToMoney(now));

/** A rate's text: the one before when neither its part nor its whole has moved. */
const rateUnlessSame = (part: Cents, partWas: Cents, whole: Cents, wholeWas: Cents, text: string | null): string | null =>
  part === partWas && whole === wholeWas ? text : centsRate(part, whole);

/**
 * balanceFigures for balances that follow one another, each the one before plus an entry's change (a page of a line's
 * history, 24 figures an entry): a figure whose value is the one before keeps its text, and an entry that moves one
 * counter writes only the figures it moves. The same figures as balanceFigures, for any balances in any order.
 */
export function runningFigures(): (m: Measures) => BalanceFigures {
  let before: { readonly m: Measures; readonly derived: Derived; readonly f: BalanceFigures } | null = null;
  return (m) => {
    const c = (coefficients ??= allCoefficients());
    const d: Derived = {
      plan: combine(m, c.plan),
      funds: combine(m, c.funds),
      unallocated: combine(m, c.unallocated),
      available: combine(m, c.available),
    };
    const b = before;
    if (b === null) {
      before = { m, derived: d, f: balanceFigures(m) };
      return before.f;
    }
    const p = b.m;
    const ofPlan = rateUnlessSame(m.disbursed, p.disbursed, d.plan, b.derived.plan, b.f.disbursementRateOfPlan);
    const overFunds = fundsWhole(d.plan, m);
    const f: BalanceFigures = {
      assigned: moneyUnlessSame(m.assigned, p.assigned, b.f.assigned),
      increased: moneyUnlessSame(m.increased, p.increased, b.f.increased),
      decreased: moneyUnlessSame(m.decreased, p.decreased, b.f.decreased),
      movedIn: moneyUnlessSame(m.movedIn, p.movedIn, b.f.movedIn),
      movedOut: moneyUnlessSame(m.movedOut, p.movedOut, b.f.movedOut),
      plan: moneyUnlessSame(d.plan, b.derived.plan, b.f.plan),
      carriedIn: moneyUnlessSame(m.carriedIn, p.carriedIn, b.f.carriedIn),
      carriedOut: moneyUnlessSame(m.carriedOut, p.carriedOut, b.f.carriedOut),
      returned: moneyUnlessSame(m.returned, p.returned, b.f.returned),
      transferredIn: moneyUnlessSame(m.transferredIn, p.transferredIn, b.f.transferredIn),
      transferredOut: moneyUnlessSame(m.transferredOut, p.transferredOut, b.f.transferredOut),
      funds: moneyUnlessSame(d.funds, b.derived.funds, b.f.funds),
      allocated: moneyUnlessSame(m.allocated, p.allocated, b.f.allocated),
      unallocated: moneyUnlessSame(d.unallocated, b.derived.unallocated, b.f.unallocated),
      disbursed: moneyUnlessSame(m.disbursed, p.disbursed, b.f.disbursed),
      available: moneyUnlessSame(d.available, b.derived.available, b.f.available),
      disbursementRateOfPlan: ofPlan,
      disbursementRateOfFunds:
        overFunds === d.plan ? ofPlan : rateUnlessSame(m.disbursed, p.disbursed, overFunds, fundsWhole(b.derived.plan, p), b.f.disbursementRateOfFunds),
      disbursementRateOfAllocation: rateUnlessSame(m.disbursed, p.disbursed, m.allocated, p.allocated, b.f.disbursementRateOfAllocation),
    };
    before = { m, derived: d, f };
    return f;
  };
}

type Derived = Readonly<Record<'plan' | 'funds' | 'unallocated' | 'available', Cents>>;

const allCoefficients = () => ({
  plan: coefficientsOf('plan'),
  funds: coefficientsOf('funds'),
  unallocated: coefficientsOf('unallocated'),
  available: coefficientsOf('available'),
});

/** A figure's counters, added and taken away. */
interface Coefficients {
  readonly plus: readonly Measure[];
  readonly minus: readonly Measure[];
}
let coefficients: Readonly<Record<'plan' | 'funds' | 'unallocated' | 'available', Coefficients>> | undefined;

function coefficientsOf(figure: 'plan' | 'funds' | 'unallocated' | 'available'): Coefficients {
  const c = Object.entries(figureCoefficients(figure)) as Array<[Measure, 1 | -1]>;
  return { plus: c.filter(([, v]) => v === 1).map(([k]) => k), minus: c.filter(([, v]) => v === -1).map(([k]) => k) };
}

/**
 * A figure from the counters. Most of a line's counters are nought, and each BigInt operation makes a new BigInt: the
 * nought ones are skipped (a page of a line's history combines four figures for each of its entries).
 */
function combine(m: Measures, c: Coefficients): Cents {
  let total = 0n;
  for (const k of c.plus) if (m[k] !== 0n) total += m[k];
  for (const k of c.minus) if (m[k] !== 0n) total -= m[k];
  return total;
}

const MILLION = 1_000_000n;
/** Beyond these, money.ts's rate answers (see centsRate). */
const RATE_WHOLE_LIMIT = 10n ** 30n;
const RATE_LIMIT = 1_000n * MILLION;

/**
 * money.ts's rate on cents: part / whole to 6 places, half away from zero (ROUND_HALF_UP); null over a zero whole.
 * Exact, and equal to rate's answer: rate divides to 40 significant digits before rounding to 6 places, which can
 * differ from one exact rounding only for a quotient of 1 000 or more, or a whole of 10^30 cents or more. Those
 * (no real line has them) are left to rate itself.
 */
export function centsRate(part: Cents, whole: Cents): string | null {
  if (whole === 0n) return null;
  const negative = part < 0n !== whole < 0n && part !== 0n;
  const p = (part < 0n ? -part : part) * MILLION;
  const w = whole < 0n ? -whole : whole;
  let q = p / w;
  if (w >= RATE_WHOLE_LIMIT || q >= RATE_LIMIT) return rate(centsToMoney(part), centsToMoney(whole));
  if ((p % w) * 2n >= w) q += 1n;
  const digits = q.toString().padStart(7, '0');
  const text = `${digits.slice(0, -6)}.${digits.slice(-6)}`;
  return negative && q !== 0n ? `-${text}` : text;
}

/** The figures from exact counters with the ledger's own definitions (fund-line.state.ts), in Decimal. */
export function figuresByDefinition(m: Measures): BalanceFigures {
  const s: FundLineState = {
    ...BASE_STATE,
    assigned: centsToDecimal(m.assigned),
    increased: centsToDecimal(m.increased),
    decreased: centsToDecimal(m.decreased),
    movedIn: centsToDecimal(m.movedIn),
    movedOut: centsToDecimal(m.movedOut),
    carriedIn: centsToDecimal(m.carriedIn),
    carriedOut: centsToDecimal(m.carriedOut),
    returned: centsToDecimal(m.returned),
    allocated: centsToDecimal(m.allocated),
    disbursed: centsToDecimal(m.disbursed),
    transferredIn: centsToDecimal(m.transferredIn),
    transferredOut: centsToDecimal(m.transferredOut),
  };
  const p = plan(s);
  return {
    assigned: toMoney(s.assigned),
    increased: toMoney(s.increased),
    decreased: toMoney(s.decreased),
    movedIn: toMoney(s.movedIn),
    movedOut: toMoney(s.movedOut),
    plan: toMoney(p),
    carriedIn: toMoney(s.carriedIn),
    carriedOut: toMoney(s.carriedOut),
    returned: toMoney(s.returned),
    transferredIn: toMoney(s.transferredIn),
    transferredOut: toMoney(s.transferredOut),
    funds: toMoney(funds(s)),
    allocated: toMoney(s.allocated),
    unallocated: toMoney(unallocated(s)),
    disbursed: toMoney(s.disbursed),
    available: toMoney(available(s)),
    disbursementRateOfPlan: rate(s.disbursed, p),
    disbursementRateOfFunds: rate(s.disbursed, p.plus(s.carriedIn).plus(s.transferredIn)),
    disbursementRateOfAllocation: rate(s.disbursed, s.allocated),
  };
}

/**
 * How a figure moves with each counter (+1, −1, or absent for 0), read off figuresByDefinition so that the one
 * definition of plan, funds, unallocated and available serves sums computed in SQL too.
 */
export function figureCoefficients(figure: 'plan' | 'funds' | 'unallocated' | 'available'): Partial<Record<Measure, 1 | -1>> {
  const out: Partial<Record<Measure, 1 | -1>> = {};
  for (const m of MEASURES) {
    const v = figuresByDefinition(addMeasures(ZERO_MEASURES, { [m]: 100n }))[figure];
    if (v === '1') out[m] = 1;
    else if (v === '-1') out[m] = -1;
    else if (v !== '0') throw new Error(`${figure} moves by ${v} with one đồng of ${m}`);
  }
  return out;
}
