import { BALANCE_TABLES, MEASURE_COLUMNS, keyFromRow, keyWithPlaces, measuresFromRow } from '../balances/balances.tables';
import { MEASURES, Measure, Measures, ZERO_MEASURES, addMeasures, balanceFigures, runningFigures } from '../balances/balances.fold';
import { BalancePage, BalanceQueries, BalancesAsOf, BalancesQuery, GroupDimension, byOrigin, foldGroups, groupColumns, lineBalance } from '../balances/balances.queries';
import { fundLineLabel } from '../../src/fund-line/fund-line.key';
import { dimensionColumn } from '../../src/fund-line/fund-line.dimensions';
import { type QueryHost, type ReadTx, tablesIn } from '../read-model';
import { centsToMoney } from '../shared/cents';
import { intToDate } from '../shared/context';
import { basisOf, recordedBy } from '../shared/provenance';
import { Placed, ReadScope, TreeFilters } from '../shared/filters';
import { NotInReadModel, OutsideScope, Paging, Slice, TimeSlice, checkReached, pagingOf, sliceOf, sqlLimit } from '../shared/query';
import { Row, Where, big, num, str } from '../shared/sql';
import { runningMeasures } from './history.fold';
import { DISTRICT_DAY_GRAIN, HISTORY_TABLES, MARK_EVERY, dayStartMs, deltaFromRow, lateCorrectionApplies, sumDeltasSql } from './history.tables';

/** A change as decimal strings, by measure. */
export function changeOf(delta: Partial<Record<string, bigint>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(delta)) out[k] = centsToMoney(v as bigint);
  return out;
}

/**
 * Sổ chi tiết dòng vốn: one line's events with the running balance after each; and the balances as of a date
 * and as known at a time, summed from the entries (bitemporal: effective date and recording time).
 */
export class HistoryQueries implements BalancesAsOf {
  private readonly filters: TreeFilters;

  constructor(
    private readonly host: QueryHost,
    private readonly balances: BalanceQueries,
  ) {
    this.filters = new TreeFilters(host.catalogue);
  }

  /**
   * One page of a line's history. In log order, with no date bounds (at most a position), a page is an index seek
   * however long the line: it starts from the line's mark before it (its counters every MARK_EVERY entries) and
   * reads at most MARK_EVERY - 1 entries' changes to reach its first entry. Bounded by an effective date or a
   * recording time, or in effective order, the counts and sums are read from the covering index of the line's entries.
   */
  history(stream: string, q: TimeSlice & Paging & { readonly order?: 'recorded' | 'effective'; readonly scope?: ReadScope }) {
    const { page, pageSize, offset } = pagingOf(q);
    const slice = sliceOf(q);
    const order = q.order ?? 'recorded';
    return this.host.reader.read((tx, position) => {
      checkReached(slice, position);
      const t = tablesIn(tx.schema, BALANCE_TABLES, HISTORY_TABLES);
      const line = tx.stmt(`SELECT * FROM ${t.lines} WHERE stream = ?`).get(stream) as Row | undefined;
      if (!line) throw new NotInReadModel(`no fund line ${stream} in the read model (check the stream name, or pass minPosition to wait for a recent command)`);
      if (!this.filters.visible(q.scope, line as Row & Placed)) {
        throw new OutsideScope(`fund line ${fundLineLabel(keyFromRow(line))} is of unit ${str(line.unit)}: reading it needs the read right for a scope covering that unit`);
      }
      const byPosition = order === 'recorded' && (slice === null || (slice.asOf === null && slice.knownAt === null));
      const w = byPosition ? recordedWindow(tx, t, line, slice?.pos ?? null, offset, pageSize) : filteredWindow(tx, t, line, slice, order, offset, pageSize);
      const figures = runningFigures();
      const deltas = w.rows.map(deltaFromRow);
      const after = runningMeasures(deltas, w.start);
      return {
        stream,
        label: fundLineLabel(keyFromRow(line)),
        line: keyWithPlaces(line),
        asOf: slice?.asOf ?? null,
        knownAt: slice?.knownAt ?? null,
        upToPosition: slice?.upToPosition ?? null,
        order,
        page,
        pageSize,
        totalEntries: w.total,
        balance: balanceFigures(w.balance),
        entries: w.rows.map((r, i) => ({
          position: num(r.position),
          type: str(r.type),
          effectiveDate: intToDate(num(r.eff)),
          recordedAt: str(r.recorded_at),
          recordedBy: recordedBy(r),
          command: str(r.command),
          basis: basisOf(r),
          amount: centsToMoney(big(r.amount)),
          ...(r.activity_id ? { activityId: str(r.activity_id) } : {}),
          ...(r.reference ? { reference: str(r.reference) } : {}),
          ...(r.counterpart ? { counterpart: str(r.counterpart) } : {}),
          ...(r.details ? { details: JSON.parse(str(r.details)) as Record<string, string> } : {}),
          change: changeOf(deltas[i]),
          balanceAfter: figures(after[i]),
        })),
      };
    });
  }

