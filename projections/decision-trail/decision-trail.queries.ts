import { BalanceFigures, Measure, Measures, addMeasures, balanceFigures } from '../balances/balances.fold';
import { BALANCE_TABLES, keyFromRow, measuresFromRow } from '../balances/balances.tables';
import { changeOf } from '../history/history.queries';
import { HISTORY_TABLES, deltaFromRow, sumDeltasSql } from '../history/history.tables';
import type { ActivityView, ProgressQueries } from '../progress/progress.queries';
import { PROGRESS_TABLES } from '../progress/progress.tables';
import { type QueryHost, type ReadTx, tablesIn } from '../read-model';
import { KEY_DIMENSIONS, dimensionColumn } from '../../src/fund-line/fund-line.dimensions';
import { fundLineLabel } from '../../src/fund-line/fund-line.key';
import { InvalidRequest } from '../../src/shared/errors';
import { centsToMoney } from '../shared/cents';
import { dateToInt, intToDate } from '../shared/context';
import type { DecisionRef } from '../shared/decision';
import { ReadScope, TreeFilters } from '../shared/filters';
import { recordedBy } from '../shared/provenance';
import { NotInReadModel, Paging, pagingOf, sqlLimit } from '../shared/query';
import { Row, Where, big, num, str } from '../shared/sql';
import { DECISION_TABLES } from './decision-trail.tables';

