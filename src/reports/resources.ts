import type { FigureStated } from '../../events';
import type { ProjectionContext } from '../../projections/shared/context';
import type { Catalogue } from '../catalogue/catalogue';
import { D, rate, toMoney } from '../money/money';
import type { BalancesResult, ReadModelQueries, StatedFigure } from '../projections/read-model-queries';
import type { ReadQueries } from '../projections/read-queries';
import { MAX_PAGE_SIZE } from '../projections/read-model-queries';
import { Cell, CellQuery, path } from './cells';
import { ReportParams, dayBefore } from './report-params';

/**
 * Kết quả phân bổ, sử dụng nguồn lực: the report table of the 6-month and annual monitoring reports (Circular
 * 10/2022/TT-BLĐTBXH, Appendix II form 01, section "Kết quả phân bổ, sử dụng nguồn lực"), computed from the read
 * models at one log position: per project, sub-project and content item, by source and capital type, the plan
 * assigned in the year and carried in by origin year, allocated, unallocated, disbursed and the rate of plan; the
 * estimates documents stated (ước thực hiện) in columns of their own; physical results against targets and
 * beneficiaries by category. Every figure is a Cell with the query behind it.
 */

/** NSĐP: the local budget, every level. A row of this source sums NSDP-TINH, NSDP-HUYEN and NSDP-XA. */
export const NSDP = 'NSDP';
export const NSDP_LEVELS = ['NSDP-TINH', 'NSDP-HUYEN', 'NSDP-XA'] as const;
const isNsdpLevel = (s: string) => (NSDP_LEVELS as readonly string[]).includes(s);

export type RowLevel = 'total' | 'project' | 'subProject' | 'content' | 'source' | 'capitalType';

/** Which money a row covers: a node of the programme tree ('' the whole programme, DA1, DA1.TDA1, DA1.TDA1.HT), a source, a capital type. */
export interface RowScope {
  readonly node: string;
  readonly source: string | null;
  readonly capitalType: string | null;
}

export interface ResourceRow {
  readonly level: RowLevel;
  /** Số thứ tự as offices number it (1, 1.1, -) or '' for a breakdown row. */
  readonly stt: string;
  readonly label: string;
  /** The row's source and capital type, as short Vietnamese names ('' for all). */
  readonly sourceLabel: string;
  readonly capitalTypeLabel: string;
  readonly scope: RowScope;
  readonly cells: Readonly<Record<string, Cell>>;
  /** For a node's own row: its total plan (planTotal) by each source it has money from, in the catalogue's order. */
  readonly bySource?: readonly { readonly source: string; readonly planTotal: Cell }[];
}

export interface ReportColumn {
  readonly id: string;
  readonly header: string;
  /** The header of the group it belongs to (merged over its columns), if any. */
  readonly group?: string;
  readonly kind: Cell['kind'];
}

export interface OutputRow {
  readonly stt: string;
  readonly component: string;
  readonly label: string;
  readonly cells: Readonly<Record<string, Cell>>;
}

export interface ResourcesReport {
  readonly params: ReportParams;
  readonly unitName: string;
  /** province, district or commune: which local budget is the unit's own (ngân sách tỉnh, huyện, xã). */
  readonly unitLevel: string;
  readonly programmeName: string;
  /** Origin years of money carried into the budget year, ascending. */
  readonly originYears: readonly number[];
  /** Dates of the estimates documents stated, ascending. */
  readonly estimateDates: readonly string[];
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly ResourceRow[];
  readonly outputColumns: readonly ReportColumn[];
  readonly outputs: readonly OutputRow[];
  readonly beneficiaryColumns: readonly ReportColumn[];
  readonly beneficiaries: readonly OutputRow[];
  /** Estimates stated for the unit and year that no row of the table can hold (their scope names an activity...). */
  readonly unplacedEstimates: readonly { readonly assertionId: string; readonly document: string; readonly section: string; readonly reason: string }[];
}

