import { join } from 'node:path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { SqlDatabase, SqlStatement } from '../../../projections/shared/sql-database';
import { CENTS } from '../../../projections/shared/cents';
import { startWorker } from '../../shared/workers';
import { redact } from './connection';

/**
 * The read models on PostgreSQL, through the same synchronous interface as better-sqlite3 (SqlDatabase): the read
 * models' projectors and queries are synchronous, and stay so. Each connection is a thread of its own running `pg`
 * (sync-sql-worker.ts); a statement is posted to it, and the calling thread blocks (Atomics.wait) until the answer
 * is back. That is meant for the threads that only fold or read the read models (the projection thread, the reader
 * threads) and the CLI, never the event loop that answers requests.
 *
 * Statements are written once, in SQL both engines accept, and translated here (toPostgres). Values come back as
 * SQLite's would: integers as number (BigInt under safeIntegers), NUMERIC money as BigInt under safeIntegers,
 * booleans as 1/0.
 *
 * Inside a transaction, statements that return nothing (run) are sent with the next statement that reads, or with
 * the commit: a batch of a thousand upserts is one round trip, not a thousand. An error of one of them is thrown
 * there, and the transaction is rolled back as a whole, as it would be at once.
 */

/** How long a statement may take before the connection is given up as hung (a rebuild's index may take minutes). */
const STATEMENT_WAIT_MS = 30 * 60_000;

export interface SyncSettings {
  readonly url: string;
  readonly applicationName: string;
  readonly signal: SharedArrayBuffer;
}

interface SentStatement {
  readonly text: string;
  /** null: a script without parameters (exec). */
  readonly values: readonly unknown[] | null;
}

export type SyncRequest =
  | { readonly kind: 'port'; readonly port: MessagePort }
  | {
      readonly kind: 'run';
      readonly batch: readonly SentStatement[];
      /** The batch continues a transaction the server holds: it cannot be run again on a new connection. */
      readonly resumes: boolean;
    }
  | { readonly kind: 'close' };

export type SyncReply =
  | { readonly kind: 'rows'; readonly fields: readonly (readonly [string, number])[]; readonly rows: readonly (readonly (string | null)[])[] }
  | { readonly kind: 'error'; readonly message: string; readonly code?: string; readonly detail?: string; readonly at: number };

/** An error PostgreSQL gave a statement: its message, SQLSTATE code, and the statement. */
export class PgStatementError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly statement: string,
  ) {
    super(message);
    this.name = 'PgStatementError';
  }
}

/** One PostgreSQL connection answered synchronously: the thread that calls blocks until its statements are done. */
export class SyncPgConnection {
  private readonly worker: Worker;
  private readonly signal: Int32Array;
  private readonly replies: MessagePort;
  private closed = false;

  constructor(
    readonly url: string,
    applicationName: string,
  ) {
    const signal = new SharedArrayBuffer(4);
    this.signal = new Int32Array(signal);
    const { port1, port2 } = new MessageChannel();
    this.replies = port1;
    port1.unref();
    this.worker = startWorker(join(__dirname, 'sync-sql-worker'), { url, applicationName, signal } satisfies SyncSettings);
    this.worker.postMessage({ kind: 'port', port: port2 } satisfies SyncRequest, [port2]);
    // The thread holds a connection; it must not keep a process that is done from ending.
    this.worker.unref();
  }

  /** Runs statements in order, in one round trip; answers the last one's rows. `resumes`: see SyncRequest. */
  run(batch: readonly SentStatement[], resumes: boolean): Extract<SyncReply, { kind: 'rows' }> {
    if (this.closed) throw new Error('the PostgreSQL read-model connection is closed');
    const reply = this.call({ kind: 'run', batch, resumes });
    if (reply.kind === 'error') {
      const failed = batch[reply.at]?.text ?? '';
      const at = reply.detail ? ` (${reply.detail})` : '';
      throw new PgStatementError(`PostgreSQL: ${reply.message}${at} in: ${failed.slice(0, 2_000)}`, reply.code, failed);
    }
    return reply;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.call({ kind: 'close' });
    } finally {
      void this.worker.terminate();
      this.replies.close();
    }
  }

  private call(request: SyncRequest): SyncReply {
    Atomics.store(this.signal, 0, 0);
    this.worker.postMessage(request);
    const waited = Atomics.wait(this.signal, 0, 0, STATEMENT_WAIT_MS);
    const message = receiveMessageOnPort(this.replies);
    if (message === undefined) {
      throw new Error(
        waited === 'timed-out'
          ? `PostgreSQL did not answer within ${STATEMENT_WAIT_MS / 60_000} min (${redact(this.url)})`
          : `the PostgreSQL connection thread ended (${redact(this.url)})`,
      );
    }
    return message.message as SyncReply;
  }
}

