import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTreeHead, runVerify } from '../../src/audit/audit.commands';
import { SigningKey } from '../../src/audit/signing-key';
import type { TreeHead } from '../../src/audit/verifier/formats';
import { formatLogVerification, LogVerification, VerifyOptions } from '../../src/audit/verify-log';
import { LedgerConfig, loadConfig } from '../../src/config/ledger-config';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { openLedgerStore } from '../../src/store/create-event-store';
import { testEvent } from '../support/events';
import { eventId, LINE_A, LINE_B, tempConfig } from './fixtures';

/**
 * `ledger verify --workers N` checks ranges of the log in threads and joins them in log order: whatever is tampered
 * with, at or around the ranges' boundaries, it finds exactly what the check in one thread finds. Blocks of a few
 * leaves cut this 150-event log into ranges of 10, 16 and 24 events (by the number of threads), so that the boundaries
 * fall at indexes 10, 16, 20, 24, 30, 32, 40, 48, 50...; tree heads are signed at sizes inside blocks, at a block's end
 * and at the log's end, so that a tree joined wrongly fails their roots.
 */
const EVENTS = 150;
const HEADS = [20, 45, 64, 100, 150];
const PARALLEL: ReadonlyArray<Pick<VerifyOptions, 'workers' | 'block'>> = [
  { workers: 2, block: 8 }, // ranges of 24 events
  { workers: 3, block: 4 }, // 16
  { workers: 4, block: 2 }, // 10
];