export const SOURCE_SHORT: Readonly<Record<string, string>> = {
  NSTW: 'NSTW',
  [NSDP]: 'NSĐP',
  'NSDP-TINH': 'NSĐP tỉnh',
  'NSDP-HUYEN': 'NSĐP huyện',
  'NSDP-XA': 'NSĐP xã',
  'TD-CSXH': 'Tín dụng CSXH',
  'HUY-DONG': 'Huy động khác',
};
export const CAPITAL_SHORT: Readonly<Record<string, string>> = { DTPT: 'ĐTPT', SN: 'SN' };

interface Acc {
  plan: D;
  carriedIn: D;
  carriedOut: D;
  returned: D;
  allocated: D;
  unallocated: D;
  disbursed: D;
  disbursedBefore: D;
  origins: Map<number, D>;
}

const zeroAcc = (): Acc => {
  const z = new D(0);
  return { plan: z, carriedIn: z, carriedOut: z, returned: z, allocated: z, unallocated: z, disbursed: z, disbursedBefore: z, origins: new Map() };
};

const keyOf = (s: RowScope) => `${s.node}|${s.source ?? '*'}|${s.capitalType ?? '*'}`;

/** Every group row of a balances question, page by page. */
async function allGroups(queries: ReadQueries, q: Parameters<ReadModelQueries['balances']>[0]): Promise<BalancesResult['rows']> {
  const rows: BalancesResult['rows'][number][] = [];
  for (let page = 1; ; page++) {
    const r = await queries.balances({ ...q, page, pageSize: MAX_PAGE_SIZE });
    rows.push(...r.rows);
    if (rows.length >= r.totalRows || r.rows.length === 0) return rows;
  }
}

/** The place in the row table of an estimate's scope, or why it has none. */
function estimateScope(f: FigureStated['data']): RowScope | string {
  const s = f.scope;
  if (s.activityId !== undefined) return 'its scope is one activity';
  if (s.originYear !== undefined) return 'its scope is one origin year';
  if (s.content !== undefined && s.component === undefined) return 'its scope has a content item without a component';
  let source: string | null = null;
  if (s.sources && s.sources.length > 0) {
    const set = new Set(s.sources);
    if (set.size === 1) source = s.sources[0];
    else if (set.size === NSDP_LEVELS.length && NSDP_LEVELS.every((l) => set.has(l))) source = NSDP;
    else return `its scope is several sources (${s.sources.join(', ')}) that no row sums`;
  }
  const node = s.component === undefined ? '' : s.content !== undefined ? `${s.component}.${s.content}` : s.component;
  return { node, source, capitalType: s.capitalType ?? null };
}

export class ResourcesReportBuilder {
  constructor(
    private readonly queries: ReadQueries,
    private readonly catalogue: Catalogue,
    private readonly ctx: ProjectionContext,
  ) {}

