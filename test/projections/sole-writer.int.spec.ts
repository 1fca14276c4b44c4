import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticLog, shapeFor, syntheticCatalogue, SyntheticEvent } from '../../bench/synthetic-log';
import type { RecordedEvent } from '../../events';
import { ProjectionEngine } from '../../src/projections/projection-engine';
import { ReadModelDb, TABLES, tableName } from '../../src/projections/read-model-db';
import { rebuildReadModels } from '../../src/projections/rebuild';
import { TRA_CU, activityRegistered, appendAll, decision, disbursed, fundsAllocated, line, planAssigned, redFlagReviewed, voucher } from '../support/ledger-events';
import { createTestDatabase, describeWithPostgres, postgres } from '../support/postgres';
import { Harness, harness } from '../support/projections';

/**
 * A rebuild fills an empty generation alone, so its projectors take a document they never held for absent and do not
 * read it (EngineOptions.soleWriter). Given a synthetic log shaped like the programme (lines, activities, decisions,
 * red flags, some of them reviewed halfway), when a generation is built that way through evictions, a crash mid-stream, another writer, then
 * every table equals, row by row, the one built by an engine that reads every document it does not hold.
 */
describe('a rebuild that takes documents it never held for absent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-sole-writer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const shape = shapeFor(6_000, 11);
  const catalogue = syntheticCatalogue(shape);
  let h: Harness;
  let all: RecordedEvent[];
  /** Generation 1: built by an engine that reads every miss, in batches of 97, with caches of 5 documents. */
  const REFERENCE = 1;
  let next = REFERENCE;

  beforeAll(async () => {
    h = harness(dir, { catalogue, start: false });
    const groups: SyntheticEvent[][] = [];
    generateSyntheticLog(shape, (g) => groups.push([...g]));
    const append = async (gs: SyntheticEvent[][]) => {
      for (const g of gs) await h.store.append(g.map((e) => ({ stream: e.stream, expectedRevision: 'any', events: [e.event] })));
    };
    h.readModels.createGeneration(REFERENCE, { indexes: true });
    const reference = new ProjectionEngine(h.readModels, REFERENCE, h.context, { checkGeneration: false, cacheSize: 5 });
    const catchUp = async () => {
      const events = await h.store.readAll(reference.position);
      for (let i = 0; i < events.length; i += 97) reference.apply(events.slice(i, i + 97));
    };
    // Two thirds of the log, then reviews of some flags raised so far (one reviewed twice), then the rest.
    await append(groups.slice(0, Math.floor((groups.length * 2) / 3)));
    await catchUp();
    const flags = h.readModels.db.prepare(`SELECT flag_id, rule FROM ${tableName('red_flags', REFERENCE)} ORDER BY flag_id LIMIT 6`).all() as Array<{ flag_id: string; rule: string }>;
    expect(flags).toHaveLength(6);
    const basis = { kind: 'document', title: 'Ghi chú rà soát', date: '2025-09-01' } as const;
    for (const f of [...flags, flags[0]]) await appendAll(h.store, redFlagReviewed(f.flag_id, f.rule, 'đã kiểm tra', { basis }));
    await append(groups.slice(Math.floor((groups.length * 2) / 3)));
    await catchUp();
    all = await h.store.readAll(0);
    expect(reference.position).toBe(all[all.length - 1].position);
  }, 120_000);
  afterAll(() => h.closeAll());

  /** A fresh, empty generation, as a rebuild makes it. */
  function freshGeneration(): number {
    next += 1;
    h.readModels.createGeneration(next, { indexes: false, bulk: true });
    return next;
  }

  const pages = (events: readonly RecordedEvent[], size: number): RecordedEvent[][] =>
    Array.from({ length: Math.ceil(events.length / size) }, (_, i) => events.slice(i * size, (i + 1) * size));

  async function* stream(events: readonly RecordedEvent[], size = 200): AsyncIterable<readonly RecordedEvent[]> {
    yield* pages(events, size);
  }

  /** Every table of a generation of `db`, row by row, against the reference: the tables that differ and how many rows. */
  function differences(db: ReadModelDb, generation: number, reference: { db: ReadModelDb; generation: number } = { db: h.readModels, generation: REFERENCE }): string[] {
    const out: string[] = [];
    for (const [logical, t] of Object.entries(TABLES)) {
      const rows = (rm: ReadModelDb, g: number) => rm.db.prepare(`SELECT * FROM ${tableName(logical, g)} ORDER BY ${t.key}`).safeIntegers(true).all();
      const want = rows(reference.db, reference.generation);
      const got = rows(db, generation);
      try {
        expect(got).toEqual(want);
      } catch {
        out.push(`${logical}: ${got.length} rows, ${want.length} expected`);
      }
    }
    return out;
  }

  it('folds the log in tables that are not empty: the reference has rows in every kind of document it reads', () => {
    const count = (logical: string) => Number(h.readModels.db.prepare(`SELECT count(*) FROM ${tableName(logical, REFERENCE)}`).pluck().get());
    for (const logical of ['lines', 'balance_district', 'activities', 'progress_district', 'decisions', 'red_flag_state', 'red_flag_vouchers', 'red_flag_first_payments', 'red_flag_entries', 'red_flags', 'line_days', 'district_days']) {
      expect({ [logical]: count(logical) > 0 }).toEqual({ [logical]: true });
    }
    expect(count('red_flag_reviews')).toBeGreaterThan(0);
  });

  it('builds the same tables while its caches drop documents at every batch (the keys dropped are read again)', async () => {
    const g = freshGeneration();
    const engine = new ProjectionEngine(h.readModels, g, h.context, { checkGeneration: false, cacheSize: 5, soleWriter: true });
    expect(engine.soleWriter).toBe(true);
    await engine.applyStream(stream(all), 300);
    // Dropping documents does not end it: the caches remember which keys they dropped.
    expect(engine.soleWriter).toBe(true);
    expect(differences(h.readModels, g)).toEqual([]);
  });

  it('builds the same tables when it writes what it holds ahead of the commit, the heap past its budget (a spill every 150 events or more)', async () => {
    const g = freshGeneration();
    let checks = 0;
    const engine = new ProjectionEngine(h.readModels, g, h.context, {
      checkGeneration: false,
      cacheSize: 5,
      soleWriter: true,
      spillAfterEvents: 150,
      overBudget: () => {
        checks += 1;
        return true;
      },
    });
    // One transaction for the whole log: only the spills write the documents before its end.
    await engine.applyStream(stream(all), all.length + 1);
    expect(checks).toBeGreaterThan(10);
    expect(engine.soleWriter).toBe(true);
    expect(differences(h.readModels, g)).toEqual([]);
  });

  it('after a crash following spills, nothing of the open transaction is kept, and it resumes to the same tables', async () => {
    const g = freshGeneration();
    const engine = new ProjectionEngine(h.readModels, g, h.context, { checkGeneration: false, cacheSize: 5, soleWriter: true, spillAfterEvents: 150, overBudget: () => true });
    const half = Math.floor(all.length / 2);
    async function* brokenOff() {
      yield* pages(all.slice(0, half), 200);
      throw new Error('the store went away');
    }
    await expect(engine.applyStream(brokenOff(), all.length + 1)).rejects.toThrow('the store went away');
    expect(engine.position).toBe(0);
    expect(engine.soleWriter).toBe(false);
    expect(Number(h.readModels.db.prepare(`SELECT count(*) FROM ${tableName('red_flag_state', g)}`).pluck().get())).toBe(0);
    await engine.applyStream(stream(all), 1000);
    expect(differences(h.readModels, g)).toEqual([]);
  });

  it('after a crash mid-stream, reads every document it does not hold, and resumes to the same tables', async () => {
    const g = freshGeneration();
    const engine = new ProjectionEngine(h.readModels, g, h.context, { checkGeneration: false, cacheSize: 50, soleWriter: true });
    const half = Math.floor(all.length / 2);
    async function* brokenOff() {
      yield* pages(all.slice(0, half), 200);
      throw new Error('the store went away');
    }
    await expect(engine.applyStream(brokenOff(), 1000)).rejects.toThrow('the store went away');
    // Whole batches were committed before the break, the open one rolled back, and the caches emptied.
    expect(engine.position).toBeGreaterThan(0);
    expect(engine.position).toBeLessThan(all[half].position);
    expect(engine.soleWriter).toBe(false);
    await engine.applyStream(stream(all.filter((e) => e.position > engine.position)), 1000);
    expect(differences(h.readModels, g)).toEqual([]);
  });

  it('after a failing batch is rolled back, the same', async () => {
    const g = freshGeneration();
    const third = Math.floor(all.length / 3);
    let fail = true;
    const engine = new ProjectionEngine(h.readModels, g, h.context, {
      checkGeneration: false,
      soleWriter: true,
      afterEvent: (e) => {
        if (fail && e.position === all[2 * third].position) throw new Error('crash inside the batch');
      },
    });
    engine.apply(all.slice(0, third));
    expect(() => engine.apply(all.slice(third, 2 * third + 1))).toThrow('crash inside the batch');
    expect(engine.soleWriter).toBe(false);
    fail = false;
    engine.apply(all.slice(third));
    expect(differences(h.readModels, g)).toEqual([]);
  });

  it('when another writer moved the checkpoint, reads what that writer stored, and builds the same tables', async () => {
    const g = freshGeneration();
    const sole = new ProjectionEngine(h.readModels, g, h.context, { checkGeneration: false, soleWriter: true });
    const other = new ProjectionEngine(h.readModels, g, h.context, { checkGeneration: false });
    const third = Math.floor(all.length / 3);
    sole.apply(all.slice(0, third));
    other.apply(all.slice(0, 2 * third));
    expect(sole.soleWriter).toBe(true);
    sole.apply(all);
    expect(sole.soleWriter).toBe(false);
    expect(sole.position).toBe(all[all.length - 1].position);
    expect(differences(h.readModels, g)).toEqual([]);
  });

  it('is not on for a generation whose checkpoint is not at 0', () => {
    const g = freshGeneration();
    new ProjectionEngine(h.readModels, g, h.context, { checkGeneration: false }).apply(all.slice(0, 10));
    const engine = new ProjectionEngine(h.readModels, g, h.context, { checkGeneration: false, soleWriter: true });
    expect(engine.soleWriter).toBe(false);
  });

  it('rebuildReadModels builds it that way, into a file of its own: the same tables', async () => {
    const file = join(dir, 'rebuilt.db');
    const rm = ReadModelDb.open(file);
    try {
      const rebuilt = await rebuildReadModels(h.store, rm, h.context, { batchSize: 1_000, pageSize: 250 });
      expect(rebuilt.events).toBe(all.length);
      expect(differences(rm, rebuilt.generation)).toEqual([]);
    } finally {
      rm.close();
    }
  });

  describeWithPostgres('into PostgreSQL, where the rows go many to a statement', () => {
    it('builds the same tables as the reference on SQLite', async () => {
      const database = await createTestDatabase(postgres.url as string, 'ledger_sole');
      const rm = ReadModelDb.open(database.url);
      try {
        expect(rm.rowsPerStatement).toBeGreaterThan(1);
        const rebuilt = await rebuildReadModels(h.store, rm, h.context, { batchSize: 1_500, pageSize: 250 });
        expect(rebuilt.events).toBe(all.length);
        expect(differences(rm, rebuilt.generation)).toEqual([]);
      } finally {
        rm.close();
        await database.drop();
      }
    }, 120_000);

    it('writes the entries it holds back before a history mark reads them: one line of 600 payments, the same tables', async () => {
      const marks = harness(dir, { start: false });
      const database = await createTestDatabase(postgres.url as string, 'ledger_sole');
      const pg = ReadModelDb.open(database.url);
      try {
        const L = line({ unit: TRA_CU, budgetYear: 2024, originYear: 2024 });
        await appendAll(
          marks.store,
          planAssigned(L, '10000000000', { basis: decision('12/QĐ-UBND', '2023-12-22') }),
          activityRegistered({ activityId: 'm-1', kind: 'value-chain-production', unit: TRA_CU }, { basis: decision('13/QĐ-UBND', '2024-03-05') }),
          fundsAllocated(L, 'm-1', '9000000000', { basis: decision('14/QĐ-UBND', '2024-03-14') }),
        );
        const day = (i: number) => new Date(Date.UTC(2024, 3, 1) + i * 86_400_000).toISOString().slice(0, 10);
        for (let i = 0; i < 600; i++) await appendAll(marks.store, disbursed(L, 'm-1', `gn-${i}`, '1000000', { basis: voucher(`UNC-${i}`, day(i)) }));
        marks.readModels.createGeneration(1, { indexes: true });
        const reference = new ProjectionEngine(marks.readModels, 1, marks.context, { checkGeneration: false });
        await reference.applyStream(marks.store.streamAll(0), 100);
        expect(Number(marks.readModels.db.prepare(`SELECT count(*) FROM ${tableName('history_marks', 1)}`).pluck().get())).toBe(2);
        const rebuilt = await rebuildReadModels(marks.store, pg, marks.context, { batchSize: 1_000, pageSize: 100 });
        expect(differences(pg, rebuilt.generation, { db: marks.readModels, generation: 1 })).toEqual([]);
      } finally {
        pg.close();
        await database.drop();
        await marks.closeAll();
      }
    }, 120_000);
  });
});
