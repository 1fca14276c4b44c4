import { BALANCE_TABLES, keyFromRow, keyWithPlaces } from '../balances/balances.tables';
import { ZERO_MEASURES, balanceFigures } from '../balances/balances.fold';
import { BalancePage, BalanceQueries, BalancesAsOf, BalancesQuery, GroupDimension, byOrigin, foldGroups, groupColumns, lineIdentity } from '../balances/balances.queries';
import { fundLineLabel } from '../../src/fund-line/fund-line.key';
import { dimensionColumn } from '../../src/fund-line/fund-line.dimensions';
import type { QueryHost, ReadTx } from '../read-model';
import { centsToMoney } from '../shared/cents';
import { intToDate } from '../shared/context';
import { basisOf, recordedBy } from '../shared/provenance';
import { Placed, ReadScope, TreeFilters } from '../shared/filters';
import { NotInReadModel, OutsideScope, Paging, Slice, TimeSlice, checkReached, pagingOf, sliceOf } from '../shared/query';
import { Row, big, num, str } from '../shared/sql';
import { withRunningBalances } from './history.fold';
import { HISTORY_TABLES, deltaFromRow, sumDeltasSql } from './history.tables';

/** A change as decimal strings, by measure. */
export function changeOf(delta: Partial<Record<string, bigint>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(delta)) out[k] = centsToMoney(v as bigint);
  return out;
}

/**
 * Sổ chi tiết dòng vốn: one line's events with the running balance after each; and the balances as of a date
 * and as known at a time, summed from the entries (bitemporal: effective date and recording time).
 */
export class HistoryQueries implements BalancesAsOf {
  private readonly filters: TreeFilters;

  constructor(
    private readonly host: QueryHost,
    private readonly balances: BalanceQueries,
  ) {
    this.filters = new TreeFilters(host.catalogue);
  }

  history(stream: string, q: TimeSlice & Paging & { readonly order?: 'recorded' | 'effective'; readonly scope?: ReadScope }) {
    const { page, pageSize, offset } = pagingOf(q);
    const slice = sliceOf(q);
    const order = q.order ?? 'recorded';
    return this.host.reader.read((tx, position) => {
      checkReached(slice, position);
      const t = { ...BALANCE_TABLES.in(tx.schema), ...HISTORY_TABLES.in(tx.schema) };
      const line = tx.stmt(`SELECT * FROM ${t.lines} WHERE stream = ?`).get(stream) as Row | undefined;
      if (!line) throw new NotInReadModel(`no fund line ${stream} in the read model (check the stream name, or pass minPosition to wait for a recent command)`);
      if (!this.filters.visible(q.scope, line as Row & Placed)) {
        throw new OutsideScope(`fund line ${fundLineLabel(keyFromRow(line))} is of unit ${str(line.unit)}: reading it needs the read right for a scope covering that unit`);
      }
      const orderBy = order === 'effective' ? 'eff, position' : 'position';
      const rows = (
        slice
          ? tx
              .stmt(`SELECT * FROM ${t.entries} WHERE line_id = ? AND eff <= ? AND rec <= ? AND position <= ? ORDER BY ${orderBy}`)
              .all(line.line_id, slice.eff, slice.rec, slice.pos)
          : tx.stmt(`SELECT * FROM ${t.entries} WHERE line_id = ? ORDER BY ${orderBy}`).all(line.line_id)
      ) as Row[];
      const running = withRunningBalances(rows.map((r) => ({ row: r, delta: deltaFromRow(r) })));
      const last = running.length > 0 ? running[running.length - 1].after : ZERO_MEASURES;
      return {
        stream,
        label: fundLineLabel(keyFromRow(line)),
        line: keyWithPlaces(line),
        asOf: slice?.asOf ?? null,
        knownAt: slice?.knownAt ?? null,
        upToPosition: slice?.upToPosition ?? null,
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
          recordedBy: recordedBy(r),
          command: str(r.command),
          basis: basisOf(r),
          amount: centsToMoney(big(r.amount)),
          ...(r.activity_id ? { activityId: str(r.activity_id) } : {}),
          ...(r.reference ? { reference: str(r.reference) } : {}),
          ...(r.counterpart ? { counterpart: str(r.counterpart) } : {}),
          ...(r.details ? { details: JSON.parse(str(r.details)) as Record<string, string> } : {}),
          change: changeOf(delta),
          balanceAfter: balanceFigures(after),
        })),
      };
    });
  }

  /** Sums of the entries in force by the slice's effective date, recorded by its time and at or before its position, per line or per group. */
  balancesAsOf(tx: ReadTx, q: BalancesQuery, groupBy: GroupDimension[] | null, slice: Slice, offset: number, pageSize: number): BalancePage {
    const t = { ...BALANCE_TABLES.in(tx.schema), ...HISTORY_TABLES.in(tx.schema) };
    const w = this.balances.where(q, 'l');
    const cols = groupBy === null ? ['stream', 'line_id'] : groupBy.flatMap(groupColumns);
    const colList = cols.map((c) => `l.${c}`).join(', ');
    const conditions = [...w.sql, 'e.eff <= ?', 'e.rec <= ?', 'e.position <= ?'].join(' AND ');
    const originYear = dimensionColumn('originYear');
    const rows = tx
      .stmt(
        `SELECT ${colList}, l.${originYear} AS origin, ${sumDeltasSql('e')}, count(*) AS events, count(DISTINCT e.line_id) AS lines
         FROM ${t.entries} e JOIN ${t.lines} l ON l.line_id = e.line_id
         WHERE ${conditions} GROUP BY ${colList}, l.${originYear} ORDER BY ${colList}`,
      )
      .all(...w.params, slice.eff, slice.rec, slice.pos) as Row[];
    const { all, totalRows, total, rows: grouped } = foldGroups(rows, cols, groupBy, offset, pageSize);
    if (groupBy !== null) return { totalRows, total, rows: grouped };
    const pageRows = all.slice(offset, offset + pageSize);
    const lineInfo = new Map<number, Row>();
    if (pageRows.length > 0) {
      const ids = pageRows.map((a) => num(a.first.line_id));
      for (const r of tx.stmt(`SELECT * FROM ${t.lines} WHERE line_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as Row[]) {
        lineInfo.set(num(r.line_id), r);
      }
    }
    return {
      totalRows,
      total,
      rows: pageRows.map((a) => ({
        ...lineIdentity(lineInfo.get(num(a.first.line_id)) as Row),
        lines: a.lines,
        events: a.events,
        ...balanceFigures(a.measures),
        carriedInByOriginYear: byOrigin(a.origins),
      })),
    };
  }
}
