import { Tables } from '../read-model';
import { PROVENANCE_COLUMNS } from '../shared/provenance';

/** Every measurement and target of the results framework, with its unit's place, dates and provenance. */
export const RESULTS_TABLES = new Tables(
  {
    outcome_facts: {
      columns: `(
  position     INTEGER PRIMARY KEY,
  unit         TEXT NOT NULL,
  district     TEXT NOT NULL,
  province     TEXT NOT NULL,
  eff          INTEGER NOT NULL,
  rec          INTEGER NOT NULL,
  recorded_at  TEXT NOT NULL,
  type         TEXT NOT NULL,
  data         TEXT NOT NULL,${PROVENANCE_COLUMNS}
)`,
      key: 'position',
    },
  },
  [
    { table: 'outcome_facts', name: 'unit', definition: '(unit, position)' },
    { table: 'outcome_facts', name: 'district', definition: '(district, position)' },
    { table: 'outcome_facts', name: 'province', definition: '(province, position)' },
  ],
);