/** One event of a decision's trail: a fund-line event (line before → after) or an activity event, with the activity before → after. */
export interface TrailEvent {
  readonly position: number;
  readonly decision: DecisionRef;
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

export interface DecisionsQuery extends Paging {
  /** Only the events under these scopes: a decision is listed with what the reader may see of it, or not at all. */
  readonly scope?: ReadScope;
  readonly number?: string;
  readonly issuer?: string;
  /** Signed on or after / on or before (YYYY-MM-DD). */
  readonly from?: string;
  readonly to?: string;
}

export interface TrailQuery extends Paging {
  readonly scope?: ReadScope;
  readonly number?: string;
  readonly issuer?: string;
  readonly date?: string;
}

function subtract(a: Measures, b: Partial<Record<Measure, bigint>>): Measures {
  const neg: Partial<Record<Measure, bigint>> = {};
  for (const [k, v] of Object.entries(b) as [Measure, bigint][]) neg[k] = -v;
  return addMeasures(a, neg);
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

const dateToIntOf = (v: unknown): number => dateToInt(str(v));

function decisionSummary(r: Row) {
  return {
    number: str(r.number),
    issuer: str(r.issuer),
    date: str(r.date),
    events: num(r.event_count),
    firstRecordedAt: str(r.first_recorded_at),
    lastRecordedAt: str(r.last_recorded_at),
    firstEffectiveDate: str(r.first_effective_date),
    lastEffectiveDate: str(r.last_effective_date),
    byType: JSON.parse(str(r.by_type)) as Record<string, number>,
  };
}

/** What a trail shows of any entry row (a line's or an activity's): the event, its decision, who recorded it and when. */
const trailEventOf = (r: Row) => ({
  position: num(r.position),
  decision: { number: str(r.basis_number), issuer: str(r.basis_issuer), date: str(r.basis_date) },
  type: str(r.type),
  effectiveDate: intToDate(num(r.eff)),
  recordedAt: str(r.recorded_at),
  recordedBy: recordedBy(r),
  command: str(r.command),
});

/**
 * An entry table's events recorded under any of `decisions` decisions, given as parameters (number, issuer, date) each,
 * joined to what places them (`places`: the lines or activities table, `on`: how) and kept when `where` holds.
 */
const underDecisions = (table: string, src: string, places: string, on: string, where: string, decisions: number) =>
  `SELECT x.position, '${src}' AS src FROM ${table} x JOIN ${places} p ON ${on}
     WHERE x.basis_kind = 'decision' AND (x.basis_number, x.basis_issuer, x.basis_date) IN (VALUES ${Array.from({ length: decisions }, () => '(?, ?, ?)').join(', ')})
       AND ${where}`;

const restricted = (scope: ReadScope | undefined): scope is readonly string[] => scope !== undefined && scope !== 'all';

/**
 * Dấu vết quyết định: the decisions the ledger recorded events under, and every event one caused with before →
 * after for each line (from the history) and activity (from the progress), who recorded it and when.
 */
export class DecisionTrailQueries {
  private readonly filters: TreeFilters;

  constructor(
    private readonly host: QueryHost,
    private readonly progress: ProgressQueries,
  ) {
    this.filters = new TreeFilters(host.catalogue);
  }

  /** The scope's condition on a places table aliased p, as SQL and its parameters. */
  private scoped(scope: ReadScope | undefined): Where {
    const w: Where = { sql: [], params: [] };
    this.filters.scopeFilter(scope, 'p', w);
    if (w.sql.length === 0) w.sql.push('1 = 1');
    return w;
  }

  /**
   * Decision summaries counted from the events a reader of some units may see (the decisions table counts every
   * event): from the lines' and activities' entries under those units, grouped by decision.
   */
  private visibleDecisions(tx: ReadTx, q: { number?: string; issuer?: string; from?: string; to?: string; scope: readonly string[] }): Row[] {
    const t = tablesIn(tx.schema, BALANCE_TABLES, HISTORY_TABLES, PROGRESS_TABLES);
    const w = decisionWhere(q);
    const scope = this.scoped(q.scope);
    const part = (table: string, places: string, on: string) =>
      `SELECT x.type, x.position, x.recorded_at, x.eff, x.basis_number AS number, x.basis_issuer AS issuer, x.basis_date AS date
       FROM ${table} x JOIN ${places} p ON ${on} WHERE x.basis_kind = 'decision' AND ${scope.sql.join(' AND ')}`;
    const rows = tx
      .stmt(
        `SELECT number, issuer, date, type, count(*) AS n, min(position) AS first_position, max(position) AS last_position,
           min(recorded_at) AS first_recorded_at, max(recorded_at) AS last_recorded_at, min(eff) AS first_eff, max(eff) AS last_eff
         FROM (${part(t.entries, t.lines, 'p.line_id = x.line_id')} UNION ALL ${part(t.activity_entries, t.activities, 'p.activity_id = x.activity_id')}) AS u
         ${w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : ''} GROUP BY number, issuer, date, type ORDER BY number, issuer, date, type`,
      )
      .all(...scope.params, ...scope.params, ...w.params) as Row[];
    const byDecision = new Map<string, Row>();
    for (const r of rows) {
      const k = `${str(r.number)}\u0000${str(r.issuer)}\u0000${str(r.date)}`;
      const d = byDecision.get(k);
      const byType = { ...(d ? (JSON.parse(str(d.by_type)) as Record<string, number>) : {}), [str(r.type)]: num(r.n) };
      const min = (a: unknown, b: unknown) => (d === undefined || str(b) < str(a) ? b : a);
      const max = (a: unknown, b: unknown) => (d === undefined || str(b) > str(a) ? b : a);
      byDecision.set(k, {
        number: r.number,
        issuer: r.issuer,
        date: r.date,
        event_count: (d ? num(d.event_count) : 0) + num(r.n),
        first_recorded_at: min(d?.first_recorded_at, r.first_recorded_at),
        last_recorded_at: max(d?.last_recorded_at, r.last_recorded_at),
        first_effective_date: intToDate(Math.min(d ? dateToIntOf(d.first_effective_date) : Number.MAX_SAFE_INTEGER, num(r.first_eff))),
        last_effective_date: intToDate(Math.max(d ? dateToIntOf(d.last_effective_date) : 0, num(r.last_eff))),
        by_type: JSON.stringify(byType),
      });
    }
    return [...byDecision.values()].sort((a, b) => (str(a.date) !== str(b.date) ? (str(a.date) < str(b.date) ? 1 : -1) : `${str(a.number)}\u0000${str(a.issuer)}` < `${str(b.number)}\u0000${str(b.issuer)}` ? -1 : 1));
  }

  decisions(q: DecisionsQuery) {
    const { page, pageSize, offset } = pagingOf(q);
    const scope = q.scope;
    if (restricted(scope)) {
      return this.host.reader.read((tx) => {
        const all = this.visibleDecisions(tx, { ...q, scope });
        return { page, pageSize, totalRows: all.length, rows: all.slice(offset, offset + pageSize).map(decisionSummary) };
      });
    }
    return this.host.reader.read((tx) => {
      const t = DECISION_TABLES.in(tx.schema);
      const w = decisionWhere(q);
      const where = w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : '';
      const rows = tx.stmt(`SELECT * FROM ${t.decisions} ${where} ORDER BY date DESC, number, issuer LIMIT ${sqlLimit(pageSize)} OFFSET ?`).all(...w.params, offset) as Row[];
      const totalRows = num(tx.stmt(`SELECT count(*) FROM ${t.decisions} ${where}`).pluck().get(...w.params));
      return { page, pageSize, totalRows, rows: rows.map(decisionSummary) };
    });
  }

  /** Every event a decision caused, with before → after for each line and activity, who recorded it and when. */
  trail(q: TrailQuery) {
    if (q.number === undefined && q.issuer === undefined && q.date === undefined) {
      throw InvalidRequest.field('number', 'give at least one of number, issuer, date to find the decision');
    }
    const { page, pageSize, offset } = pagingOf(q);
    return this.host.reader.read((tx) => {
      const t = tablesIn(tx.schema, DECISION_TABLES, BALANCE_TABLES, HISTORY_TABLES, PROGRESS_TABLES);
      const w = decisionWhere({ number: q.number, issuer: q.issuer, from: q.date, to: q.date });
      const decisions = restricted(q.scope)
        ? this.visibleDecisions(tx, { number: q.number, issuer: q.issuer, from: q.date, to: q.date, scope: q.scope }).reverse().slice(0, 101)
        : (tx.stmt(`SELECT * FROM ${t.decisions} WHERE ${w.sql.join(' AND ')} ORDER BY date, number, issuer LIMIT 101`).all(...w.params) as Row[]);
      if (decisions.length === 0) throw new NotInReadModel(`no decision matches ${JSON.stringify({ number: q.number, issuer: q.issuer, date: q.date })}`);
      if (decisions.length > 100) throw InvalidRequest.field('number', 'more than 100 decisions match: narrow with number, issuer and date');
      const refs = decisions.flatMap((d) => [str(d.number), str(d.issuer), str(d.date)]);
      // Only the events the reader may see: those of lines and activities under its scopes.
      const scope = this.scoped(q.scope);
      const where = scope.sql.join(' AND ');
      const n = decisions.length;
      const union = `${underDecisions(t.entries, 'line', t.lines, 'p.line_id = x.line_id', where, n)} UNION ALL ${underDecisions(t.activity_entries, 'activity', t.activities, 'p.activity_id = x.activity_id', where, n)}`;
      const params = [...refs, ...scope.params, ...refs, ...scope.params];
      const totalEvents = num(tx.stmt(`SELECT count(*) FROM (${union}) AS u`).pluck().get(...params));
      const found = tx.stmt(`${union} ORDER BY position LIMIT ${sqlLimit(pageSize)} OFFSET ?`).all(...params, offset) as Row[];
      const linePositions = found.filter((r) => r.src === 'line').map((r) => num(r.position));
      const activityPositions = found.filter((r) => r.src === 'activity').map((r) => num(r.position));
      const lineRows = new Map(
        (
          tx
            .stmt(
              `SELECT e.*, l.stream AS stream, ${KEY_DIMENSIONS.map((d) => `l.${dimensionColumn(d)}`).join(', ')}
               FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id WHERE e.position IN (SELECT CAST(value AS BIGINT) FROM json_each(?))`,
            )
            .all(JSON.stringify(linePositions)) as Row[]
        ).map((r) => [num(r.position), r]),
      );
      const activityRows = new Map(
        (tx.stmt(`SELECT * FROM ${t.activity_entries} WHERE position IN (SELECT CAST(value AS BIGINT) FROM json_each(?))`).all(JSON.stringify(activityPositions)) as Row[]).map((r) => [
          num(r.position),
          r,
        ]),
      );
      const lineAfter = tx.stmt(`SELECT ${sumDeltasSql()} FROM ${t.entries} WHERE line_id = ? AND position <= ?`);
      const events = found.map((ref): TrailEvent => {
        const position = num(ref.position);
        if (ref.src === 'line') {
          const r = lineRows.get(position) as Row;
          const delta = deltaFromRow(r);
          const after = measuresFromRow(lineAfter.get(r.line_id, position) as Row);
          const activityId = r.activity_id ? str(r.activity_id) : null;
          // Added to the event, not spread after it: see lineBalance (balances.queries.ts).
          return Object.assign(trailEventOf(r), {
            amount: centsToMoney(big(r.amount)),
            ...(r.reference ? { reference: str(r.reference) } : {}),
            ...(r.details ? { details: JSON.parse(str(r.details)) as Record<string, string> } : {}),
            line: {
              stream: str(r.stream),
              label: fundLineLabel(keyFromRow(r)),
              change: changeOf(delta),
              before: balanceFigures(subtract(after, delta)),
              after: balanceFigures(after),
            },
            ...(activityId ? { activity: this.progress.activityBeforeAfter(tx, activityId, position) } : {}),
          });
        }
        const r = activityRows.get(position) as Row;
        return Object.assign(trailEventOf(r), {
          data: JSON.parse(str(r.data)) as Record<string, unknown>,
          activity: this.progress.activityBeforeAfter(tx, str(r.activity_id), position),
        });
      });
      return { decisions: decisions.map(decisionSummary), page, pageSize, totalEvents, events };
    });
  }
}
