import type { ActivityEvent } from '../../events';
import { dimensionColumn } from '../../src/fund-line/fund-line.dimensions';
import { rate } from '../../src/money/money';
import { splitOutputKey } from '../../src/activity/output-log';
import { Measures, ZERO_MEASURES, balanceFigures } from '../balances/balances.fold';
import type { BalanceQueries } from '../balances/balances.queries';
import { BALANCE_TABLES, measuresFromRow, sumMeasuresSql } from '../balances/balances.tables';
import { HISTORY_TABLES, deltaFromRow, sumDeltasSql } from '../history/history.tables';
import { type QueryHost, type ReadTx, tablesIn } from '../read-model';
import { centsToMoney } from '../shared/cents';
import { intToDate } from '../shared/context';
import { ReadScope, TreeFilters, UnitLevel } from '../shared/filters';
import { Slice, TimeSlice, checkReached, sliceOf } from '../shared/query';
import { Row, Where, big, num, str } from '../shared/sql';
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
} from './progress.fold';
import { PROGRESS_TABLES, parseActivity, progressTotalsFromRow } from './progress.tables';

export interface ActivityView {
  readonly kind: string;
  readonly component: string;
  readonly status: ActivityProgressStatus;
  readonly allocated: string;
  readonly disbursed: string;
  readonly outputs: Readonly<Record<string, string>>;
}

const NEVER = Number.MAX_SAFE_INTEGER;

/** Conditions on an activity's (or a progress group's) programme and component. */
function programmeAndComponents(w: Where, programme: string | undefined, components: string[] | null): void {
  if (programme !== undefined) {
    w.sql.push('programme = ?');
    w.params.push(programme);
  }
  if (components) {
    w.sql.push('component IN (SELECT value FROM json_each(?))');
    w.params.push(JSON.stringify(components));
  }
}
const END_OF_TIME = 99991231;
/** Every fact, whatever its dates: the slice a budget year is answered from when no date is asked. */
const WHOLE_LOG: Slice = { eff: END_OF_TIME, rec: Number.MAX_SAFE_INTEGER, pos: Number.MAX_SAFE_INTEGER, asOf: null, knownAt: null, upToPosition: null };

/**
 * Tiến độ: per sub-project, its money, its activities by kind and status, beneficiaries and outputs against
 * targets; now from the maintained documents and sums, as of a date from each activity's facts (its events, and
 * its money in the lines' history).
 */
export class ProgressQueries {
  private readonly filters: TreeFilters;

  constructor(
    private readonly host: QueryHost,
    private readonly balances: BalanceQueries,
  ) {
    this.filters = new TreeFilters(host.catalogue);
  }

