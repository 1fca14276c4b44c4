import type { FundLineKey } from '../../events';
import { KEY_DIMENSIONS, KeyDimension, LINE_DIMENSIONS, LineDimension, dimensionColumn, withinOf } from '../../src/fund-line/fund-line.dimensions';
import { fundLineLabel } from '../../src/fund-line/fund-line.key';
import type { Freshness, QueryHost, ReadTx } from '../read-model';
import { centsToMoney } from '../shared/cents';
import { ReadScope, TreeFilters } from '../shared/filters';
import { Paging, Slice, TimeSlice, checkReached, pagingOf, sliceOf, sqlLimit } from '../shared/query';
import { Row, Where, big, num, str } from '../shared/sql';
import { BalanceFigures, Measures, ZERO_MEASURES, addMeasures, balanceFigures } from './balances.fold';
import { BALANCE_TABLES, ROLLUP_GRAINS, RollupGrain, grainDimensions, keyFromRow, lineGroup, measuresFromRow, sumMeasuresSql } from './balances.tables';
import { PLACE_DIMENSIONS, TodaySummary, TodaysUnits, regroupByToday } from './balances.today';

/** The dimensions balances roll up by, in the order the API lists them: every dimension of a line. */
export const GROUP_DIMENSIONS = [
  'unit',
  'district',
  'province',
  'content',
  'component',
  'subProject',
  'project',
  'programme',
  'source',
  'capitalType',
  'budgetYear',
  'originYear',
] as const satisfies readonly LineDimension[];
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];
// Every dimension of a line can be grouped by: a dimension added to fund-line.dimensions.ts must be listed above.
const EVERY_DIMENSION_GROUPS: [Exclude<LineDimension, GroupDimension>] extends [never] ? true : never = true;
void EVERY_DIMENSION_GROUPS;

/** The columns a group holds: a content item is grouped within its component. */
export const groupColumns = (d: GroupDimension): string[] => {
  const parent = withinOf(d);
  return parent ? [dimensionColumn(parent), dimensionColumn(d)] : [dimensionColumn(d)];
};

const DIMENSION_OF_COLUMN = new Map(LINE_DIMENSIONS.map((d) => [dimensionColumn(d), d]));

/**
 * Filters on a line's key: every key dimension but content, which a component filter names (DA1.TDA1.HT).
 * `component`: a project (with its sub-projects), a sub-project or component.content; `unit`: a province,
 * district or commune, with everything under it.
 */
export type BalanceFilter = { readonly [D in FilterDimension]?: FundLineKey[D] } & {
  /** Lines of these provinces only (as recorded): the prefilter of a question by today's units. */
  readonly provincesIn?: readonly string[];
};
type FilterDimension = Exclude<KeyDimension, 'content'>;
const FILTER_DIMENSIONS = KEY_DIMENSIONS.filter((d): d is FilterDimension => withinOf(d) === undefined);

export interface BalancesQuery extends BalanceFilter, TimeSlice, Paging {
  readonly groupBy?: readonly GroupDimension[];
  /** Only the lines under these scopes: every figure, total and roll-up counts only them. */
  readonly scope?: ReadScope;
  /** recorded (default): units as the lines hold them; today: mapped to today's units (see balances.today.ts). */
  readonly units?: 'recorded' | 'today';
}

export type Figures = BalanceFigures & { readonly carriedInByOriginYear: Readonly<Record<string, string>> };

export interface BalanceRow extends Figures {
  /** The group's values, one per groupBy dimension; for an ungrouped listing, the line's dimensions. */
  readonly group: Readonly<Record<string, string | number>>;
  readonly stream?: string;
  readonly label?: string;
  readonly lines: number;
  readonly events: number;
}

export interface BalancesResult extends Freshness {
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly upToPosition: number | null;
  readonly units: 'recorded' | 'today';
  /** With units=today: the recorded units shown under another, and those kept under their own code (split). */
  readonly unitsToday?: TodaySummary;
  readonly groupBy: readonly GroupDimension[];
  readonly page: number;
  readonly pageSize: number;
  readonly totalRows: number;
  readonly total: Figures & { readonly lines: number; readonly events: number };
  readonly rows: readonly BalanceRow[];
}

