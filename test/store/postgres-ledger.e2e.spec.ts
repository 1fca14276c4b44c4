import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/ledger-config';
import { runAddUser } from '../../src/identity/users.commands';
import { formatOutcome, runCheck, runImport } from '../../src/journal/journal.commands';
import { LedgerApp, startLedger } from '../../src/main';
import { LiveProjections } from '../../src/projections/projection-runner';
import { ProjectionThread } from '../../src/projections/projection-thread';
import { PostgresEventStore } from '../../src/store/postgres/postgres-event-store';
import { createTestDatabase, postgres, describeWithPostgres } from '../support/postgres';

/*
 * The ledger as `npm start` and `ledger import` run it, with LEDGER_STORE=postgres, each test on a fresh database.
 * Needs DATABASE_URL (see test/support/postgres.ts); skipped with the reason otherwise.
 */
const DEMO = join(__dirname, '..', '..', 'demo');

describeWithPostgres('The ledger on PostgreSQL', () => {
  let dirs: string[] = [];
  let cleanups: Array<() => Promise<void>> = [];
  const freshConfig = async (store: 'postgres' | 'sqlite') => {
    const dir = mkdtempSync(join(tmpdir(), `ledger-${store}-`));
    dirs.push(dir);
    const db = store === 'postgres' ? await createTestDatabase(postgres.url as string) : undefined;
    if (db) cleanups.push(db.drop);
    return loadConfig({ LEDGER_STORE: store, DATABASE_URL: db?.url, LEDGER_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' });
  };
  afterEach(async () => {
    for (const drop of cleanups) await drop();
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.auth-key`, { force: true });
    }
    cleanups = [];
    dirs = [];
  });

  it('imports the demo journals with `ledger import`, once, and reconciles them with `ledger check`', async () => {
    const config = await freshConfig('postgres');
    const files = [join(DEMO, 'van-quan-2024.yaml'), join(DEMO, 'tra-cu-2021-2025.yaml')];
    await runAddUser(config, 'can-bo-nhap', { name: 'Cán bộ nhập liệu', role: 'importer', scope: 'VN' });
    const first = await runImport(config, files, { as: 'can-bo-nhap' });
    expect(first.map(formatOutcome)).toEqual([
      `${files[0]}: imported 238 entries as 238 events (positions 4-241)`,
      `${files[1]}: imported 55 entries as 55 events (positions 242-296)`,
    ]);
    const again = await runImport(config, files, { as: 'can-bo-nhap' });
    expect(again.map(formatOutcome)).toEqual([
      `${files[0]}: already imported at positions 4-241 (238 events); nothing stored`,
      `${files[1]}: already imported at positions 242-296 (55 events); nothing stored`,
    ]);
    const report = await runCheck(config);
    expect(report.position).toBe(296);
  });

  describe('started as `npm start` does', () => {
    const started: LedgerApp[] = [];
    afterEach(async () => {
      while (started.length > 0) await started.pop()?.close();
    }, 60_000);
    const start = async (config: ReturnType<typeof loadConfig>) => {
      const ledger = await startLedger(config, { demo: true, logger: false });
      started.push(ledger);
      return ledger;
    };
    /** As a reader signs in: the demo's viewer, with the password npm start printed. */
    const get = async (ledger: LedgerApp, path: string) => {
      const viewer = ledger.demoUsers?.find((u) => u.userId === 'demo-viewer');
      const login = await fetch(`${ledger.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'demo-viewer', password: viewer?.password }),
      });
      const { token } = (await login.json()) as { token: string };
      const res = await fetch(`${ledger.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    /** The demo: 7 users (created, granted, password set: 21 events), then the journals' 298 events. */
    const DEMO_HEAD = 21 + 298;

    // npm start loads the three demo journals: 238 + 55 + 5 events.
    it('loads the demo into an empty database and serves the same balances as on SQLite', async () => {
      const onPostgres = await start(await freshConfig('postgres'));
      const onSqlite = await start(await freshConfig('sqlite'));
      expect(onPostgres.store).toBeInstanceOf(PostgresEventStore);
      expect(await onPostgres.store.headPosition()).toBe(DEMO_HEAD);
      expect(await onPostgres.store.headPosition()).toBe(await onSqlite.store.headPosition());
      for (const path of [`/balances?groupBy=district&minPosition=${DEMO_HEAD}`, `/balances?budgetYear=2024&groupBy=subProject&minPosition=${DEMO_HEAD}`, `/progress?minPosition=${DEMO_HEAD}`]) {
        const [pg, lite] = [await get(onPostgres, path), await get(onSqlite, path)];
        expect(pg.status).toBe(200);
        expect(pg.body).toEqual(lite.body);
      }
      const health = await get(onPostgres, '/health');
      expect(health.body).toMatchObject({ status: 'ok', store: 'postgres', position: DEMO_HEAD });
      // Folded off the event loop, in the projection thread reading PostgreSQL with its own connections, which
      // follows the log into the Merkle log there too.
      expect(onPostgres.app.get(LiveProjections)).toBeInstanceOf(ProjectionThread);
      const proof = await get(onPostgres, `/audit/proofs/consistency?first=21&second=${DEMO_HEAD}`);
      expect(proof).toMatchObject({ status: 200, body: { firstSize: 21, secondSize: DEMO_HEAD } });
      // Two ledgers started and the demo loaded into each: 7-17 s on a quiet machine, more on a busy one.
    }, 120_000);

    it('leaves a database that already holds events alone', async () => {
      const config = await freshConfig('postgres');
      await (await start(config)).close();
      started.pop();
      const again = await start(config);
      expect(await again.store.headPosition()).toBe(DEMO_HEAD);
      expect(again.demoUsers).toBeUndefined();
    }, 120_000);
  });
});
