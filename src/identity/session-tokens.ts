import { errors, jwtVerify, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LedgerConfig } from '../config/ledger-config';
import { Unauthenticated } from './rights';

export const TOKEN_ISSUER = 'gnbv-ledger';
const ALGORITHM = 'HS256';
/** Verified session tokens remembered (see SessionTokens.verified): more than the sessions of a busy ledger. */
const VERIFIED_TOKENS = 10_000;

/** What a session token says: whose session, which one, and (for a password sign-in) which password it proved. */
export interface SessionClaims {
  readonly userId: string;
  readonly sessionId: string;
  /** The credential the sign-in proved: a later password reset or change ends the session. */
  readonly credentialId?: string;
  readonly expiresAt: string;
}

/**
 * Short-lived signed session tokens (JWT, HS256, through jose): sent as `Authorization: Bearer`, or held by the
 * browser in an http-only cookie. The signature makes them tamper-evident and the expiry short-lived; the session
 * row in the credentials store makes them revocable (sign-out, reset, disable). The key is never a default: it is
 * LEDGER_AUTH_KEY, or the file LEDGER_AUTH_KEY_FILE, generated on first start (mode 0600) outside the data folder.
 */
export class SessionTokens {
  /**
   * Tokens whose signature and claims were verified, by their text, with their claims: a token is checked once, not
   * at every request (the HMAC through WebCrypto cost about a tenth of a command's time under load). A token's claims
   * cannot change, so remembering them gives the same answer; its expiry is checked at every use. Whether its session
   * is still open (sign-out, reset, disabled user) is not a property of the token: AuthService asks the credentials
   * store at every request. Bounded: the oldest entry goes first.
   */
  private readonly verified = new Map<string, { readonly claims: SessionClaims; readonly exp: number }>();

  constructor(
    private readonly key: Uint8Array,
    private readonly audience: string,
  ) {}

  static load(config: Pick<LedgerConfig, 'authKey' | 'authKeyFile'>, audience = TOKEN_ISSUER): { tokens: SessionTokens; generated: boolean } {
    if (config.authKey) return { tokens: new SessionTokens(Buffer.from(config.authKey, 'base64url'), audience), generated: false };
    const file = config.authKeyFile;
    if (existsSync(file)) {
      const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
      if (key.length < 32) throw new Error(`the sign-in key in ${file} is shorter than 32 bytes`);
      return { tokens: new SessionTokens(key, audience), generated: false };
    }
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return { tokens: SessionTokens.load(config, audience).tokens, generated: true };
  }

  sign(claims: SessionClaims): Promise<string> {
    return new SignJWT({ sid: claims.sessionId, ...(claims.credentialId ? { cid: claims.credentialId } : {}) })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.parse(claims.expiresAt) / 1000))
      .sign(this.key);
  }

  /** The claims of a token this ledger signed, or Unauthenticated saying what is wrong with it. */
  async verify(token: string): Promise<SessionClaims> {
    const known = this.verified.get(token);
    // Expired as jose says it: once the current second reaches `exp`. An expired token is verified again (and refused).
    if (known && Math.floor(Date.now() / 1000) < known.exp) return known.claims;
    if (known) this.verified.delete(token);
    const claims = await this.verifySignature(token);
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { claims, exp: Math.floor(Date.parse(claims.expiresAt) / 1000) });
    return claims;
  }

  private async verifySignature(token: string): Promise<SessionClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: TOKEN_ISSUER, audience: this.audience, algorithms: [ALGORITHM] });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') {
        throw new Unauthenticated('the session token lacks its subject, session or expiry');
      }
      return {
        userId: payload.sub,
        sessionId: payload.sid,
        ...(typeof payload.cid === 'string' ? { credentialId: payload.cid } : {}),
        expiresAt: new Date(payload.exp * 1000).toISOString(),
      };
    } catch (error) {
      if (error instanceof Unauthenticated) throw error;
      if (error instanceof errors.JWTExpired) throw new Unauthenticated('the session token has expired: sign in again', 'TOKEN_EXPIRED');
      if (error instanceof errors.JWSSignatureVerificationFailed) throw new Unauthenticated('the session token is not signed by this ledger', 'TOKEN_INVALID');
      if (error instanceof errors.JOSEError) throw new Unauthenticated(`the session token is not valid: ${error.code}`, 'TOKEN_INVALID');
      throw error;
    }
  }
}

/** Whether a bearer value is a JWT (three base64url parts), and its issuer without verifying anything. */
export function unverifiedIssuer(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}