  /**
   * With `budgetYear`: the money of that year's lines (carried-in money of earlier origin included); the activities
   * that hold money on them or were registered that year, with their money on that year's lines only. An
   * activity's outputs, beneficiaries and stage are its own, not a year's: bound them with asOf.
   */
  progress(q: TimeSlice & { readonly programme?: string; readonly component?: string; readonly unit?: string; readonly budgetYear?: number; readonly scope?: ReadScope }) {
    const components = q.component !== undefined ? this.filters.componentSet(q.component) : null;
    const level = q.unit !== undefined ? this.filters.unitLevel(q.unit) : null;
    // The maintained sums have no year: a year is answered from the facts, as a date is.
    const slice = sliceOf(q) ?? (q.budgetYear !== undefined ? WHOLE_LOG : null);
    const { catalogue, ctx } = this.host;
    return this.host.reader.read((tx, position) => {
      checkReached(slice, position);
      const t = tablesIn(tx.schema, BALANCE_TABLES, HISTORY_TABLES, PROGRESS_TABLES);
      const componentColumn = dimensionColumn('component');
      // Money of the components' lines.
      const lw = this.balances.where({ programme: q.programme, unit: q.unit, budgetYear: q.budgetYear, scope: q.scope }, slice ? 'l' : '');
      const compIn = components ? `${slice ? 'l.' : ''}${componentColumn} IN (SELECT value FROM json_each(?))` : null;
      const moneyWhere = [...lw.sql, ...(compIn ? [compIn] : [])];
      const moneyParams = [...lw.params, ...(components ? [JSON.stringify(components)] : [])];
      const money = new Map<string, Measures>();
      if (slice) {
        const rows = tx
          .stmt(
            `SELECT l.${componentColumn} AS component, ${sumDeltasSql('e')} FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id
             WHERE ${[...moneyWhere, 'e.eff <= ?', 'e.rec <= ?', 'e.position <= ?'].join(' AND ')} GROUP BY l.${componentColumn}`,
          )
          .all(...moneyParams, slice.eff, slice.rec, slice.pos) as Row[];
        for (const r of rows) money.set(str(r.component), measuresFromRow(r));
      } else {
        const { table } = this.balances.table(tx, { programme: q.programme, unit: q.unit, budgetYear: q.budgetYear, scope: q.scope }, ['component']);
        const rows = tx
          .stmt(`SELECT ${componentColumn} AS component, ${sumMeasuresSql()} FROM ${table} ${moneyWhere.length ? `WHERE ${moneyWhere.join(' AND ')}` : ''} GROUP BY ${componentColumn}`)
          .all(...moneyParams) as Row[];
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
        for (const doc of this.activitiesAsOf(tx, q, components, level, slice)) addTo(doc.info.component, doc.info.kind, applyToTotals(EMPTY_PROGRESS, doc, 1));
      } else if (level === 'unit' || (q.scope !== undefined && q.scope !== 'all')) {
        // A commune holds few activities: sum their documents rather than keep a commune-grain table. A reader of some
        // units only: their activities' documents, as the grain tables sum other units' too.
        const w: Where = { sql: ['registered = 1'], params: [] };
        if (level !== null) {
          w.sql.push(`${level} = ?`);
          w.params.push(q.unit);
        }
        this.filters.scopeFilter(q.scope, '', w);
        programmeAndComponents(w, q.programme, components);
        for (const r of tx
          .stmt(`SELECT activity_id, doc, allocated, disbursed, last_position FROM ${t.activities} WHERE ${w.sql.join(' AND ')} ORDER BY activity_id`)
          .all(...w.params) as Row[]) {
          const doc = parseActivity(str(r.activity_id), str(r.doc), big(r.allocated), big(r.disbursed), num(r.last_position));
          addTo(doc.info.component, doc.info.kind, applyToTotals(EMPTY_PROGRESS, doc, 1));
        }
      } else {
        const table = level === 'district' ? t.progress_district : t.progress_province;
        const w: Where = { sql: [], params: [] };
        programmeAndComponents(w, q.programme, components);
        if (level !== null) {
          w.sql.push(`${level} = ?`);
          w.params.push(q.unit);
        }
        const rows = tx.stmt(`SELECT * FROM ${table} ${w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : ''} ORDER BY component, kind, key`).all(...w.params) as Row[];
        for (const r of rows) {
          const totals = progressTotalsFromRow(r);
          if (totals.activities > 0) addTo(str(r.component), str(r.kind), totals);
        }
      }

      const codes = [...new Set([...money.keys(), ...kinds.keys()])].sort();
      return {
        asOf: slice?.asOf ?? null,
        knownAt: slice?.knownAt ?? null,
        upToPosition: slice?.upToPosition ?? null,
        budgetYear: q.budgetYear ?? null,
        scope: { programme: q.programme ?? null, component: q.component ?? null, unit: q.unit ?? null },
        components: codes.map((code) => {
          const byKind = kinds.get(code) ?? new Map<string, ProgressTotals>();
          const all = [...byKind.values()].reduce(addTotals, EMPTY_PROGRESS);
          return {
            component: code,
            name: catalogue.components.get(code)?.nameVi ?? code,
            project: ctx.componentPlace(code).project,
            money: balanceFigures(money.get(code) ?? ZERO_MEASURES),
            ...this.progressFigures(all),
            lifecycles: this.lifecycleFigures([...byKind.entries()]),
            byKind: [...byKind.entries()]
              .sort((a, b) => (a[0] < b[0] ? -1 : 1))
              .map(([kind, totals]) => ({
                kind,
                name: catalogue.activityKinds.get(kind)?.nameVi ?? kind,
                ...this.progressFigures(totals),
                ...(catalogue.lists().lifecycleOf(kind) ? { lifecycle: this.lifecycleFigures([[kind, totals]])[0] } : {}),
              })),
          };
        }),
      };
    });
  }

