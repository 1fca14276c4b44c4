import { rmSync } from 'node:fs';
import { EVENT_SCHEMA_VERSION, LEDGER_UPCASTER_STEPS, RecordedEvent, Upcasters } from '../../events';
import { Audit } from '../../src/audit/audit';
import { SqliteMerkleLog } from '../../src/audit/sqlite-merkle-log';
import { loadSigningKey } from '../../src/audit/signing-key';
import { eventLeafHash } from '../../src/audit/verifier/formats';
import { verifyBundle } from '../../src/audit/verifier/verify-bundle';
import { verifyLog } from '../../src/audit/verify-log';
import { activityStream } from '../../src/fund-line/fund-line.key';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { testEvent } from '../support/events';
import { eventId, tempConfig, writeHistory } from './fixtures';

/**
 * A later ledger in which ActivityRegistered is at version 2 (it gained `investorKnown`), reading a log whose
 * activities were registered at version 1. It reads them upcast; the audit still proves them as stored.
 */
const upcasters = new Upcasters({ ...EVENT_SCHEMA_VERSION, ActivityRegistered: 2 }, [
  ...LEDGER_UPCASTER_STEPS,
  { type: 'ActivityRegistered', from: 1, up: (data) => ({ ...(data as object), investorKnown: (data as { investor?: string }).investor !== undefined }) },
]);

describe('the audit, when the log holds events stored at an older version', () => {
  const config = tempConfig();
  const store = new SqliteEventStore({ file: config.dbFile, upcasters });
  const log = SqliteMerkleLog.open(config.auditFile, store);
  const { key } = loadSigningKey(config);
  const audit = new Audit(store, log, key);
  const activityOf = (events: readonly RecordedEvent[]) => events.find((e) => e.type === 'ActivityRegistered') as RecordedEvent;

  beforeAll(async () => {
    // Written as the ledger writes: each commit sealed with its key.
    await store.startWriting({ signingKeyPem: key.privateKeyPem() });
    await writeHistory(store);
  });
  afterAll(async () => {
    await log.close();
    await store.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('reads them upcast everywhere else', async () => {
    const registered = activityOf(await store.readStream(activityStream('act-1')));
    expect(registered).toMatchObject({ version: 2, data: { activityId: 'act-1', investorKnown: false } });
  });

  it('logs each as stored: its leaf is the hash of version 1, and ledger verify passes', async () => {
    expect(await log.catchUp()).toBe(10);
    const stored = activityOf(await store.readAll(0, { asStored: true }));
    const upcast = activityOf(await store.readAll(0));
    expect(stored.version).toBe(1);
    expect((await log.leafOf(eventId(2)))?.leafHash).toEqual(eventLeafHash(stored));
    expect((await log.leafOf(eventId(2)))?.leafHash).not.toEqual(eventLeafHash(upcast));
    await audit.produceTreeHead();
    const verified = await verifyLog(store, log, key.publicKey);
    expect(verified).toMatchObject({ ok: true, events: 10, logSize: 10 });
  });

  it('follows new events as stored', async () => {
    const errors: unknown[] = [];
    log.follow((error: unknown) => errors.push(error));
    const late = testEvent('ActivityRegistered', { activityId: 'act-3', name: 'Trồng chè', programme: 'GNBV-2021-2025', component: 'DA2', kind: 'production-support', unit: '183', communes: [], beneficiaries: {}, targets: [] }, eventId(11));
    const { position } = await store.append([{ stream: activityStream('act-3'), expectedRevision: 'no_stream', events: [late] }]);
    for (let i = 0; i < 100 && (await log.checkpoint()) < position; i++) await new Promise((r) => setTimeout(r, 10));
    log.stopFollowing();
    expect(errors).toEqual([]);
    const [stored] = await store.readStream(activityStream('act-3'), 0, { asStored: true });
    expect((await log.leafOf(eventId(11)))?.leafHash).toEqual(eventLeafHash(stored));
    expect((await verifyLog(store, log, key.publicKey)).ok).toBe(true);
  });

  it('exports a bundle of the events as stored, which verifies offline', async () => {
    const bundle = await audit.exportBundle({ activity: 'act-1' });
    expect(bundle.events.map((e) => [e.event.type, e.event.version])[0]).toEqual(['ActivityRegistered', 1]);
    expect(verifyBundle(JSON.parse(JSON.stringify(bundle)), { trustedKey: key.publicKey })).toMatchObject({ ok: true });
  });
});