  async build(params: ReportParams): Promise<ResourcesReport> {
    const { programme, unit, budgetYear, from, asOf, knownAt, position } = params;
    const lists = this.catalogue.lists(programme);
    const slice = { asOf, ...(knownAt !== null ? { knownAt } : {}), upToPosition: position };
    const base = { programme, unit, budgetYear, groupBy: ['content', 'source', 'capitalType'] as const };
    const now = await allGroups(this.queries, { ...base, groupBy: [...base.groupBy], ...slice });
    const before = await allGroups(this.queries, { ...base, groupBy: [...base.groupBy], ...slice, asOf: dayBefore(from) });

    // Nodes a line's money counts in: the programme, its project, sub-project, component and content item.
    const nodesOf = (component: string, content: string): string[] => {
      const place = this.ctx.componentPlace(component, programme);
      const nodes = [''];
      for (const c of [place.project, place.subProject, component]) if (!nodes.includes(c)) nodes.push(c);
      if (content) nodes.push(`${component}.${content}`);
      return nodes;
    };
    const accs = new Map<string, Acc>();
    const combos = new Map<string, Set<string>>();
    const add = (group: Record<string, string | number>, apply: (a: Acc) => void) => {
      const component = String(group.component);
      const content = String(group.content ?? '');
      const source = String(group.source);
      const capitalType = String(group.capitalType);
      for (const node of nodesOf(component, content)) {
        (combos.get(node) ?? combos.set(node, new Set()).get(node)!).add(`${source}|${capitalType}`);
        for (const s of [null, source, ...(isNsdpLevel(source) ? [NSDP] : [])]) {
          for (const t of [null, capitalType]) {
            const k = keyOf({ node, source: s, capitalType: t });
            let a = accs.get(k);
            if (!a) accs.set(k, (a = zeroAcc()));
            apply(a);
          }
        }
      }
    };
    const originYears = new Set<number>();
    for (const r of now) {
      add(r.group, (a) => {
        a.plan = a.plan.plus(r.plan);
        a.carriedIn = a.carriedIn.plus(r.carriedIn);
        a.carriedOut = a.carriedOut.plus(r.carriedOut);
        a.returned = a.returned.plus(r.returned);
        a.allocated = a.allocated.plus(r.allocated);
        a.unallocated = a.unallocated.plus(r.unallocated);
        a.disbursed = a.disbursed.plus(r.disbursed);
        for (const [y, v] of Object.entries(r.carriedInByOriginYear)) {
          originYears.add(Number(y));
          a.origins.set(Number(y), (a.origins.get(Number(y)) ?? new D(0)).plus(v));
        }
      });
    }
    for (const r of before) add(r.group, (a) => (a.disbursedBefore = a.disbursedBefore.plus(r.disbursed)));

    // Estimates: what documents stated about this unit and year, kept apart from the ledger's figures.
    const stated = await this.queries.statedFigures({ unit, programme, budgetYear, measures: ['estimate'], ...(knownAt !== null ? { knownAt } : {}), upToPosition: position });
    const estimates = new Map<string, Map<string, StatedFigure[]>>();
    const unplacedEstimates: ResourcesReport['unplacedEstimates'][number][] = [];
    const estimateDates = new Set<string>();
    for (const s of stated.figures) {
      const scope = estimateScope(s.figure);
      if (typeof scope === 'string') {
        unplacedEstimates.push({ assertionId: s.figure.assertionId, document: s.figure.document.id, section: s.figure.section, reason: scope });
        continue;
      }
      if (scope.node !== '' && !this.nodeKnown(scope.node, programme)) {
        unplacedEstimates.push({ assertionId: s.figure.assertionId, document: s.figure.document.id, section: s.figure.section, reason: `unknown component ${scope.node}` });
        continue;
      }
      estimateDates.add(s.figure.asOf);
      const byDate = estimates.get(keyOf(scope)) ?? new Map<string, StatedFigure[]>();
      byDate.set(s.figure.asOf, [...(byDate.get(s.figure.asOf) ?? []), s]);
      estimates.set(keyOf(scope), byDate);
    }
    const dates = [...estimateDates].sort();
    const years = [...originYears].sort((a, b) => a - b);
    const columns = this.columns(params, years, dates);

    // The rows: every node with money or an estimate, in the catalogue's order, each followed by its breakdown.
    const forced = new Map<string, RowScope[]>();
    for (const k of estimates.keys()) {
      const [node, s, t] = k.split('|');
      const scope: RowScope = { node, source: s === '*' ? null : s, capitalType: t === '*' ? null : t };
      forced.set(node, [...(forced.get(node) ?? []), scope]);
    }
    const nodeSet = new Set<string>([...combos.keys(), ...forced.keys()]);
    for (const n of [...nodeSet]) for (const a of this.ancestorsOf(n, programme)) nodeSet.add(a);
    const order = this.nodeOrder(programme);
    const nodes = [...nodeSet].sort((a, b) => order(a) - order(b));

    const sourceOrder = [NSDP, ...lists.sources.keys()];
    const sourceRank = (s: string) => (s === NSDP ? sourceOrder.indexOf('NSDP-TINH') - 0.5 : sourceOrder.indexOf(s));
    const typeOrder = [...lists.capitalTypes.keys()];

    const rows: ResourceRow[] = [];
    const cellsFor = (scope: RowScope): Record<string, Cell> => this.cells(params, scope, accs.get(keyOf(scope)) ?? zeroAcc(), years, dates, estimates.get(keyOf(scope)));
    for (const node of nodes) {
      const nodeCombos = [...(combos.get(node) ?? [])].map((c) => c.split('|') as [string, string]);
      const nodeForced = forced.get(node) ?? [];
      const single = nodeCombos.length === 1 ? nodeCombos[0] : null;
      const nodeSources = [...new Set(nodeCombos.map(([s]) => s))].sort((a, b) => sourceRank(a) - sourceRank(b));
      rows.push({
        ...this.nodeRow(node, programme),
        sourceLabel: single ? SOURCE_SHORT[single[0]] ?? single[0] : '',
        capitalTypeLabel: single ? CAPITAL_SHORT[single[1]] ?? single[1] : '',
        scope: { node, source: null, capitalType: null },
        cells: cellsFor({ node, source: null, capitalType: null }),
        bySource: nodeSources.map((source) => ({ source, planTotal: cellsFor({ node, source, capitalType: null }).planTotal })),
      });
      const breakdown = nodeCombos.length > 1 || nodeForced.some((f) => f.source !== null || f.capitalType !== null);
      if (!breakdown) continue;
      const want: RowScope[] = [];
      const typesOf = (s: string) =>
        [...new Set([...nodeCombos.filter(([cs]) => cs === s || (s === NSDP && isNsdpLevel(cs))).map(([, t]) => t), ...nodeForced.filter((f) => f.source === s && f.capitalType).map((f) => f.capitalType as string)])].sort(
          (a, b) => typeOrder.indexOf(a) - typeOrder.indexOf(b),
        );
      // Capital types over every source, when a document stated one.
      for (const f of nodeForced.filter((x) => x.source === null && x.capitalType !== null)) want.push(f);
      const levels = new Set(nodeCombos.map(([s]) => s).filter(isNsdpLevel));
      const sources = new Set([...nodeCombos.map(([s]) => s), ...nodeForced.filter((f) => f.source !== null).map((f) => f.source as string)]);
      if (levels.size > 1) sources.add(NSDP);
      const sourceList = [...sources].sort((a, b) => sourceRank(a) - sourceRank(b));
      for (const s of sourceList) {
        const types = typesOf(s);
        const forcedHere = (t: string | null) => nodeForced.some((f) => f.source === s && f.capitalType === t);
        if (sourceList.length > 1 || types.length === 1 || forcedHere(null)) want.push({ node, source: s, capitalType: null });
        if (types.length > 1 || types.some((t) => forcedHere(t))) for (const t of types) want.push({ node, source: s, capitalType: t });
      }
      for (const scope of want) {
        const types = scope.source !== null && scope.capitalType === null ? typesOf(scope.source) : [];
        rows.push({
          level: scope.capitalType !== null && scope.source !== null ? 'capitalType' : 'source',
          stt: '',
          label:
            scope.source === null
              ? `- ${lists.capitalTypes.get(scope.capitalType as string)?.nameVi ?? scope.capitalType} (mọi nguồn)`
              : scope.capitalType === null
                ? `- ${scope.source === NSDP ? 'Ngân sách địa phương' : (lists.sources.get(scope.source)?.nameVi ?? scope.source)}`
                : `  + ${lists.capitalTypes.get(scope.capitalType)?.nameVi ?? scope.capitalType}`,
          sourceLabel: scope.source === null ? '' : (SOURCE_SHORT[scope.source] ?? scope.source),
          capitalTypeLabel: scope.capitalType !== null ? (CAPITAL_SHORT[scope.capitalType] ?? scope.capitalType) : types.length === 1 ? (CAPITAL_SHORT[types[0]] ?? types[0]) : '',
          scope,
          cells: cellsFor(scope),
        });
      }
    }

    const progress = await this.progress(params);
    const unitVersion = this.catalogue.requireUnit('unit', unit, budgetYear);
    return {
      params,
      unitName: unitVersion.nameVi,
      unitLevel: unitVersion.level,
      programmeName: this.catalogue.programmes.get(programme)?.nameVi ?? programme,
      originYears: years,
      estimateDates: dates,
      columns,
      rows,
      ...progress,
      unplacedEstimates,
    };
  }

