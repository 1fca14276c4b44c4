import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_MODELS } from '../../projections';
import { PROGRESS } from '../../projections/progress';
import { ProjectionEngine } from '../../src/projections/projection-engine';
import { SECOND_LANE } from '../../src/projections/rebuild-lane';
import { generateSyntheticLog, projectionContext, shapeFor, SyntheticEvent } from '../../bench/synthetic-log';
import { ReadModelDb, TABLES, tableName } from '../../src/projections/read-model-db';
import { rebuildReadModels } from '../../src/projections/rebuild';
import { laneShares, lanesOf, rebuildBounded, rebuildInThread } from '../../src/projections/rebuild-thread';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

/**
 * `ledger projections rebuild` and the benchmark rebuild in a thread of their own (rebuildInThread), which opens the
 * log, the read models and the context itself. Given a synthetic log, when it is rebuilt in a thread and in this one,
 * then every table is the same, row by row (the thread's projectors timed, as `bench:rebuild --by-model` does: timing
 * them changes nothing they write); and a rebuild the thread cannot do rejects with its reason.
 */
describe('a rebuild in a thread of its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-rebuild-thread-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const shape = shapeFor(3_000, 7);
  const logFile = join(dir, 'ledger.db');
  const job = (readModelLocation: string) => ({
    log: { store: 'sqlite' as const, dbFile: logFile },
    readModelLocation,
    context: { module: require.resolve('../../bench/synthetic-log'), args: [shape.events, shape.seed] },
    options: { batchSize: 700, pageSize: 250 },
  });

  beforeAll(async () => {
    const store = new SqliteEventStore({ file: logFile });
    const groups: SyntheticEvent[][] = [];
    generateSyntheticLog(shape, (g) => groups.push([...g]));
    for (const g of groups) await store.append(g.map((e) => ({ stream: e.stream, expectedRevision: 'any', events: [e.event] })));
    await store.close();
  }, 120_000);

  it('builds the same tables as a rebuild on this thread, reporting its progress up to the head, and each read model\'s time when asked', async () => {
    const store = new SqliteEventStore({ file: logFile, readOnly: true });
    const here = ReadModelDb.open(join(dir, 'here.db'));
    const head = await store.headPosition();
    const built = await rebuildReadModels(store, here, projectionContext(shape.events, shape.seed), { batchSize: 700, pageSize: 250 });
    const seen: number[] = [];
    const timed = job(join(dir, 'thread.db'));
    const result = await rebuildInThread({ ...timed, options: { ...timed.options, timeProjectors: true } }, (position) => seen.push(position));
    const there = ReadModelDb.open(join(dir, 'thread.db'));
    try {
      expect(result).toMatchObject({ generation: 1, position: head, events: built.events });
      expect(built.projectorTimes).toBeUndefined();
      const times = result.projectorTimes ?? [];
      expect(times.map((t) => t.model)).toEqual(READ_MODELS.map((m) => m.name));
      expect(times.filter((t) => ![t.apply, t.flush, t.committed].every((ms) => Number.isFinite(ms) && ms >= 0))).toEqual([]);
      // The balances are handed every fund-line event, and write back what they hold at each commit.
      const balances = times.find((t) => t.model === 'balances');
      expect(balances?.apply).toBeGreaterThan(0);
      expect(balances?.flush).toBeGreaterThan(0);
      // The red flags were folded in a second lane, beside the others: each lane's projectors' time is part of the fold of
      // the log, which is part of the rebuild.
      expect(result.secondLane?.models).toEqual(['red-flags']);
      // Its own fold, timed on its thread: within the rebuild's, which waited for it.
      expect(result.secondLane?.foldMilliseconds).toBeGreaterThan(0);
      expect(result.secondLane?.foldMilliseconds).toBeLessThanOrEqual(result.foldMilliseconds);
      const spent = (lane: (model: string) => boolean) => times.filter((t) => lane(t.model)).reduce((sum, t) => sum + t.apply + t.flush + t.committed, 0);
      expect(spent((m) => m !== 'red-flags')).toBeLessThanOrEqual(result.foldMilliseconds);
      expect(spent((m) => m === 'red-flags')).toBeGreaterThan(0);
      expect(spent((m) => m === 'red-flags')).toBeLessThanOrEqual(result.foldMilliseconds);
      expect(result.foldMilliseconds).toBeLessThanOrEqual(result.milliseconds);
      // Its file was joined into the generation, then deleted.
      expect(readdirSync(dir).filter((f) => f.includes('.lane'))).toEqual([]);
      expect(seen[seen.length - 1]).toBe(head);
      expect(there.liveGeneration()).toBe(1);
      there.attach(1);
      const differing: string[] = [];
      for (const [logical, t] of Object.entries(TABLES)) {
        const rows = (rm: ReadModelDb, g: number) => rm.db.prepare(`SELECT * FROM ${tableName(logical, g)} ORDER BY ${t.key}`).safeIntegers(true).all();
        const want = rows(here, built.generation);
        const got = rows(there, 1);
        if (JSON.stringify(got, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) !== JSON.stringify(want, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) {
          differing.push(`${logical}: ${got.length} rows, ${want.length} expected`);
        }
      }
      expect(differing).toEqual([]);
      expect(Number(there.db.prepare(`SELECT count(*) FROM ${tableName('red_flags', 1)}`).pluck().get())).toBeGreaterThan(0);
    } finally {
      there.close();
      here.close();
      await store.close();
    }
  }, 120_000);

  it('says it is done once its connections to the read models are closed: whoever opens them next finds no lock held', async () => {
    // Closing the last connection checkpoints each file's write-ahead log and deletes it, holding the file's lock meanwhile
    // (at 10M events for long enough that opening the read models on hearing "done" failed with SQLITE_BUSY).
    const file = join(dir, 'closed.db');
    for (let round = 0; round < 3; round++) {
      await rebuildInThread(job(file));
      expect(readdirSync(dir).filter((f) => f.startsWith('closed.db') && /-(wal|shm)$/.test(f))).toEqual([]);
    }
  });

  it('runs a rebuild that outgrows its old generation again without a bound, and says so', async () => {
    const said: string[] = [];
    const location = join(dir, 'bounded.db');
    // 8 MB: far less than the fold holds, so the bounded thread runs out of heap.
    const result = await rebuildBounded({ ...job(location), oldGenerationMb: 8 }, undefined, (m) => said.push(m));
    expect(said).toEqual(['the rebuild outgrew its 8 MB old generation; rebuilding again without a limit (--old-generation 0 starts that way)']);
    const store = new SqliteEventStore({ file: logFile, readOnly: true });
    const rm = ReadModelDb.open(location);
    try {
      expect(result.position).toBe(await store.headPosition());
      expect(rm.liveGeneration()).toBe(result.generation);
      // Only the generation that finished is left.
      expect(rm.generations()).toEqual([result.generation]);
    } finally {
      rm.close();
      await store.close();
    }
  }, 120_000);

  it('keeps a bound the rebuild fits in, and rejects other failures as they are', async () => {
    const said: string[] = [];
    const result = await rebuildBounded({ ...job(join(dir, 'fits.db')), oldGenerationMb: 512, lanes: 1 }, undefined, (m) => said.push(m));
    expect(result.events).toBeGreaterThan(0);
    // In one lane, as asked.
    expect(result.secondLane).toBeUndefined();
    expect(said).toEqual([]);
    await expect(
      rebuildBounded({ ...job(join(dir, 'none2.db')), log: { store: 'sqlite', dbFile: join(dir, 'missing', 'ledger.db') } }, undefined, (m) => said.push(m)),
    ).rejects.toThrow(/directory does not exist|unable to open|no such file/i);
    expect(said).toEqual([]);
  }, 120_000);

  it('fails when its second lane fails, with the lane\'s reason, and leaves nothing live and no lane file', async () => {
    const store = new SqliteEventStore({ file: logFile, readOnly: true });
    const location = join(dir, 'lane-fails.db');
    const rm = ReadModelDb.open(location);
    try {
      const { log: _log, context } = job(location);
      await expect(
        rebuildReadModels(store, rm, projectionContext(shape.events, shape.seed), {
          batchSize: 700,
          pageSize: 250,
          secondLane: { log: { store: 'sqlite', dbFile: join(dir, 'missing', 'ledger.db') }, context },
        }),
      ).rejects.toThrow(/the red flags' lane of the rebuild failed: .*(directory does not exist|unable to open|no such file)/i);
      expect(rm.liveGeneration()).toBeNull();
      expect(readdirSync(dir).filter((f) => f.startsWith('lane-fails.db.lane'))).toEqual([]);
    } finally {
      rm.close();
      await store.close();
    }
  }, 60_000);

  it('keeps the lanes apart: an engine refuses a read model whose projector asks for one it does not write', () => {
    const rm = ReadModelDb.open(join(dir, 'only.db'));
    try {
      rm.createGeneration(1, { indexes: false, bulk: true });
      const ctx = projectionContext(shape.events, shape.seed);
      expect(() => new ProjectionEngine(rm, 1, ctx, { checkGeneration: false, only: [PROGRESS] })).toThrow(
        'read model progress asks for the projector of balances, which this engine does not write',
      );
      // The second lane's models ask for none.
      expect(() => new ProjectionEngine(rm, 1, ctx, { checkGeneration: false, only: SECOND_LANE, ownLane: true })).not.toThrow();
    } finally {
      rm.close();
    }
  });

  it('folds read models on PostgreSQL in one lane, which then keeps the whole heap', () => {
    expect(lanesOf({ readModelLocation: 'postgresql://ledger@localhost/ledger' })).toBe(1);
    expect(lanesOf({ readModelLocation: 'postgresql://ledger@localhost/ledger', lanes: 2 })).toBe(1);
    expect(lanesOf({ readModelLocation: join(dir, 'file.db') })).toBe(2);
    expect(lanesOf({ readModelLocation: join(dir, 'file.db'), lanes: 1 })).toBe(1);
    expect(laneShares(768, 1)).toEqual([768, 0]);
    expect(laneShares(768, 2)).toEqual([480, 288]);
  });

  it('rejects with the reason when the thread cannot rebuild (a log file that is not there)', async () => {
    await expect(rebuildInThread({ ...job(join(dir, 'none.db')), log: { store: 'sqlite', dbFile: join(dir, 'missing', 'ledger.db') } })).rejects.toThrow(
      /directory does not exist|unable to open|no such file/i,
    );
  }, 60_000);
});
