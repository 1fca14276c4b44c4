import type Database from 'better-sqlite3';
import type { ActivityEvent, FundLineKey } from '../../events';
import {
  ActivityFact,
  ActivityProgress,
  ActivityProgressStatus,
  EMPTY_PROGRESS,
  ProgressTotals,
  activityStatus,
  addTotals,
  applyToTotals,
  evolveActivityProgress,
  initialActivityProgress,
  moneyFact,
} from '../../projections/activity-progress';
import { centsToMoney } from '../../projections/cents';
import type { ProjectionContext } from '../../projections/context';
import { dateToInt, intToDate } from '../../projections/context';
import type { AdjustmentKind } from '../../projections/decision-trail';
import { BalanceFigures, MEASURES, Measure, Measures, ZERO_MEASURES, addMeasures, balanceFigures } from '../../projections/fund-line-balance';
import { withRunningBalances } from '../../projections/fund-line-history';
import type { Catalogue } from '../catalogue/catalogue';
import { fundLineLabel } from '../fund-line/fund-line.key';
import { rate } from '../money/money';
import { InvalidCommand } from '../shared/errors';
import { GenerationTables, ROLLUP_GRAINS, ReadModelDb, tablesOf } from './read-model-db';
import { deltaFromRow, measuresFromRow, parseActivity, progressTotalsFromRow, sumMeasuresSql } from './rows';

/** One event of a decision's trail: a fund-line event (line before → after) or an activity event, with the activity before → after. */
export interface TrailEvent {
  readonly position: number;
  readonly decision: { readonly number: string; readonly issuer: string; readonly date: string };
  readonly type: string;
  readonly effectiveDate: string;
  readonly recordedAt: string;
  readonly recordedBy: { readonly id: string; readonly role: string };
  readonly command: string;
  readonly amount?: string;
  readonly reference?: string;
  readonly details?: Readonly<Record<string, string>>;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly line?: { readonly stream: string; readonly label: string; readonly change: Readonly<Record<string, string>>; readonly before: BalanceFigures; readonly after: BalanceFigures };
  readonly activity?: { readonly activityId: string; readonly before: ActivityView | null; readonly after: ActivityView | null };
}

export interface ActivityView {
  readonly kind: string;
  readonly component: string;
  readonly status: ActivityProgressStatus;
  readonly allocated: string;
  readonly disbursed: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/** The read models are not there yet (no generation built): HTTP 503. */
export class ReadModelUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadModelUnavailable';
  }
}

class GenerationMoved extends Error {}

/** The thing asked for does not exist in the read model (HTTP 404). */
export class NotInReadModel extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotInReadModel';
  }
}

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
] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

const GROUP_COLUMNS: Readonly<Record<GroupDimension, readonly string[]>> = {
  unit: ['unit'],
  district: ['district'],
  province: ['province'],
  content: ['component', 'content'],
  component: ['component'],
  subProject: ['sub_project'],
  project: ['project'],
  programme: ['programme'],
  source: ['source'],
  capitalType: ['capital_type'],
  budgetYear: ['budget_year'],
  originYear: ['origin_year'],
};

const COLUMN_NAMES: Readonly<Record<string, string>> = {
  unit: 'unit',
  district: 'district',
  province: 'province',
  component: 'component',
  content: 'content',
  sub_project: 'subProject',
  project: 'project',
  programme: 'programme',
  source: 'source',
  capital_type: 'capitalType',
  budget_year: 'budgetYear',
  origin_year: 'originYear',
};

/** Valid time and transaction time of a question: "as of 30/06/2024, as recorded by 15/07/2024". */
export interface TimeSlice {
  /** Effective dates up to and including this day (YYYY-MM-DD). */
  readonly asOf?: string;
  /** Events recorded up to this instant; a bare date means the end of that day in Vietnam (UTC+7). */
  readonly knownAt?: string;
}

export interface Paging {
  readonly page?: number;
  readonly pageSize?: number;
}

export interface BalanceFilter {
  readonly programme?: string;
  /** Project, sub-project, or "component.content" (DA1.TDA1.HT). */
  readonly component?: string;
  /** Province, district or commune: the unit and everything under it. */
  readonly unit?: string;
  readonly source?: string;
  readonly capitalType?: string;
  readonly budgetYear?: number;
  readonly originYear?: number;
}

export interface BalancesQuery extends BalanceFilter, TimeSlice, Paging {
  readonly groupBy?: readonly GroupDimension[];
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

export interface Freshness {
  /** Global log position the read model reflects: every event up to it, none after. */
  readonly position: number;
}

export interface BalancesResult extends Freshness {
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly groupBy: readonly GroupDimension[];
  readonly page: number;
  readonly pageSize: number;
  readonly totalRows: number;
  readonly total: Figures & { readonly lines: number; readonly events: number };
  readonly rows: readonly BalanceRow[];
}

const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

type Row = Record<string, unknown>;
type Level = 'unit' | 'district' | 'province';
interface Where {
  readonly sql: string[];
  readonly params: unknown[];
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt((v as number | null) ?? 0));

function subtract(a: Measures, b: Partial<Record<Measure, bigint>>): Measures {
  const neg: Partial<Record<Measure, bigint>> = {};
  for (const [k, v] of Object.entries(b) as [Measure, bigint][]) neg[k] = -v;
  return addMeasures(a, neg);
}

function byOrigin(map: Map<number, bigint>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [year, cents] of [...map.entries()].sort((x, y) => x[0] - y[0])) if (cents !== 0n) out[String(year)] = centsToMoney(cents);
  return out;
}

