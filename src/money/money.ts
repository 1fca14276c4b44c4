import Decimal from 'decimal.js';
import type { Money } from '../../events';
import { InvalidCommand } from '../shared/errors';

/**
 * The largest amount one command or journal entry may carry: 10^20 đồng, a hundred times what the whole 2026-2030
 * programme mobilises (about 1.04·10^18 đồng). Quantities (houses, hectares) have the same ceiling.
 *
 * Why it makes every sum exact: a figure of the ledger (a line's plan, a country's disbursements) adds at most one
 * amount per event, and a log holds fewer than 2^53 events (positions are safe integers), so every sum is below
 * 2^53 × 10^20 < 10^36 đồng: with its 2 decimal places, at most 38 significant digits, within the 40 that
 * Decimal (D) computes exactly. The read side holds cents of any size (projections/shared/cents.ts).
 */
export const AMOUNT_CEILING = '100000000000000000000';

/** Money arithmetic never rounds: 40 significant digits hold every sum of amounts up to AMOUNT_CEILING (see there). */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export type D = Decimal;

/** Positive exact đồng: digits, an optional "." and at most 2 decimal places; no sign, exponent or separators. */
export const AMOUNT_PATTERN = /^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/;

export const ZERO = new D(0);
const CEILING = new D(AMOUNT_CEILING);

/** The words of an amount's problems (formatted once: every command checks its amounts). */
const AMOUNT_WORDS = {
  example: 'a decimal string of đồng such as "620000000" or "1550440.50"',
  what: 'an exact amount of đồng',
  ceiling: `${formatVnd(AMOUNT_CEILING)} (10^20 đồng)`,
};
const QUANTITY_WORDS = { example: 'a decimal string such as "101" or "12.5"', what: 'an exact quantity', ceiling: '10^20' };

/** Why a string is not an acceptable amount, or null when it is. */
export function amountProblem(value: unknown): string | null {
  return decimalProblem(value, AMOUNT_WORDS);
}

/** Why a string is not an acceptable quantity (houses, households, hectares), or null when it is. */
export function quantityProblem(value: unknown): string | null {
  return decimalProblem(value, QUANTITY_WORDS);
}

/** Whether an exact value is beyond AMOUNT_CEILING: true for anything over it, whatever the unit it was written in. */
export function overCeiling(value: D): boolean {
  return value.gt(CEILING);
}

function decimalProblem(value: unknown, words: { example: string; what: string; ceiling: string }): string | null {
  if (typeof value !== 'string') return `must be ${words.example} (a JSON number would lose exactness)`;
  if (!AMOUNT_PATTERN.test(value)) {
    return `"${value}" is not ${words.what}: use digits with at most 2 decimal places after a ".", no exponent, sign or thousands separators`;
  }
  // More digits than the ceiling has: refused before Decimal reads it (it would round beyond 40 digits).
  const digits = value.indexOf('.') < 0 ? value.length : value.indexOf('.');
  if (digits > AMOUNT_CEILING.length) return `"${value}" is more than the ceiling of ${words.ceiling}`;
  const d = new D(value);
  if (d.gt(CEILING)) return `"${value}" is more than the ceiling of ${words.ceiling}`;
  if (d.lte(0)) return 'must be greater than 0';
  return null;
}

/** Parses an amount; a malformed one is an invalid command naming the field (deciders check what the edge checked). */
export function money(value: string, field = 'amount'): D {
  const problem = amountProblem(value);
  if (problem) throw InvalidCommand.field(field, problem);
  return new D(value);
}

/** Canonical decimal string: no exponent, no trailing zeros ("1550440.5"). */
export function toMoney(d: D): Money {
  return d.toFixed();
}

export function sum(values: Iterable<Money>): D {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/**
 * Vietnamese display form: "." between thousands, "," before decimals, then " đ":
 * 380000000 → "380.000.000 đ", 1550440.5 → "1.550.440,50 đ".
 */
export function formatVnd(value: D | Money): string {
  const d = new D(value);
  const negative = d.isNegative() && !d.isZero();
  const fixed = d.abs().toFixed(d.decimalPlaces() > 0 ? 2 : 0);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}${grouped}${frac ? `,${frac}` : ''} đ`;
}

/**
 * A decimal number in Vietnamese notation, exact: "." between thousands, "," before decimals; with `decimals`,
 * rounded half up to that many places. 1234.5 → "1.234,5"; -0.01 → "-0,01".
 */
export function formatNumberVi(value: D | string, decimals?: number): string {
  const d = new D(value);
  const negative = d.isNegative() && !d.isZero();
  const fixed = decimals === undefined ? d.abs().toFixed() : d.abs().toFixed(decimals, Decimal.ROUND_HALF_UP);
  const [int, frac] = fixed.split('.');
  return `${negative ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}${frac ? `,${frac}` : ''}`;
}

/** The units human output shows amounts in, as documents write them. */
export const DISPLAY_UNITS = {
  dong: { factor: '1', name: 'đồng' },
  nghin: { factor: '1000', name: 'nghìn đồng' },
  trieu: { factor: '1000000', name: 'triệu đồng' },
  ty: { factor: '1000000000', name: 'tỷ đồng' },
} as const;
export type DisplayUnit = keyof typeof DISPLAY_UNITS;

/**
 * An amount of đồng in a display unit, exact (never rounded: every digit of the đồng amount is kept):
 * 1550440000 in triệu → "1.550,44 triệu đồng"; 98801000000 → "98.801 triệu đồng".
 */
export function formatAmountVi(value: D | Money, unit: DisplayUnit = 'dong', withUnit = true): string {
  const { factor, name } = DISPLAY_UNITS[unit];
  const text = formatNumberVi(new D(value).div(factor));
  return withUnit ? `${text} ${name}` : text;
}

/** A rate as a decimal fraction string with 6 places (0.172218), from exact values; null when the base is 0. */
export function rate(part: D | Money, whole: D | Money): string | null {
  const w = new D(whole);
  if (w.isZero()) return null;
  return new D(part).div(w).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(6);
}

/**
 * In triệu đồng as the district documents write it, exact: 17015740000 → "17.015,74", 98801000000 → "98.801",
 * 695400000 → "695,4". Never rounded: a figure has as many decimals as it needs.
 */
export function formatTrieu(value: D | Money): string {
  return formatAmountVi(value, 'trieu', false);
}

/** A rate (a fraction, "0.172215") as a Vietnamese percentage rounded to `decimals` places, trailing zeros dropped: "17,22", "7,7", "100". */
export function formatPercent(fraction: D | string, decimals = 2): string {
  return formatNumberVi(new D(fraction).times(100).toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP));
}