describe('ledger verify in threads: the same findings as in one thread, tampering at the ranges’ boundaries', () => {
  let template: LedgerConfig;
  let config: LedgerConfig;

  beforeAll(async () => {
    template = tempConfig('ledger-verify-threads-');
    for (let n = 1; n <= EVENTS; ) {
      const { store } = await openLedgerStore(template);
      const upTo = HEADS.find((h) => h >= n) as number;
      for (; n <= upTo; n = Math.min(n + 5, upTo + 1)) {
        const line = n % 2 === 0 ? LINE_A : LINE_B;
        const events = [0, 1, 2, 3, 4].filter((i) => n + i <= upTo).map((i) =>
          testEvent('Disbursed', { line, activityId: `act-${(n + i) % 7}`, disbursementId: `d-${n + i}`, amount: `${n + i}000000` }, eventId(n + i)),
        );
        await store.append([{ stream: fundLineStream(line), expectedRevision: 'any', events }]);
      }
      await store.close();
      await runTreeHead(template);
    }
  }, 60_000);

  afterAll(() => remove(template));

  beforeEach(() => {
    // Each test tampers with its own copy of the log, its audit file and its key.
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-verify-threads-'));
    cpSync(template.dataDir, dataDir, { recursive: true });
    config = loadConfig({}, { dataDir });
    cpSync(template.signingKeyFile, config.signingKeyFile);
  });

  afterEach(() => remove(config));

  function remove(c: LedgerConfig): void {
    rmSync(c.dataDir, { recursive: true, force: true });
    rmSync(c.signingKeyFile, { force: true });
  }

  function tamper(file: string, sql: string, ...params: unknown[]): void {
    const db = new Database(file);
    try {
      if (params.length > 0) expect(db.prepare(sql).run(...params).changes).toBeGreaterThan(0);
      else db.exec(sql);
    } finally {
      db.close();
    }
  }

  /** Without what depends on the clock and on the threads. */
  const findings = ({ seconds, eventsPerSecond, threads, ...rest }: LogVerification) => rest;
  const report = (result: LogVerification) => formatLogVerification(result).split('\n').slice(1).join('\n');

  /** Verifies in one thread and in each of PARALLEL's threads; every result must be the one-thread result. */
  async function verifyEveryWay(): Promise<LogVerification> {
    const one = await runVerify(config, undefined, { workers: 1 });
    expect(one.threads).toBe(1);
    for (const options of PARALLEL) {
      const many = await runVerify(config, undefined, { ...options, parallelFrom: 0 });
      expect(many.threads).toBe(options.workers);
      expect({ options, ...findings(many) }).toEqual({ options, ...findings(one) });
      expect(report(many)).toBe(report(one));
    }
    return one;
  }

  it('passes the untouched log, every signed tree head checked', async () => {
    const result = await verifyEveryWay();
    expect(result).toMatchObject({ ok: true, events: EVENTS, logSize: EVENTS, treeHeadsChecked: HEADS.length, treeHeadProblems: [] });
    expect(result.atCommit).toMatchObject({ withoutLeaf: 0, seal: { treeSize: EVENTS }, sealProblems: [] });
  });

  it('checks in one thread a log smaller than parallelFrom', async () => {
    expect((await runVerify(config, undefined, { workers: 2, parallelFrom: EVENTS + 1 })).threads).toBe(1);
    expect((await runVerify(config, undefined, { workers: 2, parallelFrom: EVENTS })).threads).toBe(2);
  });

  it.each([10, 16, 17, 24, 25, 49, 50, 150])('names the event at position %i whose data was edited', async (position) => {
    tamper(config.dbFile, `UPDATE events SET data = replace(data, '000000"', '000001"') WHERE position = ?`, position);
    const result = await verifyEveryWay();
    expect(result.firstMismatch).toMatchObject({ kind: 'modified', leafIndex: position - 1, expected: { eventId: eventId(position) } });
    expect(result.atCommit.firstLeafMismatch).toEqual({ position, eventId: eventId(position) });
    const broken = HEADS.filter((h) => h >= position).map((h) => expect.stringMatching(new RegExp(`tree head of ${h} events .*no longer hash to its root`)));
    expect(result.treeHeadProblems).toEqual(broken);
  });

  it.each([16, 25, 48, 49, 150])('names the event deleted at position %i', async (position) => {
    tamper(config.dbFile, 'DELETE FROM events WHERE position = ?', position);
    const result = await verifyEveryWay();
    expect(result.firstMismatch).toMatchObject({ kind: 'missing', leafIndex: position - 1, expected: { eventId: eventId(position) } });
    expect(result.events).toBe(EVENTS - 1);
    expect(result.atCommit.sealProblems).toContain(`the seal covers ${EVENTS} events but the log holds ${EVENTS - 1}: 1 events were removed`);
  });

  it('names an event deleted from each of several ranges: the first, and the shifts of every later range', async () => {
    tamper(config.dbFile, 'DELETE FROM events WHERE position IN (12, 33, 47, 98)');
    const result = await verifyEveryWay();
    expect(result.firstMismatch).toMatchObject({ kind: 'missing', leafIndex: 11, expected: { eventId: eventId(12) }, found: { eventId: eventId(13) } });
    expect(result.treeHeadProblems).toEqual([...HEADS.slice(0, -1), 150].map((h) => expect.stringContaining(`tree head of ${h} events`)));
  });

  it.each([
    [48, 49],
    [24, 25],
    [25, 140],
    [10, 149],
  ])('names the first of two swapped events, at positions %i and %i', async (a, b) => {
    tamper(config.dbFile, `UPDATE events SET position = -1 WHERE position = ${a}; UPDATE events SET position = ${a} WHERE position = ${b}; UPDATE events SET position = ${b} WHERE position = -1;`);
    const result = await verifyEveryWay();
    expect(result.firstMismatch).toMatchObject({ kind: 'reordered', leafIndex: a - 1, expected: { eventId: eventId(a) }, found: { eventId: eventId(b) } });
  });

  it('names an event moved to the end of the log, many ranges later', async () => {
    tamper(config.dbFile, 'UPDATE events SET position = 1000 WHERE position = 17');
    const result = await verifyEveryWay();
    expect(result.firstMismatch).toMatchObject({ kind: 'reordered', leafIndex: 16, expected: { eventId: eventId(17) }, found: { eventId: eventId(18) } });
  });

  it.each([16, 25, 49])('names an event inserted at position %i by shifting the positions after it', async (position) => {
    const forged = testEvent('Disbursed', { line: LINE_A, activityId: 'act-1', disbursementId: 'd-x', amount: '99000000' }, eventId(999));
    tamper(config.dbFile, `UPDATE events SET position = -position WHERE position >= ${position}; UPDATE events SET position = 1 - position WHERE position < 0`);
    tamper(
      config.dbFile,
      'INSERT INTO events (position, stream, revision, event_id, type, version, data, metadata) VALUES (?, ?, 999, ?, ?, 1, ?, ?)',
      position,
      fundLineStream(LINE_A),
      eventId(999),
      forged.type,
      JSON.stringify(forged.data),
      JSON.stringify(forged.metadata),
    );
    const result = await verifyEveryWay();
    expect(result.firstMismatch).toMatchObject({ kind: 'inserted', leafIndex: position - 1, found: { eventId: eventId(999), position } });
    expect(result.atCommit).toMatchObject({ withoutLeaf: 1, firstWithoutLeaf: position });
  });

  it.each([17, 25, 49])('names the event at position %i whose stored JSON no longer reads', async (position) => {
    tamper(config.dbFile, `UPDATE events SET metadata = '[' || substr(metadata, 2) WHERE position = ?`, position);
    const result = await verifyEveryWay();
    expect(result.firstMismatch).toMatchObject({ kind: 'modified', leafIndex: position - 1, expected: { eventId: eventId(position) } });
    expect(result.firstMismatch?.message).toContain(`cannot read the event after position ${position - 1}`);
    expect(result.events).toBe(position - 1);
  });

  it('names the missing event when the audit file holds an extra leaf', async () => {
    tamper(config.auditFile, 'INSERT INTO leaves (leaf_index, position, event_id, leaf_hash) VALUES (?, ?, ?, ?)', EVENTS, EVENTS + 1, eventId(EVENTS + 1), Buffer.alloc(32, 7));
    tamper(config.auditFile, 'UPDATE checkpoint SET position = ?, tree_size = ?', EVENTS + 1, EVENTS + 1);
    const result = await verifyEveryWay();
    expect(result).toMatchObject({ ok: false, events: EVENTS, logSize: EVENTS + 1 });
    expect(result.firstMismatch).toMatchObject({ kind: 'missing', leafIndex: EVENTS, expected: { eventId: eventId(EVENTS + 1) } });
  });

  it('names a leaf of the audit file rewritten at a range’s boundary', async () => {
    tamper(config.auditFile, 'UPDATE leaves SET leaf_hash = ? WHERE leaf_index = 48', Buffer.alloc(32, 9));
    const result = await verifyEveryWay();
    expect(result.firstMismatch).toMatchObject({ kind: 'modified', leafIndex: 48, expected: { eventId: eventId(49) } });
    expect(result.treeHeadProblems).toEqual([]);
  });

  it('reports a seal whose root was altered', async () => {
    tamper(config.dbFile, 'UPDATE log_seal SET root_hash = ?', 'ab'.repeat(32));
    const result = await verifyEveryWay();
    expect(result.atCommit.sealProblems).toEqual([
      expect.stringContaining(`the first ${EVENTS} events no longer hash to the seal's root`),
      expect.stringContaining("the seal's signature does not verify"),
    ]);
  });

  it('reports a seal signed with another key', async () => {
    const db = new Database(config.dbFile, { readonly: true });
    const seal = db.prepare('SELECT tree_size AS treeSize, root_hash AS rootHash, timestamp FROM log_seal').get() as TreeHead;
    db.close();
    tamper(config.dbFile, 'UPDATE log_seal SET signature = ?', SigningKey.generate().signTreeHead(seal).signature);
    const result = await verifyEveryWay();
    expect(result.atCommit.sealProblems).toEqual([expect.stringContaining("the seal's signature does not verify")]);
  });

  it('reports a signed tree head whose root was altered in the audit file', async () => {
    tamper(config.auditFile, 'UPDATE tree_heads SET root_hash = ? WHERE tree_size = 45', 'cd'.repeat(32));
    const result = await verifyEveryWay();
    expect(result.firstMismatch).toBeUndefined();
    expect(result.treeHeadProblems).toEqual([
      expect.stringMatching(/tree head of 45 events .*no longer hash to its root/),
      expect.stringMatching(/tree head of 45 events .*signature does not verify/),
    ]);
  });
});
