import { Tables } from '../read-model';

/** Auditors' and inspectors' notes, each placed under its unit's district and province. */
export const NOTE_TABLES = new Tables(
  {
    notes: {
      columns: `(
  position     INTEGER PRIMARY KEY,
  note_id      TEXT NOT NULL,
  line_stream  TEXT,
  activity_id  TEXT,
  unit         TEXT NOT NULL,
  district     TEXT NOT NULL,
  province     TEXT NOT NULL,
  text         TEXT NOT NULL,
  recorded_at  TEXT NOT NULL,
  actor        TEXT NOT NULL,
  actor_role   TEXT NOT NULL,
  actor_name   TEXT
)`,
      key: 'position',
    },
  },
  [
    { table: 'notes', name: 'line', definition: '(line_stream)' },
    { table: 'notes', name: 'activity', definition: '(activity_id)' },
  ],
);