  /**
   * Sums of the entries in force by the slice's effective date, recorded by its time and at or before its position, per
   * line or per group. From each line's day row at the date (line_days) less its late entries not yet recorded at the
   * time, when those are all the entries it must leave out (no position bound, and a time LATE_MS or more after the
   * date: see lateCorrectionApplies); else summed over the entries.
   */
  balancesAsOf(tx: ReadTx, q: BalancesQuery, groupBy: GroupDimension[] | null, slice: Slice, offset: number, pageSize: number): BalancePage {
    const t = tablesIn(tx.schema, BALANCE_TABLES, HISTORY_TABLES);
    const cols = groupBy === null ? ['stream', 'line_id'] : groupBy.flatMap(groupColumns);
    const byDistrict = fromDays(slice) && this.balances.grainAnswers(DISTRICT_DAY_GRAIN, q, groupBy);
    const rows = byDistrict
      ? this.groupsFromDistrictDays(tx, t, this.balances.where(q, 'k'), cols, slice)
      : fromDays(slice)
        ? this.groupsFromDays(tx, t, this.balances.where(q, 'l'), cols, slice)
        : this.groupsFromEntries(tx, t, this.balances.where(q, 'l'), cols, slice);
    const { all, totalRows, total, rows: grouped } = foldGroups(rows, cols, groupBy, offset, pageSize);
    if (groupBy !== null) return { totalRows, total, rows: grouped };
    const pageRows = all.slice(offset, offset + pageSize);
    const lineInfo = new Map<number, Row>();
    if (pageRows.length > 0) {
      const ids = pageRows.map((a) => num(a.first.line_id));
      for (const r of tx.stmt(`SELECT * FROM ${t.lines} WHERE line_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))`).all(JSON.stringify(ids)) as Row[]) {
        lineInfo.set(num(r.line_id), r);
      }
    }
    return {
      totalRows,
      total,
      rows: pageRows.map((a) => lineBalance(lineInfo.get(num(a.first.line_id)) as Row, a.lines, a.events, a.measures, byOrigin(a.origins))),
    };
  }
  /** Rows by group and origin year (the form foldGroups takes), summed over the entries in force and known. */
  private groupsFromEntries(tx: ReadTx, t: HistoryTables & Record<'lines', string>, w: Where, cols: readonly string[], slice: Slice): Row[] {
    const colList = cols.map((c) => `l.${c}`).join(', ');
    const conditions = [...w.sql, 'e.eff <= ?', 'e.rec <= ?', 'e.position <= ?'].join(' AND ');
    const originYear = dimensionColumn('originYear');
    return tx
      .stmt(
        `SELECT ${colList}, l.${originYear} AS origin, ${sumDeltasSql('e')}, count(*) AS events, count(DISTINCT e.line_id) AS lines
         FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id
         WHERE ${conditions} GROUP BY ${colList}, l.${originYear} ORDER BY ${colList}`,
      )
      .all(...w.params, slice.eff, slice.rec, slice.pos) as Row[];
  }