/** One page of balance rows with the total of all. */
export interface BalancePage {
  readonly totalRows: number;
  readonly total: BalancesResult['total'];
  readonly rows: BalanceRow[];
}

/**
 * Balances as of a date and as known at a time, which the maintained counters cannot answer: they are summed
 * from each line's history (projections/history implements it).
 */
export interface BalancesAsOf {
  balancesAsOf(tx: ReadTx, q: BalancesQuery, groupBy: GroupDimension[] | null, slice: Slice, offset: number, pageSize: number): BalancePage;
}

/** Carried-in money by origin year, as decimal strings, years ascending, zeros left out. */
export function byOrigin(map: Map<number, bigint>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [year, cents] of [...map.entries()].sort((x, y) => x[0] - y[0])) if (cents !== 0n) out[String(year)] = centsToMoney(cents);
  return out;
}

/**
 * A balance row of one fund line: its dimensions as a group, its stream and label, then its figures.
 *
 * The literal names its first members itself. One that begins with a spread and then adds members the spread object
 * lacks (`{ ...identity, lines, ...figures }`) makes, in Node 20's V8 once optimized, a new hidden class for every
 * object: 45 µs a row instead of 8, a page of 50 lines 2.7 ms instead of 0.7, and the hidden classes are garbage in
 * the old generation, collected by scavenges of 15-25 ms every dozen pages (bench/README.md).
 */
export function lineBalance(line: Row, lines: number, events: number, m: Measures, carriedInByOriginYear: Record<string, string>) {
  return { group: lineGroup(line), stream: str(line.stream), label: fundLineLabel(keyFromRow(line)), lines, events, ...balanceFigures(m), carriedInByOriginYear };
}

/**
 * Balances now: each line's counters, or their sums by any of its dimensions, read from the smallest roll-up
 * table that holds the columns asked for.
 */
export class BalanceQueries {
  private readonly filters: TreeFilters;

  constructor(private readonly host: QueryHost) {
    this.filters = new TreeFilters(host.catalogue);
  }

  /** GET /balances: now from the counters, as of a date or as known at a time from `asOf`; by units as recorded or today's. */
  balances(q: BalancesQuery, asOf: BalancesAsOf): BalancesResult {
    const groupBy = q.groupBy && q.groupBy.length > 0 ? [...new Set(q.groupBy)] : null;
    const { page, pageSize, offset } = pagingOf(q);
    const slice = sliceOf(q);
    if (q.units === 'today') {
      const today = new TodaysUnits(this.host.catalogue);
      if (q.unit !== undefined) this.filters.unitLevel(q.unit);
      // Scan by unit as recorded (and budget year, which says which unit a reused code named), then regroup.
      const inner: BalancesQuery = {
        ...q,
        unit: undefined,
        provincesIn: q.unit === undefined ? undefined : today.recordedProvincesFor(q.unit),
        groupBy: groupBy === null ? undefined : [...new Set([...groupBy.filter((d) => !PLACE_DIMENSIONS.includes(d)), 'unit', 'budgetYear'] as GroupDimension[])],
      };
      const innerGroupBy = inner.groupBy === undefined ? null : [...inner.groupBy];
      return this.host.reader.read((tx, position) => {
        checkReached(slice, position);
        const all = slice
          ? asOf.balancesAsOf(tx, inner, innerGroupBy, slice, 0, Number.MAX_SAFE_INTEGER)
          : this.balancesNow(tx, inner, innerGroupBy, 0, Number.MAX_SAFE_INTEGER);
        const result = regroupByToday(all.rows, groupBy, today, q.unit, offset, pageSize);
        return {
          asOf: slice?.asOf ?? null,
          knownAt: slice?.knownAt ?? null,
          upToPosition: slice?.upToPosition ?? null,
          units: 'today' as const,
          unitsToday: today.summary(),
          groupBy: groupBy ?? [],
          page,
          pageSize,
          ...result,
        };
      });
    }
    return this.host.reader.read((tx, position) => {
      checkReached(slice, position);
      const result = slice ? asOf.balancesAsOf(tx, q, groupBy, slice, offset, pageSize) : this.balancesNow(tx, q, groupBy, offset, pageSize);
      return {
        asOf: slice?.asOf ?? null,
        knownAt: slice?.knownAt ?? null,
        upToPosition: slice?.upToPosition ?? null,
        units: 'recorded' as const,
        groupBy: groupBy ?? [],
        page,
        pageSize,
        ...result,
      };
    });
  }

