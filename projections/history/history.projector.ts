import type { SqlStatement } from '../shared/sql-database';
import type { RecordedEvent } from '../../events';
import type { BalancesProjector } from '../balances/balances.projector';
import type { Projector, ProjectorHost } from '../read-model';
import { centsParam } from '../shared/cents';
import { dateToInt } from '../shared/context';
import { PROVENANCE_COLUMN_NAMES, provenance } from '../shared/provenance';
import type { RecordedFundLineEvent } from '../shared/recorded';
import { WrittenKeys } from '../shared/doc-cache';
import { Row, RowWriter, big, num, placeholders } from '../shared/sql';
import { historyEntry } from './history.fold';
import { MEASURES, MeasureDelta } from '../balances/balances.fold';
import { MEASURE_COLUMNS } from '../balances/balances.tables';
import { DISTRICT_DAY_GRAIN, HISTORY_TABLES, LATE_MS, MARK_EVERY, dayStartMs, deltaColumns } from './history.tables';

/**
 * What a batch added to one effective day of a line or a district key: the entries, the lines that start counting
 * (district keys), and the change of the measures it moved, as (index in MEASURES, amount) pairs: a batch of a rebuild
 * holds hundreds of thousands of days, most moving one or two measures.
 */
interface DayChange {
  entries: number;
  lines: number;
  readonly change: Array<[number, bigint]>;
}

const newDay = (): DayChange => ({ entries: 0, lines: 0, change: [] });

/**
 * Rewrites cumulative day rows: `rows` are the stored rows from the last one before the first added day on (or all
 * of them), `days` what the batch added per day. Each row from the first added day on is written as it was plus what
 * the batch added on that day and before (a new day starts from the row before it).
 */
function cumulate(rows: readonly Row[], days: ReadonlyMap<number, DayChange>, write: (eff: number, entries: number, lines: number, measures: bigint[]) => void): void {
  const added = [...days.keys()].sort((a, b) => a - b);
  let i = 0;
  // The row as it was on the day before (or at) the one being written, and what the batch added up to it.
  let wasEntries = 0;
  let wasLines = 0;
  let was: bigint[] = MEASURES.map(() => 0n);
  const take = (r: Row) => {
    wasEntries = Number(r.entries);
    wasLines = r.lines === undefined ? 0 : Number(r.lines);
    was = MEASURE_COLUMNS.map((c) => big(r[c]));
  };
  if (rows.length > 0 && Number(rows[0].eff) < added[0]) {
    take(rows[0]);
    i = 1;
  }
  let plusEntries = 0;
  let plusLines = 0;
  const plus: bigint[] = MEASURES.map(() => 0n);
  let j = 0;
  while (i < rows.length || j < added.length) {
    const rowEff = i < rows.length ? Number(rows[i].eff) : Number.POSITIVE_INFINITY;
    const eff = Math.min(rowEff, j < added.length ? added[j] : Number.POSITIVE_INFINITY);
    if (rowEff === eff) {
      take(rows[i]);
      i += 1;
    }
    if (j < added.length && added[j] === eff) {
      const day = days.get(eff) as DayChange;
      plusEntries += day.entries;
      plusLines += day.lines;
      for (const [k, v] of day.change) plus[k] += v;
      j += 1;
    }
    write(eff, wasEntries + plusEntries, wasLines + plusLines, was.map((v, k) => v + plus[k]));
  }
}

function dayOf(days: Map<number, DayChange>, eff: number): DayChange {
  let day = days.get(eff);
  if (!day) {
    day = newDay();
    days.set(eff, day);
  }
  return day;
}

function addToDay(days: Map<number, DayChange>, eff: number, delta: MeasureDelta): void {
  const day = dayOf(days, eff);
  day.entries += 1;
  for (let i = 0; i < MEASURES.length; i++) {
    const v = delta[MEASURES[i]];
    if (v === undefined) continue;
    const held = day.change.find((c) => c[0] === i);
    if (held) held[1] += v;
    else day.change.push([i, v]);
  }
}

