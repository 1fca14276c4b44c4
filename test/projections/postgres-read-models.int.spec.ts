import type { ProjectionContext } from '../../projections/shared/context';
import { Catalogue } from '../../src/catalogue/catalogue';
import { LiveProjections, ProjectionRunner } from '../../src/projections/projection-runner';
import { PROJECTION_CONTEXT } from '../../src/projections/projections.module';
import { PgReadModelDb } from '../../src/projections/pg-read-model-db';
import { ReadModelDb } from '../../src/projections/read-model-db';
import { ReadModelQueries } from '../../src/projections/read-model-queries';
import { QUERY_METHODS, QueryMethod } from '../../src/projections/read-queries';
import { formatDifference, rebuildReadModels, verifyReadModels } from '../../src/projections/rebuild';
import { startTestLedger, TestLedger } from '../support/app';
import { createTestDatabase, describeWithPostgres, postgres } from '../support/postgres';
import { TRA_CU, VAN_QUAN, appendAll, carriedOver, decision, disbursed, disbursementReversed, line, planAssigned, redFlagReviewed, voucher } from '../support/ledger-events';
import { flagId } from '../../projections/red-flags/red-flags.fold';
import { fundLineStream } from '../../src/fund-line/fund-line.key';

/**
 * The read models in PostgreSQL (LEDGER_READ_MODELS=postgres) hold what SQLite's hold for the same log, row for row,
 * and answer every question alike: the demo log is folded into PostgreSQL live, batch by batch, and by a rebuild;
 * `ledger projections verify` compares each with a SQLite rebuild of the log, table by table. The demo carries no
 * money over: a few carried lines are added, paid in part, after their deadline and reversed (the spans of carried
 * money unspent after its deadline).
 */
