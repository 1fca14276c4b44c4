import type { SqlStatement } from '../shared/sql-database';
import type { RecordedEvent } from '../../events';
import type { Projector, ProjectorHost } from '../read-model';
import { decisionKey, decisionOf } from '../shared/decision';
import { DocCache } from '../shared/doc-cache';
import { Row, placeholders } from '../shared/sql';
import { DecisionSummary, evolveDecision } from './decision-trail.fold';
import { DECISION_TABLES } from './decision-trail.tables';

interface DecisionHolder {
  readonly id: number;
  summary: DecisionSummary | null;
  touched: boolean;
}

function summaryFromRow(row: Row): DecisionSummary {
  return {
    number: row.number as string,
    issuer: row.issuer as string,
    date: row.date as string,
    eventCount: row.event_count as number,
    firstPosition: row.first_position as number,
    lastPosition: row.last_position as number,
    firstRecordedAt: row.first_recorded_at as string,
    lastRecordedAt: row.last_recorded_at as string,
    firstEffectiveDate: row.first_effective_date as string,
    lastEffectiveDate: row.last_effective_date as string,
    byType: JSON.parse(row.by_type as string) as Record<string, number>,
  };
}

/** Keeps one summary per decision an event was recorded under (events on a voucher or another document have none). */
export class DecisionTrailProjector implements Projector {
  private readonly decisions: DocCache<DecisionHolder>;
  private readonly touched: DecisionHolder[] = [];
  private nextId = 1;
  private readonly s: Record<'maxId' | 'byRef' | 'upsert', SqlStatement>;

  constructor(host: ProjectorHost) {
    const t = DECISION_TABLES.in(host.schema);
    this.decisions = new DocCache(host.cacheSize, host.sole);
    this.s = {
      maxId: host.db.prepare(`SELECT coalesce(max(decision_id), 0) FROM ${t.decisions}`).pluck(),
      byRef: host.db.prepare(`SELECT * FROM ${t.decisions} WHERE number = ? AND issuer = ? AND date = ?`),
      upsert: host.db.prepare(
        `INSERT INTO ${t.decisions} (decision_id, number, issuer, date, event_count, first_position, last_position,
           first_recorded_at, last_recorded_at, first_effective_date, last_effective_date, by_type)
         VALUES (${placeholders(12)})
         ON CONFLICT (decision_id) DO UPDATE SET event_count = excluded.event_count, last_position = excluded.last_position,
           last_recorded_at = excluded.last_recorded_at, first_effective_date = excluded.first_effective_date,
           last_effective_date = excluded.last_effective_date, by_type = excluded.by_type`,
      ),
    };
    this.reload();
  }

  apply(event: RecordedEvent): void {
    const ref = decisionOf(event);
    if (!ref) return;
    const key = decisionKey(ref);
    let holder = this.decisions.get(key);
    if (!holder) {
      const row = this.decisions.mayBeStored(key) ? (this.s.byRef.get(ref.number, ref.issuer, ref.date) as Row | undefined) : undefined;
      holder = row ? { id: Number(row.decision_id), summary: summaryFromRow(row), touched: false } : { id: this.nextId++, summary: null, touched: false };
      this.decisions.set(key, holder);
    }
    holder.summary = evolveDecision(holder.summary, event);
    if (!holder.touched) {
      holder.touched = true;
      this.touched.push(holder);
    }
  }

  flush(): void {
    for (const d of this.touched) {
      const s = d.summary as DecisionSummary;
      d.touched = false;
      this.s.upsert.run(
        d.id,
        s.number,
        s.issuer,
        s.date,
        s.eventCount,
        s.firstPosition,
        s.lastPosition,
        s.firstRecordedAt,
        s.lastRecordedAt,
        s.firstEffectiveDate,
        s.lastEffectiveDate,
        JSON.stringify(s.byType),
      );
    }
    this.touched.length = 0;
  }

  committed(): void {
    this.decisions.trim();
  }

  reload(): void {
    this.decisions.clear();
    this.touched.length = 0;
    this.nextId = Number(this.s.maxId.get()) + 1;
  }
}
