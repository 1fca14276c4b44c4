import type Database from 'better-sqlite3';
import type { Money } from '../../events';
import { D } from '../../src/money/money';

/**
 * Money at rest in the read models: integer cents of đồng (đồng × 100) as a BigInt, exact, of any size. An amount
 * may be up to 10^20 đồng (AMOUNT_CEILING), and sums of amounts go further, beyond what SQLite's INTEGER holds
 * (int64: 92 233 720 368 547 758.07 đồng). So a money column has no declared type (CENTS): SQLite keeps what is
 * written, cents as an INTEGER while they fit in int64, else as the text of their digits (centsParam); a column
 * declared INTEGER would turn that text into an inexact REAL. Read back, `big` takes either. Never a JS number.
 *
 * Sums in SQL: a native sum() is exact while it stays within int64, and it says when it is not: it fails with
 * "integer overflow", or (when it met cents stored as text) returns a REAL. Read models then sum again with
 * cents_sum, an exact aggregate (registerCentsFunctions; ReadModelDb registers it on its connection).
 */
export type Cents = bigint;

/** The declaration of a money column: no type, so that SQLite keeps cents beyond int64 as exact text (see above). */
export const CENTS = '/* cents: INTEGER, or TEXT beyond int64 */';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Cents as an SQLite value: the BigInt while it fits in int64, else the text of its digits. */
export function centsParam(cents: Cents): bigint | string {
  return cents <= INT64_MAX && cents >= INT64_MIN ? cents : cents.toString();
}

/** Cents from an SQLite value: INTEGER (BigInt, or a safe number) or the text of an integer; a REAL is refused. */
export function centsOf(value: unknown): Cents {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return BigInt(value);
  throw new TypeError(`inexact cents: expected an integer, got ${typeof value} ${String(value)}`);
}

/**
 * cents_sum(x): the exact sum of cents of any size, as an SQL aggregate (NULLs skipped; 0 over no rows); and
 * cents_add(a, b), their exact sum as a function. Both answer INTEGER while the result fits in int64, else text.
 */
export function registerCentsFunctions(db: Database.Database): void {
  db.aggregate('cents_sum', {
    start: () => 0n,
    step: (total: bigint, value: unknown) => (value === null ? total : total + centsOf(value)),
    result: (total: bigint) => centsParam(total),
    safeIntegers: true,
    deterministic: true,
  });
  db.function('cents_add', { safeIntegers: true, deterministic: true }, (a: unknown, b: unknown) =>
    centsParam((a === null ? 0n : centsOf(a)) + (b === null ? 0n : centsOf(b))),
  );
}

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
  // Most of a line's counters are nought: no BigInt division for them.
  if (cents === 0n) return '0';
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