  /**
   * The same rows summed from each line's day row at the date (one seek per line), less the late entries not yet known
   * at the time: those few are read with their line's group, taken off its sums and count, and a line left with no
   * entry in force is not counted (nor a group left with none), as the sum over entries would not count them.
   */
  private groupsFromDays(tx: ReadTx, t: HistoryTables & Record<'lines', string>, w: Where, cols: readonly string[], slice: Slice): Row[] {
    const colList = cols.map((c) => `l.${c}`).join(', ');
    const originYear = dimensionColumn('originYear');
    const dayAtDate = `${t.line_days} d ON d.line_id = l.line_id AND d.eff = (SELECT max(eff) FROM ${t.line_days} x WHERE x.line_id = l.line_id AND x.eff <= ?)`;
    const where = w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : '';
    const rows = tx
      .stmt(
        `SELECT ${colList}, l.${originYear} AS origin, ${MEASURE_COLUMNS.map((c) => `sum(d.${c}) AS ${c}`).join(', ')}, sum(d.entries) AS events, count(*) AS lines
         FROM ${t.lines} l JOIN ${dayAtDate} ${where} GROUP BY ${colList}, l.${originYear} ORDER BY ${colList}`,
      )
      .all(slice.eff, ...w.params) as Row[];
    if (slice.rec === Number.MAX_SAFE_INTEGER) return rows;
    const late = tx
      .stmt(
        `SELECT ${colList}, l.${originYear} AS origin, le.line_id AS late_line, d.entries AS line_entries, le.m1, le.d1, le.m2, le.d2
         FROM ${t.lines} l JOIN ${t.late_entries} le ON le.line_id = l.line_id AND le.lag > ? AND le.eff <= ? AND le.rec > ? JOIN ${dayAtDate} ${where}`,
      )
      .all(slice.rec - dayStartMs(slice.eff), slice.eff, slice.rec, slice.eff, ...w.params) as Row[];
    return lessUnknown(rows, late, cols);
  }

  /**
   * The same rows summed from the day rows of the district grain's keys (balance_district_year: one seek per key, not
   * per line), less the late entries of those keys not yet known (district_late), as groupsFromDays takes them off.
   * For a question whose filters and groups that grain holds (grainAnswers).
   */
  private groupsFromDistrictDays(tx: ReadTx, t: HistoryTables & Record<'lines', string>, w: Where, cols: readonly string[], slice: Slice): Row[] {
    const colList = cols.map((c) => `k.${c}`).join(', ');
    const originYear = dimensionColumn('originYear');
    const keys = (BALANCE_TABLES.in(tx.schema) as Readonly<Record<string, string>>)[DISTRICT_DAY_GRAIN];
    const where = w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : '';
    const rows = tx
      .stmt(
        `SELECT ${colList}, k.${originYear} AS origin, ${MEASURE_COLUMNS.map((c) => `sum(d.${c}) AS ${c}`).join(', ')}, sum(d.entries) AS events, sum(d.lines) AS lines
         FROM ${keys} k JOIN ${t.district_days} d ON d.key = k.key AND d.eff = (SELECT max(eff) FROM ${t.district_days} x WHERE x.key = k.key AND x.eff <= ?)
         ${where} GROUP BY ${colList}, k.${originYear} ORDER BY ${colList}`,
      )
      .all(slice.eff, ...w.params) as Row[];
    if (slice.rec === Number.MAX_SAFE_INTEGER) return rows;
    const late = tx
      .stmt(
        `SELECT ${colList}, k.${originYear} AS origin, le.line_id AS late_line, d.entries AS line_entries, le.m1, le.d1, le.m2, le.d2
         FROM ${keys} k JOIN ${t.district_late} le ON le.key = k.key AND le.lag > ? AND le.eff <= ? AND le.rec > ?
         JOIN ${t.line_days} d ON d.line_id = le.line_id AND d.eff = (SELECT max(eff) FROM ${t.line_days} x WHERE x.line_id = le.line_id AND x.eff <= ?) ${where}`,
      )
      .all(slice.rec - dayStartMs(slice.eff), slice.eff, slice.rec, slice.eff, ...w.params) as Row[];
    return lessUnknown(rows, late, cols);
  }
}

/**
 * Rows by group and origin year less the late entries not yet known (each with its group's columns, its line and the
 * count of that line's entries in force): taken off their group's sums and count, and a line left with no entry in
 * force is not counted (nor a group left with none), as the sum over entries would not count them.
 */
