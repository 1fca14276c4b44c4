import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagId } from '../../projections/red-flags/red-flags.fold';
import { BUILT_IN_CATALOGUE_DIR } from '../../src/catalogue/built-in';
import { RED_FLAG_TABLES } from '../../projections/red-flags/red-flags.tables';
import { OPEN_END } from '../../projections/red-flags/unspent';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { ProjectionEngine } from '../../src/projections/projection-engine';
import { schemaOf, tableName } from '../../src/projections/read-model-db';
import { formatDifference, verifyReadModels } from '../../src/projections/rebuild';
import {
  Append,
  LANG_SON,
  TRA_CU,
  VAN_QUAN,
  activityRegistered,
  appendAll,
  balanceOpened,
  carriedOver,
  decision,
  disbursed,
  disbursementReversed,
  fundsAllocated,
  fundsReturned,
  line,
  planAssigned,
  redFlagReviewed,
  voucher,
} from '../support/ledger-events';
import { Harness, harness } from '../support/projections';

const UNSPENT = 'carried-unspent-after-deadline';

/**
 * Carried money unspent after its deadline, as the lists answer it from the stored spans (red_flag_unspent and its
 * counts by day, red_flag_unspent_days), against the computation they replace (line by line from the balances, on
 * each day asked): counts, counts by rule and pages, for units at every level, periods, reviewed or not, on the days
 * around each deadline and each payment. The log: per unit, a line whose carried money is partly paid before its
 * deadline, paid off after it and partly reversed later; a line carried into the next year with nothing paid; an
 * opening balance paid off by a back-dated payment (never unspent), whose deadline a later tranche moves, then returned.
 */
