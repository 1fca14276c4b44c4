import type { Pool } from 'pg';
import { inTransaction, openPool, redact } from '../../store/postgres/connection';
import { quoteIdent, schemaLockKey } from '../../store/postgres/postgres-schema';
import { CredentialStore, StoredApiToken, StoredSession } from './credential-store';

/** The schema of the credentials in the ledger's PostgreSQL database: apart from the log, so access can be granted apart. */
export const CREDENTIALS_SCHEMA = 'credentials';

/**
 * The credentials store in the ledger's PostgreSQL database (LEDGER_STORE=postgres): every ledger process on the
 * database signs in against the same sessions and counts the same sign-in failures. `pg_dump` of the database
 * backs it up with the log.
 */
export class PostgresCredentialStore extends CredentialStore {
  private constructor(
    private readonly pool: Pool,
    private readonly s: string,
    readonly location: string,
  ) {
    super();
  }

  /** Connects and creates the tables if needed, so that a wrong URL or a stopped server fails at start. */
  static async open(connectionString: string, schema = CREDENTIALS_SCHEMA): Promise<PostgresCredentialStore> {
    const pool = openPool(connectionString, 4, 'gnbv-ledger-credentials');
    const s = quoteIdent(schema);
    try {
      await inTransaction(pool, async (client) => {
        // Two processes starting at once: CREATE ... IF NOT EXISTS is not safe concurrently.
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [schemaLockKey(schema)]);
        await client.query(`
          CREATE SCHEMA IF NOT EXISTS ${s};
          CREATE TABLE IF NOT EXISTS ${s}.passwords (credential_id text PRIMARY KEY, user_id text NOT NULL, hash text NOT NULL, created_at text NOT NULL);
          CREATE TABLE IF NOT EXISTS ${s}.api_tokens (token_id text PRIMARY KEY, user_id text NOT NULL, hash bytea NOT NULL, expires_at text, created_at text NOT NULL);
          CREATE TABLE IF NOT EXISTS ${s}.sessions (
            session_id text PRIMARY KEY, user_id text NOT NULL, created_at text NOT NULL, expires_at text NOT NULL, ended_at text,
            -- A user of an OpenID Connect provider has no account here: their principal as the provider's claims gave it.
            principal text
          );
          CREATE INDEX IF NOT EXISTS sessions_user ON ${s}.sessions (user_id) WHERE ended_at IS NULL;
          CREATE TABLE IF NOT EXISTS ${s}.sign_in_failures (user_id text PRIMARY KEY, failures integer NOT NULL, locked_until text);
        `);
      });
    } catch (error) {
      await pool.end();
      throw new Error(`cannot open the credentials store at ${redact(connectionString)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return new PostgresCredentialStore(pool, s, `${redact(connectionString)} (schema ${schema})`);
  }

  private async rows<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query(text, values)).rows as T[];
  }

  async putPassword(credentialId: string, userId: string, hash: string, now: string): Promise<void> {
    await this.rows(`INSERT INTO ${this.s}.passwords VALUES ($1, $2, $3, $4)`, [credentialId, userId, hash, now]);
  }

  async passwordHash(credentialId: string, userId: string): Promise<string | undefined> {
    const [row] = await this.rows<{ hash: string }>(`SELECT hash FROM ${this.s}.passwords WHERE credential_id = $1 AND user_id = $2`, [credentialId, userId]);
    return row?.hash;
  }

  async putApiToken(tokenId: string, userId: string, hash: Buffer, expiresAt: string | null, now: string): Promise<void> {
    await this.rows(`INSERT INTO ${this.s}.api_tokens VALUES ($1, $2, $3, $4, $5)`, [tokenId, userId, hash, expiresAt, now]);
  }

  async apiToken(tokenId: string): Promise<StoredApiToken | undefined> {
    const [row] = await this.rows<{ user_id: string; hash: Buffer; expires_at: string | null }>(
      `SELECT user_id, hash, expires_at FROM ${this.s}.api_tokens WHERE token_id = $1`,
      [tokenId],
    );
    return row && { userId: row.user_id, hash: row.hash, expiresAt: row.expires_at };
  }

  async startSession(sessionId: string, userId: string, now: string, expiresAt: string, principal?: unknown): Promise<void> {
    await this.rows(`INSERT INTO ${this.s}.sessions (session_id, user_id, created_at, expires_at, principal) VALUES ($1, $2, $3, $4, $5)`, [
      sessionId,
      userId,
      now,
      expiresAt,
      principal === undefined ? null : JSON.stringify(principal),
    ]);
  }

  async session(sessionId: string, now: string): Promise<StoredSession | undefined> {
    const [row] = await this.rows<{ user_id: string; principal: string | null }>(
      `SELECT user_id, principal FROM ${this.s}.sessions WHERE session_id = $1 AND ended_at IS NULL AND expires_at > $2`,
      [sessionId, now],
    );
    return row && { userId: row.user_id, principal: row.principal === null ? undefined : JSON.parse(row.principal) };
  }

  async endSession(sessionId: string, now: string): Promise<void> {
    await this.rows(`UPDATE ${this.s}.sessions SET ended_at = $1 WHERE session_id = $2 AND ended_at IS NULL`, [now, sessionId]);
  }

  async lockedUntil(userId: string, now: string): Promise<string | null> {
    const [row] = await this.rows<{ locked_until: string | null }>(`SELECT locked_until FROM ${this.s}.sign_in_failures WHERE user_id = $1`, [userId]);
    return row?.locked_until && row.locked_until > now ? row.locked_until : null;
  }

  async failedSignIn(userId: string, max: number, lockUntil: string): Promise<string | null> {
    // One statement: the row lock of ON CONFLICT makes concurrent failures (from any process) each count.
    const [row] = await this.rows<{ locked_until: string | null }>(
      `INSERT INTO ${this.s}.sign_in_failures AS f (user_id, failures, locked_until)
         VALUES ($1, CASE WHEN 1 >= $2 THEN 0 ELSE 1 END, CASE WHEN 1 >= $2 THEN $3 END)
       ON CONFLICT (user_id) DO UPDATE SET
         failures = CASE WHEN f.failures + 1 >= $2 THEN 0 ELSE f.failures + 1 END,
         locked_until = CASE WHEN f.failures + 1 >= $2 THEN $3 END
       RETURNING locked_until`,
      [userId, max, lockUntil],
    );
    return row.locked_until;
  }

  async succeededSignIn(userId: string): Promise<void> {
    await this.rows(`DELETE FROM ${this.s}.sign_in_failures WHERE user_id = $1`, [userId]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
