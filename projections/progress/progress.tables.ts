import { dimensionColumn, placesOf } from '../../src/fund-line/fund-line.dimensions';
import { Tables } from '../read-model';
import { PROVENANCE_COLUMNS, decisionIndex } from '../shared/provenance';
import { CENTS } from '../shared/cents';
import { Row, big } from '../shared/sql';
import type { ActivityInfo, ActivityProgress, ProgressTotals } from './progress.fold';

/** The grains progress is summed at: by district (with its province) and by province. */
export const PROGRESS_GRAINS = {
  district: placesOf('unit'),
  province: ['province'],
} as const;
export type ProgressGrain = keyof typeof PROGRESS_GRAINS;
export const PROGRESS_GRAIN_NAMES = Object.keys(PROGRESS_GRAINS) as ProgressGrain[];

/** Columns of a progress group, after its key: what it is (component × kind at a place), then its sums. */
export const progressColumns = (grain: ProgressGrain): string[] => [
  'programme',
  'component',
  'kind',
  ...PROGRESS_GRAINS[grain].map(dimensionColumn),
  ...placesOf('component').map(dimensionColumn),
  'activities',
  'n_registered',
  'n_allocated',
  'n_disbursing',
  'n_completed',
  'allocated',
  'disbursed',
  'beneficiaries',
  'targets',
  'outputs',
  'by_stage',
];

const INTEGER = new Set(['activities', 'n_registered', 'n_allocated', 'n_disbursing', 'n_completed']);
const MONEY = new Set(['allocated', 'disbursed']);
const progressTable = (grain: ProgressGrain) => ({
  columns: `(\n  key TEXT PRIMARY KEY,\n  ${progressColumns(grain)
    .map((c) => `${c} ${INTEGER.has(c) ? 'INTEGER' : MONEY.has(c) ? CENTS : 'TEXT'} NOT NULL`)
    .join(',\n  ')}\n) WITHOUT ROWID`,
  key: 'key',
});

/**
 * Each activity's document (what it is, its money and outputs, its status), each activity event (what the
 * document is folded from as of a date), the components an activity has belonged to, and the sums per
 * component × kind by district and by province.
 */
export const PROGRESS_TABLES = new Tables(
  {
    activities: {
      columns: `(
  activity_id   TEXT PRIMARY KEY,
  registered    INTEGER NOT NULL,
  programme     TEXT NOT NULL,
  component     TEXT NOT NULL,
  kind          TEXT NOT NULL,
  unit          TEXT NOT NULL,
  district      TEXT NOT NULL,
  province      TEXT NOT NULL,
  status        TEXT NOT NULL,
  allocated     ${CENTS} NOT NULL,
  disbursed     ${CENTS} NOT NULL,
  last_position INTEGER NOT NULL,
  doc           TEXT NOT NULL
) WITHOUT ROWID`,
      key: 'activity_id',
    },
    activity_entries: {
      columns: `(
  position     INTEGER PRIMARY KEY,
  activity_id  TEXT NOT NULL,
  eff          INTEGER NOT NULL,
  rec          INTEGER NOT NULL,
  recorded_at  TEXT NOT NULL,
  type         TEXT NOT NULL,
  data         TEXT NOT NULL,${PROVENANCE_COLUMNS}
)`,
      key: 'position',
    },
    activity_components: {
      columns: `(component TEXT NOT NULL, activity_id TEXT NOT NULL, PRIMARY KEY (component, activity_id)) WITHOUT ROWID`,
      key: 'component, activity_id',
    },
    progress_district: progressTable('district'),
    progress_province: progressTable('province'),
  },
  [
    { table: 'activities', name: 'unit', definition: '(unit)' },
    { table: 'activities', name: 'district', definition: '(district)' },
    { table: 'activities', name: 'province', definition: '(province)' },
    { table: 'activity_entries', name: 'activity', definition: '(activity_id, position)' },
    decisionIndex('activity_entries'),
    { table: 'progress_district', name: 'district', definition: '(district)' },
  ],
);

export function progressTotalsFromRow(row: Row): ProgressTotals {
  return {
    activities: Number(row.activities),
    byStatus: {
      registered: Number(row.n_registered),
      allocated: Number(row.n_allocated),
      disbursing: Number(row.n_disbursing),
      completed: Number(row.n_completed),
    },
    allocated: big(row.allocated),
    disbursed: big(row.disbursed),
    beneficiaries: JSON.parse(row.beneficiaries as string) as Record<string, number>,
    targets: JSON.parse(row.targets as string) as Record<string, string>,
    outputs: JSON.parse(row.outputs as string) as Record<string, string>,
    byStage: JSON.parse(row.by_stage as string) as Record<string, number>,
  };
}

/** The activity document at rest: what it is, without its money (kept in the allocated, disbursed and last_position columns). */
export function serializeActivity(info: ActivityInfo): string {
  return JSON.stringify(info);
}

export function parseActivity(activityId: string, json: string, allocated: bigint, disbursed: bigint, lastPosition: number): ActivityProgress {
  return { activityId, info: JSON.parse(json) as ActivityInfo, allocated, disbursed, lastPosition };
}