  /** An activity just before and just after the event at `position`, folded from its facts up to there. */
  activityBeforeAfter(tx: ReadTx, activityId: string, position: number): { activityId: string; before: ActivityView | null; after: ActivityView | null } {
    const before = this.foldActivities(tx, [activityId], END_OF_TIME, NEVER, position - 1).get(activityId) ?? null;
    const after = this.foldActivities(tx, [activityId], END_OF_TIME, NEVER, position).get(activityId) ?? null;
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

  /**
   * Activities of the kinds that follow a lifecycle, by the stage in force: "16 of 18 works started, 2 not started".
   * An activity with no stage recorded is at its lifecycle's first stage.
   */
  private lifecycleFigures(byKind: readonly (readonly [string, ProgressTotals])[]) {
    const lists = this.host.catalogue.lists();
    const out = new Map<string, { lifecycle: string; name: string; activities: number; byStage: Record<string, number> }>();
    for (const [kind, totals] of byKind) {
      const lifecycle = lists.lifecycleOf(kind);
      if (!lifecycle) continue;
      const entry = out.get(lifecycle.code) ?? {
        lifecycle: lifecycle.code,
        name: lifecycle.nameVi,
        activities: 0,
        byStage: Object.fromEntries(lifecycle.stages.map((s) => [s.code, 0])) as Record<string, number>,
      };
      entry.activities += totals.activities;
      for (const [stage, n] of Object.entries(totals.byStage)) {
        const code = stage === '' ? lifecycle.stages[0].code : stage;
        entry.byStage[code] = (entry.byStage[code] ?? 0) + n;
      }
      out.set(lifecycle.code, entry);
    }
    return [...out.values()].map((e) => {
      const stages = (lists.lifecycles.get(e.lifecycle) as NonNullable<ReturnType<typeof lists.lifecycleOf>>).stages;
      const count = (flag: 'started' | 'completed') => stages.filter((s) => s[flag]).reduce((n, s) => n + (e.byStage[s.code] ?? 0), 0);
      const started = count('started');
      return Object.assign({}, e, { started, notStarted: e.activities - started, completed: count('completed') });
    });
  }

  private progressFigures(p: ProgressTotals) {
    // Outputs by category are kept as "indicator/category" beside the indicator's total.
    const byCategory = new Map<string, Record<string, string>>();
    for (const [key, q] of Object.entries(p.outputs)) {
      const { indicator, category } = splitOutputKey(key);
      if (category === undefined) continue;
      byCategory.set(indicator, { ...(byCategory.get(indicator) ?? {}), [category]: q });
    }
    const indicators = [...new Set([...Object.keys(p.targets), ...Object.keys(p.outputs).map((k) => splitOutputKey(k).indicator)])].sort();
    return {
      activities: p.activities,
      byStatus: p.byStatus as Readonly<Record<ActivityProgressStatus, number>>,
      allocated: centsToMoney(p.allocated),
      disbursed: centsToMoney(p.disbursed),
      disbursementRateOfAllocation: rate(centsToMoney(p.disbursed), centsToMoney(p.allocated)),
      beneficiaries: p.beneficiaries,
      outputs: indicators.map((i) => ({
        indicator: i,
        unit: this.host.catalogue.indicators.get(i)?.unit ?? '',
        target: p.targets[i] ?? null,
        achieved: p.outputs[i] ?? '0',
        rateOfTarget: p.targets[i] !== undefined ? rate(p.outputs[i] ?? '0', p.targets[i]) : null,
        byCategory: byCategory.get(i) ?? {},
      })),
    };
  }

  /** Each candidate activity folded from the facts known at `rec` and in force by `eff`. */
  private activitiesAsOf(
    tx: ReadTx,
    q: { programme?: string; unit?: string; budgetYear?: number; scope?: ReadScope },
    components: string[] | null,
    level: UnitLevel | null,
    slice: Slice,
  ): ActivityProgress[] {
    const t = PROGRESS_TABLES.in(tx.schema);
    const w: string[] = [];
    const params: unknown[] = [];
    if (level !== null) {
      w.push(`a.${level} = ?`);
      params.push(q.unit);
    }
    const scoped: Where = { sql: [], params: [] };
    this.filters.scopeFilter(q.scope, 'a', scoped);
    w.push(...scoped.sql);
    params.push(...scoped.params);
    if (components) {
      // From the unit's activities when there is a unit (few), from the component's when not.
      w.push(
        level !== null
          ? `EXISTS (SELECT 1 FROM ${t.activity_components} c WHERE c.activity_id = a.activity_id AND c.component IN (SELECT value FROM json_each(?)))`
          : `a.activity_id IN (SELECT activity_id FROM ${t.activity_components} WHERE component IN (SELECT value FROM json_each(?)))`,
      );
      params.push(JSON.stringify(components));
    }
    const ids = tx
      .stmt(`SELECT a.activity_id FROM ${t.activities} a ${w.length ? `WHERE ${w.join(' AND ')}` : ''}`)
      .pluck()
      .all(...params) as string[];
    if (ids.length === 0) return [];
    const docs = this.foldActivities(tx, ids, slice.eff, slice.rec, slice.pos, q.budgetYear);
    const ofYear = q.budgetYear === undefined ? null : this.activitiesWithMoneyOf(tx, ids, q.budgetYear, slice);
    return [...docs.values()].filter(
      (d) =>
        d.info.registered &&
        (components === null || components.includes(d.info.component)) &&
        (q.programme === undefined || d.info.programme === q.programme) &&
        (ofYear === null || ofYear.has(d.activityId) || d.info.registeredOn.startsWith(`${q.budgetYear}-`)),
    );
  }

  /** The activities that have had money on lines of a budget year, as of the slice. */
  private activitiesWithMoneyOf(tx: ReadTx, ids: readonly string[], budgetYear: number, slice: Slice): Set<string> {
    const t = tablesIn(tx.schema, BALANCE_TABLES, HISTORY_TABLES);
    const rows = tx
      .stmt(
        `SELECT DISTINCT e.activity_id FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id
         WHERE e.activity_id IN (SELECT value FROM json_each(?)) AND l.${dimensionColumn('budgetYear')} = ? AND e.eff <= ? AND e.rec <= ? AND e.position <= ?`,
      )
      .pluck()
      .all(JSON.stringify(ids), budgetYear, slice.eff, slice.rec, slice.pos) as string[];
    return new Set(rows);
  }

  /**
   * Folds activities from their facts: effective by `eff`, recorded by `rec`, at or before log position `upTo`;
   * with `budgetYear`, their money on that year's lines only.
   */
  private foldActivities(tx: ReadTx, ids: readonly string[], eff: number, rec: number, upTo: number, budgetYear?: number): Map<string, ActivityProgress> {
    const t = tablesIn(tx.schema, BALANCE_TABLES, HISTORY_TABLES, PROGRESS_TABLES);
    const idList = JSON.stringify(ids);
    const events = tx
      .stmt(
        `SELECT position, activity_id, eff, type, data FROM ${t.activity_entries}
         WHERE activity_id IN (SELECT value FROM json_each(?)) AND eff <= ? AND rec <= ? AND position <= ?`,
      )
      .all(idList, eff, rec, upTo) as Row[];
    const money = (
      budgetYear === undefined
        ? tx
            .stmt(
              `SELECT position, activity_id, eff, m1, d1, m2, d2 FROM ${t.entries}
               WHERE activity_id IS NOT NULL AND activity_id IN (SELECT value FROM json_each(?)) AND eff <= ? AND rec <= ? AND position <= ?`,
            )
            .all(idList, eff, rec, upTo)
        : tx
            .stmt(
              `SELECT e.position, e.activity_id, e.eff, e.m1, e.d1, e.m2, e.d2 FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id
               WHERE e.activity_id IS NOT NULL AND e.activity_id IN (SELECT value FROM json_each(?)) AND e.eff <= ? AND e.rec <= ? AND e.position <= ?
                 AND l.${dimensionColumn('budgetYear')} = ?`,
            )
            .all(idList, eff, rec, upTo, budgetYear)
    ) as Row[];
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
      ...money.map((r): ActivityFact => moneyFact(num(r.position), intToDate(num(r.eff)), str(r.activity_id), deltaFromRow(r))),
    ].sort((a, b) => a.position - b.position);
    const docs = new Map<string, ActivityProgress>();
    for (const f of facts) {
      const id = f.fact === 'money' ? f.activityId : (f.data as { activityId: string }).activityId;
      docs.set(id, evolveActivityProgress(docs.get(id) ?? initialActivityProgress(id), f));
    }
    return docs;
  }
}
