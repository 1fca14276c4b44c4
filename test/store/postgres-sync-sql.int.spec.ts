import { execFileSync } from 'node:child_process';
import { CENTS } from '../../projections/shared/cents';
import { runStatement } from '../../src/store/postgres/connection';
import { PgSqlDatabase, PgStatementError, toPostgres } from '../../src/store/postgres/sync-sql';
import { createTestDatabase, describeWithPostgres, postgres } from '../support/postgres';

describe('toPostgres', () => {
  it('translates the read models’ portable SQL', () => {
    expect(toPostgres(`CREATE TABLE g1.t (k TEXT PRIMARY KEY, n INTEGER NOT NULL, c ${CENTS} NOT NULL) WITHOUT ROWID`)).toBe(
      'CREATE TABLE g1.t (k TEXT COLLATE "C" PRIMARY KEY, n BIGINT NOT NULL, c NUMERIC NOT NULL) ',
    );
    expect(toPostgres("SELECT cents_sum(a), cents_add(x.b, cents_add(c, ?)), max(a), max(a, min(b, ?)) FROM t WHERE u = '?' AND v = ?")).toBe(
      "SELECT sum(a), (coalesce(x.b, 0) + coalesce((coalesce(c, 0) + coalesce($1, 0)), 0)), max(a), greatest(a, least(b, $2)) FROM t WHERE u = '?' AND v = $3",
    );
    expect(toPostgres('SELECT 1 WHERE y IN (SELECT CAST(value AS INTEGER) FROM json_each(?))')).toBe(
      'SELECT 1 WHERE y IN (SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST($1 AS json)))',
    );
  });
});

describeWithPostgres('PgSqlDatabase: the read models’ synchronous connection to PostgreSQL', () => {
  let server: { url: string; drop: () => Promise<void> };
  let db: PgSqlDatabase;
  beforeAll(async () => {
    server = await createTestDatabase(postgres.url as string, 'ledger_sync_sql');
    db = new PgSqlDatabase(server.url, 'test');
  });
  afterAll(async () => {
    db.close();
    await server.drop();
  });

  it('reads values as better-sqlite3 does, exactly under safeIntegers', () => {
    db.exec(`CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL, c ${CENTS}) WITHOUT ROWID`);
    const insert = db.prepare('INSERT INTO t (k, n, c) VALUES (?, ?, ?)');
    db.transaction(() => {
      insert.run('b', 2, 10n ** 30n);
      insert.run('a', 1, 150n);
      insert.run('B', 3, null);
    })();
    expect(db.prepare('SELECT k, n, c, n > 1 AS big FROM t ORDER BY k').all()).toEqual([
      { k: 'B', n: 3, c: null, big: 1 },
      { k: 'a', n: 1, c: 150, big: 0 },
      { k: 'b', n: 2, c: String(10n ** 30n), big: 1 },
    ]);
    expect(db.prepare('SELECT cents_sum(c) FROM t').pluck().safeIntegers().get()).toBe(10n ** 30n + 150n);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3);
  });

  it('rolls a failed transaction back whole, the writes it held back included, and names the statement', () => {
    const insert = db.prepare('INSERT INTO t (k, n) VALUES (?, ?)');
    expect(() =>
      db.transaction(() => {
        insert.run('x', 1);
        insert.run('x', 2);
        db.prepare('SELECT 1').get();
      })(),
    ).toThrow(PgStatementError);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare("SELECT count(*) FROM t WHERE k = 'x'").pluck().get()).toBe(0);
    expect(() => db.prepare('SELECT nope FROM t').get()).toThrow(/column "nope" does not exist in: SELECT nope FROM t/);
  });

  it('nests transactions as savepoints', () => {
    const insert = db.prepare('INSERT INTO t (k, n) VALUES (?, ?)');
    db.transaction(() => {
      insert.run('y', 1);
      expect(() =>
        db.transaction(() => {
          insert.run('z', 1);
          throw new Error('inner');
        })(),
      ).toThrow('inner');
    })();
    expect(db.prepare("SELECT k FROM t WHERE k IN ('y', 'z')").pluck().all()).toEqual(['y']);
  });
});

describeWithPostgres('PgSqlDatabase when the server ends its connection', () => {
  let server: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    server = await createTestDatabase(postgres.url as string, 'ledger_sync_sql_lost');
  });
  afterAll(() => server.drop());

  const endConnections = (name: string) =>
    runStatement(server.url, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [name]);

  it('answers on a new connection after an idle one was ended, and fails a transaction it broke, whose retry succeeds', async () => {
    const db = new PgSqlDatabase(server.url, 'test-lost');
    try {
      db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
      expect(await endConnections('test-lost')).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 100));
      // Idle, then ended: the next statement runs on a new connection.
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);

      const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
      const write = db.transaction((k: string) => {
        insert.run(k);
        db.prepare('SELECT 1').get();
        // Ended in the middle of the transaction: it is gone, and says so.
        execFileSync('psql', [server.url, '-qAtc', "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'test-lost'"]);
        insert.run(`${k}-2`);
        db.prepare('SELECT 1').get();
      });
      expect(() => write('a')).toThrow(/terminating connection|connection/i);
      expect(db.inTransaction).toBe(false);
      expect(db.prepare('SELECT k FROM t ORDER BY k').pluck().all()).toEqual([]);
      db.transaction(() => insert.run('b'))();
      expect(db.prepare('SELECT k FROM t ORDER BY k').pluck().all()).toEqual(['b']);
    } finally {
      db.close();
    }
  });
});
