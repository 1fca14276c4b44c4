import { PostgresMerkleLog } from '../../src/audit/postgres-merkle-log';
import { PostgresCredentialStore } from '../../src/identity/credentials/postgres-credentials';
import { runStatement } from '../../src/store/postgres/connection';
import { PostgresEventStore } from '../../src/store/postgres/postgres-event-store';
import { createTestDatabase, describeWithPostgres, postgres } from '../support/postgres';

/**
 * The server ends the ledger's idle connections (a restart, an administrator's pg_terminate_backend): each pool drops
 * them and connects again when next asked. An idle connection's error with no listener on its pool would end the
 * process (here, fail the suite with an unhandled 'error' event).
 */
describeWithPostgres('PostgreSQL connections ended by the server', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase(postgres.url as string, 'ledger_pools');
  });
  afterAll(() => db.drop());

  it('are replaced in the event store, the Merkle log and the credentials store', async () => {
    const store = await PostgresEventStore.connect({ connectionString: db.url });
    const audit = await PostgresMerkleLog.open(db.url, store);
    const credentials = await PostgresCredentialStore.open(db.url);
    try {
      await store.headPosition();
      await audit.size();
      await credentials.lockedUntil('someone', new Date().toISOString());

      const ended = await runStatement<{ ended: boolean }>(
        db.url,
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name IN ('gnbv-ledger-audit', 'gnbv-ledger-credentials', 'gnbv-ledger') AND state = 'idle'`,
      );
      expect(ended.length).toBeGreaterThanOrEqual(3);
      await new Promise((r) => setTimeout(r, 200));

      expect(await store.headPosition()).toBe(0);
      expect(await audit.size()).toBe(0);
      expect(await credentials.lockedUntil('someone', new Date().toISOString())).toBeNull();
    } finally {
      await credentials.close();
      await audit.close();
      await store.close();
    }
  });
});