function lessUnknown(rows: Row[], late: readonly Row[], cols: readonly string[]): Row[] {
  if (late.length === 0) return rows;
  const keyOf = (r: Row) => [...cols.map((c) => str(r[c])), str(r.origin)].join('\u0000');
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  const unknownOfLine = new Map<number, number>();
  for (const r of late) {
    const row = byKey.get(keyOf(r)) as Row;
    const m = subtractMeasures(measuresFromRow(row), deltaFromRow(r));
    MEASURES.forEach((k, i) => (row[MEASURE_COLUMNS[i]] = m[k]));
    row.events = num(row.events) - 1;
    const id = num(r.late_line);
    const unknown = (unknownOfLine.get(id) ?? 0) + 1;
    unknownOfLine.set(id, unknown);
    if (unknown === num(r.line_entries)) row.lines = num(row.lines) - 1;
  }
  return rows.filter((r) => num(r.events) > 0);
}

/** Whether the balances of a slice can be read from line_days (see HistoryQueries.balancesAsOf). */
function fromDays(slice: Slice | null): boolean {
  return slice === null || (slice.upToPosition === null && lateCorrectionApplies(slice.eff, slice.rec));
}


type HistoryTables = Readonly<Record<'lines' | 'entries' | 'history_marks' | 'line_days' | 'late_entries' | 'district_days' | 'district_late', string>>;

/** A page of a line's entries: the rows, the counters before the first, and the count and counters of all the entries asked for. */
interface HistoryWindow {
  readonly rows: readonly Row[];
  readonly start: Measures;
  readonly total: number;
  readonly balance: Measures;
}

/** The line's last mark at or before a sequence number (or a log position): its entry count, position and counters. */
function markBefore(tx: ReadTx, t: HistoryTables, lineId: unknown, by: 'seq' | 'position', bound: number): { seq: number; position: number; measures: Measures } {
  const mark = tx.stmt(`SELECT * FROM ${t.history_marks} WHERE line_id = ? AND ${by} <= ? ORDER BY seq DESC LIMIT 1`).get(lineId, bound) as Row | undefined;
  return mark ? { seq: num(mark.seq), position: num(mark.position), measures: measuresFromRow(mark) } : { seq: 0, position: 0, measures: ZERO_MEASURES };
}

/**
 * The position of a line's `n`th entry (from 1) after a position and at or before `upTo`, or undefined when it has
 * fewer. An index seek skipping n - 1 entries: bounding the entries read by this position, rather than by a bound
 * `LIMIT ?`, keeps the statements prepared (SQLite reads a bound LIMIT's value when it plans, so every call of such a
 * statement prepares it again: about a tenth of a reader thread's time on history pages).
 */
function nthAfter(tx: ReadTx, t: HistoryTables, lineId: unknown, after: number, upTo: number, n: number): number | undefined {
  const position = tx
    .stmt(`SELECT position FROM ${t.entries} WHERE line_id = ? AND position > ? AND position <= ? ORDER BY position LIMIT 1 OFFSET ?`)
    .pluck()
    .get(lineId, after, upTo, n - 1);
  return position === undefined ? undefined : num(position);
}

/**
 * The first `limit` entries of a line after a position and at or before `upTo`: how many, the position of the last (the
 * one given when none) and their changes summed, in one aggregate over the index seek (no row of them comes out).
 */
function changesAfter(tx: ReadTx, t: HistoryTables, lineId: unknown, after: number, upTo: number, limit: number): { count: number; last: number; sum: Measures } {
  if (limit <= 0) return { count: 0, last: after, sum: ZERO_MEASURES };
  const bound = nthAfter(tx, t, lineId, after, upTo, limit) ?? upTo;
  const r = tx
    .stmt(`SELECT count(*) AS entries, max(position) AS last, ${sumDeltasSql()} FROM ${t.entries} WHERE line_id = ? AND position > ? AND position <= ?`)
    .get(lineId, after, bound) as Row;
  const count = num(r.entries);
  return count === 0 ? { count, last: after, sum: ZERO_MEASURES } : { count, last: num(r.last), sum: measuresFromRow(r) };
}

