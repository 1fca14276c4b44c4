/**
 * The part of a database connection the read models use: prepared statements read and written synchronously,
 * transactions, and a batch of statements. Two engines provide it: better-sqlite3 (the embedded read models; its
 * Database fits this shape as it is) and PostgreSQL through a synchronous client (src/store/postgres/sync-sql.ts),
 * which runs in worker threads and the CLI, where blocking on the server does not hold up requests.
 *
 * Statements are written once, in the SQL both engines accept (see README, "Read models on PostgreSQL"): `?`
 * placeholders, `ON CONFLICT` upserts, CENTS money columns summed with cents_sum / cents_add.
 */
export interface SqlStatement {
  /** Runs a statement that returns no rows. */
  run(...params: unknown[]): unknown;
  /** The first row, or undefined. */
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** Rows as their first column's value. */
  pluck(toggle?: boolean): this;
  /** Integers (and cents) read as BigInt, exactly. */
  safeIntegers(toggle?: boolean): this;
}

export interface SqlDatabase {
  prepare(sql: string): SqlStatement;
  /** Runs statements separated by semicolons, without parameters. */
  exec(sql: string): unknown;
  /** Wraps fn in a transaction (a savepoint when one is open): committed if it returns, rolled back if it throws. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the shape of better-sqlite3's own declaration
  transaction<F extends (...args: any[]) => unknown>(fn: F): (...args: F extends (...a: infer A) => unknown ? A : never) => ReturnType<F>;
  readonly inTransaction: boolean;
}
