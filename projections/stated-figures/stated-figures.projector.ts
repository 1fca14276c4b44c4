import type { SqlStatement } from '../shared/sql-database';
import type { FigureStated, RecordedEvent } from '../../events';
import type { Projector, ProjectorHost } from '../read-model';
import { placeholders } from '../shared/sql';
import { statedFigureRow } from './stated-figures.fold';
import { STATED_FIGURE_TABLES } from './stated-figures.tables';

/** Writes each stated figure as it comes: one row per event, nothing held between batches. */
export class StatedFiguresProjector implements Projector {
  private readonly insert: SqlStatement;

  constructor(host: ProjectorHost) {
    const t = STATED_FIGURE_TABLES.in(host.schema);
    this.insert = host.db.prepare(
      `INSERT INTO ${t.stated_figures} (position, rec, recorded_at, eff, document_id, assertion_id, measure, programme, unit, budget_year, data)
       VALUES (${placeholders(11)})`,
    );
  }

  apply(event: RecordedEvent): void {
    const r = statedFigureRow(event as RecordedEvent<FigureStated>);
    this.insert.run(r.position, r.rec, r.recordedAt, r.eff, r.documentId, r.assertionId, r.measure, r.programme, r.unit, r.budgetYear, r.data);
  }

  flush(): void {}

  committed(): void {}

  reload(): void {}
}
