import type { SqlStatement } from '../shared/sql-database';
import type { NoteRecorded, RecordedEvent } from '../../events';
import type { Projector, ProjectorHost } from '../read-model';
import { placeholders } from '../shared/sql';
import { noteRow } from './notes.fold';
import { NOTE_TABLES } from './notes.tables';

export class NotesProjector implements Projector {
  private readonly insert: SqlStatement;

  constructor(private readonly host: ProjectorHost) {
    const t = NOTE_TABLES.in(host.schema);
    this.insert = host.db.prepare(
      `INSERT INTO ${t.notes} (position, note_id, line_stream, activity_id, unit, district, province, text, recorded_at, actor, actor_role, actor_name)
       VALUES (${placeholders(12)})`,
    );
  }

  apply(event: RecordedEvent): void {
    const r = noteRow(event as RecordedEvent<NoteRecorded>, this.host.ctx);
    this.insert.run(r.position, r.noteId, r.lineStream, r.activityId, r.unit, r.district, r.province, r.text, r.recordedAt, r.actor, r.actorRole, r.actorName);
  }

  flush(): void {}

  committed(): void {}

  reload(): void {}
}