/** Log order, every entry up to a position (null: all): index seeks from the marks, whatever the page. */
function recordedWindow(tx: ReadTx, t: HistoryTables, line: Row, upTo: number | null, offset: number, pageSize: number): HistoryWindow {
  const lineId = line.line_id;
  const pos = upTo ?? Number.MAX_SAFE_INTEGER;
  let total: number;
  let balance: Measures;
  if (upTo === null || upTo >= num(line.last_position)) {
    total = num(line.event_count);
    balance = measuresFromRow(line);
  } else {
    const mark = markBefore(tx, t, lineId, 'position', pos);
    const tail = changesAfter(tx, t, lineId, mark.position, pos, MARK_EVERY);
    total = mark.seq + tail.count;
    balance = addMeasures(mark.measures, tail.sum);
  }
  if (offset >= total) return { rows: [], start: balance, total, balance };
  const mark = markBefore(tx, t, lineId, 'seq', offset);
  let start = mark.measures;
  let after = mark.position;
  if (offset > mark.seq) {
    const skipped = changesAfter(tx, t, lineId, mark.position, pos, offset - mark.seq);
    start = addMeasures(start, skipped.sum);
    after = skipped.last;
  }
  const last = pageSize > 0 ? (nthAfter(tx, t, lineId, after, pos, pageSize) ?? pos) : after;
  const rows = tx.stmt(`SELECT * FROM ${t.entries} WHERE line_id = ? AND position > ? AND position <= ? ORDER BY position`).all(lineId, after, last) as Row[];
  return { rows, start, total, balance };
}

/**
 * Bounded by an effective date or a recording time, or in effective order. The count and the counters of the entries
 * asked for come from the line's day row at the date less its late entries not yet known (when fromDays), else they
 * are summed over the line's covering index. A page in effective order of every entry in force by a date (no recording
 * time) is a seek: the day row where it starts, then that day's entries in order. A page in log order starts where the
 * marks say (inForceBefore). Other pages are read from the index with the counters before them summed over it.
 */
function filteredWindow(tx: ReadTx, t: HistoryTables, line: Row, slice: Slice | null, order: 'recorded' | 'effective', offset: number, pageSize: number): HistoryWindow {
  const eff = slice?.eff ?? 99991231;
  const rec = slice?.rec ?? Number.MAX_SAFE_INTEGER;
  const where = 'line_id = ? AND eff <= ? AND rec <= ? AND position <= ?';
  const params = [line.line_id, eff, rec, slice?.pos ?? Number.MAX_SAFE_INTEGER];
  let total: number;
  let balance: Measures;
  if (fromDays(slice)) {
    ({ total, balance } = inForceFromDays(tx, t, line.line_id, eff, rec));
  } else {
    const all = tx.stmt(`SELECT count(*) AS entries, ${sumDeltasSql()} FROM ${t.entries} WHERE ${where}`).get(...params) as Row;
    total = num(all.entries);
    balance = total === 0 ? ZERO_MEASURES : measuresFromRow(all);
  }
  if (offset >= total) return { rows: [], start: balance, total, balance };
  if (order === 'recorded' && offset > 0) {
    // The page starts after the offset-th entry in force: found mark by mark, then read from the index from there.
    // The rows read in one statement: with no OFFSET to skip, the index seek fetches the page's rows alone.
    const before = inForceBefore(tx, t, line.line_id, eff, rec, slice?.pos ?? Number.MAX_SAFE_INTEGER, offset);
    const rows = tx.stmt(`SELECT * FROM ${t.entries} WHERE ${where} AND position > ? ORDER BY position LIMIT ${sqlLimit(pageSize)}`).all(...params, before.after) as Row[];
    return { rows, start: before.start, total, balance };
  }
  if (order === 'effective' && rec === Number.MAX_SAFE_INTEGER && fromDays(slice)) {
    // Every entry effective by the date is in force: the offset-th of them lies on the first day whose row counts more.
    const day = tx.stmt(`SELECT eff FROM ${t.line_days} WHERE line_id = ? AND entries > ? ORDER BY entries LIMIT 1`).get(line.line_id, offset) as Row;
    const before = tx.stmt(`SELECT * FROM ${t.line_days} WHERE line_id = ? AND eff < ? ORDER BY eff DESC LIMIT 1`).get(line.line_id, day.eff) as Row | undefined;
    const skip = offset - (before ? num(before.entries) : 0);
    // The day's first `skip` entries, summed up to the last of them (found by a seek: no bound LIMIT, see nthAfter).
    const lastSkipped = skip > 0 ? tx.stmt(`SELECT position FROM ${t.entries} WHERE line_id = ? AND eff = ? ORDER BY position LIMIT 1 OFFSET ?`).pluck().get(line.line_id, day.eff, skip - 1) : undefined;
    const skipped = lastSkipped === undefined ? ZERO_MEASURES : measuresFromRow(tx.stmt(`SELECT ${sumDeltasSql()} FROM ${t.entries} WHERE line_id = ? AND eff = ? AND position <= ?`).get(line.line_id, day.eff, lastSkipped) as Row);
    const positions = tx
      .stmt(`SELECT position FROM ${t.entries} WHERE line_id = ? AND eff >= ? AND eff <= ? ORDER BY eff, position LIMIT ${sqlLimit(pageSize)} OFFSET ?`)
      .pluck()
      .all(line.line_id, day.eff, eff, skip) as unknown[];
    return { rows: entriesAt(tx, t, positions, 'eff, position'), start: addMeasures(before ? measuresFromRow(before) : ZERO_MEASURES, skipped), total, balance };
  }
  const orderBy = order === 'effective' ? 'eff, position' : 'position';
  const positions = tx.stmt(`SELECT position FROM ${t.entries} WHERE ${where} ORDER BY ${orderBy} LIMIT ${sqlLimit(pageSize)} OFFSET ?`).pluck().all(...params, offset) as unknown[];
  const rows = entriesAt(tx, t, positions, orderBy);
  if (offset === 0) return { rows, start: ZERO_MEASURES, total, balance };
  const first = rows[0];
  const before = tx.stmt(`SELECT ${sumDeltasSql()} FROM ${t.entries} WHERE ${where} AND (eff < ? OR (eff = ? AND position < ?))`).get(...params, first.eff, first.eff, first.position);
  return { rows, start: measuresFromRow(before as Row), total, balance };
}

