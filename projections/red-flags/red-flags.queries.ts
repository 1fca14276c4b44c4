import { BALANCE_TABLES, MEASURE_COLUMNS, measuresFromRow } from '../balances/balances.tables';
import { HISTORY_TABLES } from '../history/history.tables';
import { PROGRESS_TABLES } from '../progress/progress.tables';
import { STATED_FIGURE_TABLES } from '../stated-figures/stated-figures.tables';
import { type QueryHost, type ReadTx, tablesIn } from '../read-model';
import { dimensionColumn } from '../../src/fund-line/fund-line.dimensions';
import type { FigureStated } from '../../events';
import { assertionStream } from '../../src/commands/state-figure/figure.state';
import { activityStream } from '../../src/fund-line/fund-line.key';
import { centsToMoney } from '../shared/cents';
import { dateToInt, intToDate } from '../shared/context';
import { TreeFilters, UnitLevel } from '../shared/filters';
import { basisOf, recordedBy } from '../shared/provenance';
import { NotInReadModel, Paging, pagingOf } from '../shared/query';
import { Row, big, num, str } from '../shared/sql';
import { Outlier, robustOutliers } from './peers';
import { EvidenceRole, FlagRecord, daysBetween, dmy, flagId } from './red-flags.fold';
import { RED_FLAG_TABLES } from './red-flags.tables';
import { RedFlagRules, RuleCode, RuleDefinition, Text } from './rules';
import { addDays, unspentOf } from './unspent';
import { addTo } from '../shared/group';

/**
 * Cờ đỏ, as inspectors ask for them: filtered by unit (and everything under it), period (effective dates the
 * evidence spans), rule and whether reviewed; each with its evidence (the events, with their decision or voucher,
 * ready to link to the decision trail and the line's history) and its reviews.
 *
 * Two rules depend on a day or on all units at once, and are answered here for the day asked: carried-over money
 * still unspent after its deadline (as of `asOf`, which the caller passes: the edge gives today; the projector stores
 * the days each line is flagged on, unspent.ts, so a page reads only the flags it shows), and a unit's reversal rate
 * against its peers (robust z-score, peers.ts), computed when asked. Everything else is stored.
 */

export interface RedFlagsQuery extends Paging {
  /** A province, district or commune: flags of that unit and every unit under it. */
  readonly unit?: string;
  /** The flags whose evidence takes effect (in part) on or after / on or before these days (YYYY-MM-DD). */
  readonly from?: string;
  readonly to?: string;
  readonly rule?: readonly RuleCode[];
  readonly reviewed?: boolean;
  /** The day the rules that depend on time are evaluated for. */
  readonly asOf: string;
}

/**
 * What the caller may see: the subtrees of these units (a province, a district, a commune), or everything when
 * null. The one place an authorisation scope applies: every flag listed, counted or shown passes through it.
 */
export type UnitScope = { readonly units: readonly string[] } | null;

const UNSPENT = 'carried-unspent-after-deadline' as const;

/** How many evidence events a listed flag shows (all of them: GET /red-flags/{id}). */
export const EVIDENCE_PREVIEW = 10;

export interface EvidenceView {
  readonly position: number;
  readonly role: EvidenceRole;
  readonly type: string;
  readonly stream: string | null;
  readonly effectiveDate: string | null;
  readonly recordedAt: string | null;
  readonly recordedBy: { readonly id: string; readonly role: string } | null;
  readonly command?: string;
  readonly amount?: string;
  readonly activityId?: string;
  readonly reference?: string;
  readonly basis?: ReturnType<typeof basisOf>;
  /** The decision the event was recorded under: GET /decisions/trail?number=&issuer=&date= shows everything it did. */
  readonly decision?: { readonly number: string; readonly issuer: string; readonly date: string };
  readonly figure?: { readonly documentId: string; readonly documentTitle: string; readonly section: string; readonly measure: string; readonly asOf: string; readonly amount: string | null };
  readonly links: { readonly trail?: string; readonly history?: string };
}

export interface ReviewView {
  readonly position: number;
  readonly note: string;
  readonly by: { readonly id: string; readonly role: string };
  readonly recordedAt: string;
  readonly evidenceCount: number;
  readonly lastEvidencePosition: number;
}

export interface RedFlagView {
  readonly id: string;
  readonly rule: RuleCode;
  readonly title: Text;
  readonly subject: string;
  readonly unit: string;
  readonly district: string;
  readonly province: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly amount: string | null;
  readonly facts: Readonly<Record<string, unknown>>;
  /** True for the rules evaluated when asked (carried money unspent after its deadline, reversal rate). */
  readonly computed: boolean;
  readonly evidenceCount: number;
  readonly lastEvidencePosition: number;
  readonly evidence: readonly EvidenceView[];
  /** The latest review, how many there were, and whether evidence joined the flag after it. Null: not reviewed. */
  readonly review: { readonly reviews: number; readonly last: ReviewView; readonly newEvidence: boolean } | null;
}