// ---- the dialect -------------------------------------------------------------------------------------------------

/** The calls of `name(` in sql, each with its arguments split at top-level commas, replaced by what `rewrite` gives. */
function rewriteCalls(sql: string, name: string, rewrite: (args: string[]) => string | null): string {
  const pattern = new RegExp(`\\b${name}\\s*\\(`, 'gi');
  let out = '';
  let from = 0;
  for (let m = pattern.exec(sql); m !== null; m = pattern.exec(sql)) {
    if (m.index < from) continue;
    const open = m.index + m[0].length;
    let depth = 1;
    let i = open;
    const args: string[] = [];
    let argStart = open;
    for (; i < sql.length && depth > 0; i++) {
      const c = sql[i];
      if (c === "'") {
        i = sql.indexOf("'", i + 1);
        if (i < 0) i = sql.length;
      } else if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === ',' && depth === 1) {
        args.push(sql.slice(argStart, i));
        argStart = i + 1;
      }
    }
    args.push(sql.slice(argStart, i - 1));
    const replaced = rewrite(args.map((a) => rewriteAll(a.trim())));
    if (replaced === null) continue;
    out += sql.slice(from, m.index) + replaced;
    from = i;
    pattern.lastIndex = i;
  }
  return out + sql.slice(from);
}

function rewriteAll(sql: string): string {
  let s = rewriteCalls(sql, 'cents_add', (a) => `(coalesce(${a[0]}, 0) + coalesce(${a[1]}, 0))`);
  s = rewriteCalls(s, 'cents_sum', (a) => `sum(${a[0]})`);
  s = rewriteCalls(s, 'max', (a) => (a.length === 2 ? `greatest(${a.join(', ')})` : null));
  s = rewriteCalls(s, 'min', (a) => (a.length === 2 ? `least(${a.join(', ')})` : null));
  s = rewriteCalls(s, 'json_each', (a) => `json_array_elements_text(CAST(${a[0]} AS json))`);
  return s;
}

/** `?` placeholders, outside quoted text, numbered for PostgreSQL: $1, $2... */
function numberPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quoted = false;
  for (const c of sql) {
    if (c === "'") quoted = !quoted;
    out += c === '?' && !quoted ? `$${++n}` : c;
  }
  return out;
}

const translated = new Map<string, string>();

/**
 * A statement of the read models, written for both engines (README, "Read models on PostgreSQL"), in PostgreSQL's
 * dialect: numbered placeholders; money columns NUMERIC, integers BIGINT, text compared byte by byte as in SQLite;
 * cents_sum / cents_add as sum and +; two-argument max / min as greatest / least; json_each(?) as
 * json_array_elements_text.
 */
export function toPostgres(sql: string): string {
  let out = translated.get(sql);
  if (out !== undefined) return out;
  out = sql.split(CENTS).join('NUMERIC').replace(/\bWITHOUT ROWID\b/gi, '').replace(/\bINTEGER\b/g, 'BIGINT');
  if (/^\s*CREATE\s+(UNLOGGED\s+)?TABLE/i.test(out)) out = out.replace(/\bTEXT\b/g, 'TEXT COLLATE "C"');
  out = numberPlaceholders(rewriteAll(out));
  translated.set(sql, out);
  return out;
}

// ---- values ------------------------------------------------------------------------------------------------------

const INTEGER_TYPES = new Set([20, 21, 23, 26]);
const NUMERIC = 1700;
const FLOAT_TYPES = new Set([700, 701]);
const BOOL = 16;

/** A value from the server's text, typed as better-sqlite3 would give it. */
function valueOf(text: string | null, type: number, exact: boolean): unknown {
  if (text === null) return null;
  if (INTEGER_TYPES.has(type)) return exact ? BigInt(text) : Number(text);
  if (type === NUMERIC) {
    if (!/^-?\d+$/.test(text)) return Number(text);
    if (exact) return BigInt(text);
    const n = Number(text);
    // Beyond a safe integer SQLite would hold the cents as text (see cents.ts): so do we.
    return Number.isSafeInteger(n) ? n : text;
  }
  if (FLOAT_TYPES.has(type)) return Number(text);
  if (type === BOOL) return exact ? (text === 't' ? 1n : 0n) : text === 't' ? 1 : 0;
  return text;
}