  private nodeKnown(node: string, programme: string): boolean {
    const lists = this.catalogue.lists(programme);
    if (lists.components.has(node)) return true;
    const dot = node.lastIndexOf('.');
    return dot > 0 && (lists.components.get(node.slice(0, dot))?.contents ?? []).some((c) => c.code === node.slice(dot + 1));
  }

  private ancestorsOf(node: string, programme: string): string[] {
    if (node === '') return [];
    const lists = this.catalogue.lists(programme);
    const component = lists.components.has(node) ? node : node.slice(0, node.lastIndexOf('.'));
    return ['', ...lists.componentAncestors(component), ...(component !== node ? [component] : [])];
  }

  /** The catalogue's order of the programme tree: each component, then its content items. */
  private nodeOrder(programme: string): (node: string) => number {
    const ranks = new Map<string, number>([['', 0]]);
    for (const c of this.catalogue.lists(programme).components.values()) {
      ranks.set(c.code, ranks.size);
      for (const content of c.contents ?? []) ranks.set(`${c.code}.${content.code}`, ranks.size);
    }
    return (node) => ranks.get(node) ?? Number.MAX_SAFE_INTEGER;
  }

  private nodeRow(node: string, programme: string): Pick<ResourceRow, 'level' | 'stt' | 'label'> {
    if (node === '') return { level: 'total', stt: '', label: 'TỔNG SỐ' };
    const lists = this.catalogue.lists(programme);
    const c = lists.components.get(node);
    if (c) {
      const number = node.split('.').map((part) => part.replace(/^\D+/, '')).join('.');
      if (c.level === 'project') return { level: 'project', stt: number, label: `Dự án ${number}: ${c.nameVi}` };
      const sub = node.split('.').pop()?.replace(/^\D+/, '') ?? '';
      return { level: 'subProject', stt: number, label: `Tiểu dự án ${sub}: ${c.nameVi}` };
    }
    const dot = node.lastIndexOf('.');
    const content = lists.components.get(node.slice(0, dot))?.contents?.find((x) => x.code === node.slice(dot + 1));
    return { level: 'content', stt: '-', label: content?.nameVi ?? node };
  }

