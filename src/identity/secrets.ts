import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords and tokens. Passwords are hashed with scrypt (memory-hard; Node's own crypto): N=2^15, r=8, p=1, 32 MiB
 * per hash, a 16-byte random salt, stored as `scrypt$<N>$<r>$<p>$<salt>$<hash>` (base64url) so the cost can be raised
 * later without invalidating stored hashes. API tokens are 256 random bits: a plain SHA-256 of them is enough, and is
 * all that is stored. Every comparison of secrets is constant-time.
 */

const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether a password matches a stored hash; a malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to check against when the user does not exist: a failed sign-in takes as long either way. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword(randomBytes(16).toString('hex')));

/**
 * A one-time password a person can type from a printout: 4 groups of 5 letters and digits without look-alikes
 * (no 0/O, 1/l/I), about 100 bits.
 */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

/** What a password must be: 12-200 characters, not all of one kind of character. */
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return 'must be at least 12 characters';
  if (password.length > 200) return 'must be at most 200 characters';
  if (new Set(password).size < 5) return 'must not repeat a few characters: use at least 5 different ones';
  return null;
}

export const API_TOKEN_PREFIX = 'gnbv_';

/** An API token as the script sends it: gnbv_<token id>_<256 random bits>. Only the hash of the secret part is stored. */
export function apiToken(tokenId: string): { token: string; hash: Buffer } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${API_TOKEN_PREFIX}${tokenId}_${secret}`, hash: sha256(secret) };
}

/** The token id and secret of something that looks like an API token, else null. */
export function parseApiToken(value: string): { tokenId: string; secret: string } | null {
  const m = /^gnbv_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/.exec(value);
  return m ? { tokenId: m[1], secret: m[2] } : null;
}

export const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Constant-time equality of two hashes. */
export const sameHash = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);
