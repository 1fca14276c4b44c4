import type { Catalogue } from '../../src/catalogue/catalogue';
import { centsToMoney, toCents } from '../shared/cents';
import { BalanceFigures, MEASURES, Measures, ZERO_MEASURES, addMeasures, balanceFigures } from './balances.fold';
import type { BalancePage, BalanceRow, GroupDimension } from './balances.queries';

/**
 * Balances "by today's unit": each line's unit as recorded, mapped through the succession lists to the unit of
 * the current list (src/catalogue/units: UnitRegistry.today). A 2024 commune's money shows under the commune that
 * took it over and under today's province; there are no districts today.
 *
 * A unit split between several successors (or a district, whose communes went several ways) has no one successor:
 * its money stays under its recorded code at the unit level (listed in `unresolved` with its successors) and under
 * today's province when its successors share one. A decision that hands such money to a named successor records a
 * transfer (FundsTransferredOut/In): that money then lies on the successor's own line and shows under it. The
 * ledger does not guess a split.
 */
export const PLACE_DIMENSIONS: readonly GroupDimension[] = ['unit', 'district', 'province'];

export interface UnitToday {
  /** The unit as recorded (a line's unit in its budget year). */
  readonly recorded: string;
  readonly budgetYear: number;
  /** Today's unit, or null when the recorded unit went to several. */
  readonly unit: string | null;
  readonly province: string | null;
  /** The successors, when the unit ended. */
  readonly successors: readonly { readonly code: string; readonly name: string; readonly kind: 'full' | 'partial' }[];
}

export interface TodaySummary {
  /** Recorded units shown under another unit today. */
  readonly mapped: readonly UnitToday[];
  /** Recorded units with several successors: kept under their recorded code at the unit level. */
  readonly unresolved: readonly UnitToday[];
}

/** Maps units as recorded to today's, once per (unit, year). */
export class TodaysUnits {
  private readonly cache = new Map<string, UnitToday>();

  constructor(private readonly catalogue: Catalogue) {}

  of(unit: string, budgetYear: number): UnitToday {
    const key = `${unit}@${budgetYear}`;
    let t = this.cache.get(key);
    if (!t) {
      const today = this.catalogue.units.today(unit, budgetYear);
      t = {
        recorded: unit,
        budgetYear,
        unit: today.unit,
        province: today.province,
        successors: today.successors.map((s) => ({ code: s.unit.code, name: s.unit.nameVi, kind: s.kind })),
      };
      this.cache.set(key, t);
    }
    return t;
  }

  /** Whether money of a unit as recorded lies today in `unit` (a province, or a commune of today's list). */
  within(t: UnitToday, unit: string): boolean {
    return t.unit === unit || t.province === unit;
  }

  /** The provinces as recorded whose money can lie today in `unit` (a prefilter for the scan). */
  recordedProvincesFor(unit: string): string[] {
    const provinceToday = this.catalogue.units.today(unit).province;
    if (provinceToday === null) return [];
    const out = new Set<string>([provinceToday]);
    for (const s of this.catalogue.units.successionsTo(provinceToday)) if (s.oldLevel === 'province') out.add(s.oldCode);
    return [...out];
  }

  summary(): TodaySummary {
    const all = [...this.cache.values()].sort((a, b) => a.recorded.localeCompare(b.recorded) || a.budgetYear - b.budgetYear);
    return { mapped: all.filter((t) => t.unit !== null && t.unit !== t.recorded), unresolved: all.filter((t) => t.unit === null) };
  }
}

const measuresOf = (r: BalanceFigures): Measures => {
  const out: Record<string, bigint> = {};
  for (const m of MEASURES) out[m] = toCents(r[m]);
  return out as unknown as Measures;
};

interface Acc {
  group: Record<string, string | number>;
  measures: Measures;
  origins: Map<string, bigint>;
  lines: number;
  events: number;
}

/**
 * Regroups rows that hold the recorded `unit` and `budgetYear` by `groupBy`, each unit mapped to today's; keeps
 * those that lie today in `unit` when a filter is given. The result is paged as balances are.
 */
export function regroupByToday(
  rows: readonly BalanceRow[],
  groupBy: readonly GroupDimension[] | null,
  today: TodaysUnits,
  filterUnit: string | undefined,
  offset: number,
  pageSize: number,
): BalancePage {
  const groups = new Map<string, Acc>();
  const total: Acc = { group: {}, measures: ZERO_MEASURES, origins: new Map(), lines: 0, events: 0 };
  const lineRows: BalanceRow[] = [];
  const add = (acc: Acc, r: BalanceRow) => {
    acc.measures = addMeasures(acc.measures, measuresOf(r));
    acc.lines += r.lines;
    acc.events += r.events;
    for (const [year, amount] of Object.entries(r.carriedInByOriginYear)) acc.origins.set(year, (acc.origins.get(year) ?? 0n) + toCents(amount));
  };
  for (const r of rows) {
    const t = today.of(String(r.group.unit), Number(r.group.budgetYear));
    if (filterUnit !== undefined && !today.within(t, filterUnit)) continue;
    const place: Record<string, string> = { unit: t.unit ?? t.recorded, district: '', province: t.province ?? '' };
    add(total, r);
    if (groupBy === null) {
      // A copy of the group with today's place and the recorded unit added, not a literal that begins with a spread: see
      // lineBalance (balances.queries.ts).
      lineRows.push({ ...r, group: Object.assign({}, r.group, place, { recordedUnit: t.recorded }) });
      continue;
    }
    const group: Record<string, string | number> = {};
    for (const d of groupBy) group[d] = d in place ? place[d] : r.group[d];
    // A content item is grouped within its component, as the balances group it.
    if (groupBy.includes('content') && !groupBy.includes('component')) group.component = r.group.component;
    const k = JSON.stringify(group);
    let acc = groups.get(k);
    if (!acc) {
      acc = { group, measures: ZERO_MEASURES, origins: new Map(), lines: 0, events: 0 };
      groups.set(k, acc);
    }
    add(acc, r);
  }
  const figures = (a: Acc) =>
    Object.assign(balanceFigures(a.measures), {
      carriedInByOriginYear: Object.fromEntries(
        [...a.origins.entries()].filter(([, c]) => c !== 0n).sort((x, y) => Number(x[0]) - Number(y[0])).map(([y, c]) => [y, centsToMoney(c)]),
      ),
    });
  const sorted = [...groups.values()].sort((a, b) => {
    for (const d of groupBy ?? []) {
      const x = String(a.group[d]);
      const y = String(b.group[d]);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return {
    totalRows: groupBy === null ? lineRows.length : sorted.length,
    total: { lines: total.lines, events: total.events, ...figures(total) },
    rows:
      groupBy === null
        ? lineRows.slice(offset, offset + pageSize)
        : sorted.slice(offset, offset + pageSize).map((a) => ({ group: a.group, lines: a.lines, events: a.events, ...figures(a) })),
  };
}
