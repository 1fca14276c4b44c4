import { centsOf } from './cents';
import type { SqlDatabase, SqlStatement } from './sql-database';

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

/**
 * Rows of one INSERT written `rowsPerStatement` at a time: `INSERT INTO t (a, b) VALUES (?, ?), (?, ?)…`, one
 * statement (on PostgreSQL one round trip) where there were as many; `flush` writes what is left one row at a time.
 * Both engines accept it. An upsert's tail (ON CONFLICT … DO UPDATE) must not meet the same key twice in one
 * statement: PostgreSQL refuses that, so only rows of distinct keys may be added between flushes. With one row per
 * statement (SQLite's read models) each row is written as it is added.
 */
export class RowWriter {
  private pending: unknown[] = [];
  private readonly one: SqlStatement;
  private readonly many: SqlStatement;
  private readonly width: number;
  private readonly perStatement: number;

  /** `head`: "INSERT INTO t (a, b)"; `tail`: what follows the values (ON CONFLICT …), if anything. */
  constructor(to: { readonly db: SqlDatabase; readonly rowsPerStatement: number }, head: string, columns: number, tail = '') {
    const db = to.db;
    const perStatement = Math.max(1, to.rowsPerStatement);
    const row = `(${placeholders(columns)})`;
    this.width = columns;
    this.perStatement = perStatement;
    this.one = db.prepare(`${head} VALUES ${row} ${tail}`);
    this.many = db.prepare(`${head} VALUES ${Array.from({ length: perStatement }, () => row).join(', ')} ${tail}`);
  }

  add(...values: unknown[]): void {
    if (values.length !== this.width) throw new Error(`a row of ${this.width} values expected, got ${values.length}`);
    if (this.perStatement === 1) {
      // SQLite: nothing held back, the row's values go to the statement as they are.
      this.one.run(...values);
      return;
    }
    for (let i = 0; i < values.length; i++) this.pending.push(values[i]);
    if (this.pending.length === this.width * this.perStatement) {
      const rows = this.pending;
      this.pending = [];
      this.many.run(...rows);
    }
  }

  flush(): void {
    const rows = this.pending;
    this.pending = [];
    for (let i = 0; i < rows.length; i += this.width) this.one.run(...rows.slice(i, i + this.width));
  }

  /** Forgets the rows not yet written (their batch is rolled back). */
  clear(): void {
    this.pending = [];
  }
}

/** WHERE conditions and their parameters, built up by filters. */
export interface Where {
  readonly sql: string[];
  readonly params: unknown[];
}
