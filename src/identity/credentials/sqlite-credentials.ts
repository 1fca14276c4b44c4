import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CredentialStore, StoredApiToken, StoredSession } from './credential-store';

/**
 * The credentials store in one SQLite file, LEDGER_CREDENTIALS_FILE (default DATA_DIR/credentials.db), for a ledger
 * whose log is SQLite (or KurrentDB). Back it up with the log (`sqlite3 credentials.db ".backup …"`, or with the
 * ledger stopped).
 */
export class SqliteCredentialStore extends CredentialStore {
  /** Statements prepared once: `session` runs at every request. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    super();
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  static open(file: string): SqliteCredentialStore {
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
    return new SqliteCredentialStore(db, file);
  }

  async putPassword(credentialId: string, userId: string, hash: string, now: string): Promise<void> {
    this.prepare('INSERT INTO passwords VALUES (?, ?, ?, ?)').run(credentialId, userId, hash, now);
  }

  async passwordHash(credentialId: string, userId: string): Promise<string | undefined> {
    return this.prepare('SELECT hash FROM passwords WHERE credential_id = ? AND user_id = ?').pluck().get(credentialId, userId) as string | undefined;
  }

  async putApiToken(tokenId: string, userId: string, hash: Buffer, expiresAt: string | null, now: string): Promise<void> {
    this.prepare('INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?)').run(tokenId, userId, hash, expiresAt, now);
  }

  async apiToken(tokenId: string): Promise<StoredApiToken | undefined> {
    const row = this.prepare('SELECT user_id, hash, expires_at FROM api_tokens WHERE token_id = ?').get(tokenId) as
      | { user_id: string; hash: Buffer; expires_at: string | null }
      | undefined;
    return row && { userId: row.user_id, hash: row.hash, expiresAt: row.expires_at };
  }

  async startSession(sessionId: string, userId: string, now: string, expiresAt: string, principal?: unknown): Promise<void> {
    this
      .prepare('INSERT INTO sessions (session_id, user_id, created_at, expires_at, principal) VALUES (?, ?, ?, ?, ?)')
      .run(sessionId, userId, now, expiresAt, principal === undefined ? null : JSON.stringify(principal));
  }

  async session(sessionId: string, now: string): Promise<StoredSession | undefined> {
    const row = this.prepare('SELECT user_id, principal FROM sessions WHERE session_id = ? AND ended_at IS NULL AND expires_at > ?').get(sessionId, now) as
      | { user_id: string; principal: string | null }
      | undefined;
    return row && { userId: row.user_id, principal: row.principal === null ? undefined : JSON.parse(row.principal) };
  }

  async endSession(sessionId: string, now: string): Promise<void> {
    this.prepare('UPDATE sessions SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL').run(now, sessionId);
  }

  async lockedUntil(userId: string, now: string): Promise<string | null> {
    const until = this.prepare('SELECT locked_until FROM sign_in_failures WHERE user_id = ?').pluck().get(userId) as string | null | undefined;
    return until && until > now ? until : null;
  }

  async failedSignIn(userId: string, max: number, lockUntil: string): Promise<string | null> {
    return this.db.transaction(() => {
      const failures = ((this.prepare('SELECT failures FROM sign_in_failures WHERE user_id = ?').pluck().get(userId) as number | undefined) ?? 0) + 1;
      const locked = failures >= max ? lockUntil : null;
      this
        .prepare('INSERT INTO sign_in_failures VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until')
        .run(userId, locked ? 0 : failures, locked);
      return locked;
    }).immediate();
  }

  async succeededSignIn(userId: string): Promise<void> {
    this.prepare('DELETE FROM sign_in_failures WHERE user_id = ?').run(userId);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
