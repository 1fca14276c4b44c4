import type { FundLineKey } from '../../events';
import {
  KEY_DIMENSIONS,
  LINE_DIMENSIONS,
  LineDimension,
  LineDimensions,
  canonicalFundLineKey,
  dimensionColumn,
  dimensionKind,
  placesOf,
} from '../../src/fund-line/fund-line.dimensions';
import { IndexSpec, TableSpec, Tables } from '../read-model';
import { CENTS, centsParam } from '../shared/cents';
import { Row, big, snakeCase, str } from '../shared/sql';
import { MEASURES, Measures } from './balances.fold';

/** The measure columns, in the order of MEASURES: assigned, increased, ..., moved_in, ... */
export const MEASURE_COLUMNS: readonly string[] = MEASURES.map(snakeCase);

const measureColumnsSql = MEASURE_COLUMNS.map((c) => `${c} ${CENTS} NOT NULL`).join(',\n  ');
const dimensionColumnSql = (d: LineDimension) => `${dimensionColumn(d)} ${dimensionKind(d) === 'year' ? 'INTEGER' : 'TEXT'} NOT NULL`;

/**
 * Balances summed over lines, at coarser grains: each names the dimensions it keeps (its identity) and those
 * that follow from them (a component's project, a district's province). A query reads the smallest grain that
 * has every column it filters or groups on; the grains are listed smallest first.
 */
export interface RollupGrain {
  readonly table: string;
  readonly identity: readonly LineDimension[];
  readonly derived: readonly LineDimension[];
}

const KEY_BUT_UNIT = KEY_DIMENSIONS.filter((d) => d !== 'unit');
const COMPONENT_PLACES = placesOf('component');
const UNIT_PLACES = placesOf('unit');

export const ROLLUP_GRAINS: readonly RollupGrain[] = [
  { table: 'balance_country', identity: KEY_BUT_UNIT, derived: COMPONENT_PLACES },
  { table: 'balance_province_year', identity: ['programme', 'province', 'budgetYear', 'originYear'], derived: [] },
  { table: 'balance_district_year', identity: ['programme', 'district', 'province', 'budgetYear', 'originYear'], derived: [] },
  { table: 'balance_province', identity: [...KEY_BUT_UNIT, 'province'], derived: COMPONENT_PLACES },
  { table: 'balance_district', identity: [...KEY_BUT_UNIT, 'district', 'province'], derived: COMPONENT_PLACES },
];

/** Every dimension a grain's table holds, in column order. */
export const grainDimensions = (g: RollupGrain): LineDimension[] => [...g.identity, ...g.derived];

/** A line's key in a grain: its identity dimensions joined. */
export const grainKey = (g: RollupGrain, d: LineDimensions): string => g.identity.map((c) => d[c]).join('|');

function rollupTable(g: RollupGrain): TableSpec {
  const dims = grainDimensions(g).map(dimensionColumnSql).join(',\n  ');
  return {
    columns: `(\n  key TEXT PRIMARY KEY,\n  ${dims},\n  ${measureColumnsSql},\n  event_count INTEGER NOT NULL,\n  line_count INTEGER NOT NULL\n) WITHOUT ROWID`,
    key: 'key',
  };
}

const index = (table: string, column: LineDimension): IndexSpec => ({ table, name: column, definition: `(${dimensionColumn(column)})` });

export const BALANCE_TABLES = new Tables(
  {
    lines: {
      columns: `(
  line_id       INTEGER PRIMARY KEY,
  stream        TEXT NOT NULL UNIQUE,
  ${LINE_DIMENSIONS.map(dimensionColumnSql).join(',\n  ')},
  ${measureColumnsSql},
  event_count   INTEGER NOT NULL,
  last_position INTEGER NOT NULL
)`,
      key: 'line_id',
    },
    ...(Object.fromEntries(ROLLUP_GRAINS.map((g) => [g.table, rollupTable(g)])) as Record<string, TableSpec>),
  },
  [
    index('lines', 'unit'),
    index('lines', 'district'),
    index('lines', 'province'),
    index('lines', 'component'),
    index('balance_district', 'district'),
    index('balance_district', 'province'),
    index('balance_province', 'province'),
    index('balance_province_year', 'province'),
    // A province's district keys in the order a question by district and origin year groups them, holding every column
    // of the grain (the key comes with any index of this table): a province's balances as of a date read the keys from
    // the index alone, already grouped, then each key's day row (history's district_days).
    {
      table: 'balance_district_year',
      name: 'province',
      definition: `(${(['province', 'district', 'originYear', 'budgetYear', 'programme'] as const).map(dimensionColumn).join(', ')})`,
    },
    index('balance_district_year', 'district'),
  ],
);

/** Measures from a row with the measure columns (read with safeIntegers). */
export function measuresFromRow(row: Row): Measures {
  const out: Record<string, bigint> = {};
  for (let i = 0; i < MEASURES.length; i++) out[MEASURES[i]] = big(row[MEASURE_COLUMNS[i]]);
  return out as unknown as Measures;
}

/** The values of the measure columns, in order (cents beyond int64 as text: see cents.ts). */
export const measureValues = (m: Measures): (bigint | string)[] => MEASURES.map((k) => centsParam(m[k]));

/** SQL select list of the measures summed over a balance table's rows, aliased to their column names. */
export function sumMeasuresSql(alias = ''): string {
  const p = alias ? `${alias}.` : '';
  return MEASURE_COLUMNS.map((c) => `sum(${p}${c}) AS ${c}`).join(', ');
}

/** A line's key from a row with the key's columns (content '' is no content). */
export function keyFromRow(row: Row): FundLineKey {
  const out: Record<string, string | number> = {};
  for (const d of KEY_DIMENSIONS) {
    const v = row[dimensionColumn(d)];
    out[d] = dimensionKind(d) === 'year' ? Number(v) : str(v);
  }
  return canonicalFundLineKey(out as unknown as FundLineKey);
}

/** How a row of one line names it in answers: its key (content '' when none) and its unit's places. */
export function lineGroup(row: Row): Record<string, string | number> {
  const key = keyFromRow(row);
  const out: Record<string, string | number> = {};
  for (const d of KEY_DIMENSIONS) out[d] = key[d] ?? '';
  for (const p of UNIT_PLACES) out[p] = str(row[dimensionColumn(p)]);
  return out;
}

/** A line's key followed by its unit's places, as the history names its line. */
export function keyWithPlaces(row: Row): FundLineKey & Record<string, string | number> {
  const out: Record<string, string | number> = { ...keyFromRow(row) };
  for (const p of UNIT_PLACES) out[p] = str(row[dimensionColumn(p)]);
  return out as FundLineKey & Record<string, string | number>;
}

/** A line's dimensions from a row of the lines table. */
export function dimensionsFromRow(row: Row): LineDimensions {
  const out: Record<string, string | number> = {};
  for (const d of LINE_DIMENSIONS) {
    const v = row[dimensionColumn(d)];
    out[d] = dimensionKind(d) === 'year' ? Number(v) : str(v);
  }
  return out as unknown as LineDimensions;
}
