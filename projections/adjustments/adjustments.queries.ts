import type { QueryHost } from '../read-model';
import { centsToMoney } from '../shared/cents';
import { dateToInt, intToDate } from '../shared/context';
import { ReadScope, TreeFilters } from '../shared/filters';
import { recordedBy } from '../shared/provenance';
import { Paging, pagingOf, sqlLimit } from '../shared/query';
import { Row, big, num, str } from '../shared/sql';
import type { AdjustmentKind } from './adjustments.fold';
import { ADJUSTMENT_TABLES } from './adjustments.tables';

export interface AdjustmentsQuery extends Paging {
  /** Effective on or after (YYYY-MM-DD). */
  readonly from?: string;
  /** Effective on or before. */
  readonly to?: string;
  readonly unit?: string;
  /** Changes on the component, or moving money to or from it. */
  readonly component?: string;
  readonly kind?: readonly AdjustmentKind[];
  /** Only adjustments under these scopes. */
  readonly scope?: ReadScope;
}

export class AdjustmentQueries {
  private readonly filters: TreeFilters;

  constructor(private readonly host: QueryHost) {
    this.filters = new TreeFilters(host.catalogue);
  }

  adjustments(q: AdjustmentsQuery) {
    const { page, pageSize, offset } = pagingOf(q);
    const components = q.component !== undefined ? this.filters.componentSet(q.component) : null;
    const level = q.unit !== undefined ? this.filters.unitLevel(q.unit) : null;
    return this.host.reader.read((tx) => {
      const t = ADJUSTMENT_TABLES.in(tx.schema);
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
      const scoped = { sql: [] as string[], params: [] as unknown[] };
      this.filters.scopeFilter(q.scope, 'a', scoped);
      w.push(...scoped.sql);
      params.push(...scoped.params);
      const where = w.length ? `WHERE ${w.join(' AND ')}` : '';
      const rows = tx.stmt(`SELECT a.* FROM ${t.adjustments} a ${where} ORDER BY a.eff, a.position LIMIT ${sqlLimit(pageSize)} OFFSET ?`).all(...params, offset) as Row[];
      const totalRows = num(tx.stmt(`SELECT count(*) FROM ${t.adjustments} a ${where}`).pluck().get(...params));
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
          recordedBy: recordedBy(r),
          decision: r.decision_number ? { number: str(r.decision_number), issuer: str(r.decision_issuer), date: str(r.decision_date) } : null,
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
