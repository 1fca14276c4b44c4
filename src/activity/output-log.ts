import type { OutputQuantity } from '../../events';
import { D } from '../money/money';

/**
 * Outputs of an activity as recorded over time: per indicator (and per indicator and beneficiary category), each
 * record either adds or, when it corrects, states the total. `at` orders records by valid time: [effective date as
 * yyyymmdd, log position]. The value of a key is the latest total (0 if none) plus every addition after it, so the
 * result does not depend on the order records are folded in, and a back-dated correction replaces only what was
 * in force before it.
 */
export interface OutputEntry {
  readonly at: readonly [number, number];
  readonly quantity: string;
  readonly total: boolean;
}
export type OutputLog = Readonly<Record<string, readonly OutputEntry[]>>;

/** The key of an indicator's total ("trainees") or of its count for a category ("trainees/women"). */
export const outputKey = (indicator: string, category?: string): string => (category === undefined ? indicator : `${indicator}/${category}`);

/** "trainees/women" → { indicator: "trainees", category: "women" }. */
export function splitOutputKey(key: string): { indicator: string; category?: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { indicator: key } : { indicator: key.slice(0, slash), category: key.slice(slash + 1) };
}

const after = (a: readonly [number, number], b: readonly [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** The value of one key: the latest total, plus the additions after it. Exact decimal text. */
export function outputValue(entries: readonly OutputEntry[]): string {
  let base: OutputEntry | undefined;
  for (const e of entries) if (e.total && (base === undefined || after(e.at, base.at))) base = e;
  let value = new D(base?.quantity ?? 0);
  for (const e of entries) if (!e.total && (base === undefined || after(e.at, base.at))) value = value.plus(e.quantity);
  return value.toFixed();
}

/** The log with one record's items added, and the values of the keys it touched. */
export function recordOutputs(
  log: OutputLog,
  values: Readonly<Record<string, string>>,
  items: readonly OutputQuantity[],
  total: boolean,
  at: readonly [number, number],
): { log: OutputLog; values: Record<string, string> } {
  const nextLog: Record<string, readonly OutputEntry[]> = { ...log };
  const nextValues: Record<string, string> = { ...values };
  for (const item of items) {
    const key = outputKey(item.indicator, item.category);
    const entries = [...(nextLog[key] ?? []), { at, quantity: item.quantity, total }];
    nextLog[key] = entries;
    nextValues[key] = outputValue(entries);
  }
  return { log: nextLog, values: nextValues };
}
