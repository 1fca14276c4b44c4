import { errors, jwtVerify, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LedgerConfig } from '../config/ledger-config';
import { Unauthenticated } from './rights';

export const TOKEN_ISSUER = 'gnbv-ledger';
const ALGORITHM = 'HS256';

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