function change(delta: Partial<Record<Measure, bigint>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(delta) as [Measure, bigint][]) out[k] = centsToMoney(v);
  return out;
}

/**
 * Every question the read models answer. Each runs in one read transaction, so its figures and the
 * position it reports belong to the same moment. Money leaves here only as exact decimal strings.
 */
export class ReadModelQueries {
  private generation: number | null = null;
  private t: GenerationTables | null = null;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly liveGeneration: Database.Statement;

  constructor(
    private readonly rm: ReadModelDb,
    private readonly catalogue: Catalogue,
    private readonly ctx: ProjectionContext,
  ) {
    this.liveGeneration = rm.db.prepare("SELECT value FROM read_model_meta WHERE key = 'generation'").pluck();
  }

  /** Runs a question in one read transaction against the live generation, with the position it reflects. */
  private read<T>(fn: (t: GenerationTables, position: number) => T): T & Freshness {
    for (let attempt = 1; ; attempt++) {
      // Attaching a generation's file cannot happen inside a transaction: follow the live one first.
      const live = this.liveGeneration.get() as string | undefined;
      if (live === undefined) throw new ReadModelUnavailable('the read models have not been built yet; they are being built from the log');
      if (Number(live) !== this.generation) {
        this.rm.attach(Number(live));
        this.generation = Number(live);
        this.t = tablesOf(this.generation);
        this.statements.clear();
        this.rm.detachOthers(this.generation);
      }
      try {
        return this.rm.transaction(() => {
          if (Number(this.liveGeneration.get()) !== this.generation) throw new GenerationMoved();
          const t = this.t as GenerationTables;
          const position = num(this.stmt(`SELECT position FROM ${t.checkpoint} WHERE id = 1`).pluck().get());
          return { position, ...fn(t, position) };
        });
      } catch (error) {
        // A rebuild made another generation live between the two looks: answer from that one.
        if (error instanceof GenerationMoved && attempt < 3) continue;
        throw error;
      }
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      if (this.statements.size > 500) this.statements.clear();
      s = this.rm.db.prepare(sql).safeIntegers(true);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Position and generation of the live read model. */
  status(): Freshness & { generation: number; events: number } {
    return this.read((t) => {
      const row = this.stmt(`SELECT events FROM ${t.checkpoint} WHERE id = 1`).get() as Row;
      return { generation: this.generation as number, events: num(row.events) };
    });
  }

  // ---------------------------------------------------------------- filters

  private unitLevel(unit: string, field = 'unit'): Level {
    const u = this.catalogue.units.get(unit);
    if (!u) throw InvalidCommand.field(field, `unknown administrative unit "${unit}"`);
    return u.level === 'province' ? 'province' : u.level === 'district' ? 'district' : 'unit';
  }

  /** The components a code stands for: a project and its sub-projects, or one component. */
  private componentSet(code: string, field = 'component'): string[] {
    const c = this.catalogue.components.get(code);
    if (!c) throw InvalidCommand.field(field, `unknown component "${code}"; use a project (DA1), a sub-project (DA1.TDA1) or component.content (DA1.TDA1.HT)`);
    if (c.level === 'project') return [code, ...[...this.catalogue.components.values()].filter((x) => this.catalogue.componentAncestors(x.code).includes(code)).map((x) => x.code)];
    return [code];
  }

  private componentFilter(code: string, alias: string, w: Where): void {
    const p = alias ? `${alias}.` : '';
    const entry = this.catalogue.components.get(code);
    if (entry) {
      if (entry.level === 'project') {
        w.sql.push(`${p}project = ?`);
      } else {
        w.sql.push(`${p}component = ?`);
      }
      w.params.push(code);
      return;
    }
    const dot = code.lastIndexOf('.');
    const parent = dot > 0 ? this.catalogue.components.get(code.slice(0, dot)) : undefined;
    if (parent && (parent.contents ?? []).some((x) => x.code === code.slice(dot + 1))) {
      w.sql.push(`${p}component = ?`, `${p}content = ?`);
      w.params.push(parent.code, code.slice(dot + 1));
      return;
    }
    throw InvalidCommand.field('component', `unknown component "${code}"; use a project (DA1), a sub-project (DA1.TDA1) or component.content (DA1.TDA1.HT)`);
  }

  private balanceWhere(f: BalanceFilter, alias: string): Where {
    const p = alias ? `${alias}.` : '';
    const w: Where = { sql: [], params: [] };
    if (f.programme !== undefined) {
      w.sql.push(`${p}programme = ?`);
      w.params.push(f.programme);
    }
    if (f.component !== undefined) this.componentFilter(f.component, alias, w);
    if (f.unit !== undefined) {
      w.sql.push(`${p}${this.unitLevel(f.unit)} = ?`);
      w.params.push(f.unit);
    }
    if (f.source !== undefined) {
      w.sql.push(`${p}source = ?`);
      w.params.push(f.source);
    }
    if (f.capitalType !== undefined) {
      w.sql.push(`${p}capital_type = ?`);
      w.params.push(f.capitalType);
    }
    if (f.budgetYear !== undefined) {
      w.sql.push(`${p}budget_year = ?`);
      w.params.push(f.budgetYear);
    }
    if (f.originYear !== undefined) {
      w.sql.push(`${p}origin_year = ?`);
      w.params.push(f.originYear);
    }
    return w;
  }

  /** The smallest balance table that holds every column the filter and the grouping need. */
  private balanceTable(t: GenerationTables, f: BalanceFilter, groupBy: readonly GroupDimension[] | null): { table: string; lineGrain: boolean } {
    if (groupBy === null) return { table: t.lines, lineGrain: true };
    const needed = new Set<string>(['origin_year', ...groupBy.flatMap((g) => GROUP_COLUMNS[g])]);
    if (f.programme !== undefined) needed.add('programme');
    if (f.component !== undefined) for (const c of this.componentColumns(f.component)) needed.add(c);
    if (f.unit !== undefined) needed.add(this.unitLevel(f.unit));
    if (f.source !== undefined) needed.add('source');
    if (f.capitalType !== undefined) needed.add('capital_type');
    if (f.budgetYear !== undefined) needed.add('budget_year');
    if (f.originYear !== undefined) needed.add('origin_year');
    for (const g of ROLLUP_GRAINS) {
      const has = new Set<string>([...g.identity, ...g.derived]);
      if ([...needed].every((c) => has.has(c))) return { table: t[g.table], lineGrain: false };
    }
    return { table: t.lines, lineGrain: true };
  }

  /** The columns a component filter reads (see componentFilter). */
  private componentColumns(code: string): string[] {
    const w: Where = { sql: [], params: [] };
    this.componentFilter(code, '', w);
    return w.sql.map((c) => c.split(' ')[0]);
  }

  private slice(q: TimeSlice): { eff: number; rec: number; asOf: string | null; knownAt: string | null } | null {
    if (q.asOf === undefined && q.knownAt === undefined) return null;
    let rec = Number.MAX_SAFE_INTEGER;
    if (q.knownAt !== undefined) {
      rec = /^\d{4}-\d{2}-\d{2}$/.test(q.knownAt) ? Date.parse(`${q.knownAt}T23:59:59.999+07:00`) : Date.parse(q.knownAt);
      if (Number.isNaN(rec)) throw InvalidCommand.field('knownAt', `"${q.knownAt}" is not a date YYYY-MM-DD or an ISO instant`);
    }
    return { eff: q.asOf !== undefined ? dateToInt(q.asOf) : 99991231, rec, asOf: q.asOf ?? null, knownAt: q.knownAt ?? null };
  }

  private paging(q: Paging): { page: number; pageSize: number; offset: number } {
    const page = q.page ?? 1;
    const pageSize = Math.min(q.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    return { page, pageSize, offset: (page - 1) * pageSize };
  }

  // ---------------------------------------------------------------- balances

  balances(q: BalancesQuery): BalancesResult {
    const groupBy = q.groupBy && q.groupBy.length > 0 ? [...new Set(q.groupBy)] : null;
    const { page, pageSize, offset } = this.paging(q);
    const slice = this.slice(q);
    return this.read((t) => {
      const result = slice ? this.balancesAsOf(t, q, groupBy, slice, offset, pageSize) : this.balancesNow(t, q, groupBy, offset, pageSize);
      return {
        asOf: slice?.asOf ?? null,
        knownAt: slice?.knownAt ?? null,
        groupBy: groupBy ?? [],
        page,
        pageSize,
        ...result,
      };
    });
  }

  private balancesNow(t: GenerationTables, q: BalancesQuery, groupBy: GroupDimension[] | null, offset: number, pageSize: number) {
    const { table, lineGrain } = this.balanceTable(t, q, groupBy);
    const w = this.balanceWhere(q, '');
    const where = w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : '';
    if (groupBy === null) {
      const total = this.totalNow(t, q, w, where);
      const rows = this.stmt(`SELECT * FROM ${table} ${where} ORDER BY stream LIMIT ? OFFSET ?`).all(...w.params, pageSize, offset) as Row[];
      const totalRows = num(this.stmt(`SELECT count(*) FROM ${table} ${where}`).pluck().get(...w.params));
      return {
        totalRows,
        total,
        rows: rows.map((r) => {
          const m = measuresFromRow(r);
          const key = lineKeyOf(r);
          return {
            ...lineIdentity(r),
            lines: 1,
            events: num(r.event_count),
            ...balanceFigures(m),
            carriedInByOriginYear: byOrigin(new Map([[key.originYear, m.carriedIn]])),
          };
        }),
      };
    }
    // One scan, grouped by the dimensions and the origin year (for carried-in money by origin); the groups
    // are folded and paged here. There are few of them except when grouping by unit.
    const cols = groupBy.flatMap((g) => GROUP_COLUMNS[g]);
    const colList = cols.join(', ');
    const lineCount = lineGrain ? 'count(*)' : 'sum(line_count)';
    const rows = this.stmt(
      `SELECT ${colList}, origin_year AS origin, ${sumMeasuresSql('', false)}, sum(event_count) AS events, ${lineCount} AS lines FROM ${table} ${where} GROUP BY ${colList}, origin_year ORDER BY ${colList}`,
    ).all(...w.params) as Row[];
    const { totalRows, total, rows: page } = this.foldGroups(rows, cols, groupBy, offset, pageSize);
    return { totalRows, total, rows: page };
  }

  /** Folds rows grouped by (dimensions, origin year) into groups, with the total of all, and pages them. */
  private foldGroups(rows: Row[], cols: readonly string[], groupBy: readonly GroupDimension[] | null, offset: number, pageSize: number) {
    interface Acc {
      first: Row;
      measures: Measures;
      origins: Map<number, bigint>;
      events: number;
      lines: number;
    }
    const groups = new Map<string, Acc>();
    const total: Acc = { first: {}, measures: ZERO_MEASURES, origins: new Map(), events: 0, lines: 0 };
    const add = (acc: Acc, r: Row, m: Measures) => {
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
      rows: groupBy === null
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

  private totalNow(t: GenerationTables, f: BalanceFilter, w: Where, where: string) {
    const { table, lineGrain } = this.balanceTable(t, f, []);
    const lineCount = lineGrain ? 'count(*)' : 'coalesce(sum(line_count), 0)';
    const sums = sumMeasuresSql('', false);
    const row = this.stmt(`SELECT ${sums}, coalesce(sum(event_count), 0) AS events, ${lineCount} AS lines FROM ${table} ${where}`).get(...w.params) as Row;
    const origins = this.stmt(`SELECT origin_year AS origin, sum(carried_in) AS carried_in FROM ${table} ${where ? `${where} AND` : 'WHERE'} carried_in <> 0 GROUP BY origin_year`).all(
      ...w.params,
    ) as Row[];
    return {
      lines: num(row.lines),
      events: num(row.events),
      ...balanceFigures(measuresFromRow(row)),
      carriedInByOriginYear: byOrigin(new Map(origins.map((o) => [num(o.origin), big(o.carried_in)]))),
    };
  }

  private balancesAsOf(
    t: GenerationTables,
    q: BalancesQuery,
    groupBy: GroupDimension[] | null,
    slice: { eff: number; rec: number },
    offset: number,
    pageSize: number,
  ) {
    const w = this.balanceWhere(q, 'l');
    const cols = groupBy === null ? ['stream', 'line_id'] : groupBy.flatMap((g) => GROUP_COLUMNS[g]);
    const colList = cols.map((c) => `l.${c}`).join(', ');
    const conditions = [...w.sql, 'e.eff <= ?', 'e.rec <= ?'].join(' AND ');
    const rows = this.stmt(
      `SELECT ${colList}, l.origin_year AS origin, ${sumMeasuresSql('e', true)}, count(*) AS events, count(DISTINCT e.line_id) AS lines
       FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id
       WHERE ${conditions} GROUP BY ${colList}, l.origin_year ORDER BY ${colList}`,
    ).all(...w.params, slice.eff, slice.rec) as Row[];
    const { all, totalRows, total, rows: grouped } = this.foldGroups(rows, cols, groupBy, offset, pageSize);
    if (groupBy !== null) return { totalRows, total, rows: grouped };
    const pageRows = all.slice(offset, offset + pageSize);
    const lineInfo = new Map<number, Row>();
    if (pageRows.length > 0) {
      const ids = pageRows.map((a) => num(a.first.line_id));
      for (const r of this.stmt(`SELECT * FROM ${t.lines} WHERE line_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as Row[]) {
        lineInfo.set(num(r.line_id), r);
      }
    }
    return {
      totalRows,
      total,
      rows: pageRows.map((a) => {
        const figures = { lines: a.lines, events: a.events, ...balanceFigures(a.measures), carriedInByOriginYear: byOrigin(a.origins) };
        const r = lineInfo.get(num(a.first.line_id)) as Row;
        return {
          ...lineIdentity(r),
          ...figures,
        };
      }),
    };
  }

  // ---------------------------------------------------------------- fund-line history

  history(stream: string, q: TimeSlice & Paging & { readonly order?: 'recorded' | 'effective' }) {
    const { page, pageSize, offset } = this.paging(q);
    const slice = this.slice(q);
    const order = q.order ?? 'recorded';
    return this.read((t) => {
      const line = this.stmt(`SELECT * FROM ${t.lines} WHERE stream = ?`).get(stream) as Row | undefined;
      if (!line) throw new NotInReadModel(`no fund line ${stream} in the read model (check the stream name, or pass minPosition to wait for a recent command)`);
      const key = lineKeyOf(line);
      const orderBy = order === 'effective' ? 'eff, position' : 'position';
      const rows = (
        slice
          ? this.stmt(`SELECT * FROM ${t.entries} WHERE line_id = ? AND eff <= ? AND rec <= ? ORDER BY ${orderBy}`).all(line.line_id, slice.eff, slice.rec)
          : this.stmt(`SELECT * FROM ${t.entries} WHERE line_id = ? ORDER BY ${orderBy}`).all(line.line_id)
      ) as Row[];
      const running = withRunningBalances(rows.map((r) => ({ row: r, delta: deltaFromRow(r) })));
      const last = running.length > 0 ? running[running.length - 1].after : ZERO_MEASURES;
      return {
        stream,
        label: fundLineLabel(key),
        line: { ...key, district: str(line.district), province: str(line.province) },
        asOf: slice?.asOf ?? null,
        knownAt: slice?.knownAt ?? null,
        order,
        page,
        pageSize,
        totalEntries: running.length,
        balance: balanceFigures(last),
        entries: running.slice(offset, offset + pageSize).map(({ row: r, delta, after }) => ({
          position: num(r.position),
          type: str(r.type),
          effectiveDate: intToDate(num(r.eff)),
          recordedAt: str(r.recorded_at),
          recordedBy: { id: str(r.actor), role: str(r.actor_role) },
          command: str(r.command),
          basis: basisOf(r),
          amount: centsToMoney(big(r.amount)),
          ...(r.activity_id ? { activityId: str(r.activity_id) } : {}),
          ...(r.reference ? { reference: str(r.reference) } : {}),
          ...(r.counterpart ? { counterpart: str(r.counterpart) } : {}),
          ...(r.details ? { details: JSON.parse(str(r.details)) as Record<string, string> } : {}),
          change: change(delta),
          balanceAfter: balanceFigures(after),
        })),
      };
    });
  }

  // ---------------------------------------------------------------- progress

  progress(q: TimeSlice & { readonly programme?: string; readonly component?: string; readonly unit?: string }) {
    const components = q.component !== undefined ? this.componentSet(q.component) : null;
    const level = q.unit !== undefined ? this.unitLevel(q.unit) : null;
    const slice = this.slice(q);
    return this.read((t) => {
      // Money of the components' lines.
      const lw = this.balanceWhere({ programme: q.programme, unit: q.unit }, slice ? 'l' : '');
      const compIn = components ? `${slice ? 'l.' : ''}component IN (SELECT value FROM json_each(?))` : null;
      const moneyWhere = [...lw.sql, ...(compIn ? [compIn] : [])];
      const moneyParams = [...lw.params, ...(components ? [JSON.stringify(components)] : [])];
      const money = new Map<string, Measures>();
      if (slice) {
        const rows = this.stmt(
          `SELECT l.component AS component, ${sumMeasuresSql('e', true)} FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id
           WHERE ${[...moneyWhere, 'e.eff <= ?', 'e.rec <= ?'].join(' AND ')} GROUP BY l.component`,
        ).all(...moneyParams, slice.eff, slice.rec) as Row[];
        for (const r of rows) money.set(str(r.component), measuresFromRow(r));
      } else {
        const { table } = this.balanceTable(t, { programme: q.programme, unit: q.unit }, ['component']);
        const rows = this.stmt(
          `SELECT component, ${sumMeasuresSql('', false)} FROM ${table} ${moneyWhere.length ? `WHERE ${moneyWhere.join(' AND ')}` : ''} GROUP BY component`,
        ).all(...moneyParams) as Row[];
        for (const r of rows) money.set(str(r.component), measuresFromRow(r));
      }

      // Activities by component and kind.
      const kinds = new Map<string, Map<string, ProgressTotals>>();
      const addTo = (component: string, kind: string, totals: ProgressTotals) => {
        const byKind = kinds.get(component) ?? new Map<string, ProgressTotals>();
        byKind.set(kind, addTotals(byKind.get(kind) ?? EMPTY_PROGRESS, totals));
        kinds.set(component, byKind);
      };
      if (slice) {
        for (const doc of this.activitiesAsOf(t, q, components, level, slice)) addTo(doc.info.component, doc.info.kind, applyToTotals(EMPTY_PROGRESS, doc, 1));
      } else if (level === 'unit') {
        // A commune holds few activities: sum their documents rather than keep a commune-grain table.
        const w = ['unit = ?', 'registered = 1'];
        const params: unknown[] = [q.unit];
        if (q.programme !== undefined) {
          w.push('programme = ?');
          params.push(q.programme);
        }
        if (components) {
          w.push('component IN (SELECT value FROM json_each(?))');
          params.push(JSON.stringify(components));
        }
        for (const r of this.stmt(`SELECT activity_id, doc, allocated, disbursed, last_position FROM ${t.activities} WHERE ${w.join(' AND ')} ORDER BY activity_id`).all(
          ...params,
        ) as Row[]) {
          const doc = parseActivity(str(r.activity_id), str(r.doc), big(r.allocated), big(r.disbursed), num(r.last_position));
          addTo(doc.info.component, doc.info.kind, applyToTotals(EMPTY_PROGRESS, doc, 1));
        }
      } else {
        const table = level === 'district' ? t.progress_district : t.progress_province;
        const w: string[] = [];
        const params: unknown[] = [];
        if (q.programme !== undefined) {
          w.push('programme = ?');
          params.push(q.programme);
        }
        if (components) {
          w.push('component IN (SELECT value FROM json_each(?))');
          params.push(JSON.stringify(components));
        }
        if (level !== null) {
          w.push(`${level} = ?`);
          params.push(q.unit);
        }
        const rows = this.stmt(`SELECT * FROM ${table} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY component, kind`).all(...params) as Row[];
        for (const r of rows) {
          const totals = progressTotalsFromRow(r);
          if (totals.activities > 0) addTo(str(r.component), str(r.kind), totals);
        }
      }

      const codes = [...new Set([...money.keys(), ...kinds.keys()])].sort();
      return {
        asOf: slice?.asOf ?? null,
        knownAt: slice?.knownAt ?? null,
        scope: { programme: q.programme ?? null, component: q.component ?? null, unit: q.unit ?? null },
        components: codes.map((code) => {
          const byKind = kinds.get(code) ?? new Map<string, ProgressTotals>();
          const all = [...byKind.values()].reduce(addTotals, EMPTY_PROGRESS);
          return {
            component: code,
            name: this.catalogue.components.get(code)?.nameVi ?? code,
            project: this.ctx.componentPlace(code).project,
            money: balanceFigures(money.get(code) ?? ZERO_MEASURES),
            ...this.progressFigures(all),
            byKind: [...byKind.entries()]
              .sort((a, b) => (a[0] < b[0] ? -1 : 1))
              .map(([kind, totals]) => ({ kind, name: this.catalogue.activityKinds.get(kind)?.nameVi ?? kind, ...this.progressFigures(totals) })),
          };
        }),
      };
    });
  }

  private progressFigures(p: ProgressTotals) {
    const indicators = [...new Set([...Object.keys(p.targets), ...Object.keys(p.outputs)])].sort();
    return {
      activities: p.activities,
      byStatus: p.byStatus as Readonly<Record<ActivityProgressStatus, number>>,
      allocated: centsToMoney(p.allocated),
      disbursed: centsToMoney(p.disbursed),
      disbursementRateOfAllocation: rate(centsToMoney(p.disbursed), centsToMoney(p.allocated)),
      beneficiaries: p.beneficiaries,
      outputs: indicators.map((i) => ({
        indicator: i,
        unit: this.catalogue.indicators.get(i)?.unit ?? '',
        target: p.targets[i] ?? null,
        achieved: p.outputs[i] ?? '0',
        rateOfTarget: p.targets[i] !== undefined ? rate(p.outputs[i] ?? '0', p.targets[i]) : null,
      })),
    };
  }

  /** Each candidate activity folded from the facts known at `rec` and in force by `eff`. */
  private activitiesAsOf(
    t: GenerationTables,
    q: { programme?: string; unit?: string },
    components: string[] | null,
    level: Level | null,
    slice: { eff: number; rec: number },
  ): ActivityProgress[] {
    const w: string[] = [];
    const params: unknown[] = [];
    if (level !== null) {
      w.push(`a.${level} = ?`);
      params.push(q.unit);
    }
    if (components) {
      // From the unit's activities when there is a unit (few), from the component's when not.
      w.push(
        level !== null
          ? `EXISTS (SELECT 1 FROM ${t.activity_components} c WHERE c.activity_id = a.activity_id AND c.component IN (SELECT value FROM json_each(?)))`
          : `a.activity_id IN (SELECT activity_id FROM ${t.activity_components} WHERE component IN (SELECT value FROM json_each(?)))`,
      );
      params.push(JSON.stringify(components));
    }
    const ids = this.stmt(`SELECT a.activity_id FROM ${t.activities} a ${w.length ? `WHERE ${w.join(' AND ')}` : ''}`)
      .pluck()
      .all(...params) as string[];
    if (ids.length === 0) return [];
    const docs = this.foldActivities(t, ids, slice.eff, slice.rec, Number.MAX_SAFE_INTEGER);
    return [...docs.values()].filter(
      (d) => d.info.registered && (components === null || components.includes(d.info.component)) && (q.programme === undefined || d.info.programme === q.programme),
    );
  }

  /** Folds activities from their facts: effective by `eff`, recorded by `rec`, at or before log position `upTo`. */
  private foldActivities(t: GenerationTables, ids: readonly string[], eff: number, rec: number, upTo: number): Map<string, ActivityProgress> {
    const idList = JSON.stringify(ids);
    const events = this.stmt(
      `SELECT position, activity_id, eff, type, data FROM ${t.activity_entries}
       WHERE activity_id IN (SELECT value FROM json_each(?)) AND eff <= ? AND rec <= ? AND position <= ?`,
    ).all(idList, eff, rec, upTo) as Row[];
    const money = this.stmt(
      `SELECT position, activity_id, eff, m1, d1, m2, d2 FROM ${t.entries}
       WHERE activity_id IS NOT NULL AND activity_id IN (SELECT value FROM json_each(?)) AND eff <= ? AND rec <= ? AND position <= ?`,
    ).all(idList, eff, rec, upTo) as Row[];
    const facts: ActivityFact[] = [
      ...events.map(
        (r): ActivityFact => ({
          fact: 'event',
          position: num(r.position),
          effectiveDate: intToDate(num(r.eff)),
          type: str(r.type) as ActivityEvent['type'],
          data: JSON.parse(str(r.data)) as ActivityEvent['data'],
        }),
      ),
      ...money.map((r): ActivityFact => {
        const delta = deltaFromRow(r);
        return moneyFact(num(r.position), intToDate(num(r.eff)), str(r.activity_id), delta);
      }),
    ].sort((a, b) => a.position - b.position);
    const docs = new Map<string, ActivityProgress>();
    for (const f of facts) {
      const id = f.fact === 'money' ? f.activityId : (f.data as { activityId: string }).activityId;
      docs.set(id, evolveActivityProgress(docs.get(id) ?? initialActivityProgress(id), f));
    }
    return docs;
  }

  // ---------------------------------------------------------------- decisions

  decisions(q: Paging & { readonly number?: string; readonly issuer?: string; readonly from?: string; readonly to?: string }) {
    const { page, pageSize, offset } = this.paging(q);
    return this.read((t) => {
      const w = decisionWhere(q);
      const where = w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : '';
      const rows = this.stmt(`SELECT * FROM ${t.decisions} ${where} ORDER BY date DESC, number, issuer LIMIT ? OFFSET ?`).all(...w.params, pageSize, offset) as Row[];
      const totalRows = num(this.stmt(`SELECT count(*) FROM ${t.decisions} ${where}`).pluck().get(...w.params));
      return { page, pageSize, totalRows, rows: rows.map(decisionSummary) };
    });
  }

  /** Every event a decision caused, with before → after for each line and activity, who recorded it and when. */
  trail(q: Paging & { readonly number?: string; readonly issuer?: string; readonly date?: string }) {
    if (q.number === undefined && q.issuer === undefined && q.date === undefined) {
      throw InvalidCommand.field('number', 'give at least one of number, issuer, date to find the decision');
    }
    const { page, pageSize, offset } = this.paging(q);
    return this.read((t) => {
      const w = decisionWhere({ number: q.number, issuer: q.issuer, from: q.date, to: q.date });
      const decisions = this.stmt(`SELECT * FROM ${t.decisions} WHERE ${w.sql.join(' AND ')} ORDER BY date, number, issuer LIMIT 101`).all(...w.params) as Row[];
      if (decisions.length === 0) throw new NotInReadModel(`no decision matches ${JSON.stringify({ number: q.number, issuer: q.issuer, date: q.date })}`);
      if (decisions.length > 100) throw InvalidCommand.field('number', 'more than 100 decisions match: narrow with number, issuer and date');
      const ids = JSON.stringify(decisions.map((d) => num(d.decision_id)));
      const byId = new Map(decisions.map((d) => [num(d.decision_id), d]));
      const union = `SELECT position, 'line' AS src FROM ${t.entries} WHERE decision_id IS NOT NULL AND decision_id IN (SELECT value FROM json_each(?))
                     UNION ALL SELECT position, 'activity' AS src FROM ${t.activity_entries} WHERE decision_id IS NOT NULL AND decision_id IN (SELECT value FROM json_each(?))`;
      const totalEvents = num(this.stmt(`SELECT count(*) FROM (${union})`).pluck().get(ids, ids));
      const refs = this.stmt(`${union} ORDER BY position LIMIT ? OFFSET ?`).all(ids, ids, pageSize, offset) as Row[];
      const linePositions = refs.filter((r) => r.src === 'line').map((r) => num(r.position));
      const activityPositions = refs.filter((r) => r.src === 'activity').map((r) => num(r.position));
      const lineRows = new Map(
        (
          this.stmt(`SELECT e.*, l.stream AS stream, l.programme, l.component, l.content, l.budget_year, l.origin_year, l.source, l.capital_type, l.unit
                     FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id WHERE e.position IN (SELECT value FROM json_each(?))`).all(
            JSON.stringify(linePositions),
          ) as Row[]
        ).map((r) => [num(r.position), r]),
      );
      const activityRows = new Map(
        (this.stmt(`SELECT * FROM ${t.activity_entries} WHERE position IN (SELECT value FROM json_each(?))`).all(JSON.stringify(activityPositions)) as Row[]).map((r) => [
          num(r.position),
          r,
        ]),
      );
      const lineAfter = this.stmt(`SELECT ${sumMeasuresSql('', true)} FROM ${t.entries} WHERE line_id = ? AND position <= ?`);
      const events = refs.map((ref): TrailEvent => {
        const position = num(ref.position);
        if (ref.src === 'line') {
          const r = lineRows.get(position) as Row;
          const delta = deltaFromRow(r);
          const after = measuresFromRow(lineAfter.get(r.line_id, position) as Row);
          const key = lineKeyOf(r);
          const activityId = r.activity_id ? str(r.activity_id) : null;
          return {
            position,
            decision: decisionRef(byId.get(num(r.decision_id)) as Row),
            type: str(r.type),
            effectiveDate: intToDate(num(r.eff)),
            recordedAt: str(r.recorded_at),
            recordedBy: { id: str(r.actor), role: str(r.actor_role) },
            command: str(r.command),
            amount: centsToMoney(big(r.amount)),
            ...(r.reference ? { reference: str(r.reference) } : {}),
            ...(r.details ? { details: JSON.parse(str(r.details)) as Record<string, string> } : {}),
            line: { stream: str(r.stream), label: fundLineLabel(key), change: change(delta), before: balanceFigures(subtract(after, delta)), after: balanceFigures(after) },
            ...(activityId ? { activity: this.activityBeforeAfter(t, activityId, position) } : {}),
          };
        }
        const r = activityRows.get(position) as Row;
        return {
          position,
          decision: decisionRef(byId.get(num(r.decision_id)) as Row),
          type: str(r.type),
          effectiveDate: intToDate(num(r.eff)),
          recordedAt: str(r.recorded_at),
          recordedBy: { id: str(r.actor), role: str(r.actor_role) },
          command: str(r.command),
          data: JSON.parse(str(r.data)) as Record<string, unknown>,
          activity: this.activityBeforeAfter(t, str(r.activity_id), position),
        };
      });
      return { decisions: decisions.map(decisionSummary), page, pageSize, totalEvents, events };
    });
  }

  private activityBeforeAfter(t: GenerationTables, activityId: string, position: number): NonNullable<TrailEvent['activity']> {
    const never = Number.MAX_SAFE_INTEGER;
    const before = this.foldActivities(t, [activityId], 99991231, never, position - 1).get(activityId) ?? null;
    const after = this.foldActivities(t, [activityId], 99991231, never, position).get(activityId) ?? null;
    const view = (d: ActivityProgress | null): ActivityView | null =>
      d && d.lastPosition > 0
        ? {
            kind: d.info.kind,
            component: d.info.component,
            status: activityStatus(d),
            allocated: centsToMoney(d.allocated),
            disbursed: centsToMoney(d.disbursed),
            outputs: d.info.outputs,
          }
        : null;
    return { activityId, before: view(before), after: view(after) };
  }

  // ---------------------------------------------------------------- adjustments

  adjustments(
    q: Paging & {
      readonly from?: string;
      readonly to?: string;
      readonly unit?: string;
      readonly component?: string;
      readonly kind?: readonly AdjustmentKind[];
    },
  ) {
    const { page, pageSize, offset } = this.paging(q);
    const components = q.component !== undefined ? this.componentSet(q.component) : null;
    const level = q.unit !== undefined ? this.unitLevel(q.unit) : null;
    return this.read((t) => {
      const w: string[] = [];
      const params: unknown[] = [];
      if (q.from !== undefined) {
        w.push('a.eff >= ?');
        params.push(dateToInt(q.from));
      }
      if (q.to !== undefined) {
        w.push('a.eff <= ?');
        params.push(dateToInt(q.to));
      }
      if (level !== null) {
        w.push(`a.${level} = ?`);
        params.push(q.unit);
      }
      if (components) {
        w.push('(a.component IN (SELECT value FROM json_each(?)) OR a.other_component IN (SELECT value FROM json_each(?)))');
        params.push(JSON.stringify(components), JSON.stringify(components));
      }
      if (q.kind && q.kind.length > 0) {
        w.push('a.kind IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(q.kind));
      }
      const where = w.length ? `WHERE ${w.join(' AND ')}` : '';
      const rows = this.stmt(
        `SELECT a.*, d.number AS d_number, d.issuer AS d_issuer, d.date AS d_date FROM ${t.adjustments} a
         LEFT JOIN ${t.decisions} d ON d.decision_id = a.decision_id ${where} ORDER BY a.eff, a.position LIMIT ? OFFSET ?`,
      ).all(...params, pageSize, offset) as Row[];
      const totalRows = num(this.stmt(`SELECT count(*) FROM ${t.adjustments} a ${where}`).pluck().get(...params));
      return {
        page,
        pageSize,
        totalRows,
        rows: rows.map((r) => ({
          position: num(r.position),
          kind: str(r.kind) as AdjustmentKind,
          reference: str(r.reference),
          effectiveDate: intToDate(num(r.eff)),
          recordedAt: str(r.recorded_at),
          recordedBy: { id: str(r.actor), role: str(r.actor_role) },
          decision: r.d_number ? { number: str(r.d_number), issuer: str(r.d_issuer), date: str(r.d_date) } : null,
          unit: str(r.unit),
          district: str(r.district),
          province: str(r.province),
          component: str(r.component),
          otherComponent: str(r.other_component) || null,
          stream: r.stream ? str(r.stream) : null,
          counterpart: r.counterpart ? str(r.counterpart) : null,
          activityId: r.activity_id ? str(r.activity_id) : null,
          amount: r.amount === null ? null : centsToMoney(big(r.amount)),
          fromKind: r.from_kind ? str(r.from_kind) : null,
          toKind: r.to_kind ? str(r.to_kind) : null,
          reason: str(r.reason),
          recordedDaysAfterEffect: num(r.recorded_days_after_effect),
          activityDisbursedBefore: r.activity_disbursed_before === null ? null : centsToMoney(big(r.activity_disbursed_before)),
        })),
      };
    });
  }
}

function lineKeyOf(r: Row): FundLineKey {
  const content = str(r.content);
  return {
    programme: str(r.programme),
    component: str(r.component),
    ...(content ? { content } : {}),
    budgetYear: num(r.budget_year),
    originYear: num(r.origin_year),
    source: str(r.source),
    capitalType: str(r.capital_type),
    unit: str(r.unit),
  };
}

function groupOf(r: Row, cols: readonly string[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const c of cols) out[COLUMN_NAMES[c]] = typeof r[c] === 'bigint' ? num(r[c]) : str(r[c]);
  return out;
}

function basisOf(r: Row) {
  const kind = str(r.basis_kind);
  const number = r.basis_number === null ? undefined : str(r.basis_number);
  const date = str(r.basis_date);
  const by = r.basis_issuer === null ? undefined : str(r.basis_issuer);
  if (kind === 'voucher') return { kind, number, date, treasury: by };
  if (kind === 'decision') return { kind, number, date, issuer: by };
  return { kind, ...(number ? { number } : {}), date, issuerOrTitle: by };
}

function decisionWhere(q: { number?: string; issuer?: string; from?: string; to?: string }): Where {
  const w: Where = { sql: [], params: [] };
  if (q.number !== undefined) {
    w.sql.push('number = ?');
    w.params.push(q.number);
  }
  if (q.issuer !== undefined) {
    w.sql.push('issuer = ?');
    w.params.push(q.issuer);
  }
  if (q.from !== undefined) {
    w.sql.push('date >= ?');
    w.params.push(q.from);
  }
  if (q.to !== undefined) {
    w.sql.push('date <= ?');
    w.params.push(q.to);
  }
  return w;
}

function decisionRef(r: Row) {
  return { number: str(r.number), issuer: str(r.issuer), date: str(r.date) };
}

function decisionSummary(r: Row) {
  return {
    ...decisionRef(r),
    events: num(r.event_count),
    firstRecordedAt: str(r.first_recorded_at),
    lastRecordedAt: str(r.last_recorded_at),
    firstEffectiveDate: str(r.first_effective_date),
    lastEffectiveDate: str(r.last_effective_date),
    byType: JSON.parse(str(r.by_type)) as Record<string, number>,
  };
}

/** How a balance row of one fund line names it: its dimensions as a group, its stream and its label. */
function lineIdentity(r: Row) {
  const key = lineKeyOf(r);
  return {
    group: {
      programme: key.programme,
      component: key.component,
      content: key.content ?? '',
      budgetYear: key.budgetYear,
      originYear: key.originYear,
      source: key.source,
      capitalType: key.capitalType,
      unit: key.unit,
      district: str(r.district),
      province: str(r.province),
    },
    stream: str(r.stream),
    label: fundLineLabel(key),
  };
}
