import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../../events';
import { READ_MODELS } from '../../projections';
import { BALANCES } from '../../projections/balances';
import type { RecordedFundLineEvent } from '../../projections/shared/recorded';
import { Projector, ReadModel, Tables } from '../../projections/read-model';
import { ProjectionEngine } from '../../src/projections/projection-engine';
import { ReadModelDb, tableName } from '../../src/projections/read-model-db';
import { rebuildReadModels, verifyReadModels, formatDifference } from '../../src/projections/rebuild';
import { appendAll, disbursed, line, tenEvents, voucher } from '../support/ledger-events';
import { harness } from '../support/projections';

const L = line();

function count(rm: ReadModelDb, table: string): number {
  const generation = rm.liveGeneration() as number;
  return rm.db.prepare(`SELECT count(*) FROM ${tableName(table, generation)}`).pluck().get() as number;
}

describe('projection runner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-projections-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('when events are appended while it follows the log', () => {
    it('applies each once and reports the position it reflects', async () => {
      const h = harness(dir, { batchSize: 3 });
      const head = await tenEvents(h.store);
      expect(await h.runner.catchUp()).toBe(head);
      expect(h.queries.balances({}).position).toBe(head);
      expect(count(h.readModels, 'entries')).toBe(9);
      expect(h.queries.balances({}).total.disbursed).toBe('28000');
      await h.closeAll();
    });
  });

  describe('when it makes a fresh generation for a log already written', () => {
    it('fills it as a rebuild does, not reading what it never wrote, then follows the log reading every miss', async () => {
      let fillingAlone: boolean | undefined;
      const h = harness(dir, {
        start: false,
        batchSize: 4,
        afterEvent: (e: RecordedEvent) => {
          if (e.position === 2) fillingAlone = h.runner.soleWriter;
        },
      });
      await tenEvents(h.store);
      h.runner.start();
      await h.runner.catchUp();
      expect(fillingAlone).toBe(true);
      expect(h.runner.soleWriter).toBe(false);
      // Live events on the documents of the fill: read back and folded on.
      const head = await appendAll(h.store, disbursed(L, 'a-1', 'gn-8', '8000', { basis: voucher('UNC-8', '2024-09-10') }));
      expect(await h.runner.catchUp()).toBe(head);
      expect(h.queries.balances({}).total.disbursed).toBe('36000');
      expect((await verifyReadModels(h.store, h.readModelFile, h.context)).differenceCount).toBe(0);
      await h.closeAll();
    });
  });

  describe('when it restarts', () => {
    it('continues from its checkpoint: nothing applied twice, nothing skipped', async () => {
      const first = harness(dir);
      await tenEvents(first.store);
      await first.runner.catchUp();
      await first.close();
      const more = await appendAll(first.store, disbursed(L, 'a-1', 'gn-8', '8000', { basis: voucher('UNC-8', '2024-09-10') }));
      await first.store.close();

      const second = harness(dir, { storeFile: first.storeFile, readModelFile: first.readModelFile });
      expect(await second.runner.catchUp()).toBe(more);
      expect(count(second.readModels, 'entries')).toBe(10);
      expect(second.queries.balances({}).total.disbursed).toBe('36000');
      expect((await verifyReadModels(second.store, second.readModelFile, second.context)).differenceCount).toBe(0);
      await second.closeAll();
    });
  });

  describe('when a batch fails halfway through (a crash inside the transaction)', () => {
    it('keeps nothing of that batch, and the next runner resumes from the batch before', async () => {
      const failing = harness(dir, {
        start: false,
        batchSize: 4,
        retryDelayMs: 60_000,
        afterEvent: (e: RecordedEvent) => {
          if (e.position === 6) throw new Error('simulated crash');
        },
      });
      await tenEvents(failing.store);
      failing.runner.start();
      await new Promise((r) => setTimeout(r, 100));
      // Batches of 4: [1..4] committed, [5..8] failed at 6, so nothing after 4 is stored.
      expect(failing.runner.position).toBe(4);
      expect(failing.readModels.checkpoint(failing.readModels.liveGeneration() as number).position).toBe(4);
      expect(count(failing.readModels, 'entries')).toBe(3);
      expect(String(failing.runner.error)).toContain('simulated crash');
      await failing.close();

      const resumed = harness(dir, { storeFile: failing.storeFile, readModelFile: failing.readModelFile });
      expect(await resumed.runner.catchUp()).toBe(10);
      expect(count(resumed.readModels, 'entries')).toBe(9);
      const rows = resumed.readModels.db.prepare(`SELECT position FROM ${tableName('entries', resumed.readModels.liveGeneration() as number)} ORDER BY position`).pluck().all();
      expect(rows).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(resumed.queries.balances({}).total.disbursed).toBe('28000');
      const verified = await verifyReadModels(resumed.store, resumed.readModelFile, resumed.context);
      expect(verified.differences.map(formatDifference)).toEqual([]);
      await resumed.closeAll();
    });

    it('retries on its own and reaches the same read model as a rebuild', async () => {
      let failures = 0;
      const h = harness(dir, {
        start: false,
        batchSize: 4,
        afterEvent: (e: RecordedEvent) => {
          if (e.position === 7 && failures < 2) {
            failures += 1;
            throw new Error('simulated crash');
          }
        },
      });
      await tenEvents(h.store);
      h.runner.start();
      expect(await h.runner.catchUp()).toBe(10);
      expect(failures).toBe(2);
      expect((await verifyReadModels(h.store, h.readModelFile, h.context)).differenceCount).toBe(0);
      await h.closeAll();
    });
  });

  describe('when the same events are delivered twice', () => {
    it('skips those at or before the checkpoint', async () => {
      const h = harness(dir, { start: false });
      await tenEvents(h.store);
      const all = await h.store.readAll(0);
      h.readModels.createGeneration(1, { indexes: true });
      const engine = new ProjectionEngine(h.readModels, 1, h.context, { checkGeneration: false });
      engine.apply(all.slice(0, 6));
      engine.apply(all.slice(2, 10));
      expect(engine.position).toBe(10);
      expect(h.readModels.db.prepare(`SELECT count(*) FROM ${tableName('entries', 1)}`).pluck().get()).toBe(9);
      expect(h.readModels.db.prepare(`SELECT events FROM ${tableName('checkpoint', 1)}`).pluck().get()).toBe(10);
      await h.closeAll();
    });
  });

  describe('a read model added to the registry', () => {
    it('is handed the events of the types it handles, after the models it uses, and flushed with each batch', async () => {
      const h = harness(dir, { start: false });
      await tenEvents(h.store);
      const seen: string[] = [];
      // A model that only watches disbursements, reading what the balances (applied before it) made of each.
      const WATCHER: ReadModel<Projector, null> = {
        name: 'watcher',
        handles: ['Disbursed'],
        uses: [BALANCES],
        tables: new Tables({}),
        projector: (_host, earlier) => {
          const balances = earlier(BALANCES);
          return {
            apply: (e) => seen.push(`${e.position} ${e.type} line ${balances.lineIdOf(e as RecordedFundLineEvent)} disbursed ${balances.deltaOf(e as RecordedFundLineEvent).disbursed}`),
            flush: () => seen.push('flush'),
            committed: () => undefined,
            reload: () => undefined,
          };
        },
        queries: () => null,
      };
      h.readModels.createGeneration(1, { indexes: true });
      const engine = new ProjectionEngine(h.readModels, 1, h.context, { checkGeneration: false }, [...READ_MODELS, WATCHER]);
      const all = await h.store.readAll(0);
      engine.apply(all.slice(0, 5));
      engine.apply(all.slice(5));
      expect(seen).toEqual(['4 Disbursed line 1 disbursed 100000', '5 Disbursed line 1 disbursed 200000', 'flush', ...[6, 7, 8, 9, 10].map((p) => `${p} Disbursed line 1 disbursed ${(p - 3) * 100000}`), 'flush']);
      expect(() => new ProjectionEngine(h.readModels, 1, h.context, { checkGeneration: false }, [WATCHER, ...READ_MODELS])).toThrow(
        'read model watcher uses balances, which must come before it in READ_MODELS',
      );
      await h.closeAll();
    });
  });

  describe('when a rebuild streams the log into a generation', () => {
    it('commits whole batches with their checkpoint, and keeps nothing of a batch the stream broke off', async () => {
      const h = harness(dir, { start: false });
      await tenEvents(h.store);
      const all = await h.store.readAll(0);
      h.readModels.createGeneration(1, { indexes: true });
      const engine = new ProjectionEngine(h.readModels, 1, h.context, { checkGeneration: false });
      async function* brokenOff() {
        yield all.slice(0, 3);
        yield all.slice(3, 6);
        yield all.slice(6, 8);
        throw new Error('the store went away');
      }
      await expect(engine.applyStream(brokenOff(), 5)).rejects.toThrow('the store went away');
      // [1..6] was one batch (5 events or more), [7, 8] was open when the stream failed.
      expect(engine.position).toBe(6);
      expect(h.readModels.checkpoint(1).position).toBe(6);
      expect(h.readModels.db.prepare(`SELECT max(position) FROM ${tableName('entries', 1)}`).pluck().get()).toBe(6);
      await engine.applyStream(h.store.streamAll(engine.position), 5);
      expect(engine.position).toBe(10);
      expect(h.readModels.db.prepare(`SELECT count(*) FROM ${tableName('entries', 1)}`).pluck().get()).toBe(9);
      await h.closeAll();
    });

    it('holds its connection: another transaction on it is refused until the stream ends', async () => {
      const h = harness(dir, { start: false });
      await tenEvents(h.store);
      h.readModels.createGeneration(1, { indexes: true });
      const engine = new ProjectionEngine(h.readModels, 1, h.context, { checkGeneration: false });
      const refusals: string[] = [];
      async function* watched() {
        for await (const page of h.store.streamAll(0, { pageSize: 4 })) {
          try {
            h.readModels.transaction(() => 1);
          } catch (error) {
            refusals.push((error as Error).message);
          }
          yield page;
        }
      }
      await engine.applyStream(watched(), 100);
      expect(refusals).toEqual(Array(3).fill('the read-model connection is held by a rebuild streaming the log; use a connection of its own'));
      expect(h.readModels.transaction(() => 1)).toBe(1);
      await h.closeAll();
    });
  });

  describe('when the read models are rebuilt while a server follows the log', () => {
    it('swaps the new generation in, and the runner follows it from the rebuilt checkpoint', async () => {
      const h = harness(dir);
      await tenEvents(h.store);
      await h.runner.catchUp();
      const before = h.runner.generation as number;
      const cli = ReadModelDb.open(h.readModelFile);
      const rebuilt = await rebuildReadModels(h.store, cli, h.context);
      cli.close();
      expect(rebuilt).toMatchObject({ generation: before + 1, position: 10, events: 10 });
      expect(h.readModels.generations()).toEqual([before + 1]);
      expect(h.queries.balances({}).total.disbursed).toBe('28000');

      const head = await appendAll(h.store, disbursed(L, 'a-1', 'gn-9', '9000', { basis: voucher('UNC-9', '2024-10-10') }));
      expect(await h.runner.catchUp()).toBe(head);
      expect(h.runner.generation).toBe(before + 1);
      expect(h.queries.balances({}).total.disbursed).toBe('37000');
      expect((await verifyReadModels(h.store, h.readModelFile, h.context)).differenceCount).toBe(0);
      await h.closeAll();
    });
  });

  describe('verify', () => {
    it('prints the difference when the live read model was tampered with', async () => {
      const h = harness(dir);
      await tenEvents(h.store);
      await h.runner.catchUp();
      await h.runner.stop();
      const g = h.readModels.liveGeneration();
      h.readModels.db.prepare(`UPDATE ${tableName('lines', g as number)} SET disbursed = disbursed + 100`).run();
      const result = await verifyReadModels(h.store, h.readModelFile, h.context);
      expect(result.differenceCount).toBe(1);
      expect(formatDifference(result.differences[0])).toBe('lines 1: disbursed: live "2800100" ≠ rebuilt "2800000"');
      await h.closeAll();
    });
  });

  describe('minPosition', () => {
    it('waits until the read model is at least that fresh, or says it is not', async () => {
      const h = harness(dir);
      const head = await tenEvents(h.store);
      expect(await h.runner.waitFor(head, 2000)).toBe(true);
      expect(await h.runner.waitFor(head + 5, 50)).toBe(false);
      await h.closeAll();
    });
  });
});
