import type { FigureStated } from '../../events';
import type { Freshness, QueryHost } from '../read-model';
import { Slice, checkReached, sliceOf } from '../shared/query';
import { Row, num, str } from '../shared/sql';
import { STATED_FIGURE_TABLES } from './stated-figures.tables';

export interface StatedFiguresQuery {
  /** The unit the figures are about (exactly that unit: a district's figures are not its province's). */
  readonly unit: string;
  readonly programme?: string;
  readonly budgetYear?: number;
  readonly measures?: readonly FigureStated['data']['measure'][];
  /** Recorded by then (transaction time). */
  readonly knownAt?: string;
  /** At or before this log position. */
  readonly upToPosition?: number;
}

export interface StatedFigure {
  readonly position: number;
  readonly recordedAt: string;
  readonly figure: FigureStated['data'];
}

export interface StatedFiguresResult extends Freshness {
  readonly figures: readonly StatedFigure[];
}

/** What documents stated about a unit and year, as recorded by a time or up to a position, in log order. */
export class StatedFigureQueries {
  constructor(private readonly host: QueryHost) {}

  statedFigures(q: StatedFiguresQuery): StatedFiguresResult {
    const slice: Slice | null = sliceOf({ knownAt: q.knownAt, upToPosition: q.upToPosition });
    return this.host.reader.read((tx, position) => {
      checkReached(slice, position);
      const t = STATED_FIGURE_TABLES.in(tx.schema);
      const w = ['unit = ?', 'rec <= ?', 'position <= ?'];
      const params: unknown[] = [q.unit, slice?.rec ?? Number.MAX_SAFE_INTEGER, slice?.pos ?? Number.MAX_SAFE_INTEGER];
      if (q.programme !== undefined) {
        w.push('programme = ?');
        params.push(q.programme);
      }
      if (q.budgetYear !== undefined) {
        w.push('budget_year = ?');
        params.push(q.budgetYear);
      }
      if (q.measures !== undefined) {
        w.push('measure IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(q.measures));
      }
      const rows = tx.stmt(`SELECT position, recorded_at, data FROM ${t.stated_figures} WHERE ${w.join(' AND ')} ORDER BY position`).all(...params) as Row[];
      return {
        figures: rows.map((r) => ({ position: num(r.position), recordedAt: str(r.recorded_at), figure: JSON.parse(str(r.data)) as FigureStated['data'] })),
      };
    });
  }
}