  private columns(params: ReportParams, years: readonly number[], dates: readonly string[]): ReportColumn[] {
    const plan = `Kế hoạch vốn năm ${params.budgetYear}`;
    const disbursed = 'Giải ngân';
    return [
      { id: 'planTotal', header: 'Tổng số', group: plan, kind: 'money' },
      { id: 'planAssigned', header: `Giao năm ${params.budgetYear}`, group: plan, kind: 'money' },
      ...years.map((y): ReportColumn => ({ id: `carriedIn:${y}`, header: `Năm ${y} chuyển sang`, group: plan, kind: 'money' })),
      { id: 'reduced', header: 'Chuyển nguồn đi, nộp trả, hủy dự toán', kind: 'money' },
      { id: 'allocated', header: 'Đã phân bổ chi tiết', kind: 'money' },
      { id: 'unallocated', header: 'Chưa phân bổ', kind: 'money' },
      { id: 'disbursedInPeriod', header: `Trong kỳ (${vnDate(params.from)} - ${vnDate(params.asOf)})`, group: disbursed, kind: 'money' },
      { id: 'disbursed', header: `Lũy kế đến ${vnDate(params.asOf)}`, group: disbursed, kind: 'money' },
      { id: 'rate', header: 'Tỷ lệ so với KH (%)', group: disbursed, kind: 'rate' },
      ...dates.flatMap((d): ReportColumn[] => [
        { id: `estimate:${d}:amount`, header: `Đến ${vnDate(d)}: số tiền`, group: 'Ước thực hiện (số liệu văn bản nêu, không phải số sổ cái)', kind: 'money' },
        { id: `estimate:${d}:rate`, header: `Đến ${vnDate(d)}: % KH`, group: 'Ước thực hiện (số liệu văn bản nêu, không phải số sổ cái)', kind: 'rate' },
      ]),
    ];
  }

