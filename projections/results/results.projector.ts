import type { SqlStatement } from '../shared/sql-database';
import type { RecordedEvent } from '../../events';
import type { Recorded } from '../shared/recorded';
import type { ResultsEvent } from '../../events';
import type { Projector, ProjectorHost } from '../read-model';
import { dateToInt } from '../shared/context';
import { PROVENANCE_COLUMN_NAMES, provenance } from '../shared/provenance';
import { placeholders } from '../shared/sql';
import { RESULTS_TABLES } from './results.tables';

/** Keeps every results fact; the figures (measurements by year, progress against targets) are folded when asked. */
export class ResultsProjector implements Projector {
  private readonly insert: SqlStatement;

  constructor(private readonly host: ProjectorHost) {
    const t = RESULTS_TABLES.in(host.schema);
    const columns = `position, unit, district, province, eff, rec, recorded_at, type, data, ${PROVENANCE_COLUMN_NAMES}`;
    this.insert = host.db.prepare(`INSERT INTO ${t.outcome_facts} (${columns}) VALUES (${placeholders(columns.split(',').length)})`);
  }

  apply(event: RecordedEvent): void {
    const e = event as Recorded<ResultsEvent>;
    const m = e.metadata;
    // A measurement is placed where its unit was in the year it measures; a target where its unit was when set.
    const place = this.host.ctx.unitPlace(e.data.unit, e.type === 'OutcomeMeasured' ? e.data.year : Number(m.effectiveDate.slice(0, 4)));
    this.insert.run(e.position, e.data.unit, place.district, place.province, dateToInt(m.effectiveDate), Date.parse(m.recordedAt), m.recordedAt, e.type, JSON.stringify(e.data), ...provenance(m));
  }

  flush(): void {}

  committed(): void {}

  reload(): void {}
}