/** A flag before its evidence and reviews are read: a stored row, or one computed at query time; dates as yyyymmdd. */
interface Header extends Omit<FlagRecord, 'effFrom' | 'effTo' | 'facts'> {
  readonly effFrom: number;
  readonly effTo: number;
  readonly facts: Record<string, unknown>;
  readonly computed: boolean;
  /** Computed flags carry their evidence. */
  readonly evidence?: readonly { position: number; role: EvidenceRole }[];
}

interface UnitCondition {
  readonly level: UnitLevel;
  readonly code: string;
}

/**
 * The filters of a question, compiled once both to SQL (stored flags) and to a predicate (computed flags), so
 * the two kinds are filtered by the same rules.
 */
class FlagFilter {
  constructor(
    readonly rules: ReadonlySet<RuleCode> | null,
    private readonly from: number | null,
    private readonly to: number | null,
    private readonly units: readonly UnitCondition[] | null,
    private readonly scope: readonly UnitCondition[] | null,
    readonly reviewed: boolean | null,
  ) {}

  withoutRules(): FlagFilter {
    return new FlagFilter(null, this.from, this.to, this.units, this.scope, this.reviewed);
  }

  /** The unit and scope conditions alone, on a table with unit, district and province columns. */
  unitSql(alias: string): { sql: string[]; params: unknown[] } {
    const sql: string[] = [];
    const params: unknown[] = [];
    for (const conditions of [this.units, this.scope]) {
      if (!conditions) continue;
      sql.push(conditions.length === 0 ? '1 = 0' : `(${conditions.map((c) => `${alias}.${c.level} = ?`).join(' OR ')})`);
      params.push(...conditions.map((c) => c.code));
    }
    return { sql, params };
  }

  /** The period's bounds (yyyymmdd), when given. */
  get period(): { from: number | null; to: number | null } {
    return { from: this.from, to: this.to };
  }

  /**
   * The key of the red_flag_counts rows that count the flags this filter lets through (all rules and both review
   * states: the caller picks), when its units are at most one area and its period any or one whole calendar year; else null.
   */
  countKey(): { area: string; year: number } | null {
    const area = this.area();
    if (area === null) return null;
    if (this.from === null && this.to === null) return { area, year: 0 };
    if (this.from === null || this.to === null) return null;
    const year = Math.floor(this.from / 10000);
    return this.from === year * 10000 + 101 && this.to === year * 10000 + 1231 ? { area, year } : null;
  }

  /** The one area (as red_flag_counts keys them: '' the country, else level:code) its units are, when they are at most one. */
  area(): string | null {
    const conditions = [this.units, this.scope].filter((c): c is readonly UnitCondition[] => c !== null);
    if (conditions.length > 1 || (conditions.length === 1 && conditions[0].length !== 1)) return null;
    return conditions.length === 0 ? '' : `${conditions[0][0].level}:${conditions[0][0].code}`;
  }

