import type { ActivityInfo, ActivityProgress, ProgressTotals } from '../../projections/activity-progress';
import { MEASURES, Measure, MeasureDelta, Measures } from '../../projections/fund-line-balance';

/** Reads an INTEGER column that must come back exact: a BigInt from a safeIntegers statement (a number is accepted for small values). */
function big(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (v === null || v === undefined) return 0n;
  throw new TypeError(`expected an exact integer, got ${typeof v}`);
}

/** Measures from a row with the 10 measure columns (read with safeIntegers). */
export function measuresFromRow(row: Record<string, unknown>, prefix = ''): Measures {
  return {
    assigned: big(row[`${prefix}assigned`]),
    increased: big(row[`${prefix}increased`]),
    decreased: big(row[`${prefix}decreased`]),
    movedIn: big(row[`${prefix}moved_in`]),
    movedOut: big(row[`${prefix}moved_out`]),
    carriedIn: big(row[`${prefix}carried_in`]),
    carriedOut: big(row[`${prefix}carried_out`]),
    returned: big(row[`${prefix}returned`]),
    allocated: big(row[`${prefix}allocated`]),
    disbursed: big(row[`${prefix}disbursed`]),
  };
}

const COLUMNS = ['assigned', 'increased', 'decreased', 'moved_in', 'moved_out', 'carried_in', 'carried_out', 'returned', 'allocated', 'disbursed'];

/**
 * SQL select list of the 10 measures, aliased to their column names: sums of a balance table's columns,
 * or (deltas) sums of the entries' (m1, d1, m2, d2) pairs.
 */
export function sumMeasuresSql(alias: string, deltas: boolean): string {
  const p = alias ? `${alias}.` : '';
  return COLUMNS.map((c, i) =>
    deltas
      ? `sum(CASE ${p}m1 WHEN ${i} THEN ${p}d1 ELSE 0 END + CASE ${p}m2 WHEN ${i} THEN ${p}d2 ELSE 0 END) AS ${c}`
      : `sum(${p}${c}) AS ${c}`,
  ).join(', ');
}

/** An event's change as the entries' (m1, d1, m2, d2) columns. */
export function deltaColumns(delta: MeasureDelta): [number | null, bigint | null, number | null, bigint | null] {
  let m1: number | null = null;
  let d1: bigint | null = null;
  let m2: number | null = null;
  let d2: bigint | null = null;
  for (let i = 0; i < MEASURES.length; i++) {
    const v = delta[MEASURES[i]];
    if (v === undefined) continue;
    if (m1 === null) {
      m1 = i;
      d1 = v;
    } else if (m2 === null) {
      m2 = i;
      d2 = v;
    } else {
      throw new Error('an event changes at most two measures');
    }
  }
  return [m1, d1, m2, d2];
}

/** The change stored in an entries row. */
export function deltaFromRow(row: Record<string, unknown>): Partial<Record<Measure, bigint>> {
  const out: Partial<Record<Measure, bigint>> = {};
  if (row.m1 !== null && row.m1 !== undefined) out[MEASURES[Number(row.m1)]] = big(row.d1);
  if (row.m2 !== null && row.m2 !== undefined) out[MEASURES[Number(row.m2)]] = big(row.d2);
  return out;
}

export function progressTotalsFromRow(row: Record<string, unknown>): ProgressTotals {
  return {
    activities: Number(row.activities),
    byStatus: {
      registered: Number(row.n_registered),
      allocated: Number(row.n_allocated),
      disbursing: Number(row.n_disbursing),
      completed: Number(row.n_completed),
    },
    allocated: big(row.allocated),
    disbursed: big(row.disbursed),
    beneficiaries: JSON.parse(row.beneficiaries as string) as Record<string, number>,
    targets: JSON.parse(row.targets as string) as Record<string, string>,
    outputs: JSON.parse(row.outputs as string) as Record<string, string>,
  };
}

/** The activity document at rest, without its money (kept in the allocated, disbursed and last_position columns). */
export function serializeActivity(doc: ActivityProgress): string {
  return JSON.stringify(doc.info);
}

export function parseActivity(activityId: string, json: string, allocated: bigint, disbursed: bigint, lastPosition: number): ActivityProgress {
  return { activityId, info: JSON.parse(json) as ActivityInfo, allocated, disbursed, lastPosition };
}
