import Decimal from 'decimal.js';
import { AMOUNT_CEILING, D, formatVnd, overCeiling } from '../money/money';
import { calendarDateProblem } from '../shared/validation/validators';

/**
 * Figures as Vietnamese documents write them: "." between thousands, "," before decimals, and a unit
 * ("65.536 triệu đồng", "695,4 triệu", "3.206.178.594 đồng"). Parsed exactly, never through a JS number.
 * Anything that could be read two ways is refused with the reason, never guessed.
 */

/** An amount of money read from a document. */
export interface ParsedAmount {
  /** Exact đồng, canonical decimal string ("65536000000", "1550.44"). */
  readonly dong: string;
  /** Đồng value of the last digit written: "17.015 triệu" → "1000000", "695,4 triệu" → "100000". */
  readonly resolution: string;
}

export interface ParsedPercent {
  /** The percentage as a decimal string with ".": "17,22 %" → "17.22". */
  readonly percent: string;
  /** Decimal places written: the precision a check rounds to. */
  readonly decimals: number;
}

/** Units a figure may carry, with their value in đồng. Longest spellings first. */
const UNITS: readonly (readonly [RegExp, string])[] = [
  [/^(triệu đồng|triệu đ|triệu|tr\.?\s?đồng|trđ)$/u, '1000000'],
  [/^(tỷ đồng|tỷ đ|tỷ|tỉ đồng|tỉ)$/u, '1000000000'],
  [/^(nghìn đồng|nghìn đ|nghìn|ngàn đồng|ngàn)$/u, '1000'],
  [/^(đồng|đ|vnđ|vnd)$/iu, '1'],
];

export const AMOUNT_EXAMPLES = '"65.536 triệu đồng", "695,4 triệu đồng", "3.206.178.594 đồng"';

/** Why a figure is not a number in Vietnamese format, or the exact decimal and its number of decimals. */
function vietnameseDecimal(text: string): { value: D; decimals: number } | string {
  if (/^[+-]/.test(text)) return 'amounts are written without a sign';
  if (!/^[0-9.,]+$/.test(text)) return `"${text}" is not a number in Vietnamese format (digits, "." between thousands, "," before decimals)`;
  const commas = text.split(',').length - 1;
  if (commas > 1) return `"${text}" has more than one ","; in Vietnamese format "," separates the decimals and "." the thousands`;
  const [intPart, fracPart] = text.split(',');
  if (fracPart !== undefined && fracPart.includes('.')) {
    return `"${text}" has "." after ","; that is English formatting: write it the Vietnamese way, e.g. "1.550,44"`;
  }
  if (fracPart !== undefined && !/^[0-9]+$/.test(fracPart)) return `"${text}" has no digits after ","`;
  if (intPart.includes('.')) {
    if (!/^[0-9]{1,3}(\.[0-9]{3})+$/.test(intPart)) {
      return `"${text}": "." separates groups of exactly three digits ("1.550.440"); for decimals write "," ("695,4")`;
    }
  } else if (!/^[0-9]+$/.test(intPart)) {
    return `"${text}" has no digits before ","`;
  }
  if (/^0[0-9]/.test(intPart.replace(/\./g, ''))) return `"${text}" starts with a 0`;
  // 30 digits is beyond the ceiling in any unit; more would round in Decimal's 40 digits once multiplied by a unit.
  if (text.replace(/[.,]/g, '').length > 30) return `"${text}" has more digits than any amount the ledger takes (at most 10^20 đồng)`;
  const plain = intPart.replace(/\./g, '') + (fracPart !== undefined ? `.${fracPart}` : '');
  return { value: new D(plain), decimals: fracPart?.length ?? 0 };
}

/**
 * "65.536 triệu đồng" → 65536000000 đồng exactly. The unit is required: "65.536" alone could be đồng,
 * thousands or millions, so it is refused. JSON/YAML numbers are refused too: 65.536 written as a number
 * is 65 and a half in YAML, and a number cannot say its unit.
 */
