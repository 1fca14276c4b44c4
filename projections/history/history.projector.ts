import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../events';
import type { BalancesProjector } from '../balances/balances.projector';
import type { Projector, ProjectorHost } from '../read-model';
import { centsParam } from '../shared/cents';
import { dateToInt } from '../shared/context';
import { PROVENANCE_COLUMN_NAMES, provenance } from '../shared/provenance';
import type { RecordedFundLineEvent } from '../shared/recorded';
import { placeholders } from '../shared/sql';
import { historyEntry } from './history.fold';
import { MEASURES } from '../balances/balances.fold';
import { HISTORY_TABLES, MARK_EVERY, deltaColumns } from './history.tables';

/** Writes each fund-line event as an entry of its line: the line and the change come from the balances, applied before. */
export class HistoryProjector implements Projector {
  private readonly insertEntry: Database.Statement;
  private readonly insertMark: Database.Statement;

  constructor(
    host: ProjectorHost,
    private readonly balances: BalancesProjector,
  ) {
    const t = HISTORY_TABLES.in(host.schema);
    const columns = `position, line_id, eff, rec, recorded_at, type, amount, activity_id, reference, counterpart, details, ${PROVENANCE_COLUMN_NAMES}, m1, d1, m2, d2`;
    this.insertEntry = host.db.prepare(`INSERT INTO ${t.entries} (${columns}) VALUES (${placeholders(columns.split(',').length)})`);
    this.insertMark = host.db.prepare(`INSERT INTO ${t.history_marks} VALUES (${placeholders(3 + MEASURES.length)})`);
  }

  apply(event: RecordedEvent): void {
    const e = event as RecordedFundLineEvent;
    const m = e.metadata;
    const entry = historyEntry(e, this.balances.deltaOf(e));
    const lineId = this.balances.lineIdOf(e);
    this.insertEntry.run(
      e.position,
      lineId,
      dateToInt(m.effectiveDate),
      Date.parse(m.recordedAt),
      m.recordedAt,
      e.type,
      centsParam(entry.amount),
      entry.activityId ?? null,
      entry.reference ?? null,
      entry.counterpart ?? null,
      entry.details ? JSON.stringify(entry.details) : null,
      ...provenance(m),
      ...deltaColumns(entry.delta),
    );
    const after = this.balances.lineAfter(e);
    if (after.eventCount % MARK_EVERY === 0) {
      const m = after.measures;
      this.insertMark.run(lineId, after.eventCount, e.position, ...MEASURES.map((k) => m[k]));
    }
  }

  flush(): void {}

  committed(): void {}

  reload(): void {}
}