/** A parameter as PostgreSQL takes it: numbers and text as they are, a boolean as 1/0 (as SQLite stores it). */
function paramOf(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

// ---- the database ------------------------------------------------------------------------------------------------

class PgStatement implements SqlStatement {
  private plucked = false;
  private exact = false;

  constructor(
    private readonly db: PgSqlDatabase,
    private readonly text: string,
  ) {}

  pluck(toggle = true): this {
    this.plucked = toggle;
    return this;
  }

  safeIntegers(toggle = true): this {
    this.exact = toggle;
    return this;
  }

  run(...params: unknown[]): void {
    this.db.send({ text: this.text, values: params.map(paramOf) }, false);
  }

  get(...params: unknown[]): unknown {
    return this.all(...params)[0];
  }

  all(...params: unknown[]): unknown[] {
    const { fields, rows } = this.db.send({ text: this.text, values: params.map(paramOf) }, true)!;
    const exact = this.exact;
    if (this.plucked) {
      const type = fields[0]?.[1] ?? 25;
      return rows.map((r) => valueOf(r[0], type, exact));
    }
    return rows.map((r) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) row[fields[i][0]] = valueOf(r[i], fields[i][1], exact);
      return row;
    });
  }

  iterate(...params: unknown[]): IterableIterator<unknown> {
    return this.all(...params)[Symbol.iterator]();
  }
}

/** The read models' database on PostgreSQL (see the top of this file). */
export class PgSqlDatabase implements SqlDatabase {
  private readonly connection: SyncPgConnection;
  private readonly statements = new Map<string, PgStatement>();
  private pending: SentStatement[] = [];
  private depth = 0;
  /** The server holds a transaction of ours: something of it was sent. */
  private open = false;

  constructor(url: string, applicationName: string) {
    this.connection = new SyncPgConnection(url, applicationName);
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  prepare(sql: string): PgStatement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = new PgStatement(this, toPostgres(sql));
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs a script: statements without parameters, separated by semicolons. BEGIN / COMMIT / ROLLBACK are followed. */
  exec(sql: string): this {
    const verb = /^\s*(BEGIN|COMMIT|ROLLBACK|END)\b/i.exec(sql)?.[1].toUpperCase();
    if (verb === 'ROLLBACK') {
      this.pending = [];
      this.depth = 0;
      this.rollback('ROLLBACK');
      return this;
    }
    this.send({ text: toPostgres(sql), values: null }, true);
    if (verb === 'BEGIN') this.depth = 1;
    else if (verb === 'COMMIT' || verb === 'END') this.depth = 0;
    return this;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as SqlDatabase declares it
  transaction<F extends (...args: any[]) => unknown>(
    fn: F,
    begin = 'BEGIN',
  ): (...args: F extends (...a: infer A) => unknown ? A : never) => ReturnType<F> {
    return (...args) => {
      const outer = this.depth === 0;
      const savepoint = `sp${this.depth}`;
      // Sent with the transaction's first statement that reads.
      this.depth++;
      const start: SentStatement = { text: outer ? begin : `SAVEPOINT ${savepoint}`, values: null };
      this.send(start, false);
      let result: ReturnType<F>;
      try {
        result = fn(...args) as ReturnType<F>;
        this.send({ text: outer ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`, values: null }, true);
      } catch (error) {
        const unsent = this.pending.indexOf(start);
        try {
          if (unsent >= 0) {
            // The server has not seen the transaction yet: forgetting it is rolling it back.
            this.pending.length = unsent;
          } else {
            // Everything held back came after the start: rolled back with it.
            this.pending = [];
            this.rollback(outer ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`);
          }
        } finally {
          this.depth--;
        }
        throw error;
      }
      this.depth--;
      return result;
    };
  }

  /** Sends a statement: at once when its rows are wanted or no transaction is open, else with the next one that is. */
  send(statement: SentStatement, wait: boolean): Extract<SyncReply, { kind: 'rows' }> | null {
    this.pending.push(statement);
    if (!wait && this.depth > 0 && this.pending.length < 1_000) return null;
    const batch = this.pending;
    this.pending = [];
    const reply = this.connection.run(batch, this.open);
    this.open = this.depth > 0;
    return reply;
  }

  /** A whole transaction's rollback needs no connection that held it (a lost one rolled it back); a savepoint's does. */
  private rollback(text: string): void {
    const whole = text === 'ROLLBACK';
    try {
      this.connection.run([{ text, values: null }], !whole && this.open);
    } finally {
      if (whole) this.open = false;
    }
  }

  close(): void {
    this.pending = [];
    this.connection.close();
  }
}
