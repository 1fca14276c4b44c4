import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RED_FLAG_TABLES } from '../../projections/red-flags/red-flags.tables';
import type { RuleCode } from '../../projections/red-flags/rules';
import { schemaOf } from '../../src/projections/read-model-db';
import { Append, TRA_CU, VAN_QUAN, LANG_SON, activityRegistered, appendAll, decision, disbursed, fundsAllocated, line, planAssigned, redFlagReviewed, voucher } from '../support/ledger-events';
import { Harness, harness } from '../support/projections';

/**
 * The flags' counts the projector keeps (red_flag_counts) and the lists answered from them, against a scan of the
 * flag rows: over a log that raises flags of three rules in three units (a commune, two districts of two provinces)
 * and two budget years, then reviews some, then adds evidence that stretches some flags' periods into the next year.
 */
describe('red flag counts kept by the projector, against a scan of the flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-red-flag-counts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const COMMUNE = '06256';
  const UNITS = [COMMUNE, VAN_QUAN, TRA_CU];
  const YEARS = [2023, 2024];

  /** Per unit and year: a plan, an activity, two payments just under 1 tỷ on one voucher (split), a payment effective before the allocation and recorded two months late. */
  function raising(): Append[] {
    const out: Append[] = [];
    for (const unit of UNITS) {
      for (const y of YEARS) {
        const L = line({ unit, budgetYear: y, originYear: y });
        const activity = `m-${unit}-${y}`;
        out.push(
          planAssigned(L, '10000000000', { basis: decision(`${unit}-${y}/QĐ-UBND`, `${y - 1}-12-22`) }),
          activityRegistered({ activityId: activity, kind: 'value-chain-production', unit }, { basis: decision(`${unit}-${y}-1/QĐ-UBND`, `${y}-03-05`) }),
          fundsAllocated(L, activity, '5000000000', { basis: decision(`${unit}-${y}-2/QĐ-UBND`, `${y}-03-14`) }),
          disbursed(L, activity, `gn-${unit}-${y}-1`, '950000000', { basis: voucher(`UNC-${unit}-${y}`, `${y}-04-01`) }),
          disbursed(L, activity, `gn-${unit}-${y}-2`, '990000000', { basis: voucher(`UNC-${unit}-${y}`, `${y}-04-13`) }),
          disbursed(L, activity, `gn-${unit}-${y}-3`, '1000000', { basis: voucher(`UNC-${unit}-${y}-late`, `${y}-02-20`), recordedAt: `${y}-04-25T02:00:00.000Z` }),
        );
      }
    }
    return out;
  }

  /** More payments on the split vouchers: one in May, and (for 2023's) one the next January, which stretches the flag over two years. */
  function moreEvidence(): Append[] {
    return UNITS.flatMap((unit) =>
      YEARS.flatMap((y) => {
        const L = line({ unit, budgetYear: y, originYear: y });
        return [
          disbursed(L, `m-${unit}-${y}`, `gn-${unit}-${y}-4`, '5000000', { basis: voucher(`UNC-${unit}-${y}`, `${y}-05-02`) }),
          ...(y === 2023 ? [disbursed(L, `m-${unit}-${y}`, `gn-${unit}-${y}-5`, '7000000', { basis: voucher(`UNC-${unit}-${y}`, `${y + 1}-01-10`) })] : []),
        ];
      }),
    );
  }

  let h: Harness;
  beforeAll(async () => {
    h = harness(dir, { batchSize: 4 });
  });
  afterAll(() => h.closeAll());

  interface FlagRow {
    flag_id: string;
    rule: string;
    unit: string;
    district: string;
    province: string;
    eff_from: number;
    eff_to: number;
    reviewed: number;
  }
  const t = () => RED_FLAG_TABLES.in(schemaOf(h.readModels.liveGeneration() as number));
  const scan = (): FlagRow[] =>
    h.readModels.db
      .prepare(`SELECT f.*, EXISTS (SELECT 1 FROM ${t().red_flag_reviews} r WHERE r.flag_id = f.flag_id) AS reviewed FROM ${t().red_flags} f`)
      .all() as FlagRow[];

  /** red_flag_counts as the scan gives it: each flag in the country, its unit, district and province, any period and each year it overlaps. */
  function countsOfScan(rows: readonly FlagRow[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of rows) {
      const years = [0];
      for (let y = Math.floor(f.eff_from / 10000); y <= Math.floor(f.eff_to / 10000); y++) years.push(y);
      for (const area of new Set(['', `unit:${f.unit}`, `district:${f.district}`, `province:${f.province}`])) {
        for (const year of years) {
          const k = `${area}|${year}|${f.rule}|${f.reviewed}`;
          out[k] = (out[k] ?? 0) + 1;
        }
      }
    }
    return out;
  }

  function storedCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of h.readModels.db.prepare(`SELECT * FROM ${t().red_flag_counts}`).all() as Array<{ area: string; year: number; rule: string; reviewed: number; flags: number }>) {
      out[`${r.area}|${r.year}|${r.rule}|${r.reviewed}`] = r.flags;
    }
    return out;
  }

  const level = (code: string) => (code.length === 2 ? 'province' : code.length === 3 ? 'district' : 'unit');

  /** Every list (unit, period, rule, review) answers the scan's count, counts by rule and first page. */
  function expectListsAsScanned(): void {
    const rows = scan();
    expect(rows.length).toBeGreaterThan(10);
    const rules = [...new Set(rows.map((r) => r.rule))].sort() as RuleCode[];
    expect(rules.length).toBeGreaterThanOrEqual(3);
    for (const unit of [undefined, LANG_SON, '84', VAN_QUAN, TRA_CU, COMMUNE]) {
      for (const period of [{} as { from?: string; to?: string }, { from: '2023-01-01', to: '2023-12-31' }, { from: '2024-01-01', to: '2024-12-31' }, { from: '2025-01-01', to: '2025-12-31' }, { from: '2023-04-05', to: '2024-01-31' }]) {
        for (const rule of [undefined, [rules[0]], rules.slice(1)]) {
          for (const reviewed of [undefined, true, false]) {
            const q = { unit, ...period, rule, reviewed };
            const got = h.queries.redFlags({ ...q, asOf: '2025-12-31', pageSize: 5 });
            const from = period.from !== undefined ? Number(period.from.replace(/-/g, '')) : 0;
            const to = period.to !== undefined ? Number(period.to.replace(/-/g, '')) : 99991231;
            const inScope = rows.filter(
              (r) =>
                (unit === undefined || r[level(unit)] === unit) && r.eff_to >= from && r.eff_from <= to && (reviewed === undefined || (r.reviewed === 1) === reviewed),
            );
            const matching = inScope.filter((r) => rule === undefined || rule.includes(r.rule as RuleCode));
            const byRule: Record<string, number> = Object.fromEntries(Object.keys(got.byRule).map((k) => [k, 0]));
            for (const r of inScope) byRule[r.rule] = (byRule[r.rule] ?? 0) + 1;
            const page = [...matching].sort((a, b) => b.eff_to - a.eff_to || (a.flag_id < b.flag_id ? -1 : 1)).slice(0, 5).map((r) => r.flag_id);
            expect(got.rows.every((r) => !r.computed)).toBe(true);
            expect({ q, totalRows: got.totalRows, byRule: got.byRule, page: got.rows.map((r) => r.id) }).toEqual({ q, totalRows: matching.length, byRule, page });
          }
        }
      }
    }
  }

  it('counts the flags as they are raised', async () => {
    for (const a of raising()) await appendAll(h.store, a);
    await h.runner.catchUp();
    expect(storedCounts()).toEqual(countsOfScan(scan()));
    expectListsAsScanned();
  });

  it('moves a flag to the reviewed counts at its first review, not at later ones', async () => {
    const rows = scan();
    const picked = rows.filter((_, i) => i % 3 === 0);
    for (const f of picked) await appendAll(h.store, redFlagReviewed(f.flag_id, f.rule, 'đã kiểm tra', { basis: { kind: 'document', title: 'Ghi chú rà soát', date: '2025-09-01' } }));
    await appendAll(h.store, redFlagReviewed(picked[0].flag_id, picked[0].rule, 'kiểm tra lại', { basis: { kind: 'document', title: 'Ghi chú rà soát', date: '2025-09-01' } }));
    await h.runner.catchUp();
    const after = scan();
    expect(after.filter((r) => r.reviewed === 1).length).toBe(picked.length);
    expect(storedCounts()).toEqual(countsOfScan(after));
    expectListsAsScanned();
  });

  it('moves a flag between years when evidence stretches its period, reviewed or not', async () => {
    const before = scan();
    for (const a of moreEvidence()) await appendAll(h.store, a);
    await h.runner.catchUp();
    const after = scan();
    // Some flags now span 2023 and 2024.
    expect(after.filter((r) => Math.floor(r.eff_from / 10000) === 2023 && Math.floor(r.eff_to / 10000) === 2024).length).toBeGreaterThan(0);
    expect(after).not.toEqual(before);
    expect(storedCounts()).toEqual(countsOfScan(after));
    expectListsAsScanned();
  });
});
