import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTreeHead, runVerify } from '../../src/audit/audit.commands';
import { SigningKey } from '../../src/audit/signing-key';
import { eventLeafHash } from '../../src/audit/verifier/formats';
import { witness } from '../../src/audit/witness';
import { LedgerConfig, loadConfig } from '../../src/config/ledger-config';
import { Catalogue } from '../../src/catalogue/catalogue';
import { AuthService } from '../../src/identity/auth.service';
import { addAccountWithoutPassword } from '../../src/identity/bootstrap';
import { COUNTRY } from '../../src/identity/rights';
import { LedgerApp, startLedger } from '../../src/main';
import { TEST_USERS } from '../support/app';

/**
 * Issue 9, items 9-12: someone who can write the data folder (not the signing key, which lives outside it) forges,
 * deletes, rolls back and re-signs; an auditor keeps witness state. Each attack was missed before; each is caught
 * now, through the real app (started as `npm start` starts it), the CLI functions and the witness.
 */

const LINE = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
const DECISION = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
const VOUCHER = { number: 'UNC-0457', date: '2024-06-20', treasury: 'KBNN Văn Quan' };

interface Folder {
  readonly dir: string;
  readonly config: LedgerConfig;
  boot(): Promise<LedgerApp>;
}

function folder(extra: (dir: string) => Record<string, string> = () => ({})): Folder {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-tamper-'));
  const env = { LEDGER_DATA_DIR: join(dir, 'data'), LEDGER_SIGNING_KEY_FILE: join(dir, 'keys', 'signing-key.pem'), LEDGER_DEMO: '0', PORT: '0', HOST: '127.0.0.1', ...extra(dir) };
  const config = loadConfig(env);
  return { dir, config, boot: () => startLedger(loadConfig(env), { logger: false }) };
}

/** Each started ledger's session of the test's officer (whole country), as the test harness mints them. */
const sessions = new WeakMap<LedgerApp, string>();

/**
 * Signs the officer in on a started ledger: the account is made on the first start of a folder (an event of its log,
 * before anything is tampered with); later starts, read-only ones too, find it there.
 */
async function signIn(app: LedgerApp): Promise<void> {
  const auth = app.app.get(AuthService);
  const id = TEST_USERS.officer;
  if ((await auth.user(id)).userId === null) {
    await addAccountWithoutPassword(app.store, app.app.get(Catalogue), { userId: id, displayName: 'Cán bộ Lan', grants: [{ role: 'officer', scope: COUNTRY }] });
  }
  const state = await auth.user(id);
  sessions.set(app, (await auth.startSession({ id, name: state.displayName, grants: state.grants, via: 'password' }, state.credentialId ?? undefined)).token);
}

async function call(app: LedgerApp, method: string, path: string, body?: unknown) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sessions.get(app)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A plan, an activity, its allocation and a disbursement: the history an attacker then goes after. */
async function record(app: LedgerApp, n = 1): Promise<number> {
  let position = 0;
  const ok = async (path: string, body: unknown) => {
    const res = await call(app, 'POST', path, body);
    expect({ path, status: res.status }).toEqual({ path, status: 201 });
    position = res.body.position;
  };
  for (let i = 0; i < n; i++) {
    const id = `VQ-${process.pid}-${Date.now()}-${i}`;
    await ok('/commands/assign-plan', { line: LINE, amount: '8036000000', decision: DECISION });
    await ok('/commands/register-activity', { activityId: id, name: 'Hỗ trợ nhà ở', programme: 'GNBV-2021-2025', component: 'DA5', kind: 'housing-support', unit: '184', decision: DECISION });
    await ok('/commands/allocate', { line: LINE, activityId: id, amount: '7700000000', decision: DECISION });
    await ok('/commands/disburse', { line: LINE, activityId: id, amount: '620000000', voucher: VOUCHER });
  }
  return position;
}

