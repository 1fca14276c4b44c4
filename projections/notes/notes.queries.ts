import type { QueryHost } from '../read-model';
import { ReadScope, TreeFilters } from '../shared/filters';
import { Paging, pagingOf, sqlLimit } from '../shared/query';
import { Row, Where, num, str } from '../shared/sql';
import { NOTE_TABLES } from './notes.tables';

export interface NotesQuery extends Paging {
  /** A fund line's stream. */
  readonly line?: string;
  readonly activity?: string;
  /** A unit and everything under it. */
  readonly unit?: string;
  readonly scope?: ReadScope;
}

/** Ghi chú: the notes on a line, an activity or a unit, oldest first, only those under the reader's scopes. */
export class NoteQueries {
  private readonly filters: TreeFilters;

  constructor(private readonly host: QueryHost) {
    this.filters = new TreeFilters(host.catalogue);
  }

  notes(q: NotesQuery) {
    const { page, pageSize, offset } = pagingOf(q);
    const level = q.unit !== undefined ? this.filters.unitLevel(q.unit) : null;
    return this.host.reader.read((tx) => {
      const t = NOTE_TABLES.in(tx.schema);
      const w: Where = { sql: [], params: [] };
      if (q.line !== undefined) {
        w.sql.push('line_stream = ?');
        w.params.push(q.line);
      }
      if (q.activity !== undefined) {
        w.sql.push('activity_id = ?');
        w.params.push(q.activity);
      }
      if (level !== null) {
        w.sql.push(`${level} = ?`);
        w.params.push(q.unit);
      }
      this.filters.scopeFilter(q.scope, '', w);
      const where = w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : '';
      const rows = tx.stmt(`SELECT * FROM ${t.notes} ${where} ORDER BY position LIMIT ${sqlLimit(pageSize)} OFFSET ?`).all(...w.params, offset) as Row[];
      const totalRows = num(tx.stmt(`SELECT count(*) FROM ${t.notes} ${where}`).pluck().get(...w.params));
      return {
        page,
        pageSize,
        totalRows,
        rows: rows.map((r) => ({
          position: num(r.position),
          noteId: str(r.note_id),
          ...(r.line_stream ? { line: str(r.line_stream) } : {}),
          ...(r.activity_id ? { activityId: str(r.activity_id) } : {}),
          unit: str(r.unit),
          text: str(r.text),
          recordedAt: str(r.recorded_at),
          recordedBy: { id: str(r.actor), role: str(r.actor_role), ...(r.actor_name ? { name: str(r.actor_name) } : {}) },
        })),
      };
    });
  }
}
