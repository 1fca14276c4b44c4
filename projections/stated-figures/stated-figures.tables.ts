import { Tables } from '../read-model';

/** Every stated figure, by the unit and year it is about and its measure. */
export const STATED_FIGURE_TABLES = new Tables(
  {
    stated_figures: {
      columns: `(
  position     INTEGER PRIMARY KEY,
  rec          INTEGER NOT NULL,
  recorded_at  TEXT NOT NULL,
  eff          INTEGER NOT NULL,
  document_id  TEXT NOT NULL,
  assertion_id TEXT NOT NULL,
  measure      TEXT NOT NULL,
  programme    TEXT NOT NULL,
  unit         TEXT NOT NULL,
  budget_year  INTEGER,
  data         TEXT NOT NULL
)`,
      key: 'position',
    },
  },
  [{ table: 'stated_figures', name: 'unit', definition: '(unit, budget_year, measure, position)' }],
);