  /** Conditions on a line's columns (`alias`: the lines table's alias in the query, or ''), the reader's scopes among them. */
  where(f: BalanceFilter & { readonly scope?: ReadScope }, alias: string): Where {
    const p = alias ? `${alias}.` : '';
    const w: Where = { sql: [], params: [] };
    this.filters.scopeFilter(f.scope, alias, w);
    for (const d of FILTER_DIMENSIONS) {
      const v = f[d];
      if (v === undefined) continue;
      if (d === 'component') {
        this.filters.componentFilter(v as string, alias, w);
        continue;
      }
      w.sql.push(`${p}${d === 'unit' ? this.filters.unitLevel(v as string) : dimensionColumn(d)} = ?`);
      w.params.push(v);
    }
    if (f.provincesIn !== undefined) {
      w.sql.push(`${p}${dimensionColumn('province')} IN (SELECT value FROM json_each(?))`);
      w.params.push(JSON.stringify(f.provincesIn));
    }
    return w;
  }

  /** The smallest balance table that holds every column the filter and the grouping need. */
  table(tx: ReadTx, f: BalanceFilter & { readonly scope?: ReadScope }, groupBy: readonly GroupDimension[] | null): { table: string; lineGrain: boolean } {
    const t = BALANCE_TABLES.in(tx.schema);
    if (groupBy === null) return { table: t.lines, lineGrain: true };
    const needed = this.neededColumns(f, groupBy);
    for (const g of ROLLUP_GRAINS) {
      if (grainHolds(g, needed)) return { table: t[g.table as keyof typeof t], lineGrain: false };
    }
    return { table: t.lines, lineGrain: true };
  }

  /** Whether a roll-up grain (ROLLUP_GRAINS' table name) holds every column a grouped question filters or groups on. */
  grainAnswers(table: string, f: BalanceFilter & { readonly scope?: ReadScope }, groupBy: readonly GroupDimension[] | null): boolean {
    const grain = ROLLUP_GRAINS.find((g) => g.table === table);
    if (!grain) throw new Error(`no roll-up grain ${table}`);
    return groupBy !== null && grainHolds(grain, this.neededColumns(f, groupBy));
  }

  /** The columns a grouped question filters or groups on (and the origin year, which every answer splits carried money by). */
  private neededColumns(f: BalanceFilter & { readonly scope?: ReadScope }, groupBy: readonly GroupDimension[]): Set<string> {
    const needed = new Set<string>([dimensionColumn('originYear'), ...groupBy.flatMap(groupColumns), ...this.filters.scopeFilterColumns(f.scope)]);
    for (const d of FILTER_DIMENSIONS) {
      const v = f[d];
      if (v === undefined) continue;
      if (d === 'component') for (const c of this.filters.componentColumns(v as string)) needed.add(c);
      else needed.add(d === 'unit' ? this.filters.unitLevel(v as string) : dimensionColumn(d));
    }
    if (f.provincesIn !== undefined) needed.add(dimensionColumn('province'));
    return needed;
  }

  private balancesNow(tx: ReadTx, q: BalancesQuery, groupBy: GroupDimension[] | null, offset: number, pageSize: number): BalancePage {
    const { table, lineGrain } = this.table(tx, q, groupBy);
    const w = this.where(q, '');
    const where = w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : '';
    if (groupBy === null) {
      const total = this.totalNow(tx, q, w, where);
      const rows = tx.stmt(`SELECT * FROM ${table} ${where} ORDER BY stream LIMIT ${sqlLimit(pageSize)} OFFSET ?`).all(...w.params, offset) as Row[];
      const totalRows = num(tx.stmt(`SELECT count(*) FROM ${table} ${where}`).pluck().get(...w.params));
      return {
        totalRows,
        total,
        rows: rows.map((r) => {
          const m = measuresFromRow(r);
          return lineBalance(r, 1, num(r.event_count), m, byOrigin(new Map([[num(r[dimensionColumn('originYear')]), m.carriedIn]])));
        }),
      };
    }
    // One scan, grouped by the dimensions and the origin year (for carried-in money by origin); the groups
    // are folded and paged here. There are few of them except when grouping by unit.
    const cols = groupBy.flatMap(groupColumns);
    const colList = cols.join(', ');
    const lineCount = lineGrain ? 'count(*)' : 'sum(line_count)';
    const originYear = dimensionColumn('originYear');
    const rows = tx
      .stmt(
        `SELECT ${colList}, ${originYear} AS origin, ${sumMeasuresSql()}, sum(event_count) AS events, ${lineCount} AS lines FROM ${table} ${where} GROUP BY ${colList}, ${originYear} ORDER BY ${colList}`,
      )
      .all(...w.params) as Row[];
    const { totalRows, total, rows: pageRows } = foldGroups(rows, cols, groupBy, offset, pageSize);
    return { totalRows, total, rows: pageRows };
  }

