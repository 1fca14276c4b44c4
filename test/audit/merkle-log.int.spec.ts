import Database from 'better-sqlite3';
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { consistencyProof, inclusionProof, memoryRangeHash, verifyConsistency, verifyInclusion } from '../../src/audit/merkle';
import { Audit } from '../../src/audit/audit';
import { LogIntegrityError, MerkleLog } from '../../src/audit/merkle-log';
import { SigningKey } from '../../src/audit/signing-key';
import { eventLeafHash } from '../../src/audit/verifier/formats';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { testEvent } from '../support/events';
import { configWithHistory, eventId, tempConfig, writeHistory } from './fixtures';
import { fastCheckSeed } from './seed';

describe('MerkleLog over the SQLite event store', () => {
  const config = tempConfig();
  afterAll(() => rmSync(config.dataDir, { recursive: true, force: true }));

  it('serves the same roots and proofs as the tree computed in memory, for random logs (property-based)', async () => {
    const seed = fastCheckSeed('merkle-log.int.spec');
    const anyData = fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: 3 }), anyData), { minLength: 1, maxLength: 40 }), async (events) => {
        const store = new SqliteEventStore({ file: ':memory:' });
        const log = MerkleLog.open(':memory:', store);
        try {
          for (const [i, [stream, data]] of events.entries()) {
            await store.append([{ stream: `s-${stream}`, expectedRevision: 'any', events: [testEvent('T', data, `e-${i}`)] }]);
          }
          expect(await log.catchUp()).toBe(events.length);
          const leaves = (await store.readAll(0)).map(eventLeafHash);
          const mth = memoryRangeHash(leaves);
          for (let size = 0; size <= leaves.length; size++) {
            expect(log.rootHash(size)).toEqual(mth(0, size));
            for (let i = 0; i < size; i++) expect(log.inclusionProof(i, size)).toEqual(inclusionProof(i, size, mth));
            expect(log.consistencyProof(size, leaves.length)).toEqual(consistencyProof(size, leaves.length, mth));
          }
        } finally {
          log.close();
          await store.close();
        }
      }),
      { seed, numRuns: 25 },
    );
  });

  it('follows the store as events are appended, and keeps leaves and checkpoint across reopening', async () => {
    const file = join(config.dataDir, 'follow.db');
    const store = new SqliteEventStore({ file, pollIntervalMs: 10 });
    const log = MerkleLog.open(join(config.dataDir, 'follow-audit.db'), store);
    const errors: unknown[] = [];
    log.follow((error) => errors.push(error));
    await writeHistory(store);
    await until(() => log.size() === 10);
    log.close();

    const reopened = MerkleLog.open(join(config.dataDir, 'follow-audit.db'), store);
    expect(reopened.size()).toBe(10);
    expect(reopened.checkpoint()).toBe(10);
    expect(reopened.leafOf(eventId(7))).toMatchObject({ leafIndex: 6, position: 7 });
    await store.append([{ stream: 'late', expectedRevision: 'no_stream', events: [testEvent('T', {}, eventId(11))] }]);
    expect(await reopened.catchUp()).toBe(1);
    expect(reopened.size()).toBe(11);
    expect(errors).toEqual([]);
    reopened.close();
    await store.close();
  });

  it('follows a backlog longer than a page', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    for (let a = 0; a < 25; a++) {
      const events = Array.from({ length: 100 }, (_, i) => testEvent('T', { i }, `backlog-${a}-${i}`));
      await store.append([{ stream: `s-${a}`, expectedRevision: 'no_stream', events }]);
    }
    const log = MerkleLog.open(':memory:', store);
    const errors: unknown[] = [];
    log.follow((error) => errors.push(error));
    await until(() => log.size() === 2500);
    expect(log.checkpoint()).toBe(2500);
    expect(errors).toEqual([]);
    log.close();
    await store.close();
  });

  it('logs an event delivered twice once, even by two processes sharing the audit file', async () => {
    const store = new SqliteEventStore({ file: join(config.dataDir, 'twice.db') });
    await writeHistory(store);
    const auditFile = join(config.dataDir, 'twice-audit.db');
    const server = MerkleLog.open(auditFile, store);
    const cli = MerkleLog.open(auditFile, store);
    const [a, b] = await Promise.all([server.catchUp(), cli.catchUp()]);
    expect(a + b).toBe(10);
    expect(server.append(await store.readAll(0))).toBe(0);
    expect(cli.leaves(0, 100).map((l) => l.eventId)).toEqual(Array.from({ length: 10 }, (_, i) => eventId(i + 1)));
    server.close();
    cli.close();
    await store.close();
  });

  it('refuses to go on when a logged event arrives again at a new position', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await writeHistory(store);
    const log = MerkleLog.open(':memory:', store);
    await log.catchUp();
    const [fifth] = await store.readAll(4, { maxCount: 1 });
    expect(() => log.append([{ ...fifth, position: 11 }])).toThrow(LogIntegrityError);
    expect(log.size()).toBe(10);
    log.close();
    await store.close();
  });

  it('proves that a later tree head extends an earlier one, and refuses the proof of a rewritten history', async () => {
    const honest = await configWithHistory();
    const store = new SqliteEventStore({ file: honest.dbFile });
    const log = MerkleLog.open(honest.auditFile, store);
    await log.catchUp();
    const oldRoot = log.rootHash(6);
    const newRoot = log.rootHash(10);
    expect(verifyConsistency(6, 10, log.consistencyProof(6, 10), oldRoot, newRoot)).toBe(true);
    log.close();
    await store.close();

    // Someone edits event 3 and rebuilds the whole Merkle log from the edited store, as if nothing happened.
    const db = new Database(honest.dbFile);
    db.exec(`UPDATE events SET data = replace(data, '"400000000"', '"400000009"') WHERE position = 3`);
    db.close();
    const rewrittenStore = new SqliteEventStore({ file: honest.dbFile });
    const rewritten = MerkleLog.open(join(honest.dataDir, 'rebuilt-audit.db'), rewrittenStore);
    await rewritten.catchUp();
    const proof = rewritten.consistencyProof(6, 10);
    expect(verifyConsistency(6, 10, proof, oldRoot, rewritten.rootHash(10))).toBe(false);
    // The rebuilt log is internally consistent; only the head the auditor kept exposes it.
    expect(verifyConsistency(6, 10, proof, rewritten.rootHash(6), rewritten.rootHash(10))).toBe(true);
    const leaf = rewritten.leafOf(eventId(3));
    expect(leaf && verifyInclusion(leaf.leafHash, 2, 6, rewritten.inclusionProof(2, 6), oldRoot)).toBe(false);
    rewritten.close();
    await rewrittenStore.close();
    rmSync(honest.dataDir, { recursive: true, force: true });
  });

  it('gives the tree of the events up to a position, and a signed head covering it that a changed root no longer matches', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const log = MerkleLog.open(':memory:', store);
    try {
      for (let i = 0; i < 5; i++) await store.append([{ stream: `s-${i % 2}`, expectedRevision: 'any', events: [testEvent('T', { i }, `p-${i}`)] }]);
      await log.catchUp();
      const audit = new Audit(store, log, SigningKey.generate());
      const at3 = audit.treeHeadCoveringPosition(3);
      expect(at3).toMatchObject({ position: 3, treeSize: 3, rootHash: log.rootHash(3).toString('hex') });
      expect(at3.treeHead.treeSize).toBeGreaterThanOrEqual(3);
      expect(audit.checkTreeHead(at3.treeHead)).toEqual({ signed: true, rootMatches: true, logSize: 5 });
      expect(audit.checkTreeHead({ ...at3.treeHead, rootHash: log.rootHash(2).toString('hex') })).toMatchObject({ signed: false, rootMatches: false });
      expect(audit.checkTreeHead({ ...at3.treeHead, signature: SigningKey.generate().signTreeHead(at3.treeHead).signature })).toMatchObject({ signed: false, rootMatches: true });
      expect(() => audit.treeHeadCoveringPosition(6)).toThrow('has not logged position 6');
    } finally {
      log.close();
      await store.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