describeWithPostgres('read models in PostgreSQL, against SQLite on the demo data', () => {
  let server: { url: string; drop: () => Promise<void> };
  let ledger: TestLedger;
  let ctx: ProjectionContext;
  let sqlite: ReadModelDb;
  let pg: ReadModelDb;
  let here: ReadModelQueries;
  let there: ReadModelQueries;

  beforeAll(async () => {
    server = await createTestDatabase(postgres.url as string, 'ledger_read_models');
    ledger = await startTestLedger({ demo: true });
    for (const unit of [VAN_QUAN, TRA_CU]) {
      const from = line({ unit, budgetYear: 2024, originYear: 2024 });
      const to = line({ unit, budgetYear: 2025, originYear: 2024 });
      await appendAll(
        ledger.store,
        planAssigned(from, '900000000', { basis: decision(`${unit}-90/QĐ-UBND`, '2023-12-20') }),
        carriedOver(from, to, `co-${unit}`, '500000000', { basis: decision(`${unit}-91/QĐ-UBND`, '2024-12-28') }, undefined, '2025-06-30'),
        disbursed(to, `m-${unit}`, `gn-${unit}-1`, '200000000', { basis: voucher(`UNC-${unit}-90`, '2025-05-02') }),
        disbursed(to, `m-${unit}`, `gn-${unit}-2`, '300000000', { basis: voucher(`UNC-${unit}-91`, '2025-07-20') }),
        ...(unit === VAN_QUAN
          ? [
              disbursementReversed(to, `m-${unit}`, `gn-${unit}-2`, '50000000', { basis: voucher(`UNC-${unit}-92`, '2025-09-01') }),
              redFlagReviewed(flagId('carried-unspent-after-deadline', fundLineStream(to), '2025-06-30'), 'carried-unspent-after-deadline', 'đã yêu cầu giải trình', {
                basis: { kind: 'document', title: 'Ghi chú rà soát', date: '2025-10-01' },
              }),
            ]
          : []),
      );
    }
    expect(await ledger.app.get(LiveProjections).waitFor(await ledger.store.headPosition(), 30_000)).toBe(true);
    ctx = ledger.app.get<ProjectionContext>(PROJECTION_CONTEXT);
    sqlite = ReadModelDb.open(ledger.config.readModelFile, { readOnly: true });
    pg = ReadModelDb.open(server.url);
    here = new ReadModelQueries(sqlite, ledger.app.get(Catalogue), ctx);
    there = new ReadModelQueries(pg, ledger.app.get(Catalogue), ctx);
  }, 120_000);

  afterAll(async () => {
    sqlite?.close();
    pg?.close();
    await ledger?.close();
    await server?.drop();
  });

  async function expectSameAsSqlite(): Promise<void> {
    const result = await verifyReadModels(ledger.store, server.url, ctx);
    expect(result.differences.map(formatDifference)).toEqual([]);
    expect(result).toMatchObject({ differenceCount: 0, position: await ledger.store.headPosition(), behind: 0 });
    expect(result.rowsCompared).toBeGreaterThan(500);
  }

  it('folds the log live, in small batches, into the same rows as SQLite', async () => {
    expect(pg).toBeInstanceOf(PgReadModelDb);
    const runner = new ProjectionRunner(ledger.store, pg, ctx, { batchSize: 37 });
    runner.start();
    try {
      expect(await runner.waitFor(await ledger.store.headPosition(), 60_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    await expectSameAsSqlite();
  }, 120_000);

  it('rebuilds into a new generation with the same rows, and drops the old one', async () => {
    const before = pg.liveGeneration() as number;
    const rebuilt = await rebuildReadModels(ledger.store, pg, ctx, { batchSize: 100 });
    expect(rebuilt.generation).toBe(before + 1);
    expect(pg.generations()).toEqual([before + 1]);
    await expectSameAsSqlite();
  }, 120_000);

  const asked = new Set<QueryMethod>();
  /** The same question of both: the same answer, field for field. */
  function same<K extends QueryMethod>(method: K, ...args: Parameters<ReadModelQueries[K]>): ReturnType<ReadModelQueries[K]> {
    asked.add(method);
    const expected = (here[method] as (...a: unknown[]) => ReturnType<ReadModelQueries[K]>)(...args);
    const answered = (there[method] as (...a: unknown[]) => ReturnType<ReadModelQueries[K]>)(...args);
    expect({ method, args, answer: answered }).toEqual({ method, args, answer: expected });
    return answered;
  }

  it('answers every question as SQLite does', () => {
    // The generations differ (PostgreSQL's was rebuilt above), not what they hold.
    asked.add('status');
    const status = there.status();
    expect({ ...status, generation: 0 }).toEqual({ ...here.status(), generation: 0 });
    expect(status.position).toBeGreaterThan(0);
    const lines = same('balances', { pageSize: 500 });
    same('balances', { asOf: '2024-06-30', pageSize: 500 });
    same('balances', { asOf: '2024-06-30', knownAt: '2026-01-01T00:00:00.000Z', groupBy: ['unit', 'source'] });
    same('balances', { groupBy: ['province', 'subProject'], upToPosition: Math.floor(status.position / 2) });
    same('balances', { groupBy: ['district', 'budgetYear'] });
    same('balances', { unit: '184', budgetYear: 2024, scope: ['184'] });
    for (const row of lines.rows.slice(0, 12)) {
      const stream = row.stream as string;
      const first = same('history', stream, { pageSize: 5 });
      same('history', stream, { order: 'effective', page: 2, pageSize: 3 });
      same('history', stream, { asOf: '2024-12-31', knownAt: '2026-01-01', pageSize: 50 });
      same('history', stream, { upToPosition: first.entries[0]?.position ?? 1 });
    }
    same('progress', {});
    same('progress', { unit: '184', asOf: '2024-06-30' });
    const decisions = same('decisions', { pageSize: 50 });
    for (const d of decisions.rows.slice(0, 5)) same('trail', { number: d.number, issuer: d.issuer, date: d.date });
    same('adjustments', {});
    same('adjustments', { from: '2024-01-01', to: '2024-12-31', kind: ['reclassification'] });
    same('notes', { unit: '184' });
    same('results', {});
    same('results', { unit: '184', asOf: '2024-12-31' });
    const stated = same('statedFigures', { unit: '184' });
    same('statedFigures', { unit: '184', budgetYear: 2024, measures: ['estimate'], upToPosition: stated.position });
    const flags = same('redFlags', { asOf: '2026-01-15' });
    expect(flags.rows.length).toBeGreaterThan(0);
    same('redFlags', { asOf: '2026-01-15', unit: '184' }, { units: ['184'] });
    same('redFlags', { asOf: '2026-01-15', from: '2025-01-01', to: '2025-12-31' });
    for (const f of flags.rows.slice(0, 5)) same('redFlag', f.id, '2026-01-15');
    // Carried money unspent after its deadline: from the stored spans (counts by area and day, a page in id order, by rule
    // when reviewed), and line by line.
    const unspent = same('redFlags', { asOf: '2026-01-15', rule: ['carried-unspent-after-deadline'], pageSize: 3 });
    expect(unspent.totalRows).toBeGreaterThan(0);
    same('redFlags', { asOf: '2025-07-01', rule: ['carried-unspent-after-deadline'], to: '2025-06-30', unit: '20' });
    same('redFlags', { asOf: '2026-01-15', reviewed: false, page: 2, pageSize: 2 }, { units: ['184', '849'] });
    expect(same('redFlags', { asOf: '2026-01-15', rule: ['carried-unspent-after-deadline'], reviewed: true }).totalRows).toBe(1);
    same('redFlags', { asOf: '2026-01-15', reviewed: false, unit: '20' });
    same('redFlagsUnspentByScan', { asOf: '2026-01-15' });
    for (const f of unspent.rows) same('redFlag', f.id, '2026-01-15');
    same('redFlagRules');
    expect([...QUERY_METHODS].filter((m) => !asked.has(m))).toEqual([]);
  });
});