/**
 * Where a page in log order of the entries in force by `eff`, known at `rec` and at or before `pos` starts: after the
 * offset-th such entry (`after`, a position; 0: from the line's start), with the counters of the entries in force
 * before it. Mark by mark (history_marks, every MARK_EVERY entries): the entries since the mark before are all in
 * force (their latest date and time are within the bounds: the marks' counters give their sum), none (their earliest
 * are beyond), or else counted and summed from the index; then at most MARK_EVERY - 1 entries in force are skipped.
 * Reads the line's marks and the entries of the marks that straddle the bounds (those recorded between the date and
 * the time, and back-dated ones near them), not every entry before the page.
 */
function inForceBefore(tx: ReadTx, t: HistoryTables, lineId: unknown, eff: number, rec: number, pos: number, offset: number): { after: number; start: Measures } {
  const inForce = 'line_id = ? AND position > ? AND eff <= ? AND rec <= ? AND position <= ?';
  // The entries in force after a position and up to another: one upper bound on position, so that the index seek
  // stops there (with two, SQLite bounds the range by one of them, and could read on to the line's end).
  const inForceUpTo = tx.stmt(`SELECT count(*) AS entries, ${sumDeltasSql()} FROM ${t.entries} WHERE line_id = ? AND position > ? AND position <= ? AND eff <= ? AND rec <= ?`);
  const counted = (from: number, to: number) => inForceUpTo.get(lineId, from, Math.min(to, pos), eff, rec) as Row;
  const countersAt = (seq: number): Measures =>
    seq === 0 ? ZERO_MEASURES : measuresFromRow(tx.stmt(`SELECT * FROM ${t.history_marks} WHERE line_id = ? AND seq = ?`).get(lineId, seq) as Row);
  let count = 0;
  let start = ZERO_MEASURES;
  let after = 0;
  let seq = 0;
  // The line's first marks whose entries are all in force (their latest date and time, run_max_*, within the bounds):
  // one seek finds the last of them. A page starting among them starts from the mark before it; else the walk below
  // starts from the last of them.
  const prefix = tx
    .stmt(`SELECT * FROM ${t.history_marks} WHERE line_id = ? AND run_max_eff <= ? AND run_max_rec <= ? AND position <= ? ORDER BY seq DESC LIMIT 1`)
    .get(lineId, eff, rec, pos) as Row | undefined;
  const startsInPrefix = prefix !== undefined && offset < num(prefix.seq);
  if (prefix) {
    const mark = startsInPrefix ? markBefore(tx, t, lineId, 'seq', offset) : { seq: num(prefix.seq), position: num(prefix.position), measures: measuresFromRow(prefix) };
    count = seq = mark.seq;
    after = mark.position;
    start = mark.measures;
  }
  // A run of marks whose entries are all in force: its counters are the difference of the marks' at its ends, read once.
  let runFrom: number | null = null;
  const endRun = () => {
    if (runFrom !== null && runFrom !== seq) start = addMeasures(start, subtractMeasures(countersAt(seq), countersAt(runFrom)));
    runFrom = null;
  };
  const marks = startsInPrefix ? [] : (tx.stmt(`SELECT seq, position, min_eff, max_eff, min_rec, max_rec FROM ${t.history_marks} WHERE line_id = ? AND seq > ? ORDER BY seq`).all(lineId, seq) as Row[]);
  for (const m of marks) {
    if (after >= pos) break;
    const position = num(m.position);
    if (position <= pos && num(m.max_eff) <= eff && num(m.max_rec) <= rec) {
      const n = num(m.seq) - seq;
      if (count + n > offset) break;
      if (runFrom === null) runFrom = seq;
      count += n;
    } else {
      let n = 0;
      let sum = ZERO_MEASURES;
      if (num(m.min_eff) <= eff && num(m.min_rec) <= rec) {
        const r = counted(after, position);
        n = num(r.entries);
        if (n > 0) sum = measuresFromRow(r);
      }
      if (count + n > offset) break;
      endRun();
      count += n;
      start = addMeasures(start, sum);
    }
    after = position;
    seq = num(m.seq);
  }
  endRun();
  // The entries in force up to the offset-th: the position of the last found by a seek (a bound OFFSET, not a bound
  // LIMIT, which would prepare the statement again at every call), their changes summed over the index.
  if (count >= offset) return { after, start };
  const last = tx.stmt(`SELECT position FROM ${t.entries} WHERE ${inForce} ORDER BY position LIMIT 1 OFFSET ?`).pluck().get(lineId, after, eff, rec, pos, offset - count - 1);
  if (last === undefined) throw new Error(`fewer than ${offset} entries in force on line ${String(lineId)}: the count before the page is wrong`);
  const skipped = counted(after, num(last));
  return { after: num(last), start: addMeasures(start, measuresFromRow(skipped)) };
}

