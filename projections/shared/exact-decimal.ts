/**
 * Exact decimal quantities (hectares, kilometres, households...) without decimal.js on the hot path: a
 * BigInt and a scale, so "12.25" is 1225n × 10⁻². Any decimal string without exponent is exact.
 */
export interface Exact {
  readonly v: bigint;
  readonly s: number;
}

const POW10: bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));
const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n);

export function parseExact(text: string): Exact {
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new RangeError(`"${text}" is not a plain decimal number`);
  const dot = text.indexOf('.');
  if (dot < 0) return { v: BigInt(text), s: 0 };
  return { v: BigInt(text.slice(0, dot) + text.slice(dot + 1)), s: text.length - dot - 1 };
}

export function addExact(a: Exact, b: Exact): Exact {
  if (a.s === b.s) return { v: a.v + b.v, s: a.s };
  return a.s > b.s ? { v: a.v + b.v * pow10(a.s - b.s), s: a.s } : { v: a.v * pow10(b.s - a.s) + b.v, s: b.s };
}

/** Canonical text: no trailing zeros after the point, "0" for zero ("4.50" → "4.5"). */
export function formatExact(x: Exact): string {
  if (x.v === 0n) return '0';
  const negative = x.v < 0n;
  let digits = (negative ? -x.v : x.v).toString();
  let s = x.s;
  while (s > 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    s -= 1;
  }
  if (s > 0) {
    digits = digits.padStart(s + 1, '0');
    digits = `${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** a + sign × b on decimal strings, exactly. */
export function addDecimalText(a: string | undefined, b: string, sign: 1 | -1 = 1): string {
  const y = parseExact(b);
  return formatExact(addExact(a === undefined ? { v: 0n, s: 0 } : parseExact(a), sign === 1 ? y : { v: -y.v, s: y.s }));
}
