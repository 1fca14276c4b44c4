import { Measure, Measures, figureCoefficients } from '../balances/balances.fold';
import { dateToInt } from '../shared/context';

/**
 * Carried-over money still unspent after its deadline, as stored: for each line of carried money, the days asked
 * (asOf) on which the rule holds, as spans [from, to). The rule holds on a day when it is more than the grace days
 * after the line's deadline and the line's money available (funds − disbursed, events in force by that day, whenever
 * recorded) is above 0: a step function of the day, which changes only on the days the line has entries on
 * (line_days). The projector recomputes a line's spans when its entries or its deadline change; per area (the
 * country, a unit, a district, a province) and deadline it keeps how many lines the rule holds for from each day on
 * (red_flag_unspent_days), so a list's count is one seek per deadline.
 */

/** The open end of a span: the rule holds from its start on. */
export const OPEN_END = 99991231;

/** Money available on a line (funds − disbursed), by measure: what a carried line has left unspent. */
export const AVAILABLE = Object.entries(figureCoefficients('available')) as Array<[Measure, 1 | -1]>;

export const unspentOf = (m: Measures): bigint => AVAILABLE.reduce((sum, [k, sign]) => (sign === 1 ? sum + m[k] : sum - m[k]), 0n);

/** A day (yyyymmdd) plus some days. */
export function addDays(day: number, days: number): number {
  return dateToInt(new Date(Date.UTC(Math.floor(day / 10000), Math.floor(day / 100) % 100 - 1, day % 100) + days * 86_400_000).toISOString().slice(0, 10));
}

/** The first day the rule can hold for a line with this deadline (yyyymmdd): more than `graceDays` days after it. */
export function firstFlaggedDay(deadline: number, graceDays: number): number {
  return addDays(deadline, graceDays + 1);
}

export interface Span {
  readonly from: number;
  readonly to: number;
}

/**
 * The spans of days on or after `start` on which a line's money available is above 0. `days`: the line's day rows
 * (effective date, money available by then) in rising order, from its last one on or before `start` (if any) on.
 */
export function unspentSpans(start: number, days: readonly { readonly eff: number; readonly unspent: bigint }[]): Span[] {
  const out: Span[] = [];
  let open: number | null = null;
  for (let i = 0; i < days.length; i++) {
    const next = i + 1 < days.length ? days[i + 1].eff : OPEN_END;
    if (next <= start) continue;
    const from = Math.max(days[i].eff, start);
    if (days[i].unspent > 0n) {
      if (open === null) open = from;
    } else if (open !== null) {
      out.push({ from: open, to: from });
      open = null;
    }
  }
  if (open !== null) out.push({ from: open, to: OPEN_END });
  return out;
}

/**
 * A step function's rows (day, value from that day on) rewritten with changes (day → how much the value moves from
 * that day on). `rows`: the rows from the last one before the first change (if any) on, in rising order; the value
 * before them is 0 unless the first row precedes every change. Returns the rows to write (value changed or new) and
 * the days to delete: a row is kept only where the value differs from the day before, so the rows are the same
 * whatever batches brought the changes.
 */
export function restep(
  rows: readonly { readonly day: number; readonly value: number }[],
  changes: ReadonlyMap<number, number>,
): { readonly put: Array<{ day: number; value: number }>; readonly drop: number[] } {
  const put: Array<{ day: number; value: number }> = [];
  const drop: number[] = [];
  const changed = [...changes.keys()].sort((a, b) => a - b);
  if (changed.length === 0) return { put, drop };
  let i = 0;
  let before = 0;
  let was = 0;
  if (rows.length > 0 && rows[0].day < changed[0]) {
    before = rows[0].value;
    was = rows[0].value;
    i = 1;
  }
  let plus = 0;
  let j = 0;
  while (i < rows.length || j < changed.length) {
    const rowDay = i < rows.length ? rows[i].day : Number.POSITIVE_INFINITY;
    const day = Math.min(rowDay, j < changed.length ? changed[j] : Number.POSITIVE_INFINITY);
    const existed = rowDay === day;
    const old = existed ? rows[i].value : was;
    if (existed) {
      was = rows[i].value;
      i += 1;
    }
    if (j < changed.length && changed[j] === day) {
      plus += changes.get(day) as number;
      j += 1;
    }
    const value = old + plus;
    if (value === before) {
      if (existed) drop.push(day);
    } else if (!existed || value !== old) {
      put.push({ day, value });
    }
    before = value;
  }
  return { put, drop };
}
