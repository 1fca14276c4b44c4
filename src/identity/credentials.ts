import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The credentials store: what must stay secret, outside the event log (events are kept forever and handed to
 * auditors). One SQLite file, LEDGER_CREDENTIALS_FILE (default DATA_DIR/credentials.db), holding
 * - passwords: the scrypt hash of each password set, by the credential id its PasswordSet event names;
 * - api_tokens: the SHA-256 of each API token's secret, by the token id its ApiTokenIssued event names;
 * - sessions: each sign-in's session (its JWT's `sid`), so that signing out, a password reset or disabling a user ends it;
 * - sign_in_failures: consecutive failed sign-ins per user id, and the lockout they led to.
 * Which credential is current, and whether a token is revoked or a user disabled, the log says; this file only
 * answers "does this secret match". A backup must copy this file with the log (`sqlite3 credentials.db ".backup …"`,
 * or with the ledger stopped): restored without it, every user needs a password reset and every token a new issue.
 */
export class CredentialStore {
  /** Statements prepared once: `session` runs at every request. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(readonly db: Database.Database) {}

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  static open(file: string): CredentialStore {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS passwords (credential_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, hash TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS api_tokens (token_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, hash BLOB NOT NULL, expires_at TEXT, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS sessions (
        session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT,
        -- A user of an OpenID Connect provider has no account here: their principal as the provider's claims gave it.
        principal TEXT
      );
      CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id) WHERE ended_at IS NULL;
      CREATE TABLE IF NOT EXISTS sign_in_failures (user_id TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until TEXT);
    `);
    return new CredentialStore(db);
  }

  putPassword(credentialId: string, userId: string, hash: string, now: string): void {
    this.prepare('INSERT INTO passwords VALUES (?, ?, ?, ?)').run(credentialId, userId, hash, now);
  }

  /** The hash of a credential, if it is this user's. */
  passwordHash(credentialId: string, userId: string): string | undefined {
    return this.prepare('SELECT hash FROM passwords WHERE credential_id = ? AND user_id = ?').pluck().get(credentialId, userId) as string | undefined;
  }

  putApiToken(tokenId: string, userId: string, hash: Buffer, expiresAt: string | null, now: string): void {
    this.prepare('INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?)').run(tokenId, userId, hash, expiresAt, now);
  }

  apiToken(tokenId: string): { userId: string; hash: Buffer; expiresAt: string | null } | undefined {
    const row = this.prepare('SELECT user_id, hash, expires_at FROM api_tokens WHERE token_id = ?').get(tokenId) as
      | { user_id: string; hash: Buffer; expires_at: string | null }
      | undefined;
    return row && { userId: row.user_id, hash: row.hash, expiresAt: row.expires_at };
  }

  startSession(sessionId: string, userId: string, now: string, expiresAt: string, principal?: unknown): void {
    this
      .prepare('INSERT INTO sessions (session_id, user_id, created_at, expires_at, principal) VALUES (?, ?, ?, ?, ?)')
      .run(sessionId, userId, now, expiresAt, principal === undefined ? null : JSON.stringify(principal));
  }

  /** A session that has not ended nor expired. */
  session(sessionId: string, now: string): { userId: string; principal: unknown } | undefined {
    const row = this.prepare('SELECT user_id, principal FROM sessions WHERE session_id = ? AND ended_at IS NULL AND expires_at > ?').get(sessionId, now) as
      | { user_id: string; principal: string | null }
      | undefined;
    return row && { userId: row.user_id, principal: row.principal === null ? undefined : JSON.parse(row.principal) };
  }

  endSession(sessionId: string, now: string): void {
    this.prepare('UPDATE sessions SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL').run(now, sessionId);
  }

  /** Ends every session of a user (a password reset, a disabled account); returns how many. */
  endSessionsOf(userId: string, now: string): number {
    return this.prepare('UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL').run(now, userId).changes;
  }

  /** Until when a user id is locked out, if it is. */
  lockedUntil(userId: string, now: string): string | null {
    const until = this.prepare('SELECT locked_until FROM sign_in_failures WHERE user_id = ?').pluck().get(userId) as string | null | undefined;
    return until && until > now ? until : null;
  }

  /** Counts a failed sign-in; the `max`-th in a row locks the user id until `lockUntil`. Returns the lock, if any. */
  failedSignIn(userId: string, max: number, lockUntil: string): string | null {
    return this.db.transaction(() => {
      const failures = ((this.prepare('SELECT failures FROM sign_in_failures WHERE user_id = ?').pluck().get(userId) as number | undefined) ?? 0) + 1;
      const locked = failures >= max ? lockUntil : null;
      this
        .prepare('INSERT INTO sign_in_failures VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until')
        .run(userId, locked ? 0 : failures, locked);
      return locked;
    })();
  }

  succeededSignIn(userId: string): void {
    this.prepare('DELETE FROM sign_in_failures WHERE user_id = ?').run(userId);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
