import { MEASURES, Measure, MeasureDelta } from '../balances/balances.fold';
import { MEASURE_COLUMNS } from '../balances/balances.tables';
import { TableSpec, Tables } from '../read-model';
import { PROVENANCE_COLUMNS, decisionIndex } from '../shared/provenance';
import { CENTS, centsParam } from '../shared/cents';
import { Row, big } from '../shared/sql';

/** A table of late entries read by `by` (its first column), then by lag: their day, recording time and change. */
function lateTable(by: string, owner: readonly string[]): TableSpec {
  return {
    columns: `(
  ${owner.join(',\n  ')},
  lag      INTEGER NOT NULL,
  position INTEGER NOT NULL,
  eff      INTEGER NOT NULL,
  rec      INTEGER NOT NULL,
  m1 INTEGER,
  d1 ${CENTS},
  m2 INTEGER,
  d2 ${CENTS},
  PRIMARY KEY (${by}, lag, position)
) WITHOUT ROWID`,
    key: `${by}, lag, position`,
  };
}

/**
 * Every fund-line event with what it changed, when it took effect (eff, yyyymmdd) and when it was recorded (rec,
 * ms): the history of each line, and what the balances as of a date and as known at a time are summed from.
 * An event moves one or two counters (a move out of an activity: movedOut and allocated), kept as at most two
 * (measure, amount) pairs m1/d1, m2/d2; measure codes are indexes into MEASURES.
 */
export const HISTORY_TABLES = new Tables(
  {
    entries: {
      columns: `(
  position     INTEGER PRIMARY KEY,
  line_id      INTEGER NOT NULL,
  eff          INTEGER NOT NULL,
  rec          INTEGER NOT NULL,
  recorded_at  TEXT NOT NULL,
  type         TEXT NOT NULL,
  amount       ${CENTS} NOT NULL,
  activity_id  TEXT,
  reference    TEXT,
  counterpart  TEXT,
  details      TEXT,${PROVENANCE_COLUMNS},
  m1 INTEGER,
  d1 ${CENTS},
  m2 INTEGER,
  d2 ${CENTS}
)`,
      key: 'position',
    },
    // Every MARK_EVERY-th entry of a line, with the line's counters after it: a page of a long history starts from the
    // mark before it and reads at most MARK_EVERY - 1 entries' changes, never the whole line before it. With the range of
    // effective dates and recording times (ms) of the entries since the mark before: a page bounded by a date and a time
    // counts the entries in force before it mark by mark (all of them, none, or only then those of the mark's entries).
    // And the latest date and time of all the line's entries up to the mark (run_max_*, rising with seq): the marks whose
    // entries are all in force by a date and known at a time are the line's first ones, found by one seek, not read.
    history_marks: {
      columns: `(
  line_id   INTEGER NOT NULL,
  seq       INTEGER NOT NULL,
  position  INTEGER NOT NULL,
  min_eff   INTEGER NOT NULL,
  max_eff   INTEGER NOT NULL,
  min_rec   INTEGER NOT NULL,
  max_rec   INTEGER NOT NULL,
  run_max_eff INTEGER NOT NULL,
  run_max_rec INTEGER NOT NULL,
  ${MEASURE_COLUMNS.map((c) => `${c} ${CENTS} NOT NULL`).join(',\n  ')},
  PRIMARY KEY (line_id, seq)
) WITHOUT ROWID`,
      key: 'line_id, seq',
    },
    // Each line's counters summed over its entries in force by each effective date it has entries on (cumulative:
    // the row of a day holds every entry effective on or before it, whenever recorded), and their count. The balance
    // as of a date is one seek per line; an entry effective on a day moves that day's row and every later one.
    line_days: {
      columns: `(
  line_id  INTEGER NOT NULL,
  eff      INTEGER NOT NULL,
  entries  INTEGER NOT NULL,
  ${MEASURE_COLUMNS.map((c) => `${c} ${CENTS} NOT NULL`).join(',\n  ')},
  PRIMARY KEY (line_id, eff)
) WITHOUT ROWID`,
      key: 'line_id, eff',
    },
    // The entries recorded LATE_MS or more after the start of their effective day (lag = rec - that start, ms): the only
    // ones that can be in force by a date yet unknown at a time LATE_MS or more after it (see lateCorrectionApplies).
    late_entries: lateTable('line_id', ['line_id  INTEGER NOT NULL']),
    // The same cumulative day rows at a district's grain (the key of balance_district_year: programme, district, province,
    // budget year, origin year): every line of the key summed, with how many of them have an entry in force by the day
    // (a line counts from its first effective day on). A district's or a province's balances as of a date read one row
    // per key, not one per line.
    district_days: {
      columns: `(
  key      TEXT NOT NULL,
  eff      INTEGER NOT NULL,
  entries  INTEGER NOT NULL,
  lines    INTEGER NOT NULL,
  ${MEASURE_COLUMNS.map((c) => `${c} ${CENTS} NOT NULL`).join(',\n  ')},
  PRIMARY KEY (key, eff)
) WITHOUT ROWID`,
      key: 'key, eff',
    },
    // late_entries by the district grain's key: the late entries of a district's or a province's lines are read by key.
    district_late: lateTable('key', ['key      TEXT NOT NULL', 'line_id  INTEGER NOT NULL']),
  },
  [
    // Covering: a line's history, its balance up to a position, and its balance as of a date are read from the index alone.
    { table: 'entries', name: 'line', definition: '(line_id, position, eff, rec, m1, d1, m2, d2)' },
    decisionIndex('entries'),
    // A line's entries in effective order, covering their changes: a page in that order is a seek from the line_days row
    // of the day it starts on, and the entries of that day before it are summed from the index alone.
    { table: 'entries', name: 'line_eff', definition: '(line_id, eff, position, m1, d1, m2, d2)' },
    // The day of a line where the k-th entry in effective order lies (entries is cumulative, so rising).
    { table: 'line_days', name: 'entries', definition: '(line_id, entries)' },
    // A line's late entries recorded after a time, covering their day and change: the ones unknown at that time, for a
    // line's balance and history pages as of a date as known at a time. It reads those recorded since the time; the
    // primary key would read every late entry of the line whose lag exceeds the bound.
    { table: 'late_entries', name: 'rec', definition: '(line_id, rec, eff, m1, d1, m2, d2)' },
    { table: 'entries', name: 'activity', definition: '(activity_id, position, eff, rec, m1, d1, m2, d2) WHERE activity_id IS NOT NULL' },
    // The reversals of a unit's lines (the red flag of units whose reversal rate stands out): a few in a hundred entries.
    { table: 'entries', name: 'reversals', definition: "(line_id, position) WHERE type = 'DisbursementReversed'" },
  ],
);

