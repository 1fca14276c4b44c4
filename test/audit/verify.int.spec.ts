import Database from 'better-sqlite3';
import { rmSync, writeFileSync } from 'node:fs';
import type { LedgerConfig } from '../../src/config/ledger-config';
import { runTreeHead, runVerify } from '../../src/audit/audit.commands';
import { eventLeafHash } from '../../src/audit/verifier/formats';
import { SigningKey } from '../../src/audit/signing-key';
import { formatLogVerification } from '../../src/audit/verify-log';
import { openLedgerStore } from '../../src/store/create-event-store';
import { testEvent } from '../support/events';
import { configWithHistory, eventId, LINE_A, STREAM_A } from './fixtures';

describe('ledger verify: tampering with the SQLite file is found and named', () => {
  let config: LedgerConfig;

  beforeEach(async () => {
    config = await configWithHistory();
    await runTreeHead(config);
  });
  afterEach(() => rmSync(config.dataDir, { recursive: true, force: true }));

  /** Edits a file behind the ledger's back, as anyone with write access to the disk could. */
  function tamper(file: string, edit: (db: Database.Database) => void): void {
    const db = new Database(file);
    try {
      edit(db);
    } finally {
      db.close();
    }
  }

  it('passes the untouched history and reports events/s', async () => {
    const result = await runVerify(config);
    expect(result).toMatchObject({ ok: true, events: 10, logSize: 10, unlogged: 0, treeHeadsChecked: 1, signaturesChecked: true });
    expect(result.treeHeadProblems).toEqual([]);
    expect(result.atCommit).toMatchObject({ kept: true, withoutLeaf: 0, seal: { treeSize: 10 }, sealProblems: [] });
    expect(formatLogVerification(result)).toMatch(/checked 10 events .* \(\d+ events\/s\)\nseal: 10 events, root [0-9a-f]{64}, signed .*\nOK/);
  });

  it('passes an event stored in another but equivalent JSON form: its text no longer hashes to its leaf, its content does', async () => {
    tamper(config.dbFile, (db) => {
      const row = db.prepare('SELECT data, metadata FROM events WHERE position = 4').get() as { data: string; metadata: string };
      const reordered = (text: string) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as object).reverse()), null, 2);
      expect(reordered(row.data)).not.toBe(row.data);
      db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = 4').run(reordered(row.data), reordered(row.metadata));
    });
    const result = await runVerify(config);
    expect(result).toMatchObject({ ok: true, events: 10, treeHeadProblems: [], atCommit: { withoutLeaf: 0, sealProblems: [] } });
  });

  it('finds texts cut at another place between data and metadata, though the two together hash to the leaf', async () => {
    // An event whose data holds a member named "metadata": its canonical text can be cut after `{"a":1` as well.
    const { store } = await openLedgerStore(config);
    const data = { line: LINE_A, note: { a: 1, metadata: { b: 2 } } };
    await store.append([{ stream: STREAM_A, expectedRevision: 'any', events: [testEvent('NoteRecorded', data, eventId(11))] }]);
    await store.close();
    await runTreeHead(config);
    expect((await runVerify(config)).ok).toBe(true);
    tamper(config.dbFile, (db) => {
      const row = db.prepare('SELECT data, metadata FROM events WHERE position = 11').get() as { data: string; metadata: string };
      const cut = row.data.indexOf(',"metadata":');
      const [data, metadata] = [row.data.slice(0, cut), `${row.data.slice(cut + ',"metadata":'.length)},"metadata":${row.metadata}`];
      expect(`${data},"metadata":${metadata}`).toBe(`${row.data},"metadata":${row.metadata}`);
      db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = 11').run(data, metadata);
    });
    const result = await runVerify(config);
    expect(result.ok).toBe(false);
    expect(result.firstMismatch).toMatchObject({ kind: 'modified', leafIndex: 10, expected: { eventId: eventId(11) } });
    expect(result.firstMismatch?.message).toMatch(/cannot read the event after position 10/);
  });

  it('names the event one byte of whose data was edited', async () => {
    tamper(config.dbFile, (db) => {
      const edit = db.prepare(`UPDATE events SET data = replace(data, '"150000000"', '"150000001"') WHERE position = 4`).run();
      expect(edit.changes).toBe(1);
    });
    const result = await runVerify(config);
    expect(result.ok).toBe(false);
    expect(result.firstMismatch).toMatchObject({ kind: 'modified', leafIndex: 3, expected: { eventId: eventId(4), position: 4 } });
    expect(result.firstMismatch?.message).toContain(eventId(4));
    expect(result.treeHeadProblems).toEqual([expect.stringContaining('no longer hash to its root')]);
    expect(result.atCommit.sealProblems).toEqual([
      `event ${eventId(4)} (position 4) was modified: its content no longer matches the leaf written at its commit`,
      expect.stringMatching(/the first 10 events no longer hash to the seal's root/),
    ]);
  });

  it('names the event whose stored JSON was damaged so that it no longer reads', async () => {
    tamper(config.dbFile, (db) => db.exec(`UPDATE events SET metadata = '[' || substr(metadata, 2) WHERE position = 6`));
    const result = await runVerify(config);
    expect(result.ok).toBe(false);
    expect(result.firstMismatch).toMatchObject({ kind: 'modified', leafIndex: 5, expected: { eventId: eventId(6) } });
    expect(result.firstMismatch?.message).toMatch(/cannot read the event after position 5/);
  });

  it('names a deleted event', async () => {
    tamper(config.dbFile, (db) => db.exec('DELETE FROM events WHERE position = 5'));
    const result = await runVerify(config);
    expect(result.firstMismatch).toMatchObject({
      kind: 'missing',
      leafIndex: 4,
      expected: { eventId: eventId(5) },
      found: { eventId: eventId(6) },
    });
  });

  it('names an event deleted from the end of the log', async () => {
    tamper(config.dbFile, (db) => db.exec('DELETE FROM events WHERE position = 10'));
    const result = await runVerify(config);
    expect(result.firstMismatch).toMatchObject({ kind: 'missing', leafIndex: 9, expected: { eventId: eventId(10) } });
    expect(result.firstMismatch?.found).toBeUndefined();
    expect(result.treeHeadProblems).toEqual([expect.stringContaining('the store holds only 9 events')]);
  });

  it('names the first of two swapped events', async () => {
    tamper(config.dbFile, (db) =>
      db.exec(`
        UPDATE events SET position = -1 WHERE position = 3;
        UPDATE events SET position = 3 WHERE position = 9;
        UPDATE events SET position = 9 WHERE position = -1;`),
    );
    const result = await runVerify(config);
    expect(result.firstMismatch).toMatchObject({
      kind: 'reordered',
      leafIndex: 2,
      expected: { eventId: eventId(3) },
      found: { eventId: eventId(9) },
    });
  });

  it('names an event inserted in the middle by shifting the positions after it', async () => {
    const forged = testEvent('Disbursed', { line: LINE_A, activityId: 'act-1', disbursementId: 'd-x', amount: '99000000' }, eventId(99));
    tamper(config.dbFile, (db) => {
      // Two steps, because SQLite checks the primary key row by row while shifting.
      db.exec('UPDATE events SET position = -position WHERE position >= 5; UPDATE events SET position = 1 - position WHERE position < 0');
      db.prepare('INSERT INTO events (position, stream, revision, event_id, type, version, data, metadata) VALUES (5, ?, 99, ?, ?, 1, ?, ?)').run(
        STREAM_A,
        eventId(99),
        forged.type,
        JSON.stringify(forged.data),
        JSON.stringify(forged.metadata),
      );
    });
    const result = await runVerify(config);
    expect(result.firstMismatch).toMatchObject({
      kind: 'inserted',
      leafIndex: 4,
      expected: { eventId: eventId(5) },
      found: { eventId: eventId(99), position: 5 },
    });
    expect(result.atCommit.sealProblems).toEqual([
      '1 event(s) have no leaf written at commit, the first at position 5: the ledger did not append them',
      '1 event(s) after position 10 are not covered by the seal: they were not appended by the ledger with its key',
      expect.stringMatching(/no longer hash to the seal's root/),
    ]);
  });

  it('catches an event rewritten together with its leaf hash: the signed tree head no longer matches', async () => {
    let newLeaf: Buffer | undefined;
    tamper(config.dbFile, (db) => {
      db.exec(`UPDATE events SET data = replace(data, '"150000000"', '"150000001"') WHERE position = 4`);
      const row = db.prepare('SELECT type, version, stream, revision, data, metadata FROM events WHERE position = 4').get() as {
        type: string;
        version: number;
        stream: string;
        revision: number;
        data: string;
        metadata: string;
      };
      newLeaf = eventLeafHash({ ...row, data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) });
    });
    tamper(config.dbFile, (db) => db.prepare('UPDATE events SET leaf_hash = ? WHERE position = 4').run(newLeaf));
    tamper(config.auditFile, (db) => db.prepare('UPDATE leaves SET leaf_hash = ? WHERE leaf_index = 3').run(newLeaf));

    const result = await runVerify(config);
    expect(result.ok).toBe(false);
    expect(result.firstMismatch).toBeUndefined();
    expect(result.treeHeadProblems).toEqual([expect.stringMatching(/tree head of 10 events .*: the events no longer hash to its root/)]);
    expect(result.atCommit.sealProblems).toEqual([expect.stringMatching(/the first 10 events no longer hash to the seal's root/)]);
  });

  it('refuses tree heads the configured key, or the key the auditor names, did not sign', async () => {
    const other = SigningKey.generate();
    expect((await runVerify(config, other.publicKeyPem)).treeHeadProblems).toEqual([expect.stringContaining('signature does not verify')]);
    writeFileSync(config.signingKeyFile, other.privateKeyPem());
    const result = await runVerify(config);
    expect(result.ok).toBe(false);
    expect(result.treeHeadProblems).toEqual([expect.stringContaining('signature does not verify')]);
    expect(result.atCommit.sealProblems).toEqual([expect.stringContaining("the seal's signature does not verify")]);
  });

  it('finds an event appended at the end, even with its leaf computed as the ledger would: no seal covers it', async () => {
    tamper(config.dbFile, (db) => {
      const row = db.prepare('SELECT stream, type, version, data, metadata FROM events WHERE position = 10').get() as Record<string, string>;
      const metadata = { ...JSON.parse(row.metadata), eventId: eventId(11) };
      const leaf = eventLeafHash({ type: row.type, version: Number(row.version), stream: row.stream, revision: 99, data: JSON.parse(row.data), metadata });
      db.prepare('INSERT INTO events VALUES (11, ?, 99, ?, ?, ?, ?, ?, ?)').run(row.stream, eventId(11), row.type, row.version, row.data, JSON.stringify(metadata), leaf);
    });
    const result = await runVerify(config);
    expect(result).toMatchObject({ ok: false, events: 11, logSize: 10, unlogged: 1 });
    expect(result.atCommit.sealProblems).toEqual(['1 event(s) after position 10 are not covered by the seal: they were not appended by the ledger with its key']);
    // Verifying adds nothing to the audit file.
    expect((await runVerify(config)).logSize).toBe(10);
  });
});
