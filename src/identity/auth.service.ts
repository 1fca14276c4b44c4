import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AggregateCache } from '../commands/aggregate-cache';
import { LedgerConfig } from '../config/ledger-config';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { CredentialStore } from './credentials';
import { OidcVerifier } from './oidc';
import { type Principal, Unauthenticated } from './rights';
import { decoyHash, parseApiToken, sameHash, sha256, verifyPassword } from './secrets';
import { SessionTokens, unverifiedIssuer } from './session-tokens';
import { type UserState, USER_ID, userFold, userStream } from './user.state';

/** The cookie that holds a browser's session token: http-only, SameSite=Strict, Secure over HTTPS. */
export const SESSION_COOKIE = 'gnbv_session';

/** What a request shows of itself to authentication. */
export interface AuthRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** https when the connection (or, with LEDGER_TRUST_PROXY, the proxy) says so. */
  readonly protocol: string;
}

export interface SignedIn {
  readonly token: string;
  readonly expiresAt: string;
  readonly principal: Principal;
}

const header = (req: AuthRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Sign-in attempts per client address in the last minute: the rate limit of POST /auth/login. */
class SignInLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly perMinute: number) {}

  /** Seconds to wait when over the limit, else null (and the attempt is counted). */
  take(client: string, now: number): number | null {
    const recent = (this.hits.get(client) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= this.perMinute) {
      this.hits.set(client, recent);
      return Math.max(1, Math.ceil((recent[0] + 60_000 - now) / 1000));
    }
    recent.push(now);
    this.hits.set(client, recent);
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.every((t) => t <= now - 60_000)) this.hits.delete(k);
    return null;
  }
}

/**
 * Who is asking. A request proves it with one of: a session token (Authorization: Bearer <JWT>, or the browser's
 * cookie), an API token (Bearer gnbv_…), or a token of the configured OpenID Connect provider. The principal's grants
 * are its account's stream as it is at every request (folded states kept up to date, see `user`), so a revoked grant,
 * a disabled user or a revoked token stops working at once.
 */
