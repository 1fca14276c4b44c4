import type { Money } from '../../events';
import { D } from '../../src/money/money';

/**
 * Money at rest in the read models: integer cents of đồng (đồng × 100) as a BigInt, exact. SQLite stores
 * them as INTEGER (int64: up to 92 233 720 368 547 758.07 đồng, thousands of times the whole programme);
 * an overflowing SUM() is an SQLite error, never a silent wrap. Never a JS number.
 */
export type Cents = bigint;

/** "1550440.5" → 155044050n. Accepts a canonical amount (at most 2 decimals), optionally negative. */
export function toCents(amount: Money): Cents {
  const dot = amount.indexOf('.');
  if (dot < 0) return BigInt(amount) * 100n;
  const frac = amount.slice(dot + 1);
  if (frac.length > 2 || frac.length === 0) throw new RangeError(`amount "${amount}" has ${frac.length} decimal places; at most 2 are allowed`);
  const whole = amount.slice(0, dot);
  const negative = whole.startsWith('-');
  const fraction = BigInt(frac.length === 1 ? `${frac}0` : frac);
  return BigInt(whole) * 100n + (negative ? -fraction : fraction);
}

/** 155044050n → "1550440.5": the canonical decimal string of money.ts's toMoney (no exponent, no trailing zeros). */
export function centsToMoney(cents: Cents): Money {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const frac = abs % 100n;
  let out = whole.toString();
  if (frac !== 0n) {
    const f = frac < 10n ? `0${frac}` : frac.toString();
    out += `.${f.endsWith('0') ? f[0] : f}`;
  }
  return negative ? `-${out}` : out;
}

export function centsToDecimal(cents: Cents): D {
  return new D(centsToMoney(cents));
}
