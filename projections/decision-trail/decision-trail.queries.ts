import { BalanceFigures, Measure, Measures, addMeasures, balanceFigures } from '../balances/balances.fold';
import { BALANCE_TABLES, keyFromRow, measuresFromRow } from '../balances/balances.tables';
import { changeOf } from '../history/history.queries';
import { HISTORY_TABLES, deltaFromRow, sumDeltasSql } from '../history/history.tables';
import type { ActivityView, ProgressQueries } from '../progress/progress.queries';
import { PROGRESS_TABLES } from '../progress/progress.tables';
import type { QueryHost } from '../read-model';
import { KEY_DIMENSIONS, dimensionColumn } from '../../src/fund-line/fund-line.dimensions';
import { fundLineLabel } from '../../src/fund-line/fund-line.key';
import { InvalidRequest } from '../../src/shared/errors';
import { centsToMoney } from '../shared/cents';
import { intToDate } from '../shared/context';
import type { DecisionRef } from '../shared/decision';
import { recordedBy } from '../shared/provenance';
import { NotInReadModel, Paging, pagingOf } from '../shared/query';
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
  readonly number?: string;
  readonly issuer?: string;
  /** Signed on or after / on or before (YYYY-MM-DD). */
  readonly from?: string;
  readonly to?: string;
}

export interface TrailQuery extends Paging {
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

/** An entry table's events recorded under any of the decisions in a JSON list of [number, issuer, date]. */
const underDecisions = (table: string, src: string) =>
  `SELECT x.position, '${src}' AS src FROM json_each(?) d JOIN ${table} x
     ON x.basis_kind = 'decision' AND x.basis_number = d.value ->> 0 AND x.basis_issuer = d.value ->> 1 AND x.basis_date = d.value ->> 2`;

/**
 * Dấu vết quyết định: the decisions the ledger recorded events under, and every event one caused with before →
 * after for each line (from the history) and activity (from the progress), who recorded it and when.
 */
export class DecisionTrailQueries {
  constructor(
    private readonly host: QueryHost,
    private readonly progress: ProgressQueries,
  ) {}

  decisions(q: DecisionsQuery) {
    const { page, pageSize, offset } = pagingOf(q);
    return this.host.reader.read((tx) => {
      const t = DECISION_TABLES.in(tx.schema);
      const w = decisionWhere(q);
      const where = w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : '';
      const rows = tx.stmt(`SELECT * FROM ${t.decisions} ${where} ORDER BY date DESC, number, issuer LIMIT ? OFFSET ?`).all(...w.params, pageSize, offset) as Row[];
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
      const t = { ...DECISION_TABLES.in(tx.schema), ...BALANCE_TABLES.in(tx.schema), ...HISTORY_TABLES.in(tx.schema), ...PROGRESS_TABLES.in(tx.schema) };
      const w = decisionWhere({ number: q.number, issuer: q.issuer, from: q.date, to: q.date });
      const decisions = tx.stmt(`SELECT * FROM ${t.decisions} WHERE ${w.sql.join(' AND ')} ORDER BY date, number, issuer LIMIT 101`).all(...w.params) as Row[];
      if (decisions.length === 0) throw new NotInReadModel(`no decision matches ${JSON.stringify({ number: q.number, issuer: q.issuer, date: q.date })}`);
      if (decisions.length > 100) throw InvalidRequest.field('number', 'more than 100 decisions match: narrow with number, issuer and date');
      const refs = JSON.stringify(decisions.map((d) => [str(d.number), str(d.issuer), str(d.date)]));
      const union = `${underDecisions(t.entries, 'line')} UNION ALL ${underDecisions(t.activity_entries, 'activity')}`;
      const totalEvents = num(tx.stmt(`SELECT count(*) FROM (${union})`).pluck().get(refs, refs));
      const found = tx.stmt(`${union} ORDER BY position LIMIT ? OFFSET ?`).all(refs, refs, pageSize, offset) as Row[];
      const linePositions = found.filter((r) => r.src === 'line').map((r) => num(r.position));
      const activityPositions = found.filter((r) => r.src === 'activity').map((r) => num(r.position));
      const lineRows = new Map(
        (
          tx
            .stmt(
              `SELECT e.*, l.stream AS stream, ${KEY_DIMENSIONS.map((d) => `l.${dimensionColumn(d)}`).join(', ')}
               FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id WHERE e.position IN (SELECT value FROM json_each(?))`,
            )
            .all(JSON.stringify(linePositions)) as Row[]
        ).map((r) => [num(r.position), r]),
      );
      const activityRows = new Map(
        (tx.stmt(`SELECT * FROM ${t.activity_entries} WHERE position IN (SELECT value FROM json_each(?))`).all(JSON.stringify(activityPositions)) as Row[]).map((r) => [
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
          return {
            ...trailEventOf(r),
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
          };
        }
        const r = activityRows.get(position) as Row;
        return {
          ...trailEventOf(r),
          data: JSON.parse(str(r.data)) as Record<string, unknown>,
          activity: this.progress.activityBeforeAfter(tx, str(r.activity_id), position),
        };
      });
      return { decisions: decisions.map(decisionSummary), page, pageSize, totalEvents, events };
    });
  }
}
