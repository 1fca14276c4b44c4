import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../events';
import type { BalancesProjector } from '../balances/balances.projector';
import type { Projector, ProjectorHost } from '../read-model';
import { centsParam } from '../shared/cents';
import { dateToInt } from '../shared/context';
import { PROVENANCE_COLUMN_NAMES, provenance } from '../shared/provenance';
import type { RecordedFundLineEvent } from '../shared/recorded';
import { Row, big, placeholders } from '../shared/sql';
import { historyEntry } from './history.fold';
import { MEASURES, MeasureDelta } from '../balances/balances.fold';
import { MEASURE_COLUMNS } from '../balances/balances.tables';
import { HISTORY_TABLES, LATE_MS, MARK_EVERY, dayStartMs, deltaColumns } from './history.tables';

/** What a batch added to one effective day of a line: the entries and the change of each measure (in MEASURES order). */
interface DayChange {
  entries: number;
  readonly change: bigint[];
}

/** Writes each fund-line event as an entry of its line: the line and the change come from the balances, applied before. */
export class HistoryProjector implements Projector {
  private readonly insertEntry: Database.Statement;
  private readonly insertMark: Database.Statement;
  private readonly insertLate: Database.Statement;
  private readonly daysFrom: Database.Statement;
  private readonly upsertDay: Database.Statement;
  /** The days of each line the batch added entries on, written to line_days at flush. */
  private readonly days = new Map<number, Map<number, DayChange>>();

  constructor(
    host: ProjectorHost,
    private readonly balances: BalancesProjector,
  ) {
    const t = HISTORY_TABLES.in(host.schema);
    const columns = `position, line_id, eff, rec, recorded_at, type, amount, activity_id, reference, counterpart, details, ${PROVENANCE_COLUMN_NAMES}, m1, d1, m2, d2`;
    this.insertEntry = host.db.prepare(`INSERT INTO ${t.entries} (${columns}) VALUES (${placeholders(columns.split(',').length)})`);
    this.insertMark = host.db.prepare(`INSERT INTO ${t.history_marks} VALUES (${placeholders(3 + MEASURES.length)})`);
    this.insertLate = host.db.prepare(`INSERT INTO ${t.late_entries} (line_id, lag, position, eff, rec, m1, d1, m2, d2) VALUES (${placeholders(9)})`);
    // The line's last day before a given one, and every day from it on.
    this.daysFrom = host.db
      .prepare(
        `SELECT * FROM ${t.line_days} WHERE line_id = ? AND eff >= coalesce((SELECT max(eff) FROM ${t.line_days} WHERE line_id = ? AND eff < ?), 0) ORDER BY eff`,
      )
      .safeIntegers(true);
    const dayColumns = ['line_id', 'eff', 'entries', ...MEASURE_COLUMNS];
    this.upsertDay = host.db.prepare(
      `INSERT INTO ${t.line_days} (${dayColumns.join(', ')}) VALUES (${placeholders(dayColumns.length)})
       ON CONFLICT (line_id, eff) DO UPDATE SET entries = excluded.entries, ${MEASURE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
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
    this.insertEntry.run(
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
    const lag = rec - dayStartMs(eff);
    if (lag >= LATE_MS) this.insertLate.run(lineId, lag, e.position, eff, rec, ...changes);
    this.addToDay(lineId, eff, entry.delta);
    const after = this.balances.lineAfter(e);
    if (after.eventCount % MARK_EVERY === 0) {
      const m = after.measures;
      this.insertMark.run(lineId, after.eventCount, e.position, ...MEASURES.map((k) => centsParam(m[k])));
    }
  }

  private addToDay(lineId: number, eff: number, delta: MeasureDelta): void {
    let days = this.days.get(lineId);
    if (!days) {
      days = new Map();
      this.days.set(lineId, days);
    }
    let day = days.get(eff);
    if (!day) {
      day = { entries: 0, change: MEASURES.map(() => 0n) };
      days.set(eff, day);
    }
    day.entries += 1;
    for (let i = 0; i < MEASURES.length; i++) {
      const v = delta[MEASURES[i]];
      if (v !== undefined) day.change[i] += v;
    }
  }

  /**
   * line_days: for each line the batch touched, from the first day it added entries on, every day row of the line
   * is rewritten as it was plus what the batch added on that day and before (a new day starts from the row before it).
   */
  flush(): void {
    for (const [lineId, days] of this.days) {
      const added = [...days.keys()].sort((a, b) => a - b);
      const rows = this.daysFrom.all(lineId, lineId, added[0]) as Row[];
      let i = 0;
      // The line as it was on the day before (or at) the one being written, and what the batch added up to it.
      let wasEntries = 0;
      let was: bigint[] = MEASURES.map(() => 0n);
      if (rows.length > 0 && Number(rows[0].eff) < added[0]) {
        wasEntries = Number(rows[0].entries);
        was = MEASURE_COLUMNS.map((c) => big(rows[0][c]));
        i = 1;
      }
      let plusEntries = 0;
      const plus: bigint[] = MEASURES.map(() => 0n);
      let j = 0;
      while (i < rows.length || j < added.length) {
        const rowEff = i < rows.length ? Number(rows[i].eff) : Number.POSITIVE_INFINITY;
        const eff = Math.min(rowEff, j < added.length ? added[j] : Number.POSITIVE_INFINITY);
        if (rowEff === eff) {
          wasEntries = Number(rows[i].entries);
          was = MEASURE_COLUMNS.map((c) => big(rows[i][c]));
          i += 1;
        }
        if (j < added.length && added[j] === eff) {
          const day = days.get(eff) as DayChange;
          plusEntries += day.entries;
          for (let k = 0; k < plus.length; k++) plus[k] += day.change[k];
          j += 1;
        }
        this.upsertDay.run(lineId, eff, wasEntries + plusEntries, ...was.map((v, k) => centsParam(v + plus[k])));
      }
    }
    this.days.clear();
  }

  committed(): void {}

  reload(): void {
    this.days.clear();
  }
}
