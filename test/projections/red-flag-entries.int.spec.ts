import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../../events';
import { FlagBook, MemoryDocs, RED_FLAG_HANDLED_TYPES, RedFlagFold } from '../../projections/red-flags/red-flags.fold';
import { ProjectionEngine } from '../../src/projections/projection-engine';
import { ReadModelDb, TABLES, tableName } from '../../src/projections/read-model-db';
import { rebuildReadModels, verifyReadModels } from '../../src/projections/rebuild';
import {
  Append,
  activityReclassified,
  activityRegistered,
  appendAll,
  decision,
  disbursed,
  disbursementReversed,
  fundsAllocated,
  fundsMoved,
  line,
  planAssigned,
  voucher,
} from '../support/ledger-events';
import { createTestDatabase, describeWithPostgres, postgres } from '../support/postgres';
import { Harness, harness } from '../support/projections';

const L = line();
const L2 = line({ component: 'DA3.TDA1', source: 'NSDP-HUYEN' });
const FROM = { kind: 'value-chain-production', component: 'DA3.TDA1' };
const TO = { kind: 'community-production', component: 'DA3.TDA1' };
const N = 48;
/** Three days apart from 1 March 2024. */
const day = (k: number) => new Date(Date.UTC(2024, 2, 1) + k * 3 * 86_400_000).toISOString().slice(0, 10);

/**
 * Two activities paying on two lines, with what makes the rules read an activity's entries (red_flag_entries): payments
 * in and out of date order, some before their allocation or beyond it (disbursed-without-allocation walks the pair's
 * entries from a day on), allocations back-dated and moved away, reversals (read by the disbursement's id, marked on
 * its row), and reclassifications taking effect after payments, before others (reclassified-after-disbursement reads
 * the payments up to a day).
 */
function log(): Append[] {
  const out: Append[] = [
    planAssigned(L, '100000000000', { basis: decision('4888/QĐ-UBND', '2023-12-22') }),
    planAssigned(L2, '100000000000', { basis: decision('4889/QĐ-UBND', '2023-12-22') }),
    activityRegistered({ activityId: 'm-1', kind: 'value-chain-production' }, { basis: decision('693/QĐ-UBND', '2024-02-05') }),
    activityRegistered({ activityId: 'm-2', kind: 'value-chain-production' }, { basis: decision('694/QĐ-UBND', '2024-02-05') }),
    fundsAllocated(L, 'm-1', '300000000', { basis: decision('832/QĐ-UBND', '2024-04-01') }),
    fundsAllocated(L2, 'm-1', '200000000', { basis: decision('833/QĐ-UBND', '2024-03-10') }),
    fundsAllocated(L, 'm-2', '100000000', { basis: decision('834/QĐ-UBND', '2024-03-10') }),
  ];
  const paid = new Map<number, { line: typeof L; activity: string; amount: string }>();
  for (let k = 1; k <= N; k++) {
    const onLine = k % 3 === 0 ? L2 : L;
    const activity = k % 4 === 0 ? 'm-2' : 'm-1';
    const amount = String(40_000_000 + k * 1_000_000);
    // Every sixth payment takes effect a month before its neighbours (recorded late).
    const eff = k % 6 === 0 ? day(k - 10) : day(k);
    out.push(disbursed(onLine, activity, `gn-${k}`, amount, { basis: voucher(`UNC-${k}`, eff) }));
    paid.set(k, { line: onLine, activity, amount });
    if (k % 7 === 0) out.push(fundsAllocated(L, 'm-1', '50000000', { basis: decision(`A-${k}/QĐ-UBND`, day(k - 8)) }));
    if (k % 5 === 0 && k > 5) {
      const p = paid.get(k - 3) as { line: typeof L; activity: string; amount: string };
      out.push(disbursementReversed(p.line, p.activity, `gn-${k - 3}`, p.amount, { basis: voucher(`UNC-R${k}`, day(k)) }));
    }
    if (k === 20) out.push(activityReclassified('m-1', 'pl-1', FROM, TO, { basis: decision('300/QĐ-UBND', day(12)) }));
    if (k === 30) out.push(fundsMoved(L, L2, 'dc-1', '120000000', { basis: decision('820/QĐ-UBND', day(9)) }, { fromActivityId: 'm-1' }));
    if (k === 36) out.push(activityReclassified('m-1', 'pl-2', TO, FROM, { basis: decision('410/QĐ-UBND', day(40)) }));
  }
  return out;
}