  /** The balances queries behind a row's figures: one per source it sums. */
  private balanceQueries(params: ReportParams, scope: RowScope, asOf: string): string[] {
    const sources = scope.source === NSDP ? [...NSDP_LEVELS] : [scope.source];
    return sources.map((source) =>
      path('/balances', {
        programme: params.programme,
        unit: params.unit,
        budgetYear: params.budgetYear,
        component: scope.node,
        source,
        capitalType: scope.capitalType,
        asOf,
        knownAt: params.knownAt,
        upToPosition: params.position,
      }),
    );
  }

  private cells(
    params: ReportParams,
    scope: RowScope,
    a: Acc,
    years: readonly number[],
    dates: readonly string[],
    estimates: Map<string, StatedFigure[]> | undefined,
  ): Record<string, Cell> {
    const get = this.balanceQueries(params, scope, params.asOf);
    const sum = get.length > 1 ? `Σ over ${NSDP_LEVELS.join(', ')}: ` : '';
    const money = (value: D, expression: string, extra: string[] = []): Cell => ({
      kind: 'money',
      value: toMoney(value),
      query: { get: [...get, ...extra], expression: `${sum}${expression}` },
    });
    const planTotal = a.plan.plus(a.carriedIn);
    const before = this.balanceQueries(params, scope, dayBefore(params.from));
    const out: Record<string, Cell> = {
      planTotal: money(planTotal, 'total.plan + total.carriedIn'),
      planAssigned: money(a.plan, 'total.plan'),
      reduced: money(a.carriedOut.plus(a.returned), 'total.carriedOut + total.returned'),
      allocated: money(a.allocated, 'total.allocated'),
      unallocated: money(a.unallocated, 'total.unallocated'),
      disbursedInPeriod: money(a.disbursed.minus(a.disbursedBefore), `total.disbursed − (the same as of ${dayBefore(params.from)}: total.disbursed)`, before),
      disbursed: money(a.disbursed, 'total.disbursed'),
      rate: { kind: 'rate', value: rate(a.disbursed, planTotal), query: { get, expression: `${sum}total.disbursed / (total.plan + total.carriedIn), 6 decimal places` } },
    };
    for (const y of years) out[`carriedIn:${y}`] = money(a.origins.get(y) ?? new D(0), `total.carriedInByOriginYear["${y}"]`);
    for (const d of dates) {
      const statements = estimates?.get(d) ?? [];
      const chosen = statements[statements.length - 1];
      if (!chosen) {
        out[`estimate:${d}:amount`] = { kind: 'money', value: null };
        out[`estimate:${d}:rate`] = { kind: 'rate', value: null };
        continue;
      }
      const f = chosen.figure;
      const others = statements.slice(0, -1).map((s) => `${s.figure.assertionId} (${s.figure.section})`);
      const stated = (what: string): CellQuery => ({
        expression:
          `stated, not computed: ${what} of FigureStated ${f.assertionId} at log position ${chosen.position}, document ${f.document.id}, section ${f.section}` +
          `${f.quote ? `: «${f.quote}»` : ''}${others.length > 0 ? `; also stated earlier by ${others.join(', ')}` : ''}`,
      });
      out[`estimate:${d}:amount`] = { kind: 'money', value: f.amount ?? null, ...(f.amount !== undefined ? { query: stated('the amount') } : {}) };
      out[`estimate:${d}:rate`] = {
        kind: 'rate',
        value: f.rate ? toMoney(new D(f.rate.percent).div(100)) : null,
        ...(f.rate ? { query: stated('the rate') } : {}),
      };
    }
    return out;
  }

