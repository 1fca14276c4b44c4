import type { ReadModel } from '../read-model';
import { NOTE_EVENT_TYPES } from './notes.fold';
import { NotesProjector } from './notes.projector';
import { NoteQueries } from './notes.queries';
import { NOTE_TABLES } from './notes.tables';

/** Ghi chú: auditors' and inspectors' notes on lines and activities. Uses no other read model. */
export const NOTES: ReadModel<NotesProjector, NoteQueries> = {
  name: 'notes',
  handles: NOTE_EVENT_TYPES,
  uses: [],
  tables: NOTE_TABLES,
  projector: (host) => new NotesProjector(host),
  queries: (host) => new NoteQueries(host),
};