/** Writes each fund-line event as an entry of its line: the line and the change come from the balances, applied before. */
export class HistoryProjector implements Projector {
  /** Entries, many to a statement: read only for a mark (which writes those held back first) and after the batch. */
  private readonly insertEntry: RowWriter;
  private readonly insertMark: SqlStatement;
  private readonly lastMark: SqlStatement;
  private readonly markRange: SqlStatement;
  private readonly insertLate: SqlStatement;
  private readonly daysFrom: SqlStatement;
  /** Day rows, many to a statement: a flush writes each (line, day) once, and reads only the days of lines not yet written. */
  private readonly upsertDay: RowWriter;
  private readonly insertDistrictLate: SqlStatement;
  private readonly districtDaysFrom: SqlStatement;
  private readonly upsertDistrictDay: RowWriter;
  /** The days of each line the batch added entries on (and the line's district key), written to line_days at flush. */
  private readonly days = new Map<number, { key: string; days: Map<number, DayChange> }>();
  /** The same by district key, written to district_days at flush. */
  private readonly districtDays = new Map<string, Map<number, DayChange>>();
  /** The lines and district keys that have day rows (while the engine is the sole writer: the others have none). */
  private readonly linesWithDays: WrittenKeys<number>;
  private readonly districtsWithDays: WrittenKeys<string>;