/** The roll-up grain whose keys the district day rows (district_days, district_late) are kept by. */
export const DISTRICT_DAY_GRAIN = 'balance_district_year';

/** How late an entry must be recorded after the start of its effective day (UTC) to be kept in late_entries: 7 days. */
export const LATE_MS = 7 * 86_400_000;

/** The start of an effective date (yyyymmdd) in ms, UTC: what an entry's lag is counted from. */
export function dayStartMs(eff: number): number {
  return Date.UTC(Math.floor(eff / 10000), Math.floor(eff / 100) % 100 - 1, eff % 100);
}

/**
 * Whether the entries in force by effective date `eff` but recorded after `rec` are all in late_entries: each such
 * entry was recorded after rec, so its lag exceeds rec - dayStartMs(eff) (its own day starts no later than eff's),
 * which is at least LATE_MS. Then the balance as of eff known at rec is the line_days row at eff less those entries.
 */
export function lateCorrectionApplies(eff: number, rec: number): boolean {
  return rec - dayStartMs(eff) >= LATE_MS;
}

/** A line's history keeps a mark (its counters after the entry) every this many entries. */
export const MARK_EVERY = 256;

/** An event's change as the entries' (m1, d1, m2, d2) columns. */
export function deltaColumns(delta: MeasureDelta): [number | null, bigint | string | null, number | null, bigint | string | null] {
  let m1: number | null = null;
  let d1: bigint | string | null = null;
  let m2: number | null = null;
  let d2: bigint | string | null = null;
  for (let i = 0; i < MEASURES.length; i++) {
    const v = delta[MEASURES[i]];
    if (v === undefined) continue;
    if (m1 === null) {
      m1 = i;
      d1 = centsParam(v);
    } else if (m2 === null) {
      m2 = i;
      d2 = centsParam(v);
    } else {
      throw new Error('an event changes at most two measures');
    }
  }
  return [m1, d1, m2, d2];
}

/** The change stored in an entries row. */
export function deltaFromRow(row: Row): Partial<Record<Measure, bigint>> {
  const out: Partial<Record<Measure, bigint>> = {};
  if (row.m1 !== null && row.m1 !== undefined) out[MEASURES[Number(row.m1)]] = big(row.d1);
  if (row.m2 !== null && row.m2 !== undefined) out[MEASURES[Number(row.m2)]] = big(row.d2);
  return out;
}

/**
 * SQL select list of the measures summed from entries' (m1, d1, m2, d2) pairs, aliased to the measure column names
 * (0 when no entry counts). Filtered aggregates, not a CASE per measure and pair: 1.6 × faster on a province's
 * entries (the bitemporal balances).
 */
export function sumDeltasSql(alias = ''): string {
  const p = alias ? `${alias}.` : '';
  // Two sums added by cents_add, never `+` in SQL: cents stored as text would be added as REALs.
  return MEASURE_COLUMNS.map((c, i) => `cents_add(sum(${p}d1) FILTER (WHERE ${p}m1 = ${i}), sum(${p}d2) FILTER (WHERE ${p}m2 = ${i})) AS ${c}`).join(', ');
}
