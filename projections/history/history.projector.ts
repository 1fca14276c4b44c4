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
import { HISTORY_TABLES, deltaColumns } from './history.tables';

/** Writes each fund-line event as an entry of its line: the line and the change come from the balances, applied before. */
export class HistoryProjector implements Projector {
  private readonly insertEntry: Database.Statement;

  constructor(
    host: ProjectorHost,
    private readonly balances: BalancesProjector,
  ) {
    const t = HISTORY_TABLES.in(host.schema);
    const columns = `position, line_id, eff, rec, recorded_at, type, amount, activity_id, reference, counterpart, details, ${PROVENANCE_COLUMN_NAMES}, m1, d1, m2, d2`;
    this.insertEntry = host.db.prepare(`INSERT INTO ${t.entries} (${columns}) VALUES (${placeholders(columns.split(',').length)})`);
  }

  apply(event: RecordedEvent): void {
    const e = event as RecordedFundLineEvent;
    const m = e.metadata;
    const entry = historyEntry(e, this.balances.deltaOf(e));
    this.insertEntry.run(
      e.position,
      this.balances.lineIdOf(e),
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
  }

  flush(): void {}

  committed(): void {}

  reload(): void {}
}
