import type Database from 'better-sqlite3';
import type { SqlDatabase, SqlStatement } from '../../projections/shared/sql-database';

/**
 * A row made from its values in column order.
 *
 * better-sqlite3 builds each row object one property at a time, turning every column's name into a JavaScript string
 * again for every row. For the history's entries (22 columns) that is about 10 µs a row, most of a page's cost.
 * The same rows read as arrays (`raw`) and given their names by one object literal, compiled once per statement, cost
 * about a third as much. The literal also gives every row of a statement the same hidden class.
 *
 * The objects are the same as better-sqlite3's:
 * - the columns' names are the keys, in column order;
 * - a later column of the same name wins;
 * - the prototype is Object's.
 *
 * A column named `__proto__` would set the prototype in a literal, so such a statement keeps better-sqlite3's own objects.
 */
export type RowMaker = (values: readonly unknown[]) => Record<string, unknown>;

export function rowMaker(names: readonly string[]): RowMaker | null {
  if (names.includes('__proto__')) return null;
  // JSON string literals are JavaScript string literals: any name is quoted exactly.
  const members = names.map((name, i) => `${JSON.stringify(name)}: values[${i}]`).join(', ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiled once per statement, from column names only
  return new Function('values', `return { ${members} };`) as RowMaker;
}

/** A better-sqlite3 statement that answers rows as objects built by its RowMaker (see rowMaker). */
class RowStatement implements SqlStatement {
  private plucked = false;
  private readonly make: RowMaker | null;

  constructor(private readonly statement: Database.Statement) {
    this.make = statement.reader ? rowMaker(statement.columns().map((c) => c.name)) : null;
    if (this.make) statement.raw(true);
  }

  private get rows(): boolean {
    return this.make !== null && !this.plucked;
  }

  run(...params: unknown[]): Database.RunResult {
    return this.statement.run(...params);
  }

  get(...params: unknown[]): unknown {
    const row = this.statement.get(...params);
    return this.rows && row !== undefined ? this.make!(row as unknown[]) : row;
  }

  all(...params: unknown[]): unknown[] {
    const rows = this.statement.all(...params);
    return this.rows ? rows.map((row) => this.make!(row as unknown[])) : rows;
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    const make = this.rows ? this.make! : null;
    for (const row of this.statement.iterate(...params)) yield make ? make(row as unknown[]) : row;
  }

  /** Rows as their first column's value: better-sqlite3's pluck (which ends raw); off again, raw rows made objects. */
  pluck(toggle = true): this {
    this.plucked = toggle;
    if (toggle) this.statement.pluck(true);
    else if (this.make) this.statement.raw(true);
    else this.statement.pluck(false);
    return this;
  }

  safeIntegers(toggle = true): this {
    this.statement.safeIntegers(toggle);
    return this;
  }
}

/** The read models' use of a better-sqlite3 connection (SqlDatabase), with rows made by RowStatement. */
export function sqliteRowsDatabase(db: Database.Database): SqlDatabase {
  return {
    prepare: (sql) => new RowStatement(db.prepare(sql)),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    get inTransaction() {
      return db.inTransaction;
    },
  };
}
