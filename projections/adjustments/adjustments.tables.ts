import { Tables } from '../read-model';
import { CENTS } from '../shared/cents';

/** The adjustments inspectors filter by period (effective date), unit, component and kind. */
export const ADJUSTMENT_TABLES = new Tables(
  {
    adjustments: {
      columns: `(
  position     INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  reference    TEXT NOT NULL,
  eff          INTEGER NOT NULL,
  rec          INTEGER NOT NULL,
  recorded_at  TEXT NOT NULL,
  actor        TEXT NOT NULL,
  actor_role   TEXT NOT NULL,
  decision_number TEXT,
  decision_issuer TEXT,
  decision_date   TEXT,
  unit         TEXT NOT NULL,
  district     TEXT NOT NULL,
  province     TEXT NOT NULL,
  component    TEXT NOT NULL,
  other_component TEXT NOT NULL,
  stream       TEXT,
  activity_id  TEXT,
  amount       ${CENTS},
  from_kind    TEXT,
  to_kind      TEXT,
  counterpart  TEXT,
  reason       TEXT NOT NULL,
  recorded_days_after_effect INTEGER NOT NULL,
  activity_disbursed_before  ${CENTS}
)`,
      key: 'position',
    },
  },
  [
    { table: 'adjustments', name: 'eff', definition: '(eff, position)' },
    { table: 'adjustments', name: 'kind', definition: '(kind, eff)' },
    { table: 'adjustments', name: 'unit', definition: '(unit, eff)' },
    { table: 'adjustments', name: 'district', definition: '(district, eff)' },
    { table: 'adjustments', name: 'province', definition: '(province, eff)' },
  ],
);
