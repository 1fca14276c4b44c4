import Database from 'better-sqlite3';
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { consistencyProof, inclusionProof, memoryRangeHash, verifyConsistency, verifyInclusion } from '../../src/audit/merkle';
import { Audit } from '../../src/audit/audit';
import { LogIntegrityError, MerkleLog } from '../../src/audit/merkle-log';
import { PostgresMerkleLog } from '../../src/audit/postgres-merkle-log';
import { SqliteMerkleLog } from '../../src/audit/sqlite-merkle-log';
import type { EventStore } from '../../src/store/event-store.port';
import { SigningKey } from '../../src/audit/signing-key';
import { eventLeafHash } from '../../src/audit/verifier/formats';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { testEvent } from '../support/events';
import { createTestSchema, describeWithPostgres, postgres } from '../support/postgres';
import { configWithHistory, eventId, tempConfig, writeHistory } from './fixtures';
import { fastCheckSeed } from './seed';

/**
 * What every Merkle log must do, run on both: the SQLite file and the schema in PostgreSQL. `open(store, place)`
 * opens the log kept at `place` (a file, a schema): the same place again is the same log, as another process has it.
 */
type OpenLog = (store: EventStore, place: string) => Promise<MerkleLog>;

function merkleLogContract(name: string, setUp: (dataDir: string) => { open: OpenLog; tearDown: () => Promise<void> }): void {
describe(`Merkle log (${name}) over the SQLite event store`, () => {
  const config = tempConfig();
  const { open, tearDown } = setUp(config.dataDir);
  let places = 0;
  /** A log of its own, in a new place. */
  const fresh = (store: EventStore) => open(store, `fresh${++places}`);
  afterAll(async () => {
    await tearDown();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('serves the same roots and proofs as the tree computed in memory, for random logs (property-based)', async () => {
    const seed = fastCheckSeed('merkle-log.int.spec');
    const anyData = fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: 3 }), anyData), { minLength: 1, maxLength: 40 }), async (events) => {
        const store = new SqliteEventStore({ file: ':memory:' });
        const log = await fresh(store);
        try {
          for (const [i, [stream, data]] of events.entries()) {
            await store.append([{ stream: `s-${stream}`, expectedRevision: 'any', events: [testEvent('T', data, `e-${i}`)] }]);
          }
          expect(await log.catchUp()).toBe(events.length);
          const leaves = (await store.readAll(0)).map(eventLeafHash);
          const mth = memoryRangeHash(leaves);
          for (let size = 0; size <= leaves.length; size++) {
            expect(await log.rootHash(size)).toEqual(mth(0, size));
            for (let i = 0; i < size; i++) expect(await log.inclusionProof(i, size)).toEqual(inclusionProof(i, size, mth));
            expect(await log.consistencyProof(size, leaves.length)).toEqual(consistencyProof(size, leaves.length, mth));
          }
        } finally {
          await log.close();
          await store.close();
        }
      }),
      { seed, numRuns: 25 },
    );
  });

  it('follows the store as events are appended, and keeps leaves and checkpoint across reopening', async () => {
    const file = join(config.dataDir, 'follow.db');
    const store = new SqliteEventStore({ file, pollIntervalMs: 10 });
    const log = await open(store, 'follow');
    const errors: unknown[] = [];
    log.follow((error) => errors.push(error));
    await writeHistory(store);
    await until(async () => (await log.size()) === 10);
    await log.close();

    const reopened = await open(store, 'follow');
    expect(await reopened.size()).toBe(10);
    expect(await reopened.checkpoint()).toBe(10);
    expect(await reopened.leafOf(eventId(7))).toMatchObject({ leafIndex: 6, position: 7 });
    await store.append([{ stream: 'late', expectedRevision: 'no_stream', events: [testEvent('T', {}, eventId(11))] }]);
    expect(await reopened.catchUp()).toBe(1);
    expect(await reopened.size()).toBe(11);
    expect(errors).toEqual([]);
    await reopened.close();
    await store.close();
  });

  it('follows a backlog longer than a page', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    for (let a = 0; a < 25; a++) {
      const events = Array.from({ length: 100 }, (_, i) => testEvent('T', { i }, `backlog-${a}-${i}`));
      await store.append([{ stream: `s-${a}`, expectedRevision: 'no_stream', events }]);
    }
    const log = await fresh(store);
    const errors: unknown[] = [];
    log.follow((error) => errors.push(error));
    await until(async () => (await log.size()) === 2500);
    expect(await log.checkpoint()).toBe(2500);
    expect(errors).toEqual([]);
    await log.close();
    await store.close();
  });

  it('logs an event delivered twice once, even by two processes sharing the log', async () => {
    const store = new SqliteEventStore({ file: join(config.dataDir, 'twice.db') });
    await writeHistory(store);
    const server = await open(store, 'twice');
    const cli = await open(store, 'twice');
    const [a, b] = await Promise.all([server.catchUp(), cli.catchUp()]);
    expect(a + b).toBe(10);
    expect(await server.append(await store.readAll(0))).toBe(0);
    expect((await cli.leaves(0, 100)).map((l) => l.eventId)).toEqual(Array.from({ length: 10 }, (_, i) => eventId(i + 1)));
    expect(await cli.rootHash(10)).toEqual(memoryRangeHash((await store.readAll(0, { asStored: true })).map(eventLeafHash))(0, 10));
    await server.close();
    await cli.close();
    await store.close();
  });

  it('refuses to go on when a logged event arrives again at a new position', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await writeHistory(store);
    const log = await fresh(store);
    await log.catchUp();
    const [fifth] = await store.readAll(4, { maxCount: 1 });
    await expect(log.append([{ ...fifth, position: 11 }])).rejects.toHaveProperty('name', LogIntegrityError.name);
    expect(await log.size()).toBe(10);
    await log.close();
    await store.close();
  });

  it('proves that a later tree head extends an earlier one, and refuses the proof of a rewritten history', async () => {
    const honest = await configWithHistory();
    const store = new SqliteEventStore({ file: honest.dbFile });
    const log = await fresh(store);
    await log.catchUp();
    const oldRoot = await log.rootHash(6);
    const newRoot = await log.rootHash(10);
    expect(verifyConsistency(6, 10, await log.consistencyProof(6, 10), oldRoot, newRoot)).toBe(true);
    await log.close();
    await store.close();

    // Someone edits event 3 and rebuilds the whole Merkle log from the edited store, as if nothing happened.
    const db = new Database(honest.dbFile);
    db.exec(`UPDATE events SET data = replace(data, '"400000000"', '"400000009"') WHERE position = 3`);
    db.close();
    const rewrittenStore = new SqliteEventStore({ file: honest.dbFile });
    const rewritten = await fresh(rewrittenStore);
    await rewritten.catchUp();
    const proof = await rewritten.consistencyProof(6, 10);
    expect(verifyConsistency(6, 10, proof, oldRoot, await rewritten.rootHash(10))).toBe(false);
    // The rebuilt log is internally consistent; only the head the auditor kept exposes it.
    expect(verifyConsistency(6, 10, proof, await rewritten.rootHash(6), await rewritten.rootHash(10))).toBe(true);
    const leaf = await rewritten.leafOf(eventId(3));
    expect(leaf && verifyInclusion(leaf.leafHash, 2, 6, await rewritten.inclusionProof(2, 6), oldRoot)).toBe(false);
    await rewritten.close();
    await rewrittenStore.close();
    rmSync(honest.dataDir, { recursive: true, force: true });
  });

  it('gives the tree of the events up to a position, and a signed head covering it that a changed root no longer matches', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const log = await fresh(store);
    try {
      for (let i = 0; i < 5; i++) await store.append([{ stream: `s-${i % 2}`, expectedRevision: 'any', events: [testEvent('T', { i }, `p-${i}`)] }]);
      await log.catchUp();
      const audit = new Audit(store, log, SigningKey.generate());
      const at3 = await audit.treeHeadCoveringPosition(3);
      expect(at3).toMatchObject({ position: 3, treeSize: 3, rootHash: (await log.rootHash(3)).toString('hex') });
      expect(at3.treeHead.treeSize).toBeGreaterThanOrEqual(3);
      expect(await audit.checkTreeHead(at3.treeHead)).toEqual({ signed: true, rootMatches: true, logSize: 5 });
      expect(await audit.checkTreeHead({ ...at3.treeHead, rootHash: (await log.rootHash(2)).toString('hex') })).toMatchObject({ signed: false, rootMatches: false });
      expect(await audit.checkTreeHead({ ...at3.treeHead, signature: SigningKey.generate().signTreeHead(at3.treeHead).signature })).toMatchObject({ signed: false, rootMatches: true });
      await expect(audit.treeHeadCoveringPosition(6)).rejects.toThrow('has not logged position 6');
      // Published heads are the log's: another opening of the same place lists them.
      expect((await log.treeHeadsBySize()).map((h) => h.treeSize)).toEqual([5]);
    } finally {
      await log.close();
      await store.close();
    }
  });
});
}

merkleLogContract('SQLite file', (dataDir) => ({
  open: async (store, place) => SqliteMerkleLog.open(join(dataDir, `${place}-audit.db`), store),
  tearDown: async () => undefined,
}));

describeWithPostgres('PostgreSQL', () => {
  merkleLogContract('PostgreSQL schema', () => {
    const dropping: Array<() => Promise<void>> = [];
    const schemas = new Map<string, Promise<string>>();
    return {
      open: async (store, place) => {
        if (!schemas.has(place)) {
          schemas.set(
            place,
            createTestSchema(postgres.url as string, 'ledger_audit_test').then(({ schema, drop }) => {
              dropping.push(drop);
              return schema;
            }),
          );
        }
        return PostgresMerkleLog.open(postgres.url as string, store, await (schemas.get(place) as Promise<string>));
      },
      tearDown: async () => void (await Promise.all(dropping.map((drop) => drop()))),
    };
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
