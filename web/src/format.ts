/**
 * Vietnamese number and date formats, exact. Money arrives from the API as decimal strings of đồng and is only
 * ever moved around as digits here (never a JavaScript number): "98801000000" đồng is "98.801.000.000" đồng or
 * "98.801" triệu đồng, "1550440000" is "1.550,44" triệu đồng. Pure: no DOM, so the tests run it in Node.
 */

export type MoneyUnit = 'dong' | 'trieu';

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Parts {
  readonly negative: boolean;
  readonly int: string;
  readonly frac: string;
}

function parts(value: string): Parts | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  return { negative: m[1] === '-', int: m[2], frac: m[3] ?? '' };
}

/** Moves the decimal point `places` digits to the left (places > 0) or right (places < 0), exactly. */
function shift(p: Parts, places: number): Parts {
  let digits = p.int + p.frac;
  let point = p.int.length - places;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits + '0'.repeat(point - digits.length);
  return { negative: p.negative, int: digits.slice(0, point) || '0', frac: digits.slice(point) };
}

function tidy(p: Parts): Parts {
  const int = p.int.replace(/^0+(?=\d)/, '');
  const frac = p.frac.replace(/0+$/, '');
  const zero = /^0*$/.test(int) && frac === '';
  return { negative: p.negative && !zero, int, frac };
}

const group = (int: string) => int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');

function write(p: Parts): string {
  const t = tidy(p);
  return `${t.negative ? '-' : ''}${group(t.int)}${t.frac ? `,${t.frac}` : ''}`;
}

/**
 * An exact amount of đồng in the unit the user picked, Vietnamese style, every significant digit kept:
 * ("17015740000", 'trieu') → "17.015,74"; ("380000000.5", 'dong') → "380.000.000,5".
 */
export function formatMoney(amount: string | null | undefined, unit: MoneyUnit): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const p = parts(amount);
  if (!p) return amount;
  return write(unit === 'trieu' ? shift(p, 6) : p);
}

/** A quantity (houses, households, hectares) in Vietnamese style: "1.234,5". */
export function formatQuantity(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const p = parts(String(value));
  return p ? write(p) : String(value);
}

/**
 * A rate given as a decimal fraction string ("0.172222") as a percentage with 2 decimals, rounded half up:
 * "17,22 %". Null (no base) is "—".
 */
export function formatRate(rate: string | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const p = parts(rate);
  if (!p) return rate;
  // percent with 2 decimals = rate × 10 000, rounded half up at the unit.
  const scaled = shift(p, -4);
  let units = BigInt(scaled.int);
  if (scaled.frac !== '' && scaled.frac[0] >= '5') units += 1n;
  const text = units.toString().padStart(3, '0');
  return `${p.negative && units !== 0n ? '-' : ''}${group(text.slice(0, -2))},${text.slice(-2)} %`;
}

/** Why a typed amount cannot be read, or the exact đồng it means. */
export type AmountReading = { readonly ok: true; readonly dong: string } | { readonly ok: false; readonly problem: 'format' | 'precision' | 'positive' };

/**
 * Reads an amount typed the Vietnamese way, in the unit shown beside the field: "1.550,44" triệu đồng →
 * "1550440000" đồng. Plain digits work too. More than 2 decimals of a đồng cannot be recorded.
 */
/** A number typed the Vietnamese way ("1.550,44", "12,35", "7"): its digits, or null when it has another shape. */
function readVietnamese(text: string): Parts | null {
  const m = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/.exec(text.trim().replace(/\s+/g, ''));
  return m ? { negative: false, int: m[1].replace(/\./g, ''), frac: m[2] ?? '' } : null;
}

/** A non-negative figure typed the Vietnamese way ("12,35", "1.204") as the API's decimal string ("12.35", "1204"); null when it is not one. */
export function parseDecimal(text: string): string | null {
  const read = readVietnamese(text);
  if (!read) return null;
  const p = tidy(read);
  return p.frac ? `${p.int}.${p.frac}` : p.int;
}

export function parseAmount(text: string, unit: MoneyUnit): AmountReading {
  const read = readVietnamese(text);
  if (!read) return { ok: false, problem: 'format' };
  const p = tidy(unit === 'trieu' ? shift(read, -6) : read);
  if (p.frac.length > 2) return { ok: false, problem: 'precision' };
  if (/^0*$/.test(p.int) && p.frac === '') return { ok: false, problem: 'positive' };
  return { ok: true, dong: p.frac ? `${p.int}.${p.frac}` : p.int };
}

/** The same amount typed back into a field: đồng → "1.550,44" in the unit. */
export function amountForInput(dong: string, unit: MoneyUnit): string {
  return formatMoney(dong, unit);
}

/** "2024-06-30" → "30/06/2024". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/** An instant as Vietnam's wall clock (UTC+7, no daylight saving): "29/11/2026 21:57:53". */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms + VIETNAM_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/**
 * A date typed as dd/mm/yyyy (or d/m/yyyy) → "YYYY-MM-DD"; null when it does not have that shape. Whether the day
 * exists is the API's to say (it names the field), so "30/02/2024" passes here as "2024-02-30".
 */
export function parseDate(text: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!m) return null;
  return `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
}

/**
 * A known-at moment typed as "dd/mm/yyyy" (the end of that day, as the API reads it) or "dd/mm/yyyy HH:mm" (that
 * minute, Vietnam time) → the API's knownAt value; null when it has neither shape.
 */
export function parseKnownAt(text: string): string | null {
  const m = /^(\d{1,2}\/\d{1,2}\/\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const date = parseDate(m[1]);
  if (!date) return null;
  if (m[2] === undefined) return date;
  return `${date}T${m[2].padStart(2, '0')}:${m[3]}:00+07:00`;
}

/** The API's knownAt value back as typed: "2024-07-15" → "15/07/2024", "2024-07-15T10:05:00+07:00" → "15/07/2024 10:05". */
export function knownAtForInput(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value);
  if (!m) return value;
  return m[2] === undefined ? formatDate(m[1]) : `${formatDate(m[1])} ${m[2]}:${m[3]}`;
}

/** Exact comparison of two decimal strings of money ("525000000" equals "525000000.00"). */
export function sameAmount(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return false;
  return write(x) === write(y);
}

/** A decimal string of đồng as a number of the unit, for drawing a chart only (never for arithmetic on money). */
export function chartValue(amount: string, unit: MoneyUnit): number {
  const p = parts(amount);
  if (!p) return 0;
  const t = tidy(unit === 'trieu' ? shift(p, 6) : p);
  return Number(`${t.negative ? '-' : ''}${t.int}.${t.frac || '0'}`);
}