describe("red flags that read an activity's entries, one entry a row", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-red-flag-entries-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let h: Harness;
  let all: RecordedEvent[];
  /** Generation 1: the whole log folded in one batch. */
  const ONE_BATCH = 1;

  beforeAll(async () => {
    // Fed live in batches of 3, as it is appended.
    h = harness(dir, { batchSize: 3 });
    for (const a of log()) await appendAll(h.store, a);
    await h.runner.catchUp();
    all = await h.store.readAll(0);
    h.readModels.createGeneration(ONE_BATCH, { indexes: true });
    new ProjectionEngine(h.readModels, ONE_BATCH, h.context, { checkGeneration: false }).apply(all);
  });
  afterAll(() => h.closeAll());

  const rows = (db: ReadModelDb, logical: string, generation: number) =>
    db.db.prepare(`SELECT * FROM ${tableName(logical, generation)} ORDER BY ${TABLES[logical].key}`).safeIntegers(true).all() as Array<Record<string, unknown>>;

  /** The red-flag tables of a generation that differ from the one-batch fold's. */
  function differences(db: ReadModelDb, generation: number): string[] {
    const out: string[] = [];
    for (const logical of Object.keys(TABLES).filter((t) => t.startsWith('red_flag'))) {
      const got = rows(db, logical, generation);
      const want = rows(h.readModels, logical, ONE_BATCH);
      if (JSON.stringify(got, (_, v) => (typeof v === 'bigint' ? String(v) : v)) !== JSON.stringify(want, (_, v) => (typeof v === 'bigint' ? String(v) : v))) {
        out.push(`${logical}: ${got.length} rows, ${want.length} expected`);
      }
    }
    return out;
  }

  it('keeps each allocation change and payment as a row, reversals marked, and raises flags of both rules that read them', () => {
    const entries = rows(h.readModels, 'red_flag_entries', ONE_BATCH);
    const payments = all.filter((e) => e.type === 'Disbursed').length;
    const allocations = all.filter((e) => e.type === 'FundsAllocated' || e.type === 'FundsMovedOut').length;
    expect(entries).toHaveLength(payments + allocations);
    expect(entries.filter((r) => r.reversed === 1n)).toHaveLength(all.filter((e) => e.type === 'DisbursementReversed').length);
    const flags = rows(h.readModels, 'red_flags', ONE_BATCH);
    const byRule = (rule: string) => flags.filter((f) => f.rule === rule).length;
    expect(byRule('disbursed-without-allocation')).toBeGreaterThanOrEqual(3);
    expect(byRule('reclassified-after-disbursement')).toBe(2);
    // The activity's document holds its totals, not its history.
    const doc = h.readModels.db.prepare(`SELECT doc FROM ${tableName('red_flag_state', ONE_BATCH)} WHERE key = 'a|m-1'`).pluck().get() as string;
    expect(doc).not.toContain('gn-1"');
  });

  it('stores the flags the fold gives over documents in memory (MemoryDocs), with the same evidence', () => {
    const fold = new RedFlagFold(h.context, new MemoryDocs());
    const book = new FlagBook();
    const handled = new Set(RED_FLAG_HANDLED_TYPES);
    for (const e of all) if (handled.has(e.type)) book.apply(fold.apply(e));
    const want = [...book.flags.values()]
      .map(({ flag, evidence }) => ({
        id: flag.id,
        amount: flag.amount === null ? null : String(flag.amount),
        facts: JSON.stringify(flag.facts),
        evidenceCount: flag.evidenceCount,
        lastPosition: flag.lastPosition,
        evidence: evidence.map((x) => `${x.position}:${x.role}`).sort(),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const evidence = rows(h.readModels, 'red_flag_evidence', ONE_BATCH);
    const got = rows(h.readModels, 'red_flags', ONE_BATCH).map((f) => ({
      id: f.flag_id,
      amount: f.amount === null ? null : String(f.amount),
      facts: f.facts,
      evidenceCount: Number(f.evidence_count),
      lastPosition: Number(f.last_position),
      evidence: evidence.filter((x) => x.flag_id === f.flag_id).map((x) => `${x.position}:${x.role}`).sort(),
    }));
    expect(got).toEqual(want);
  });

  it('gives the same flags and rows fed in batches of varied sizes, its documents dropped from memory at every batch, as in one batch', () => {
    h.readModels.createGeneration(2, { indexes: true });
    const engine = new ProjectionEngine(h.readModels, 2, h.context, { checkGeneration: false, cacheSize: 2 });
    const sizes = [1, 2, 5, 1, 13, 3, 8, 1, 1, 21];
    for (let i = 0, s = 0; i < all.length; s++) {
      const n = sizes[s % sizes.length];
      engine.apply(all.slice(i, i + n));
      i += n;
    }
    expect(differences(h.readModels, 2)).toEqual([]);
  });

  it('gives the same read models fed live in batches of 3 as a rebuild from position 0 (projections verify)', async () => {
    const live = h.runner.generation as number;
    expect(differences(h.readModels, live)).toEqual([]);
    expect((await verifyReadModels(h.store, h.readModelFile, h.context)).differenceCount).toBe(0);
  });

  describeWithPostgres('into PostgreSQL, where the entries go many to a statement', () => {
    it('builds the same red-flag tables as the one-batch fold on SQLite', async () => {
      const database = await createTestDatabase(postgres.url as string, 'ledger_entries');
      const pg = ReadModelDb.open(database.url);
      try {
        expect(pg.rowsPerStatement).toBeGreaterThan(1);
        const rebuilt = await rebuildReadModels(h.store, pg, h.context, { batchSize: 40, pageSize: 17 });
        expect(differences(pg, rebuilt.generation)).toEqual([]);
      } finally {
        pg.close();
        await database.drop();
      }
    }, 120_000);
  });
});