  /**
   * `spans`: each rule's longest period in days (red_flag_spans). A flag in effect on or before `to` ends at most its
   * rule's longest period after it: that bound, implied by the filter, lets the index in the lists' order start there.
   */
  sql(alias: string, reviews: string, spans: ReadonlyMap<string, number> = new Map()): { where: string; params: unknown[] } {
    const w: string[] = [];
    const params: unknown[] = [];
    if (this.to !== null && spans.size > 0) {
      const days = Math.max(...[...spans].filter(([rule]) => !this.rules || this.rules.has(rule as RuleCode)).map(([, d]) => d), 0);
      w.push(`${alias}.eff_to <= ?`);
      params.push(addDays(this.to, days));
    }
    if (this.rules?.size === 1) {
      // One rule as an equality: the rule index then gives the rows in the lists' order.
      w.push(`${alias}.rule = ?`);
      params.push([...this.rules][0]);
    } else if (this.rules) {
      w.push(`${alias}.rule IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify([...this.rules]));
    }
    if (this.from !== null) {
      w.push(`${alias}.eff_to >= ?`);
      params.push(this.from);
    }
    if (this.to !== null) {
      w.push(`${alias}.eff_from <= ?`);
      params.push(this.to);
    }
    const units = this.unitSql(alias);
    w.push(...units.sql);
    params.push(...units.params);
    if (this.reviewed !== null) w.push(`${this.reviewed ? '' : 'NOT '}EXISTS (SELECT 1 FROM ${reviews} r WHERE r.flag_id = ${alias}.flag_id)`);
    return { where: w.length ? `WHERE ${w.join(' AND ')}` : '', params };
  }

  /** Everything but `reviewed` (computed flags learn whether they were reviewed afterwards). */
  matches(h: Pick<Header, 'rule' | 'effFrom' | 'effTo' | 'unit' | 'district' | 'province'>): boolean {
    if (this.rules && !this.rules.has(h.rule)) return false;
    if (this.from !== null && h.effTo < this.from) return false;
    if (this.to !== null && h.effFrom > this.to) return false;
    for (const conditions of [this.units, this.scope]) {
      if (conditions && !conditions.some((c) => h[c.level] === c.code)) return false;
    }
    return true;
  }
}

const ROLE_ORDER: Record<EvidenceRole, number> = { subject: 0, context: 1 };

export class RedFlagQueries {
  private readonly filters: TreeFilters;
  private readonly computedCache = new Map<string, { computed: Header[]; reviewedIds: Set<string> }>();
  /** The reversal-rate outliers of the whole country at the last position asked. */
  private outliers: { key: string; found: ReversalOutlier[] } | null = null;

  constructor(private readonly host: QueryHost) {
    this.filters = new TreeFilters(host.catalogue);
  }

  private get rules(): RedFlagRules {
    return this.host.ctx.redFlagRules;
  }

  /** The rules, each with its description filled in with its thresholds. */
  ruleList() {
    return {
      source: this.rules.source,
      rules: this.rules.definitions.map((d) => ({
        rule: d.rule,
        enabled: d.enabled,
        evaluated: d.rule === 'carried-unspent-after-deadline' || d.rule === 'reversal-rate-outlier' ? 'when-asked' : 'as-events-arrive',
        title: d.title,
        description: { vi: RedFlagRules.describe(d, 'vi'), en: RedFlagRules.describe(d, 'en') },
        params: d.params,
      })),
    };
  }

  private conditions(codes: readonly string[], field: string): UnitCondition[] {
    return codes.map((code) => ({ level: this.filters.unitLevel(code, field), code }));
  }

  private filterOf(q: Omit<RedFlagsQuery, 'asOf' | 'page' | 'pageSize'>, scope: UnitScope): FlagFilter {
    return new FlagFilter(
      q.rule && q.rule.length > 0 ? new Set(q.rule) : null,
      q.from !== undefined ? dateToInt(q.from) : null,
      q.to !== undefined ? dateToInt(q.to) : null,
      q.unit !== undefined ? this.conditions([q.unit], 'unit') : null,
      scope ? this.conditions(scope.units, 'scope') : null,
      q.reviewed ?? null,
    );
  }

  list(q: RedFlagsQuery, scope: UnitScope = null) {
    const { page, pageSize, offset } = pagingOf(q);
    const filter = this.filterOf(q, scope);
    return this.host.reader.read((tx, position) => {
      const t = RED_FLAG_TABLES.in(tx.schema);
      const { computed, reviewedIds } = this.computedAt(tx, position, filter);
      const carried = this.unspentCarried(tx, q.asOf, filter, offset + pageSize);
      const keep = (f: FlagFilter) => (h: Header) => f.matches(h) && (f.reviewed === null || f.reviewed === reviewedIds.has(h.id));
      const computedRows = computed.filter(keep(filter));
      const spans = new Map((tx.stmt(`SELECT rule, days FROM ${t.red_flag_spans}`).all() as Row[]).map((r) => [str(r.rule), num(r.days)]));
      const { where, params } = filter.sql('f', t.red_flag_reviews, spans);
      // The page's ids from an index in the lists' order, then only those rows.
      const ids = tx.stmt(`SELECT f.flag_id FROM ${t.red_flags} f ${where} ORDER BY f.eff_to DESC, f.flag_id LIMIT ?`).pluck().all(...params, offset + pageSize);
      const stored = (tx.stmt(`SELECT * FROM ${t.red_flags} WHERE flag_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as Row[])
        .map(headerOf)
        .sort(byPeriodThenId);

      // The stored flags' count and their counts by rule (every rule), from red_flag_counts when it holds them, else counted.
      const all = filter.withoutRules();
      const byRule: Record<string, number> = Object.fromEntries(this.rules.definitions.filter((d) => d.enabled).map((d) => [d.rule, 0]));
      let storedCount = 0;
      const key = filter.countKey();
      if (key) {
        const seen = new Map<string, number>();
        for (const r of tx.stmt(`SELECT rule, reviewed, flags FROM ${t.red_flag_counts} WHERE area = ? AND year = ? ORDER BY rule, reviewed`).all(key.area, key.year) as Row[]) {
          const n = num(r.flags);
          if (n === 0 || (filter.reviewed !== null && filter.reviewed !== (num(r.reviewed) === 1))) continue;
          seen.set(str(r.rule), (seen.get(str(r.rule)) ?? 0) + n);
        }
        for (const [rule, n] of seen) {
          byRule[rule] = n;
          if (!filter.rules || filter.rules.has(rule as RuleCode)) storedCount += n;
        }
      } else {
        storedCount = num(tx.stmt(`SELECT count(*) FROM ${t.red_flags} f ${where}`).pluck().get(...params));
        const counted = all.sql('f', t.red_flag_reviews, spans);
        for (const r of tx.stmt(`SELECT f.rule, count(*) AS n FROM ${t.red_flags} f ${counted.where} GROUP BY f.rule ORDER BY f.rule`).all(...counted.params) as Row[]) {
          byRule[str(r.rule)] = num(r.n);
        }
      }
      const rows = [...stored, ...computedRows, ...carried.first].sort(byPeriodThenId).slice(offset, offset + pageSize);
      for (const c of computed.filter(keep(all))) byRule[c.rule] = (byRule[c.rule] ?? 0) + 1;
      if (carried.count > 0) byRule[UNSPENT] = (byRule[UNSPENT] ?? 0) + carried.count;
      const carriedRows = !filter.rules || filter.rules.has(UNSPENT) ? carried.count : 0;

      return {
        asOf: q.asOf,
        page,
        pageSize,
        totalRows: storedCount + computedRows.length + carriedRows,
        byRule,
        rows: this.views(tx, rows, EVIDENCE_PREVIEW),
      };
    });
  }

  /** One flag with all its evidence and every review; NotInReadModel when no flag has that id (as of `asOf`, for the computed ones). */
  flag(id: string, asOf: string, scope: UnitScope = null): RedFlagView & { readonly reviews: readonly ReviewView[] } {
    const filter = this.filterOf({}, scope);
    const found = this.host.reader.read((tx, position) => {
      const t = RED_FLAG_TABLES.in(tx.schema);
      const row = tx.stmt(`SELECT * FROM ${t.red_flags} WHERE flag_id = ?`).get(id) as Row | undefined;
      const header = row ? headerOf(row) : this.computedFlag(tx, position, asOf, filter, id);
      if (!header || !filter.matches(header)) return { flag: null };
      const [view] = this.views(tx, [header], Number.MAX_SAFE_INTEGER);
      const reviews = (tx.stmt(`SELECT * FROM ${t.red_flag_reviews} WHERE flag_id = ? ORDER BY position`).all(id) as Row[]).map(reviewOf);
      return { flag: { ...view, reviews } };
    });
    if (!found.flag) throw new NotInReadModel(`no red flag ${id}${found.position ? ` at position ${found.position}` : ''} (as of ${asOf}); it may no longer hold`);
    return { ...found.flag, position: found.position } as RedFlagView & { readonly reviews: readonly ReviewView[] };
  }

  // ───────────────────────────── evidence and reviews ─────────────────────────────

  private views(tx: ReadTx, headers: readonly Header[], evidenceLimit: number): RedFlagView[] {
    if (headers.length === 0) return [];
    const t = RED_FLAG_TABLES.in(tx.schema);
    const ids = JSON.stringify(headers.map((h) => h.id));
    const evidence = new Map<string, { position: number; role: EvidenceRole }[]>();
    for (const h of headers) if (h.evidence) evidence.set(h.id, [...h.evidence]);
    if (evidenceLimit < Number.MAX_SAFE_INTEGER) {
      // A list shows the first few of each flag's evidence: read just those (a voucher paid thousands of times has as many rows).
      const first = tx.stmt(`SELECT position FROM ${t.red_flag_evidence} WHERE flag_id = ? AND role = ? ORDER BY position LIMIT ?`);
      for (const h of headers) {
        if (h.evidence) continue;
        const list: { position: number; role: EvidenceRole }[] = [];
        for (const role of ['subject', 'context'] as const) {
          if (list.length >= evidenceLimit) break;
          for (const r of first.all(h.id, role, evidenceLimit - list.length) as Row[]) list.push({ position: num(r.position), role });
        }
        evidence.set(h.id, list);
      }
    } else {
      for (const r of tx.stmt(`SELECT * FROM ${t.red_flag_evidence} WHERE flag_id IN (SELECT value FROM json_each(?))`).all(ids) as Row[]) {
        const list = evidence.get(str(r.flag_id)) ?? [];
        list.push({ position: num(r.position), role: str(r.role) as EvidenceRole });
        evidence.set(str(r.flag_id), list);
      }
    }
    for (const list of evidence.values()) list.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.position - b.position);
    const shown = new Map([...evidence].map(([id, list]) => [id, list.slice(0, evidenceLimit)]));
    const details = this.evidenceDetails(tx, [...new Set([...shown.values()].flat().map((x) => x.position))]);
    const reviews = new Map<string, Row[]>();
    for (const r of tx.stmt(`SELECT * FROM ${t.red_flag_reviews} WHERE flag_id IN (SELECT value FROM json_each(?)) ORDER BY position`).all(ids) as Row[]) {
      addTo(reviews, str(r.flag_id), r);
    }
    return headers.map((h) => {
      const rs = reviews.get(h.id) ?? [];
      const last = rs.length > 0 ? reviewOf(rs[rs.length - 1]) : null;
      return {
        id: h.id,
        rule: h.rule,
        title: this.rules.definition(h.rule).title,
        subject: h.subject,
        unit: h.unit,
        district: h.district,
        province: h.province,
        period: { from: intToDate(h.effFrom), to: intToDate(h.effTo) },
        amount: h.amount === null ? null : centsToMoney(h.amount),
        facts: h.facts,
        computed: h.computed,
        evidenceCount: h.evidenceCount,
        lastEvidencePosition: h.lastPosition,
        // A copy with the role added, not a literal that begins with a spread: see lineBalance (balances.queries.ts).
        evidence: (shown.get(h.id) ?? []).map((x) => Object.assign({}, details.get(x.position) ?? unknownEvent(x.position), { role: x.role })),
        review: last
          ? { reviews: rs.length, last, newEvidence: h.evidenceCount > last.evidenceCount || h.lastPosition > last.lastEvidencePosition }
          : null,
      };
    });
  }

  /** Each event's details, from the line histories, the activities' entries and the stated figures. */
  private evidenceDetails(tx: ReadTx, positions: number[]): Map<number, Omit<EvidenceView, 'role'>> {
    const out = new Map<number, Omit<EvidenceView, 'role'>>();
    if (positions.length === 0) return out;
    const t = tablesIn(tx.schema, BALANCE_TABLES, HISTORY_TABLES, PROGRESS_TABLES, STATED_FIGURE_TABLES);
    const list = JSON.stringify(positions);
    const common = (r: Row, stream: string) => {
      const basis = basisOf(r);
      const decision = basis.kind === 'decision' && basis.number ? { number: basis.number, issuer: str(basis.issuer), date: basis.date } : undefined;
      // Set one by one, not spread one after the other: see lineBalance (balances.queries.ts).
      const links: { trail?: string; history?: string } = {};
      if (decision) links.trail = `/decisions/trail?${new URLSearchParams(decision).toString()}`;
      if (stream.startsWith('fundline-')) links.history = `/fund-lines/${encodeURIComponent(stream)}/history`;
      return {
        position: num(r.position),
        type: str(r.type),
        stream,
        effectiveDate: intToDate(num(r.eff)),
        recordedAt: str(r.recorded_at),
        recordedBy: recordedBy(r),
        command: str(r.command),
        basis,
        ...(decision ? { decision } : {}),
        links,
      };
    };
    for (const r of tx
      .stmt(`SELECT e.*, l.stream AS stream FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id WHERE e.position IN (SELECT CAST(value AS BIGINT) FROM json_each(?))`)
      .all(list) as Row[]) {
      // Added to the common part, not spread after it: see lineBalance (balances.queries.ts).
      out.set(num(r.position), Object.assign(common(r, str(r.stream)), {
        amount: centsToMoney(big(r.amount)),
        ...(r.activity_id ? { activityId: str(r.activity_id) } : {}),
        ...(r.reference ? { reference: str(r.reference) } : {}),
      }));
    }
    for (const r of tx.stmt(`SELECT * FROM ${t.activity_entries} WHERE position IN (SELECT CAST(value AS BIGINT) FROM json_each(?))`).all(list) as Row[]) {
      out.set(num(r.position), Object.assign(common(r, activityStream(str(r.activity_id))), { activityId: str(r.activity_id) }));
    }
    for (const r of tx.stmt(`SELECT * FROM ${t.stated_figures} WHERE position IN (SELECT CAST(value AS BIGINT) FROM json_each(?))`).all(list) as Row[]) {
      const f = JSON.parse(str(r.data)) as FigureStated['data'];
      out.set(num(r.position), {
        position: num(r.position),
        type: 'FigureStated',
        stream: assertionStream(f.scope.unit, f.document.id),
        effectiveDate: null,
        recordedAt: str(r.recorded_at),
        recordedBy: null,
        figure: {
          documentId: f.document.id,
          documentTitle: f.document.title,
          section: f.section,
          measure: f.measure,
          asOf: f.asOf,
          amount: f.amount ?? null,
        },
        links: {},
      });
    }
    return out;
  }

  private reviewedAmong(tx: ReadTx, ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const t = RED_FLAG_TABLES.in(tx.schema);
    return new Set(
      (tx.stmt(`SELECT DISTINCT flag_id FROM ${t.red_flag_reviews} WHERE flag_id IN (SELECT value FROM json_each(?))`).pluck().all(JSON.stringify(ids)) as unknown[]).map(str),
    );
  }

  // ───────────────────────────── rules evaluated when asked ─────────────────────────────

  /**
   * The computed flags and which of them were reviewed, kept for the last few questions: they are a function of the
   * read model at a position and the filter's units and period, so paging through a list or switching rules computes
   * them once.
   */
  private computedAt(tx: ReadTx, position: number, filter: FlagFilter): { computed: Header[]; reviewedIds: Set<string> } {
    const key = JSON.stringify([tx.schema, position, filter.unitSql('x'), filter.period]);
    let hit = this.computedCache.get(key);
    if (!hit) {
      const computed = this.computedFlags(tx, position, filter);
      hit = { computed, reviewedIds: this.reviewedAmong(tx, computed.map((c) => c.id)) };
      if (this.computedCache.size >= 16) this.computedCache.delete(this.computedCache.keys().next().value as string);
      this.computedCache.set(key, hit);
    }
    return hit;
  }

  /**
   * The reversal-rate outliers among the units, scope and period of `filter` (its rules and review aside: `byRule`
   * counts every rule). Carried money unspent after its deadline is read from its stored spans (unspentCarried).
   */
  private computedFlags(tx: ReadTx, position: number, filter: FlagFilter): Header[] {
    return this.reversalOutliers(tx, position, filter.withoutRules());
  }

  /** The flag of a rule evaluated when asked with this id, as of `asOf`, if it holds then among `filter`'s units, scope and period. */
  private computedFlag(tx: ReadTx, position: number, asOf: string, filter: FlagFilter, id: string): Header | undefined {
    if (!id.startsWith(`${UNSPENT}-`)) return this.computedFlags(tx, position, filter).find((c) => c.id === id);
    const t = RED_FLAG_TABLES.in(tx.schema);
    const streams = tx.stmt(`SELECT DISTINCT stream FROM ${t.red_flag_unspent} WHERE flag_id = ? ORDER BY stream`).pluck().all(id) as string[];
    return streams.length === 0 ? undefined : this.unspentAfterDeadline(tx, asOf, filter.withoutRules(), streams).find((c) => c.id === id);
  }

  /**
   * Carried money unspent after its deadline on the day asked, from the stored spans (red_flag_unspent, unspent.ts):
   * how many such flags `filter` lets through (its units, period and review; any rule: `byRule` counts them all), and,
   * when its rules take them, the first `limit` of them in id order (in the lists' order they all end on the day asked,
   * so a page holds the first ones by id), computed in full. The count is one seek per deadline when the units are at
   * most one area (red_flag_unspent_days), else an index range; the page a walk of an index in id order; reviewed
   * flags of the rule are read by rule.
   */
  private unspentCarried(tx: ReadTx, asOf: string, filter: FlagFilter, limit: number): { count: number; first: Header[] } {
    const none = { count: 0, first: [] };
    if (!this.rules.active(UNSPENT)) return none;
    const asOfInt = dateToInt(asOf);
    const { from, to } = filter.period;
    // Its period runs from the deadline to the day asked.
    if (from !== null && asOfInt < from) return none;
    const t = RED_FLAG_TABLES.in(tx.schema);
    const units = filter.unitSql('u');
    const where = ['u.from_day <= ?', 'u.to_day > ?', ...(to !== null ? ['u.deadline <= ?'] : []), ...units.sql].join(' AND ');
    const params = [asOfInt, asOfInt, ...(to !== null ? [to] : []), ...units.params];
    const all = filter.withoutRules();
    // The reviewed ones among them, from the reviews of the rule.
    const reviewed =
      filter.reviewed === null
        ? []
        : (
            tx
              .stmt(
                `SELECT stream, flag_id, unit, district, province, deadline, from_day, to_day FROM ${t.red_flag_unspent}
                 WHERE flag_id IN (SELECT DISTINCT flag_id FROM ${t.red_flag_reviews} WHERE rule = ?) ORDER BY flag_id, from_day`,
              )
              .all(UNSPENT) as Row[]
          ).filter(
            (r) =>
              num(r.from_day) <= asOfInt &&
              num(r.to_day) > asOfInt &&
              all.matches({ rule: UNSPENT, unit: str(r.unit), district: str(r.district), province: str(r.province), effFrom: num(r.deadline), effTo: asOfInt }),
          );
    let count = 0;
    const area = filter.area();
    if (area !== null) {
      const next = tx.stmt(`SELECT min(deadline) FROM ${t.red_flag_unspent_days} WHERE area = ? AND deadline > ?`).pluck();
      const at = tx.stmt(`SELECT flags FROM ${t.red_flag_unspent_days} WHERE area = ? AND deadline = ? AND day <= ? ORDER BY day DESC LIMIT 1`).pluck();
      for (let d = next.get(area, -1); d !== null && d !== undefined && (to === null || num(d) <= to); d = next.get(area, num(d))) {
        count += num(at.get(area, num(d), asOfInt) ?? 0);
      }
    } else {
      count = num(tx.stmt(`SELECT count(*) FROM ${t.red_flag_unspent} u WHERE ${where}`).pluck().get(...params));
    }
    if (filter.reviewed !== null) count = filter.reviewed ? reviewed.length : count - reviewed.length;
    if (limit <= 0 || count === 0 || (filter.rules && !filter.rules.has(UNSPENT))) return { count, first: [] };
    const streams =
      filter.reviewed === true
        ? reviewed.slice(0, limit).map((r) => str(r.stream))
        : (tx
            .stmt(`SELECT u.stream FROM ${t.red_flag_unspent} u WHERE ${where}${reviewed.length > 0 ? ' AND u.flag_id NOT IN (SELECT value FROM json_each(?))' : ''} ORDER BY u.flag_id LIMIT ?`)
            .pluck()
            .all(...params, ...(reviewed.length > 0 ? [JSON.stringify(reviewed.map((r) => str(r.flag_id)))] : []), limit) as string[]);
    return { count, first: this.unspentAfterDeadline(tx, asOf, all, streams).sort(byPeriodThenId) };
  }

  /**
   * Carried money unspent after its deadline on the day asked, computed line by line from the balances (what the
   * stored spans replace, kept to check them): every such flag among the units, scope and period asked, in id order.
   */
  unspentByScan(q: Omit<RedFlagsQuery, 'page' | 'pageSize' | 'rule' | 'reviewed'>, scope: UnitScope = null): { readonly rows: RedFlagView[] } {
    const filter = this.filterOf(q, scope);
    return this.host.reader.read((tx) => ({ rows: this.views(tx, this.unspentAfterDeadline(tx, q.asOf, filter, null).sort(byPeriodThenId), EVIDENCE_PREVIEW) }));
  }

  /**
   * Carried-over money still unspent and not returned after its deadline: a line of carried money whose latest
   * deadline (plus the grace days) is before `asOf`, and whose money not disbursed, as of `asOf` (events in effect
   * by then, whenever recorded), is above 0. The lines' balances as of `asOf` are summed in one query. `streams`:
   * only those lines (null: every carried line, one seek each).
   */
  private unspentAfterDeadline(tx: ReadTx, asOf: string, filter: FlagFilter, streams: readonly string[] | null): Header[] {
    const rule = this.rules.active(UNSPENT);
    if (!rule) return [];
    const asOfInt = dateToInt(asOf);
    const { from, to } = filter.period;
    // Its period runs from the deadline to the day asked.
    if (from !== null && asOfInt < from) return [];
    const t = tablesIn(tx.schema, RED_FLAG_TABLES, BALANCE_TABLES, HISTORY_TABLES);
    const units = filter.unitSql('c');
    if (streams !== null && streams.length === 0) return [];
    const where = ['c.deadline < ?', ...(to !== null ? ['c.deadline <= ?'] : []), ...units.sql, ...(streams ? ['c.stream IN (SELECT value FROM json_each(?))'] : [])].join(' AND ');
    // Each carried line's counters as of the day: its line_days row at the date (a line with no entry in force by then has none).
    const rows = tx
      .stmt(
        `SELECT c.*, ${MEASURE_COLUMNS.map((m) => `d.${m}`).join(', ')} FROM ${t.red_flag_carried} c JOIN ${t.lines} l ON l.stream = c.stream
         JOIN ${t.line_days} d ON d.line_id = l.line_id AND d.eff = (SELECT max(eff) FROM ${t.line_days} x WHERE x.line_id = l.line_id AND x.eff <= ?)
         WHERE ${where} ORDER BY c.stream`,
      )
      .all(asOfInt, asOfInt, ...(to !== null ? [to] : []), ...units.params, ...(streams ? [JSON.stringify(streams)] : [])) as Row[];
    const out: Header[] = [];
    for (const c of rows) {
      const deadline = intToDate(num(c.deadline));
      const daysAfter = daysBetween(deadline, asOf);
      if (daysAfter <= rule.params.graceDays) continue;
      const m = measuresFromRow(c);
      const unspent = unspentOf(m);
      if (unspent <= 0n) continue;
      const positions = JSON.parse(str(c.positions)) as number[];
      out.push({
        id: flagId(UNSPENT, str(c.stream), deadline),
        rule: UNSPENT,
        subject: `vốn chuyển nguồn quá hạn ${dmy(deadline)}`,
        unit: str(c.unit),
        district: str(c.district),
        province: str(c.province),
        effFrom: num(c.deadline),
        effTo: asOfInt,
        amount: unspent,
        facts: {
          stream: str(c.stream),
          deadline,
          asOf,
          daysAfterDeadline: daysAfter,
          carried: centsToMoney(big(c.carried)),
          disbursed: centsToMoney(m.disbursed),
          returned: centsToMoney(m.returned),
          unspent: centsToMoney(unspent),
          graceDays: rule.params.graceDays,
        },
        evidenceCount: positions.length,
        lastPosition: Math.max(...positions),
        computed: true,
        evidence: positions.map((position) => ({ position, role: 'context' as const })),
      });
    }
    return out;
  }

  /**
   * A unit whose share of reversed disbursements in a budget year stands out among the units of its level (province,
   * district, commune) that year: robust z-score above the threshold, among units with at least minDisbursements,
   * when at least minPeers compare. Its evidence is its reversals of that year.
   */
  /**
   * Every unit whose reversal rate stands out among its peers, whatever the filter: compared across the whole country,
   * so computed once per read-model position (and rules), then filtered per question.
   */
  private allReversalOutliers(tx: ReadTx, position: number, rule: RuleDefinition<'reversal-rate-outlier'>): ReversalOutlier[] {
    const t = RED_FLAG_TABLES.in(tx.schema);
    const key = JSON.stringify([tx.schema, position, rule.params]);
    if (this.outliers?.key === key) return this.outliers.found;
    const groups = new Map<string, Row[]>();
    for (const r of tx.stmt(`SELECT * FROM ${t.red_flag_unit_counts} WHERE disbursements >= ? ORDER BY unit, budget_year`).all(rule.params.minDisbursements) as Row[]) {
      const level = str(r.unit) === str(r.province) ? 'province' : str(r.unit) === str(r.district) ? 'district' : 'commune';
      addTo(groups, `${num(r.budget_year)}|${level}`, r);
    }
    const found: ReversalOutlier[] = [];
    for (const [group, rows] of groups) {
      const [year, level] = group.split('|');
      const outliers = robustOutliers(
        rows.map((r) => ({ key: r, value: num(r.reversals) / num(r.disbursements) })),
        Number(rule.params.threshold),
        rule.params.minPeers,
      );
      for (const o of outliers) if (num(o.key.reversals) >= rule.params.minReversals) found.push({ r: o.key, o, year, level });
    }
    this.outliers = { key, found };
    return found;
  }

  private reversalOutliers(tx: ReadTx, position: number, filter: FlagFilter): Header[] {
    const rule = this.rules.active('reversal-rate-outlier');
    if (!rule) return [];
    const t = tablesIn(tx.schema, RED_FLAG_TABLES, BALANCE_TABLES, HISTORY_TABLES);
    const found = this.allReversalOutliers(tx, position, rule).filter(({ r, year }) =>
      filter.matches({ rule: 'reversal-rate-outlier', unit: str(r.unit), district: str(r.district), province: str(r.province), effFrom: dateToInt(`${year}-01-01`), effTo: dateToInt(`${year}-12-31`) }),
    );
    if (found.length === 0) return [];
    // Their reversals, in one query: the lines of their units in their years (a unit's line of another of these years is
    // read too, and left unused: only the found (unit, year) pairs are looked up below).
    const reversals = new Map<string, number[]>();
    for (const x of tx
      .stmt(
        `SELECT l.${dimensionColumn('unit')} AS unit, l.${dimensionColumn('budgetYear')} AS year, e.position
         FROM ${t.lines} l JOIN ${t.entries} e ON e.line_id = l.line_id
         WHERE l.${dimensionColumn('unit')} IN (SELECT value FROM json_each(?)) AND l.${dimensionColumn('budgetYear')} IN (SELECT CAST(value AS BIGINT) FROM json_each(?))
           AND e.type = 'DisbursementReversed' ORDER BY e.position`,
      )
      .all(JSON.stringify([...new Set(found.map((f) => str(f.r.unit)))]), JSON.stringify([...new Set(found.map((f) => Number(f.year)))])) as Row[]) {
      const key = `${str(x.unit)}|${num(x.year)}`;
      addTo(reversals, key, num(x.position));
    }
    return found.map(({ r, o, year, level }) => {
      const positions = reversals.get(`${str(r.unit)}|${year}`) ?? [];
      return {
        id: flagId('reversal-rate-outlier', str(r.unit), year),
        rule: 'reversal-rate-outlier' as const,
        subject: `đơn vị ${str(r.unit)}, năm ${year}: ${num(r.reversals)}/${num(r.disbursements)} khoản giải ngân bị thu hồi`,
        unit: str(r.unit),
        district: str(r.district),
        province: str(r.province),
        effFrom: dateToInt(`${year}-01-01`),
        effTo: dateToInt(`${year}-12-31`),
        amount: big(r.reversed),
        facts: {
          budgetYear: Number(year),
          level,
          disbursements: num(r.disbursements),
          reversals: num(r.reversals),
          reversalRate: o.value.toFixed(4),
          peerMedianRate: o.median.toFixed(4),
          score: o.score.toFixed(2),
          method: o.method,
          peers: o.peers,
          threshold: rule.params.threshold,
          disbursed: centsToMoney(big(r.disbursed)),
          reversed: centsToMoney(big(r.reversed)),
        },
        evidenceCount: positions.length,
        lastPosition: positions.length > 0 ? positions[positions.length - 1] : 0,
        computed: true,
        evidence: positions.map((position) => ({ position, role: 'subject' as const })),
      };
    });
  }

}

