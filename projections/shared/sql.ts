import { centsOf } from './cents';

/** Reading values back from SQLite rows (statements read integers as BigInt: see ReadTx.stmt). */

export type Row = Record<string, unknown>;

/** A column's name from a field's: budgetYear → budget_year. */
export const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A list of n placeholders: "?, ?, ?". */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));

export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** A column that must come back exact (money in cents, see cents.ts): a BigInt, a small number or integer text; null is 0. */
export function big(v: unknown): bigint {
  return v === null || v === undefined ? 0n : centsOf(v);
}

/** A flat map as JSON with its keys sorted: sums stored as JSON are the same whatever order their parts arrived in. */
export function sortedJson(map: Readonly<Record<string, unknown>>): string {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(map).sort()) out[k] = map[k];
  return JSON.stringify(out);
}

/** WHERE conditions and their parameters, built up by filters. */
export interface Where {
  readonly sql: string[];
  readonly params: unknown[];
}
