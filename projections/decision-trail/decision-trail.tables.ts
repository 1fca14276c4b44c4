import { Tables } from '../read-model';

/** Each decision the ledger recorded events under, with its summary. Its events are in the history and progress entries. */
export const DECISION_TABLES = new Tables(
  {
    decisions: {
      columns: `(
  decision_id   INTEGER PRIMARY KEY,
  number        TEXT NOT NULL,
  issuer        TEXT NOT NULL,
  date          TEXT NOT NULL,
  event_count   INTEGER NOT NULL,
  first_position INTEGER NOT NULL,
  last_position  INTEGER NOT NULL,
  first_recorded_at TEXT NOT NULL,
  last_recorded_at  TEXT NOT NULL,
  first_effective_date TEXT NOT NULL,
  last_effective_date  TEXT NOT NULL,
  by_type       TEXT NOT NULL,
  UNIQUE (number, issuer, date)
)`,
      key: 'decision_id',
    },
  },
  [
    { table: 'decisions', name: 'date', definition: '(date, number)' },
    { table: 'decisions', name: 'issuer', definition: '(issuer, date)' },
  ],
);
