/**
 * The credentials store: what must stay secret, outside the event log (events are kept forever and handed to
 * auditors). It holds
 * - passwords: the scrypt hash of each password set, by the credential id its PasswordSet event names;
 * - api_tokens: the SHA-256 of each API token's secret, by the token id its ApiTokenIssued event names;
 * - sessions: each sign-in's session (its JWT's `sid`), so that signing out, a password reset or disabling a user ends it;
 * - sign_in_failures: consecutive failed sign-ins per user id, and the lockout they led to.
 * Which credential is current, and whether a token is revoked or a user disabled, the log says; this store only
 * answers "does this secret match". A backup must copy it with the log: restored without it, every user needs a
 * password reset and every token a new issue.
 *
 * Two places hold it: a SQLite file beside the data folder (sqlite-credentials.ts), or, when the log is in
 * PostgreSQL, the schema `credentials` of that database (postgres-credentials.ts), so that every ledger process
 * on the database shares one store without sharing a file system. The class is also the injection token.
 */
export abstract class CredentialStore {
  /** Where it is, for messages: a file, or a database and schema. */
  abstract readonly location: string;

  abstract putPassword(credentialId: string, userId: string, hash: string, now: string): Promise<void>;

  /** The hash of a credential, if it is this user's. */
  abstract passwordHash(credentialId: string, userId: string): Promise<string | undefined>;

  abstract putApiToken(tokenId: string, userId: string, hash: Buffer, expiresAt: string | null, now: string): Promise<void>;

  abstract apiToken(tokenId: string): Promise<StoredApiToken | undefined>;

  /** `principal`: the claims of a user of an OpenID Connect provider, who has no account here. */
  abstract startSession(sessionId: string, userId: string, now: string, expiresAt: string, principal?: unknown): Promise<void>;

  /** A session that has not ended nor expired. */
  abstract session(sessionId: string, now: string): Promise<StoredSession | undefined>;

  abstract endSession(sessionId: string, now: string): Promise<void>;

  /** Until when a user id is locked out, if it is. */
  abstract lockedUntil(userId: string, now: string): Promise<string | null>;

  /**
   * Counts a failed sign-in, atomically (two processes counting at once both count); the `max`-th in a row locks
   * the user id until `lockUntil` and starts the count again. Returns the lock this failure set, if any.
   */
  abstract failedSignIn(userId: string, max: number, lockUntil: string): Promise<string | null>;

  abstract succeededSignIn(userId: string): Promise<void>;

  abstract close(): Promise<void>;
}

export interface StoredApiToken {
  readonly userId: string;
  readonly hash: Buffer;
  readonly expiresAt: string | null;
}

export interface StoredSession {
  readonly userId: string;
  readonly principal: unknown;
}