/** Publishes a tree head over the whole log once the audit log has followed it. */
async function publishHead(app: LedgerApp, size: number) {
  for (let i = 0; i < 200; i++) {
    const head = (await call(app, 'POST', '/audit/tree-heads')).body;
    if (head.treeSize >= size) return head;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the audit log did not reach ${size} events`);
}

function sql(file: string, work: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    work(db);
  } finally {
    db.close();
  }
}

/** Appends an event at the end of the log behind the ledger's back: a copy of the last disbursement, with its own id. */
function forgeAtEnd(config: LedgerConfig, options: { withLeaf: boolean }): string {
  const forgedId = '00000000-0000-4000-8000-f0f0f0f0f0f0';
  sql(config.dbFile, (db) => {
    const row = db.prepare("SELECT position, stream, revision, type, version, data, metadata FROM events WHERE type = 'Disbursed' ORDER BY position DESC LIMIT 1").get() as Record<string, never>;
    const data = { ...JSON.parse(row.data), disbursementId: 'forged', amount: '4650000000' };
    const metadata = { ...JSON.parse(row.metadata), eventId: forgedId };
    const revision = (db.prepare('SELECT max(revision) FROM events WHERE stream = ?').pluck().get(row.stream) as number) + 1;
    const leaf = options.withLeaf ? eventLeafHash({ type: row.type, version: row.version, stream: row.stream, revision, data, metadata }) : null;
    db.prepare('INSERT INTO events (stream, revision, event_id, type, version, data, metadata, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      row.stream, revision, forgedId, row.type, row.version, JSON.stringify(data), JSON.stringify(metadata), leaf,
    );
  });
  return forgedId;
}

/** What a reader of the log would notice nothing of: the amount of a disbursement, with its leaf recomputed to match. */
function rewriteDisbursement(config: LedgerConfig): void {
  sql(config.dbFile, (db) => {
    const row = db.prepare("SELECT position, stream, revision, type, version, data, metadata FROM events WHERE type = 'Disbursed' ORDER BY position LIMIT 1").get() as Record<string, never>;
    const data = { ...JSON.parse(row.data), amount: '62000000' };
    const leaf = eventLeafHash({ type: row.type, version: row.version, stream: row.stream, revision: row.revision, data, metadata: JSON.parse(row.metadata) });
    db.prepare('UPDATE events SET data = ?, leaf_hash = ? WHERE position = ?').run(JSON.stringify(data), leaf, row.position);
  });
}

const snapshot = (config: LedgerConfig, to: string) => {
  for (const f of readdirSync(config.dataDir)) if (f.endsWith('.db') || f.includes('.db-')) copyFileSync(join(config.dataDir, f), join(to, f));
};
const restore = (config: LedgerConfig, from: string, only?: (file: string) => boolean) => {
  for (const f of readdirSync(config.dataDir)) if ((f.endsWith('.db') || f.includes('.db-')) && (!only || only(f))) unlinkSync(join(config.dataDir, f));
  for (const f of readdirSync(from)) if (!only || only(f)) copyFileSync(join(from, f), join(config.dataDir, f));
};

async function expectReadOnly(app: LedgerApp, finding: RegExp, head: number) {
  const health = await call(app, 'GET', '/health');
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({ status: 'degraded', problems: [expect.objectContaining({ component: 'log' })] });
  expect(health.body.problems[0].problem).toMatch(finding);
  const refused = await call(app, 'POST', '/commands/assign-plan', { line: LINE, amount: '1000', decision: DECISION });
  expect(refused.status).toBe(500);
  expect(refused.body).toMatchObject({ error: 'LOG_INTEGRITY' });
  expect(await app.store.headPosition()).toBe(head);
  // Reads still answer, for the auditors who must look into it.
  expect((await call(app, 'GET', `/balances?minPosition=${head}`)).status).toBe(200);
}

describe('tamper evidence against someone who can write the data folder (issue 9, items 9-12)', () => {
  const folders: Folder[] = [];
  const apps: LedgerApp[] = [];
  const open = (extra?: (dir: string) => Record<string, string>) => {
    const f = folder(extra);
    folders.push(f);
    return f;
  };
  const boot = async (f: Folder) => {
    const app = await f.boot();
    apps.push(app);
    await signIn(app);
    return app;
  };
  const stop = async (app: LedgerApp) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const f of folders) rmSync(f.dir, { recursive: true, force: true });
  });

  describe('9. an event forged at the end of the log', () => {
    it.each([true, false])('is caught at the next start (leaf computed: %s): the ledger serves reads only, signs nothing of it, and verify names it', async (withLeaf) => {
      const f = open();
      let app = await boot(f);
      const head = await record(app);
      await publishHead(app, head);
      await stop(app);
      forgeAtEnd(f.config, { withLeaf });

      app = await boot(f);
      await expectReadOnly(app, /1 events after position \d+ are not covered by the seal|no leaf written at commit/, head + 1);
      // The audit log does not take it into a signed head.
      await new Promise((r) => setTimeout(r, 100));
      const latest = (await call(app, 'GET', '/audit/tree-heads/latest')).body;
      expect(latest.treeSize).toBe(head);
      await stop(app);

      const verified = await runVerify(f.config);
      expect(verified.ok).toBe(false);
      expect(verified.atCommit.sealProblems.join('\n')).toMatch(withLeaf ? /1 event\(s\) after position \d+ are not covered by the seal/ : /no leaf written at commit/);
    });
  });

  describe('10. deleting the audit file, rolling back the last events', () => {
    it('a deleted audit file hides no edit: the leaves written at commit and the seal still catch it', async () => {
      const f = open();
      const app = await boot(f);
      const head = await record(app);
      await stop(app);
      rewriteDisbursement(f.config);
      rmSync(f.config.auditFile, { force: true });
      const verified = await runVerify(f.config);
      expect(verified).toMatchObject({ ok: false, logSize: 0 });
      expect(verified.atCommit.sealProblems).toEqual([expect.stringMatching(new RegExp(`the first ${head} events no longer hash to the seal's root`))]);
      const again = await boot(f);
      await expectReadOnly(again, /no longer hash to the seal's root/, head);
    });

    it('verify fails when leaves are fewer than events', async () => {
      const f = open();
      const app = await boot(f);
      const head = await record(app);
      await stop(app);
      sql(f.config.dbFile, (db) => db.prepare('UPDATE events SET leaf_hash = NULL WHERE position = ?').run(head));
      const verified = await runVerify(f.config);
      expect(verified.ok).toBe(false);
      expect(verified.atCommit.sealProblems[0]).toMatch(new RegExp(`1 event\\(s\\) have no leaf written at commit, the first at position ${head}`));
    });

    it('a rollback of events, leaves and seal is caught by the tree head the ledger published after it', async () => {
      const f = open();
      let app = await boot(f);
      const early = await record(app);
      await stop(app);
      const saved = mkdtempSync(join(f.dir, 'snapshot-'));
      snapshot(f.config, saved);
      app = await boot(f);
      const later = await record(app);
      const published = await publishHead(app, later);
      await stop(app);
      // The log goes back; the audit file, with the head published after, stays.
      restore(f.config, saved, (file) => file.startsWith('ledger.db'));
      app = await boot(f);
      await expectReadOnly(app, new RegExp(`tree head of ${published.treeSize} events .* covers more than the ${early} events the log holds`), early);
    });

    it('a rollback of the whole data folder is caught by anyone who kept a later head: the witness alarms', async () => {
      const f = open();
      const state = join(f.dir, 'witness.json');
      let app = await boot(f);
      const early = await record(app);
      await publishHead(app, early);
      expect((await witness(app.url, state, { token: sessions.get(app) })).status).toBe('trusted-first');
      await stop(app);
      const saved = mkdtempSync(join(f.dir, 'snapshot-'));
      snapshot(f.config, saved);
      app = await boot(f);
      const later = await record(app);
      await publishHead(app, later);
      expect(await witness(app.url, state, { token: sessions.get(app) })).toMatchObject({ status: 'extended', from: { treeSize: early }, head: { treeSize: later } });
      await stop(app);

      restore(f.config, saved);
      app = await boot(f);
      expect((await call(app, 'GET', '/health')).status).toBe(200); // nothing in the folder contradicts itself any more
      const outcome = await witness(app.url, state, { token: sessions.get(app) });
      expect(outcome).toMatchObject({ status: 'alarm', kept: { treeSize: later } });
      expect(outcome.status === 'alarm' && outcome.reason).toMatch(new RegExp(`ROLLBACK: the ledger now shows a tree of ${early} events, but it signed a tree of ${later} events`));
      // The alarm keeps the later head: the next round alarms again.
      expect((await witness(app.url, state, { token: sessions.get(app) })).status).toBe('alarm');
    });
  });

  describe('11. a consistent rewrite, signed again', () => {
    it('cannot be signed again by whoever can write the data folder: the key is not there', async () => {
      const f = open();
      const app = await boot(f);
      const head = await record(app);
      await publishHead(app, head);
      await stop(app);
      rewriteDisbursement(f.config);
      rmSync(f.config.auditFile, { force: true });
      // The attacker runs `ledger tree-head` with the data folder they can write; the key file is not theirs to read.
      const attacker = { ...f.config, signingKeyFile: join(f.dir, 'attacker', 'signing-key.pem') };
      await expect(runTreeHead(attacker)).rejects.toThrow(/does not exist, but the log holds events sealed with a key/);
      // With a key of their own, what they sign does not verify with the ledger's key, and the seal still holds the truth.
      mkdirSync(join(f.dir, 'attacker'), { recursive: true });
      writeFileSync(attacker.signingKeyFile, SigningKey.generate().privateKeyPem());
      await runTreeHead(attacker);
      const verified = await runVerify(f.config);
      expect(verified.ok).toBe(false);
      expect(verified.treeHeadProblems.join('\n')).toMatch(/signature does not verify with the ledger's key/);
      expect(verified.atCommit.sealProblems.join('\n')).toMatch(/no longer hash to the seal's root/);
      const again = await boot(f);
      await expectReadOnly(again, /no longer hash to the seal's root/, head);
    });

    it('with the key kept inside the data folder (a demo), the ledger says loudly that it can be signed again', async () => {
      const inside = open((dir) => ({ LEDGER_SIGNING_KEY_FILE: join(dir, 'data', 'signing-key.pem') }));
      const app = await boot(inside);
      const health = await call(app, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body.warnings).toEqual([expect.stringMatching(/inside the data folder .*whoever can write the data can rewrite the log and sign it again/)]);
    });
  });

  describe('12. witnesses', () => {
    it('a tree head is signed on demand only for a signed-in user with the right; the witness reads only when signed in', async () => {
      const f = open();
      const app = await boot(f);
      const head = await record(app);
      const heads = async () => (await call(app, 'GET', '/audit/tree-heads')).body.total as number;
      await publishHead(app, head);
      const before = await heads();
      for (let i = 0; i < 20; i++) {
        const anonymous = await fetch(`${app.url}/audit/tree-heads`, { method: 'POST' });
        expect(anonymous.status).toBe(401);
        expect(await anonymous.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
      }
      expect(await heads()).toBe(before);
      await expect(witness(app.url, join(f.dir, 'anonymous-witness.json'))).rejects.toThrow(/answered 401/);
      expect((await witness(app.url, join(f.dir, 'witness.json'), { token: sessions.get(app) })).status).toBe('trusted-first');
    });

    it('accept a head that extends the last one kept, and alarm on a rewritten history or a new key', async () => {
      const f = open();
      const state = join(f.dir, 'witness.json');
      let app = await boot(f);
      const head = await record(app);
      await publishHead(app, head);
      expect((await witness(app.url, state, { token: sessions.get(app) })).status).toBe('trusted-first');
      expect((await witness(app.url, state, { token: sessions.get(app) })).status).toBe('unchanged');
      const more = await record(app);
      await publishHead(app, more);
      expect((await witness(app.url, state, { token: sessions.get(app) })).status).toBe('extended');
      await stop(app);

      // The same key signs a different history of the same length: the data folder rebuilt by someone who holds the key.
      const forked = open(() => ({ LEDGER_SIGNING_KEY_FILE: f.config.signingKeyFile }));
      app = await boot(forked);
      const other = await record(app, 2);
      expect(other).toBe(more);
      await call(app, 'POST', '/commands/assign-plan', { line: { ...LINE, component: 'DA1.TDA1' }, amount: '1', decision: DECISION });
      await publishHead(app, more + 1);
      const forkOutcome = await witness(app.url, state, { token: sessions.get(app) });
      expect(forkOutcome).toMatchObject({ status: 'alarm' });
      expect(forkOutcome.status === 'alarm' && forkOutcome.reason).toMatch(/does not extend the tree of \d+ events kept \(.*\): history was rewritten/);
      await stop(app);

      // Another key altogether.
      const stranger = open();
      app = await boot(stranger);
      await record(app);
      await publishHead(app, 1);
      const keyOutcome = await witness(app.url, state, { token: sessions.get(app) });
      expect(keyOutcome.status === 'alarm' && keyOutcome.reason).toMatch(/the ledger's key changed from sha256:/);
      expect(existsSync(state)).toBe(true);
    });
  });
});