  /** Physical results against targets, and beneficiaries by category, per component, from the progress read model. */
  private async progress(params: ReportParams): Promise<Pick<ResourcesReport, 'outputColumns' | 'outputs' | 'beneficiaryColumns' | 'beneficiaries'>> {
    const { programme, unit, asOf, knownAt, position } = params;
    const lists = this.catalogue.lists(programme);
    const p = await this.queries.progress({ programme, unit, asOf, ...(knownAt !== null ? { knownAt } : {}), upToPosition: position });
    const get = [path('/progress', { programme, unit, asOf, knownAt, upToPosition: position })];
    const order = this.nodeOrder(programme);
    const components = [...p.components].sort((a, b) => order(a.component) - order(b.component));
    const outputs: OutputRow[] = [];
    const beneficiaries: OutputRow[] = [];
    const count = (value: number | string | null, expression: string, kind: Cell['kind'] = 'quantity'): Cell => ({
      kind,
      value: value === null ? null : String(value),
      query: { get, expression },
    });
    for (const c of components) {
      const at = `components[component=${c.component}]`;
      const stt = this.nodeRow(c.component, programme).stt;
      const name = this.nodeRow(c.component, programme).label;
      outputs.push({
        stt,
        component: c.component,
        label: `${name}: số hoạt động`,
        cells: {
          indicator: { kind: 'text', value: 'Hoạt động (đã hoàn thành / tổng số)' },
          unit: { kind: 'text', value: 'hoạt động' },
          target: count(c.activities, `${at}.activities`, 'count'),
          achieved: count(c.byStatus.completed, `${at}.byStatus.completed`, 'count'),
          rate: count(rate(String(c.byStatus.completed), String(c.activities)), `${at}.byStatus.completed / ${at}.activities`, 'rate'),
        },
      });
      for (const o of c.outputs) {
        const oAt = `${at}.outputs[indicator=${o.indicator}]`;
        outputs.push({
          stt: '-',
          component: c.component,
          label: lists.indicators.get(o.indicator)?.nameVi ?? o.indicator,
          cells: {
            indicator: { kind: 'text', value: o.indicator },
            unit: { kind: 'text', value: o.unit },
            target: count(o.target, `${oAt}.target`),
            achieved: count(o.achieved, `${oAt}.achieved`),
            rate: count(o.rateOfTarget, `${oAt}.rateOfTarget`, 'rate'),
          },
        });
      }
      const cells: Record<string, Cell> = {};
      let total = 0;
      for (const cat of lists.beneficiaryCategories.keys()) {
        const n = c.beneficiaries[cat] ?? 0;
        total += n;
        cells[cat] = count(n, `${at}.beneficiaries["${cat}"] (0 when absent)`, 'count');
      }
      cells.total = count(total, `Σ ${at}.beneficiaries`, 'count');
      beneficiaries.push({ stt, component: c.component, label: name, cells });
    }
    return {
      outputColumns: [
        { id: 'indicator', header: 'Mã chỉ tiêu', kind: 'text' },
        { id: 'unit', header: 'Đơn vị tính', kind: 'text' },
        { id: 'target', header: 'Mục tiêu', kind: 'quantity' },
        { id: 'achieved', header: `Thực hiện lũy kế đến ${vnDate(asOf)}`, kind: 'quantity' },
        { id: 'rate', header: 'Tỷ lệ so với mục tiêu (%)', kind: 'rate' },
      ],
      outputs,
      beneficiaryColumns: [
        ...[...lists.beneficiaryCategories.values()].map((b): ReportColumn => ({ id: b.code, header: b.nameVi, group: 'Đối tượng thụ hưởng (hộ, người)', kind: 'count' })),
        { id: 'total', header: 'Tổng số', group: 'Đối tượng thụ hưởng (hộ, người)', kind: 'count' },
      ],
      beneficiaries,
    };
  }
}

/** 2024-06-30 → 30/06/2024. */
export function vnDate(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}