/**
 * The entries at these positions, in the order given. For a page found with an OFFSET: its positions are read from a
 * covering index first, since SQLite fetches the whole row of every entry an OFFSET skips.
 */
function entriesAt(tx: ReadTx, t: HistoryTables, positions: readonly unknown[], orderBy: string): Row[] {
  return tx.stmt(`SELECT * FROM ${t.entries} WHERE position IN (SELECT CAST(value AS BIGINT) FROM json_each(?)) ORDER BY ${orderBy}`).all(JSON.stringify(positions.map(num))) as Row[];
}

/** A line's entries in force by a date and known at a time: its day row at the date less its late entries recorded after the time. */
function inForceFromDays(tx: ReadTx, t: HistoryTables, lineId: unknown, eff: number, rec: number): { total: number; balance: Measures } {
  const day = tx.stmt(`SELECT * FROM ${t.line_days} WHERE line_id = ? AND eff <= ? ORDER BY eff DESC LIMIT 1`).get(lineId, eff) as Row | undefined;
  if (!day) return { total: 0, balance: ZERO_MEASURES };
  let total = num(day.entries);
  let balance = measuresFromRow(day);
  if (rec < Number.MAX_SAFE_INTEGER) {
    // The late entries in force by the date and recorded after the time (their lag exceeds rec - dayStartMs(eff) by
    // these two bounds alone), counted and summed from the index by recording time: it reads those recorded after the
    // time, where the primary key would read every late entry of the line whose lag exceeds that bound.
    const late = tx
      .stmt(`SELECT count(*) AS entries, ${sumDeltasSql()} FROM ${t.late_entries} WHERE line_id = ? AND rec > ? AND eff <= ?`)
      .get(lineId, rec, eff) as Row;
    const unknown = num(late.entries);
    if (unknown > 0) {
      total -= unknown;
      balance = subtractMeasures(balance, measuresFromRow(late));
    }
  }
  return { total, balance: total === 0 ? ZERO_MEASURES : balance };
}

function subtractMeasures(m: Measures, delta: Partial<Record<Measure, bigint>>): Measures {
  const out = { ...m } as Record<Measure, bigint>;
  for (const [k, v] of Object.entries(delta) as [Measure, bigint][]) out[k] -= v;
  return out as Measures;
}