interface ReversalOutlier {
  readonly r: Row;
  readonly o: Outlier<Row>;
  readonly year: string;
  readonly level: string;
}

function headerOf(r: Row): Header {
  return {
    id: str(r.flag_id),
    rule: str(r.rule) as RuleCode,
    subject: str(r.subject),
    unit: str(r.unit),
    district: str(r.district),
    province: str(r.province),
    effFrom: num(r.eff_from),
    effTo: num(r.eff_to),
    amount: r.amount === null ? null : big(r.amount),
    facts: JSON.parse(str(r.facts)) as Record<string, unknown>,
    evidenceCount: num(r.evidence_count),
    lastPosition: num(r.last_position),
    computed: false,
  };
}

function reviewOf(r: Row): ReviewView {
  return {
    position: num(r.position),
    note: str(r.note),
    by: recordedBy(r),
    recordedAt: str(r.recorded_at),
    evidenceCount: num(r.evidence_count),
    lastEvidencePosition: num(r.last_evidence_position),
  };
}

/** Newest period first, then by id: one order for stored and computed flags alike. */
function byPeriodThenId(a: Header, b: Header): number {
  return b.effTo - a.effTo || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function unknownEvent(position: number): Omit<EvidenceView, 'role'> {
  return { position, type: 'unknown', stream: null, effectiveDate: null, recordedAt: null, recordedBy: null, links: {} };
}