  constructor(
    host: ProjectorHost,
    private readonly balances: BalancesProjector,
  ) {
    const t = HISTORY_TABLES.in(host.schema);
    this.linesWithDays = new WrittenKeys(host.sole);
    this.districtsWithDays = new WrittenKeys(host.sole);
    const columns = `position, line_id, eff, rec, recorded_at, type, amount, activity_id, reference, counterpart, details, ${PROVENANCE_COLUMN_NAMES}, m1, d1, m2, d2`;
    this.insertEntry = new RowWriter(host, `INSERT INTO ${t.entries} (${columns})`, columns.split(',').length);
    this.insertMark = host.db.prepare(
      `INSERT INTO ${t.history_marks} (line_id, seq, position, min_eff, max_eff, min_rec, max_rec, run_max_eff, run_max_rec, ${MEASURE_COLUMNS.join(', ')})
       VALUES (${placeholders(9 + MEASURES.length)})`,
    );
    // A line's last mark: where the range of the next starts, and the latest date and time of the entries up to it.
    this.lastMark = host.db.prepare(`SELECT position, run_max_eff, run_max_rec FROM ${t.history_marks} WHERE line_id = ? ORDER BY seq DESC LIMIT 1`);
    // The range of the effective dates and recording times of a line's entries after a position, up to another.
    this.markRange = host.db.prepare(`SELECT min(eff) AS min_eff, max(eff) AS max_eff, min(rec) AS min_rec, max(rec) AS max_rec FROM ${t.entries} WHERE line_id = ? AND position > ? AND position <= ?`);
    this.insertLate = host.db.prepare(`INSERT INTO ${t.late_entries} (line_id, lag, position, eff, rec, m1, d1, m2, d2) VALUES (${placeholders(9)})`);
    // The line's last day before a given one, and every day from it on.
    this.daysFrom = host.db
      .prepare(
        `SELECT * FROM ${t.line_days} WHERE line_id = ? AND eff >= coalesce((SELECT max(eff) FROM ${t.line_days} WHERE line_id = ? AND eff < ?), 0) ORDER BY eff`,
      )
      .safeIntegers(true);
    const dayColumns = ['line_id', 'eff', 'entries', ...MEASURE_COLUMNS];
    this.upsertDay = new RowWriter(
      host,
      `INSERT INTO ${t.line_days} (${dayColumns.join(', ')})`,
      dayColumns.length,
      `ON CONFLICT (line_id, eff) DO UPDATE SET entries = excluded.entries, ${MEASURE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    this.insertDistrictLate = host.db.prepare(
      `INSERT INTO ${t.district_late} (key, lag, position, line_id, eff, rec, m1, d1, m2, d2) VALUES (${placeholders(10)})`,
    );
    this.districtDaysFrom = host.db
      .prepare(`SELECT * FROM ${t.district_days} WHERE key = ? AND eff >= coalesce((SELECT max(eff) FROM ${t.district_days} WHERE key = ? AND eff < ?), 0) ORDER BY eff`)
      .safeIntegers(true);
    const districtColumns = ['key', 'eff', 'entries', 'lines', ...MEASURE_COLUMNS];
    this.upsertDistrictDay = new RowWriter(
      host,
      `INSERT INTO ${t.district_days} (${districtColumns.join(', ')})`,
      districtColumns.length,
      `ON CONFLICT (key, eff) DO UPDATE SET entries = excluded.entries, lines = excluded.lines, ${MEASURE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
  }

  apply(event: RecordedEvent): void {
    const e = event as RecordedFundLineEvent;
    const m = e.metadata;
    const entry = historyEntry(e, this.balances.deltaOf(e));
    const lineId = this.balances.lineIdOf(e);
    const eff = dateToInt(m.effectiveDate);
    const rec = Date.parse(m.recordedAt);
    const changes = deltaColumns(entry.delta);
    this.insertEntry.add(
      e.position,
      lineId,
      eff,
      rec,
      m.recordedAt,
      e.type,
      centsParam(entry.amount),
      entry.activityId ?? null,
      entry.reference ?? null,
      entry.counterpart ?? null,
      entry.details ? JSON.stringify(entry.details) : null,
      ...provenance(m),
      ...changes,
    );
    const key = this.balances.rollupKeyOf(e, DISTRICT_DAY_GRAIN);
    const lag = rec - dayStartMs(eff);
    if (lag >= LATE_MS) {
      this.insertLate.run(lineId, lag, e.position, eff, rec, ...changes);
      this.insertDistrictLate.run(key, lag, e.position, lineId, eff, rec, ...changes);
    }
    let line = this.days.get(lineId);
    if (!line) {
      line = { key, days: new Map() };
      this.days.set(lineId, line);
    }
    addToDay(line.days, eff, entry.delta);
    let district = this.districtDays.get(key);
    if (!district) {
      district = new Map();
      this.districtDays.set(key, district);
    }
    addToDay(district, eff, entry.delta);
    const eventCount = this.balances.lineEventCount(e);
    if (eventCount % MARK_EVERY === 0) {
      const m = this.balances.lineMeasures(e);
      // The range reads the line's entries since its last mark: those held back are written first.
      this.insertEntry.flush();
      const last = this.lastMark.get(lineId) as Row | undefined;
      const range = this.markRange.get(lineId, last ? last.position : 0, e.position) as Row;
      const runEff = Math.max(num(range.max_eff), last ? num(last.run_max_eff) : 0);
      const runRec = Math.max(num(range.max_rec), last ? num(last.run_max_rec) : 0);
      this.insertMark.run(lineId, eventCount, e.position, range.min_eff, range.max_eff, range.min_rec, range.max_rec, runEff, runRec, ...MEASURES.map((k) => centsParam(m[k])));
    }
  }

  /**
   * line_days: for each line the batch touched, from the first day it added entries on, every day row of the line
   * is rewritten as it was plus what the batch added on that day and before. district_days the same per district key,
   * where a line also counts from its first effective day on: a line's first entry, or one effective before its first
   * day, moves where it starts counting.
   */
  flush(): void {
    this.insertEntry.flush();
    for (const [lineId, { key, days }] of this.days) {
      const first = Math.min(...days.keys());
      const rows = this.linesWithDays.mayBeStored(lineId) ? (this.daysFrom.all(lineId, lineId, first) as Row[]) : [];
      this.linesWithDays.add(lineId);
      // rows start at the line's last day before `first`, or (none before) at its first day: the line started before
      // `first`, or starts counting at `first` now (and no longer at its old first day, if it had one).
      const was = rows.length > 0 ? Number(rows[0].eff) : null;
      if (was === null || was > first) {
        const district = this.districtDays.get(key) as Map<number, DayChange>;
        dayOf(district, first).lines += 1;
        if (was !== null) dayOf(district, was).lines -= 1;
      }
      cumulate(rows, days, (eff, entries, _lines, measures) => this.upsertDay.add(lineId, eff, entries, ...measures.map(centsParam)));
    }
    this.upsertDay.flush();
    for (const [key, days] of this.districtDays) {
      const rows = this.districtsWithDays.mayBeStored(key) ? (this.districtDaysFrom.all(key, key, Math.min(...days.keys())) as Row[]) : [];
      this.districtsWithDays.add(key);
      cumulate(rows, days, (eff, entries, lines, measures) => this.upsertDistrictDay.add(key, eff, entries, lines, ...measures.map(centsParam)));
    }
    this.upsertDistrictDay.flush();
    this.days.clear();
    this.districtDays.clear();
  }

  committed(): void {}

  reload(): void {
    this.insertEntry.clear();
    this.upsertDay.clear();
    this.upsertDistrictDay.clear();
    this.days.clear();
    this.districtDays.clear();
    this.linesWithDays.clear();
    this.districtsWithDays.clear();
  }
}