@Injectable()
export class AuthService implements OnModuleDestroy {
  private readonly logger = new Logger('Auth');
  private readonly limiter: SignInLimiter;
  private readonly users: AggregateCache;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: LedgerConfig,
    readonly credentials: CredentialStore,
    private readonly tokens: SessionTokens,
    private readonly oidc: OidcVerifier,
  ) {
    this.limiter = new SignInLimiter(config.signInPerMinute);
    this.users = new AggregateCache(store, 10_000);
  }

  async onModuleDestroy(): Promise<void> {
    await this.credentials.close();
  }

  /**
   * A user's account as its stream tells it now. Folded states are kept (AggregateCache): a request reads only what
   * was appended since, or nothing when the store writes alone and heard no commit on the stream; a grant revoked or
   * a user disabled is folded in before the command that did it is answered.
   */
  async user(userId: string): Promise<UserState> {
    if (!USER_ID.test(userId)) return userFold.initial();
    return (await this.users.load(userStream(userId), userFold)).state;
  }

  private principalOf(state: UserState, via: Principal['via'], extra: Partial<Principal> = {}): Principal {
    if (state.userId === null) throw new Unauthenticated('the account of this token no longer exists');
    if (!state.enabled) throw new Unauthenticated(`user ${state.userId} is disabled`, 'USER_DISABLED');
    return { id: state.userId, name: state.displayName, grants: state.grants, via, ...extra };
  }

  /** The principal a request proves, or null when it carries no credentials at all. */
  async authenticate(req: AuthRequest): Promise<Principal | null> {
    const now = new Date().toISOString();
    const authorization = header(req, 'authorization');
    if (authorization !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!m) throw new Unauthenticated('Authorization must be "Bearer <token>"');
      return this.bearer(m[1], now);
    }
    const cookie = cookieValue(header(req, 'cookie'), SESSION_COOKIE);
    if (cookie === undefined || cookie === '') return null;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method.toUpperCase())) this.requireSameOrigin(req);
    return this.session(cookie, now);
  }

  /** A cookie travels with any request the browser makes: a change must come from a page of this ledger (CSRF). */
  private requireSameOrigin(req: AuthRequest): void {
    const origin = header(req, 'origin');
    const host = header(req, 'x-forwarded-host') && this.config.trustProxy ? header(req, 'x-forwarded-host') : header(req, 'host');
    let originHost: string | undefined;
    try {
      originHost = origin ? new URL(origin).host : undefined;
    } catch {
      originHost = undefined;
    }
    if (!originHost || originHost !== host) {
      throw new Unauthenticated('a request signed in by cookie that changes something must come from the ledger’s own pages (its Origin header)', 'CROSS_ORIGIN');
    }
  }

  private async bearer(token: string, now: string): Promise<Principal> {
    const api = parseApiToken(token);
    if (api) return this.apiToken(api.tokenId, api.secret, now);
    if (token.startsWith('gnbv_')) throw new Unauthenticated('the API token is malformed', 'TOKEN_INVALID');
    // The token's issuer is read (unverified) only when a provider is configured: it decides who verifies it.
    if (this.oidc.enabled && unverifiedIssuer(token) === this.oidc.issuer) return this.oidc.principal(token);
    return this.session(token, now);
  }

  private async session(token: string, now: string): Promise<Principal> {
    const claims = await this.tokens.verify(token);
    const session = await this.credentials.session(claims.sessionId, now);
    if (!session || session.userId !== claims.userId) throw new Unauthenticated('the session has ended: sign in again', 'SESSION_ENDED');
    if (session.principal !== undefined) return { ...(session.principal as Principal), sessionId: claims.sessionId };
    const state = await this.user(claims.userId);
    if (claims.credentialId !== undefined && state.credentialId !== claims.credentialId) {
      throw new Unauthenticated('the password was changed or reset since this sign-in: sign in again', 'SESSION_ENDED');
    }
    return this.principalOf(state, 'password', { sessionId: claims.sessionId, ...(state.mustChangePassword ? { mustChangePassword: true } : {}) });
  }

  private async apiToken(tokenId: string, secret: string, now: string): Promise<Principal> {
    const stored = await this.credentials.apiToken(tokenId);
    // Compared even for an unknown token id, against a hash that cannot match, in constant time.
    const matches = sameHash(sha256(secret), stored?.hash ?? sha256(`${secret}\u0000`));
    if (!stored || !matches) throw new Unauthenticated('unknown API token', 'TOKEN_INVALID');
    const state = await this.user(stored.userId);
    const known = state.apiTokens[tokenId];
    if (!known || known.revoked) throw new Unauthenticated('the API token was revoked', 'TOKEN_REVOKED');
    if (known.expiresAt !== null && known.expiresAt <= now) throw new Unauthenticated(`the API token expired at ${known.expiresAt}`, 'TOKEN_EXPIRED');
    return this.principalOf(state, 'api-token', { tokenId });
  }

  /**
   * Signs a user in with their password: a session and its token, or Unauthenticated saying only that the user id
   * or password is wrong (which one is not told). Rate-limited per client address; a user id that fails
   * LEDGER_LOCKOUT_FAILURES times in a row is locked for LEDGER_LOCKOUT_MINUTES, existing or not.
   */
  async signIn(userId: string, password: string, client: string): Promise<SignedIn> {
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    const wait = this.limiter.take(client, nowMs);
    if (wait !== null) throw new Unauthenticated(`too many sign-in attempts from this address: wait ${wait} s`, 'TOO_MANY_REQUESTS', 429, wait);
    const id = userId.trim().toLowerCase();
    const locked = await this.credentials.lockedUntil(id, now);
    if (locked) throw this.lockedOut(id, locked, nowMs);
    const state = await this.user(id);
    const hash = state.credentialId !== null ? await this.credentials.passwordHash(state.credentialId, id) : undefined;
    const ok = await verifyPassword(password, hash ?? (await decoyHash()));
    if (!ok || !hash || state.userId === null) {
      const lock = await this.credentials.failedSignIn(id, this.config.lockoutFailures, new Date(nowMs + this.config.lockoutMinutes * 60_000).toISOString());
      if (lock) {
        this.logger.warn(`sign-in locked for user id "${id}" until ${lock} after ${this.config.lockoutFailures} failures (last from ${client})`);
        throw this.lockedOut(id, lock, nowMs);
      }
      throw new Unauthenticated('wrong user id or password', 'SIGN_IN_FAILED');
    }
    const principal = this.principalOf(state, 'password', state.mustChangePassword ? { mustChangePassword: true } : {});
    await this.credentials.succeededSignIn(id);
    return this.startSession(principal, state.credentialId ?? undefined, nowMs);
  }

  private lockedOut(id: string, until: string, nowMs: number): Unauthenticated {
    const seconds = Math.max(1, Math.ceil((Date.parse(until) - nowMs) / 1000));
    return new Unauthenticated(`user id "${id}" is locked after repeated failed sign-ins until ${until}`, 'ACCOUNT_LOCKED', 429, seconds);
  }

  /** A new session for a principal: its row, and its signed token. An external principal (OIDC) is kept in the row. */
  async startSession(principal: Principal, credentialId: string | undefined, nowMs = Date.now(), external = false): Promise<SignedIn> {
    const sessionId = randomUUID();
    const expiresAt = new Date(nowMs + this.config.sessionMinutes * 60_000).toISOString();
    await this.credentials.startSession(sessionId, principal.id, new Date(nowMs).toISOString(), expiresAt, external ? principal : undefined);
    const token = await this.tokens.sign({ userId: principal.id, sessionId, ...(credentialId ? { credentialId } : {}), expiresAt });
    return { token, expiresAt, principal: { ...principal, sessionId } };
  }

  async signOut(principal: Principal): Promise<void> {
    if (principal.sessionId) await this.credentials.endSession(principal.sessionId, new Date().toISOString());
  }

  /** Checks a user's current password (before they change it). */
  async checkPassword(userId: string, password: string): Promise<boolean> {
    const state = await this.user(userId);
    const hash = state.credentialId !== null ? await this.credentials.passwordHash(state.credentialId, userId) : undefined;
    return (await verifyPassword(password, hash ?? (await decoyHash()))) && hash !== undefined;
  }
}