describe('carried money unspent after its deadline, stored, against the computation line by line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-red-flag-unspent-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const COMMUNE = '06256';
  const UNITS = [COMMUNE, VAN_QUAN, TRA_CU];
  const basis = (n: string, date: string) => ({ basis: decision(`${n}/QĐ-UBND`, date) });

  const A = (unit: string) => line({ unit, budgetYear: 2024, originYear: 2023 });
  const B = (unit: string) => line({ unit, budgetYear: 2025, originYear: 2024 });
  const C = (unit: string) => line({ unit, budgetYear: 2024, originYear: 2022 });

  function log(): Append[] {
    return UNITS.flatMap((unit) => {
      const src23 = line({ unit, budgetYear: 2023, originYear: 2023 });
      const src24 = line({ unit, budgetYear: 2024, originYear: 2024 });
      const act = `m-${unit}`;
      const paysA = unit !== TRA_CU;
      return [
        planAssigned(src23, '2000000000', basis(`${unit}-1`, '2022-12-20')),
        planAssigned(src24, '2000000000', basis(`${unit}-2`, '2023-12-20')),
        activityRegistered({ activityId: act, kind: 'value-chain-production', unit }, basis(`${unit}-3`, '2023-02-01')),
        // A: 600 carried, deadline 30/6/2024; 200 paid on 10/5, 400 on 15/7 (after it), 100 of those reversed on 1/8.
        carriedOver(src23, A(unit), `co-${unit}-a`, '600000000', basis(`${unit}-4`, '2023-12-28'), undefined, '2024-06-30'),
        ...(paysA
          ? [
              disbursed(A(unit), act, `gn-${unit}-a1`, '200000000', { basis: voucher(`UNC-${unit}-1`, '2024-05-10') }),
              disbursed(A(unit), act, `gn-${unit}-a2`, '400000000', { basis: voucher(`UNC-${unit}-2`, '2024-07-15') }),
              disbursementReversed(A(unit), act, `gn-${unit}-a2`, '100000000', { basis: voucher(`UNC-${unit}-3`, '2024-08-01') }),
            ]
          : []),
        // B: carried into 2025, deadline 31/12/2025, nothing paid.
        carriedOver(src24, B(unit), `co-${unit}-b`, '300000000', basis(`${unit}-5`, '2024-12-28'), undefined, '2025-12-31'),
        // C: an opening balance (deadline 31/3/2024) paid off by a payment recorded on 1/5 but effective 15/3; then a tranche
        // of 50 with a later deadline (30/9/2024), returned on 20/10.
        balanceOpened(C(unit), `mo-${unit}`, '300000000', '2024-03-31', basis(`${unit}-6`, '2024-01-02')),
        disbursed(C(unit), act, `gn-${unit}-c1`, '300000000', { basis: voucher(`UNC-${unit}-4`, '2024-03-15'), recordedAt: '2024-05-01T02:00:00.000Z' }),
        carriedOver(src23, C(unit), `co-${unit}-c`, '50000000', basis(`${unit}-7`, '2024-06-01'), undefined, '2024-09-30'),
        fundsReturned(C(unit), `tr-${unit}`, '50000000', { basis: voucher(`UNC-${unit}-5`, '2024-10-20') }),
      ];
    });
  }

  const DAYS = [
    '2024-03-31', '2024-04-01', '2024-05-10', '2024-06-30', '2024-07-01', '2024-07-14', '2024-07-15', '2024-07-31', '2024-08-01',
    '2024-09-30', '2024-10-01', '2024-10-19', '2024-10-20', '2025-06-30', '2025-12-31', '2026-01-01',
  ];
  const PERIODS: Array<{ from?: string; to?: string }> = [{}, { from: '2024-01-01', to: '2024-12-31' }, { to: '2024-06-30' }, { from: '2025-01-01' }];

  let h: Harness;
  const reviewed = new Set<string>();
  beforeAll(async () => {
    h = harness(dir, { batchSize: 3 });
    for (const a of log()) await appendAll(h.store, a);
    await h.runner.catchUp();
  });
  afterAll(() => h.closeAll());

  /** Every list with the rule answers what the computation line by line gives: its count, counts by rule, and pages of 2. */
  function expectListsAsComputed(): number {
    let flagged = 0;
    for (const asOf of DAYS) {
      for (const unit of [undefined, LANG_SON, '84', VAN_QUAN, TRA_CU, COMMUNE]) {
        for (const period of PERIODS) {
          const computed = h.queries.redFlagsUnspentByScan({ asOf, unit, ...period }).rows;
          flagged += computed.length;
          for (const review of [undefined, true, false]) {
            const expected = computed.filter((r) => review === undefined || reviewed.has(r.id) === review);
            const q = { asOf, unit, ...period, reviewed: review };
            const all = h.queries.redFlags({ ...q, pageSize: 3 });
            expect({ q, byRule: all.byRule[UNSPENT] }).toEqual({ q, byRule: expected.length });
            for (const page of [1, 2]) {
              const got = h.queries.redFlags({ ...q, rule: [UNSPENT], pageSize: 2, page });
              expect({ q, page, totalRows: got.totalRows, rows: got.rows }).toEqual({ q, page, totalRows: expected.length, rows: expected.slice((page - 1) * 2, page * 2) });
            }
          }
        }
      }
      // Two districts of two provinces: units that are not one area, counted from the spans.
      const scope = { units: [VAN_QUAN, TRA_CU] };
      const computed = h.queries.redFlagsUnspentByScan({ asOf }, scope).rows;
      const got = h.queries.redFlags({ asOf, rule: [UNSPENT], pageSize: 50 }, scope);
      expect({ asOf, totalRows: got.totalRows, ids: got.rows.map((r) => r.id) }).toEqual({ asOf, totalRows: computed.length, ids: computed.map((r) => r.id) });
    }
    return flagged;
  }

  /** red_flag_unspent_days as the spans give it: per area and deadline, a row where the number of lines flagged changes. */
  function expectDayCountsOfSpans(): void {
    const t = RED_FLAG_TABLES.in(schemaOf(h.readModels.liveGeneration() as number));
    const spans = h.readModels.db.prepare(`SELECT * FROM ${t.red_flag_unspent} ORDER BY stream, from_day`).all() as Array<Record<string, string & number>>;
    const deltas = new Map<string, Map<number, number>>();
    for (const s of spans) {
      for (const area of ['', `unit:${s.unit}`, `district:${s.district}`, `province:${s.province}`]) {
        const key = `${area}|${s.deadline}`;
        const d = deltas.get(key) ?? new Map<number, number>();
        d.set(s.from_day, (d.get(s.from_day) ?? 0) + 1);
        if (s.to_day !== OPEN_END) d.set(s.to_day, (d.get(s.to_day) ?? 0) - 1);
        deltas.set(key, d);
      }
    }
    const expected: string[] = [];
    for (const [key, d] of deltas) {
      let value = 0;
      for (const day of [...d.keys()].sort((a, b) => a - b)) {
        const next = value + (d.get(day) as number);
        if (next !== value) expected.push(`${key}|${day}|${next}`);
        value = next;
      }
    }
    const stored = (h.readModels.db.prepare(`SELECT * FROM ${t.red_flag_unspent_days}`).all() as Array<{ area: string; deadline: number; day: number; flags: number }>).map(
      (r) => `${r.area}|${r.deadline}|${r.day}|${r.flags}`,
    );
    expect(stored.sort()).toEqual(expected.sort());
  }

  it('answers every list as the computation line by line does, on the days around the deadlines and payments', async () => {
    // The spans of Văn Quan's line A: after 30/6 until paid off on 15/7, and again from the reversal on 1/8.
    const t = RED_FLAG_TABLES.in(schemaOf(h.readModels.liveGeneration() as number));
    expect(h.readModels.db.prepare(`SELECT from_day, to_day, deadline FROM ${t.red_flag_unspent} WHERE stream = ? ORDER BY from_day`).all(fundLineStream(A(VAN_QUAN)))).toEqual([
      { from_day: 20240701, to_day: 20240715, deadline: 20240630 },
      { from_day: 20240801, to_day: OPEN_END, deadline: 20240630 },
    ]);
    // Line C: never unspent after its first deadline (paid by the back-dated payment); its later tranche moved the deadline.
    expect(h.readModels.db.prepare(`SELECT from_day, to_day, deadline FROM ${t.red_flag_unspent} WHERE stream = ? ORDER BY from_day`).all(fundLineStream(C(TRA_CU)))).toEqual([
      { from_day: 20241001, to_day: 20241020, deadline: 20240930 },
    ]);
    expectDayCountsOfSpans();
    expect(expectListsAsComputed()).toBeGreaterThan(100);
    // Lines A of the three units; Trà Cú's alone once the others are paid off; lines C after their moved deadline; lines B in 2026.
    const total = (asOf: string) => h.queries.redFlags({ asOf, rule: [UNSPENT] }).totalRows;
    expect([total('2024-06-30'), total('2024-07-14'), total('2024-07-15'), total('2024-08-01'), total('2024-10-01'), total('2024-10-20'), total('2026-01-01')]).toEqual([0, 3, 1, 3, 6, 3, 6]);
  });

  it('after reviews of some flags, answers the reviewed and the unreviewed lists alike', async () => {
    const ids = [flagId(UNSPENT, fundLineStream(A(VAN_QUAN)), '2024-06-30'), flagId(UNSPENT, fundLineStream(B(COMMUNE)), '2025-12-31'), flagId(UNSPENT, fundLineStream(C(TRA_CU)), '2024-09-30')];
    for (const id of ids) {
      await appendAll(h.store, redFlagReviewed(id, UNSPENT, 'đã yêu cầu giải trình', { basis: { kind: 'document', title: 'Ghi chú rà soát', date: '2024-11-01' } }));
      reviewed.add(id);
    }
    await h.runner.catchUp();
    expect(h.queries.redFlags({ asOf: '2024-10-01', rule: [UNSPENT], reviewed: true }).rows.map((r) => r.id).sort()).toEqual([ids[0], ids[2]].sort());
    expectListsAsComputed();
  });

  it('one flag read by id is the one the lists show; the spans and counts fed in batches of 3 are those of a rebuild', async () => {
    const id = flagId(UNSPENT, fundLineStream(A(COMMUNE)), '2024-06-30');
    const [listed] = h.queries.redFlags({ asOf: '2024-08-01', rule: [UNSPENT], unit: COMMUNE }).rows.filter((r) => r.id === id);
    expect(listed).toMatchObject({ amount: '100000000', facts: { unspent: '100000000', disbursed: '500000000' } });
    const one = h.queries.redFlag(id, '2024-08-01');
    expect({ ...one, reviews: undefined, position: undefined }).toEqual({ ...listed, reviews: undefined, position: undefined, evidence: expect.any(Array) });
    expect(() => h.queries.redFlag(id, '2024-07-20')).toThrow(/no red flag/);
    const verified = await verifyReadModels(h.store, h.readModelFile, h.context);
    expect(verified.differences.map(formatDifference)).toEqual([]);
  });

  it('a rebuild in two lanes, the red flags in a thread of their own, computes the spans at the join: the same tables', async () => {
    // The lane folds the red flags without the history's day rows, keeping the carried lines it touched; the spans and
    // their counts by day are computed once its tables are copied into the generation (rebuild-lane.ts).
    const verified = await verifyReadModels(h.store, h.readModelFile, h.context, {
      secondLane: { log: { store: 'sqlite', dbFile: h.storeFile }, context: { catalogueDir: BUILT_IN_CATALOGUE_DIR } },
    });
    expect(verified.differences.map(formatDifference)).toEqual([]);
    const t = RED_FLAG_TABLES.in(schemaOf(h.readModels.liveGeneration() as number));
    expect(Number(h.readModels.db.prepare(`SELECT count(*) FROM ${t.red_flag_unspent}`).pluck().get())).toBeGreaterThan(0);
    expect(Number(h.readModels.db.prepare(`SELECT count(*) FROM ${t.red_flag_unspent_days}`).pluck().get())).toBeGreaterThan(0);
  });

  it('a rebuild that writes ahead of its commit every few events stores the same spans, counts and day rows', async () => {
    // A spill writes what each projector holds in the open transaction: the red flags' spans read the history's day
    // rows of every carried line touched since the last write, as the history's spill left them.
    const live = h.readModels.liveGeneration() as number;
    const g = live + 1;
    h.readModels.createGeneration(g, { indexes: false, bulk: true });
    let spills = 0;
    const engine = new ProjectionEngine(h.readModels, g, h.context, {
      checkGeneration: false,
      soleWriter: true,
      spillAfterEvents: 2,
      overBudget: () => {
        spills += 1;
        return true;
      },
    });
    const all = await h.store.readAll(0);
    async function* pages() {
      for (let i = 0; i < all.length; i += 3) yield all.slice(i, i + 3);
    }
    await engine.applyStream(pages(), all.length + 1);
    expect(spills).toBeGreaterThan(10);
    expect(engine.soleWriter).toBe(true);
    for (const [logical, key] of [
      ['red_flag_unspent', 'stream, from_day'],
      ['red_flag_unspent_days', 'area, deadline, day'],
      ['red_flag_carried', 'stream'],
      ['red_flags', 'flag_id'],
      ['line_days', 'line_id, eff'],
      ['district_days', 'key, eff'],
    ]) {
      const rows = (generation: number) => h.readModels.db.prepare(`SELECT * FROM ${tableName(logical, generation)} ORDER BY ${key}`).safeIntegers(true).all();
      const want = rows(live);
      expect(want.length).toBeGreaterThan(0);
      expect({ [logical]: rows(g) }).toEqual({ [logical]: want });
    }
  });
});