export function parseAmount(value: unknown): ParsedAmount | string {
  if (typeof value === 'number') {
    return `${value} is a bare number: write the amount as text with its unit, e.g. ${AMOUNT_EXAMPLES}`;
  }
  if (typeof value !== 'string') return `must be an amount with its unit, e.g. ${AMOUNT_EXAMPLES}`;
  const text = value.trim().replace(/\s+/g, ' ');
  const m = /^([^\s]+)(?:\s+(.+))?$/u.exec(text);
  if (!m) return `must be an amount with its unit, e.g. ${AMOUNT_EXAMPLES}`;
  const [, figure, unitText] = m;
  if (unitText === undefined) {
    return `"${text}" has no unit: write "${figure} đồng" or "${figure} triệu đồng" (the unit decides the amount)`;
  }
  const unit = UNITS.find(([re]) => re.test(unitText.toLowerCase()));
  if (!unit) return `"${unitText}" is not a unit of money; use đồng, nghìn đồng, triệu đồng or tỷ đồng`;
  const parsed = vietnameseDecimal(figure);
  if (typeof parsed === 'string') return parsed;
  const dong = parsed.value.times(unit[1]);
  if (overCeiling(dong)) return `"${text}" is more than the ceiling of ${formatVnd(AMOUNT_CEILING)} (10^20 đồng) an amount may have`;
  if (dong.decimalPlaces() > 2) {
    return `"${text}" is ${dong.toFixed()} đồng: more than 2 decimal places of a đồng`;
  }
  const resolution = new D(unit[1]).div(new D(10).pow(parsed.decimals));
  return { dong: dong.toFixed(), resolution: resolution.toFixed() };
}

/** "17,22 %", "17,22%" or "45%" → { percent: "17.22", decimals: 2 }. */
export function parsePercent(value: unknown): ParsedPercent | string {
  if (typeof value === 'number') {
    return `${value} is a bare number: write the rate as text with "%", e.g. "17,22 %"`;
  }
  if (typeof value !== 'string') return 'must be a percentage such as "17,22 %"';
  const m = /^\s*([0-9.,]+)\s*%\s*$/.exec(value);
  if (!m) return `"${value}" is not a percentage such as "17,22 %" (a "%" is required)`;
  const parsed = vietnameseDecimal(m[1]);
  if (typeof parsed === 'string') return parsed;
  return { percent: parsed.value.toFixed(), decimals: parsed.decimals };
}

/**
 * A count or quantity: a whole YAML number (278), or text in Vietnamese format ("1.200", "12,5").
 * A YAML number with a fraction is refused: 1.200 in YAML is one point two, not one thousand two hundred.
 */
export function parseQuantity(value: unknown): string | { problem: string } {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return String(value);
    return { problem: `${value} as a YAML number is ambiguous; write it as text in Vietnamese format, e.g. "1.200" or "12,5"` };
  }
  if (typeof value !== 'string') return { problem: 'must be a quantity such as 278 or "1.200"' };
  const parsed = vietnameseDecimal(value.trim());
  if (typeof parsed === 'string') return { problem: parsed };
  return parsed.value.toFixed();
}

/** "30/6/2024" or "2024-06-30" → "2024-06-30"; a date that is not in the calendar is refused. */
export function parseDate(value: unknown): string | { problem: string } {
  if (typeof value !== 'string') {
    return { problem: 'must be a date such as "2024-06-30" or "30/06/2024" (quote it in YAML)' };
  }
  let y: number;
  let mo: number;
  let d: number;
  const isoMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  if (isoMatch) [y, mo, d] = [Number(isoMatch[1]), Number(isoMatch[2]), Number(isoMatch[3])];
  else if (vn) [d, mo, y] = [Number(vn[1]), Number(vn[2]), Number(vn[3])];
  else return { problem: `"${value}" is not a date such as "2024-06-30" or "30/06/2024"` };
  const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  // The same rules as a date sent over HTTP: in the calendar, within the ledger's range.
  const problem = calendarDateProblem(iso);
  return problem === null ? iso : { problem: problem.replace(`"${iso}"`, `"${value}"`) };
}

/** part / whole × 100 rounded half-up to `decimals` places, as a decimal string; null when whole is 0. */
export function percentOf(part: string, whole: string, decimals: number): string | null {
  const w = new D(whole);
  if (w.isZero()) return null;
  return new D(part).times(100).div(w).toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP).toFixed(decimals);
}