  private totalNow(tx: ReadTx, f: BalanceFilter & { readonly scope?: ReadScope }, w: Where, where: string): BalancePage['total'] {
    const { table, lineGrain } = this.table(tx, f, []);
    const lineCount = lineGrain ? 'count(*)' : 'coalesce(sum(line_count), 0)';
    const originYear = dimensionColumn('originYear');
    const row = tx.stmt(`SELECT ${sumMeasuresSql()}, coalesce(sum(event_count), 0) AS events, ${lineCount} AS lines FROM ${table} ${where}`).get(...w.params) as Row;
    const origins = tx
      .stmt(`SELECT ${originYear} AS origin, sum(carried_in) AS carried_in FROM ${table} ${where ? `${where} AND` : 'WHERE'} carried_in <> 0 GROUP BY ${originYear}`)
      .all(...w.params) as Row[];
    return {
      lines: num(row.lines),
      events: num(row.events),
      ...balanceFigures(measuresFromRow(row)),
      carriedInByOriginYear: byOrigin(new Map(origins.map((o) => [num(o.origin), big(o.carried_in)]))),
    };
  }
}

function grainHolds(g: RollupGrain, needed: ReadonlySet<string>): boolean {
  const has = new Set(grainDimensions(g).map(dimensionColumn));
  return [...needed].every((c) => has.has(c));
}

/** A group's values by dimension name, from a row holding the group's columns. */
function groupOf(r: Row, cols: readonly string[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const c of cols) out[DIMENSION_OF_COLUMN.get(c) ?? c] = typeof r[c] === 'bigint' ? num(r[c]) : str(r[c]);
  return out;
}

interface GroupAcc {
  first: Row;
  measures: Measures;
  origins: Map<number, bigint>;
  events: number;
  lines: number;
}

/**
 * Folds rows grouped by (dimensions, origin year) into groups, with the total of all, and pages them. Each row
 * holds the group's columns, `origin`, the measure sums, `events` and `lines`.
 */
export function foldGroups(rows: Row[], cols: readonly string[], groupBy: readonly GroupDimension[] | null, offset: number, pageSize: number) {
  const groups = new Map<string, GroupAcc>();
  const total: GroupAcc = { first: {}, measures: ZERO_MEASURES, origins: new Map(), events: 0, lines: 0 };
  const add = (acc: GroupAcc, r: Row, m: Measures) => {
    acc.measures = addMeasures(acc.measures, m);
    acc.events += num(r.events);
    acc.lines += num(r.lines);
    if (m.carriedIn !== 0n) acc.origins.set(num(r.origin), (acc.origins.get(num(r.origin)) ?? 0n) + m.carriedIn);
  };
  for (const r of rows) {
    const k = cols.map((c) => str(r[c])).join('\u0000');
    let acc = groups.get(k);
    if (!acc) {
      acc = { first: r, measures: ZERO_MEASURES, origins: new Map(), events: 0, lines: 0 };
      groups.set(k, acc);
    }
    const m = measuresFromRow(r);
    add(acc, r, m);
    add(total, r, m);
  }
  const all = [...groups.values()];
  return {
    all,
    totalRows: all.length,
    total: { lines: total.lines, events: total.events, ...balanceFigures(total.measures), carriedInByOriginYear: byOrigin(total.origins) },
    rows:
      groupBy === null
        ? []
        : all.slice(offset, offset + pageSize).map((a) => ({
            group: groupOf(a.first, cols),
            lines: a.lines,
            events: a.events,
            ...balanceFigures(a.measures),
            carriedInByOriginYear: byOrigin(a.origins),
          })),
  };
}
