import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Observable } from 'rxjs';
import type { EventToAppend, RecordedEvent, Upcasters } from '../../../events';
import { LEDGER_UPCASTERS } from '../../../events';
import {
  AppendedEvent,
  AppendResult,
  AsStoredOption,
  EventStore,
  ExpectedRevision,
  IdempotencyClaim,
  IdempotencyKeyTaken,
  IdempotencyRecord,
  LogCheck,
  LogIntegrityError,
  ReadOptions,
  StoredEventText,
  StreamAllOptions,
  StreamAppend,
  SubscribeOptions,
  WrongExpectedRevision,
} from '../event-store.port';
import { SignedTreeHead, TREE_HEAD_TEMPLATE } from '../../audit/verifier/formats';
import { PreparedAppend, prepareForLeaves } from '../leaves';
import { pagesOfTheLog } from '../stream-all';
import { validateAppends } from '../validate-appends';
import { configureWriter, createWriter } from './sqlite-writer';

export interface SqliteEventStoreOptions {
  /** Path of the database file; ':memory:' for a throw-away store. */
  readonly file: string;
  /** Open the file to read only: no writer thread, no writer lock, no schema change; append refuses. */
  readonly readOnly?: boolean;
  /** How often a live subscription looks for events appended by another process (ms). */
  readonly pollIntervalMs?: number;
  /** How events stored at older schema versions are read back (default: the ledger's, LEDGER_UPCASTERS). */
  readonly upcasters?: Upcasters;
}

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY,
  stream    TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  event_id  TEXT    NOT NULL UNIQUE,
  type      TEXT    NOT NULL,
  version   INTEGER NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  -- SHA-256 Merkle leaf of the event's canonical form (RFC 8785), written in the append's own transaction.
  leaf_hash BLOB,
  UNIQUE (stream, revision)
);
-- The seal: a tree head over the whole log (its size, root and time), signed with the ledger's key in the transaction
-- of each commit. Events beyond it, or leaves that no longer hash to it, were not written by the ledger.
CREATE TABLE IF NOT EXISTS log_seal (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  tree_size INTEGER NOT NULL,
  root_hash TEXT    NOT NULL,
  timestamp TEXT    NOT NULL,
  signature TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
  key            TEXT    PRIMARY KEY,
  fingerprint    TEXT    NOT NULL,
  first_position INTEGER NOT NULL,
  last_position  INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** The columns of an event as read back, as a raw row (arrays are cheaper than objects on a whole-log read). */
const EVENT_COLUMNS = 'position, stream, revision, type, version, data, metadata';
type StoredRow = [position: number, stream: string, revision: number, type: string, version: number, data: string, metadata: string];

interface EventRow {
  position: number;
  stream: string;
  revision: number;
  event_id: string;
  type: string;
  version: number;
  data: string;
  metadata: string;
}

interface PendingAppend {
  readonly appends: readonly PreparedAppend[];
  readonly idempotency?: IdempotencyClaim;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

type Refusal =
  | { kind: 'wrong-revision'; stream: string; expected: ExpectedRevision; actual: number | 'no_stream' }
  | { kind: 'idempotency-key-taken'; key: string }
  | { kind: 'read-only'; message: string }
  | { kind: 'error'; message: string; code?: string };
type Outcome = { ok: AppendResult } | { refused: Refusal };
type Batch = Array<Pick<PendingAppend, 'appends' | 'idempotency'>>;

const PAGE = 1000;

/**
 * A read whose LIMIT is written into its SQL, one prepared statement per limit used. A bound `LIMIT ?` costs a new
 * preparation at every call: SQLite's planner reads the bound limit, so any new binding of it (better-sqlite3 binds
 * every parameter at each call) expires the statement, and its next step prepares it again (about 25 µs here, on the
 * projection thread's read of the log after each commit and the event loop's read of a stream).
 */
class LimitedRead {
  private readonly byLimit = new Map<number, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly sql: (limit: number) => string,
  ) {}

  /** The statement for `limit` rows at most (-1: no limit). */
  limit(limit: number): Database.Statement {
    let statement = this.byLimit.get(limit);
    if (statement === undefined) {
      if (!Number.isSafeInteger(limit)) throw new RangeError(`a read's row limit must be an integer, not ${limit}`);
      // The limits used are a handful of constants; a caller passing ever new ones keeps this from growing.
      if (this.byLimit.size >= 16) this.byLimit.clear();
      statement = this.db.prepare(this.sql(limit)).raw(true);
      this.byLimit.set(limit, statement);
    }
    return statement;
  }
}

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged append
 * survives a power cut. Appends that arrive while a commit is under way are committed together in the
 * next transaction (group commit), each inside its own savepoint so that one refused append does not
 * affect the others. The writing connection lives in a worker thread (sqlite-writer.js): the fsync of
 * a commit does not stall the event loop, which meanwhile decides the next commands. Reads use this
 * thread's own connection and see every acknowledged append.
 */
export class SqliteEventStore implements EventStore {
  readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private queue: PendingAppend[] = [];
  private inFlight: PendingAppend[] | null = null;
  private flushScheduled = false;
  private closed = false;
  private failure: Error | null = null;
  private readonly pollIntervalMs: number;
  private readonly upcasters: Upcasters;
  private readonly worker: Worker | null;
  private readonly inThread: ReturnType<typeof createWriter> | null;
  private drained: (() => void) | null = null;
  private readonly readOnly: boolean;
  private starting: { resolve: (check: LogCheck) => void; reject: (error: Error) => void } | null = null;
  /** Since startWriting (or for an in-memory log): this instance is the log's one writer (see writesAlone). */
  private alone: boolean;
  private readonly commits = new EventEmitter();
  /** Set when the log failed its check at startWriting: appends are refused with it. */
  private sealBroken: LogIntegrityError | null = null;

  private readonly stmt: {
    readStream: LimitedRead;
    readAll: LimitedRead;
    head: Database.Statement;
    findClaim: Database.Statement;
    range: Database.Statement;
    leaves: LimitedRead;
    storedTexts: LimitedRead;
    seal: Database.Statement;
  };

  constructor(options: SqliteEventStoreOptions) {
    const inMemory = options.file === ':memory:';
    this.readOnly = options.readOnly === true && !inMemory;
    if (this.readOnly) {
      this.db = new Database(options.file, { readonly: true, fileMustExist: true });
      this.db.pragma('busy_timeout = 5000');
    } else {
      if (!inMemory) mkdirSync(dirname(options.file), { recursive: true });
      this.db = new Database(options.file);
      configureWriter(this.db);
      this.db.exec(SQLITE_SCHEMA);
      // A log created before leaves were written at commit: its events get none, and the check says so.
      const columns = this.db.prepare('PRAGMA table_info(events)').all() as { name: string }[];
      if (!columns.some((c) => c.name === 'leaf_hash')) this.db.exec('ALTER TABLE events ADD COLUMN leaf_hash BLOB');
    }
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.upcasters = options.upcasters ?? LEDGER_UPCASTERS;
    this.appended.setMaxListeners(0);

    this.stmt = {
      readStream: new LimitedRead(this.db, (limit) => `SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ${limit}`),
      readAll: new LimitedRead(this.db, (limit) => `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ${limit}`),
      head: this.db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck(),
      findClaim: this.db.prepare('SELECT * FROM idempotency WHERE key = ?'),
      range: this.db.prepare(
        'SELECT event_id, stream, revision, position FROM events WHERE position BETWEEN ? AND ? ORDER BY position',
      ),
      leaves: new LimitedRead(this.db, (limit) => `SELECT position, leaf_hash FROM events WHERE position > ? ORDER BY position LIMIT ${limit}`),
      storedTexts: new LimitedRead(this.db, (limit) => `SELECT ${EVENT_COLUMNS}, leaf_hash FROM events WHERE position > ? ORDER BY position LIMIT ${limit}`),
      seal: this.db.prepare('SELECT tree_size AS treeSize, root_hash AS rootHash, timestamp, signature FROM log_seal WHERE id = 1'),
    };

    // An in-memory database cannot be shared with a worker: it is written on this thread.
    this.inThread = inMemory ? createWriter(this.db, ':memory:') : null;
    this.alone = inMemory;
    this.commits.setMaxListeners(0);
    this.worker =
      inMemory || this.readOnly
        ? null
        : new Worker(join(__dirname, 'sqlite-writer.js'), { workerData: { role: 'ledger-sqlite-writer', file: options.file } });
    this.worker?.unref();
    this.worker?.on('message', (m: { id: number; outcomes?: Outcome[]; started?: LogCheck; failed?: { message: string; code?: string } }) => {
      if (m.id === START) return this.started(m.started ?? Object.assign(new Error(m.failed?.message), { code: m.failed?.code }));
      this.settle(m.outcomes ?? new Error(`event store commit failed: ${m.failed?.message}`));
    });
    this.worker?.on('error', (error) => this.fail(error));
    this.worker?.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`event store writer stopped (exit code ${code})`));
    });
  }

  append(appends: readonly StreamAppend[], options?: { idempotency?: IdempotencyClaim }): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    if (this.failure) return Promise.reject(this.failure);
    if (this.readOnly) return Promise.reject(new Error(`event store ${this.db.name} is open for reading only`));
    if (this.sealBroken) return Promise.reject(this.sealBroken);
    let prepared: readonly PreparedAppend[];
    try {
      validateAppends(appends);
      prepared = prepareForLeaves(appends);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ appends: prepared, idempotency: options?.idempotency, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Appends of the same turn of the event loop join one batch; a batch waits while another commits. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = (this.inFlight = this.queue);
    this.queue = [];
    const plain: Batch = batch.map((p) => ({ appends: p.appends, idempotency: p.idempotency }));
    if (this.inThread) {
      let outcomes: Outcome[] | Error;
      try {
        outcomes = this.inThread.commit(plain as never);
      } catch (error) {
        outcomes = error as Error;
      }
      this.settle(outcomes);
      return;
    }
    this.worker!.ref();
    this.worker!.postMessage({ id: BATCH, batch: plain });
  }

  /**
   * Becomes the log's one writer (the writer lock of its file: a second process is refused with who holds it),
   * checks every leaf against the seal, and from then on seals each commit with `signingKey` (PEM). A log that
   * fails the check is refused every append from then on (LogIntegrityError): the ledger serves it read-only.
   */
  async startWriting(options: { signingKeyPem?: string; publicKeyPem?: string } = {}): Promise<LogCheck> {
    if (this.readOnly) throw new Error(`event store ${this.db.name} is open for reading only`);
    const start = { template: TREE_HEAD_TEMPLATE, privateKeyPem: options.signingKeyPem, publicKeyPem: options.publicKeyPem };
    // Appends already accepted are committed first: the check covers them.
    if (this.inFlight || this.queue.length > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    let check: LogCheck;
    if (this.inThread) {
      check = this.inThread.start(start);
    } else {
      check = await new Promise<LogCheck>((resolve, reject) => {
        this.starting = { resolve, reject };
        this.worker!.ref();
        this.worker!.postMessage({ id: START, start });
      });
    }
    // The writer lock is held from here on: no other process appends to this log.
    this.alone = true;
    this.sealBroken = check.ok ? null : new LogIntegrityError(`the log does not match its seal: ${check.findings.join('; ')}; the ledger records nothing more (run \`ledger verify\`)`);
    return check;
  }

  /** Another connection (the ledger's writer, in another thread) committed: live subscriptions read the log now. */
  noticeAppended(): void {
    this.appended.emit('appended');
  }

  writesAlone(): boolean {
    return this.alone && !this.closed && this.failure === null;
  }

  watchCommits(listener: (events: readonly AppendedEvent[]) => void): () => void {
    this.commits.on('committed', listener);
    return () => this.commits.off('committed', listener);
  }

  stopWriting(reason: string): void {
    this.sealBroken = new LogIntegrityError(reason);
  }

  private started(outcome: LogCheck | Error): void {
    const starting = this.starting;
    this.starting = null;
    this.worker?.unref();
    if (outcome instanceof Error) starting?.reject(outcome);
    else starting?.resolve(outcome);
  }

  /** The leaves written at commit, in log order, after a position: null for an event that has none. */
  async readLeaves(after: number, maxCount: number): Promise<{ position: number; leafHash: Buffer | null }[]> {
    return (this.stmt.leaves.limit(maxCount).all(after) as [number, Buffer | null][]).map(([position, leafHash]) => ({ position, leafHash }));
  }

  async readStoredTexts(after: number, maxCount: number): Promise<StoredEventText[]> {
    return (this.stmt.storedTexts.limit(maxCount).all(after) as [...StoredRow, Buffer | null][]).map((r) => ({
      position: r[0],
      stream: r[1],
      revision: r[2],
      type: r[3],
      version: r[4],
      data: r[5],
      metadata: r[6],
      leafHash: r[7],
    }));
  }

  /** The seal: the tree head signed at the last commit; null when no writer with the key has committed. */
  async readSeal(): Promise<SignedTreeHead | null> {
    return (this.stmt.seal.get() as SignedTreeHead | undefined) ?? null;
  }

  private settle(outcomes: Outcome[] | Error): void {
    const batch = this.inFlight ?? [];
    this.inFlight = null;
    if (!this.starting) this.worker?.unref();
    let wrote = false;
    batch.forEach((p, i) => {
      if (outcomes instanceof Error) return p.reject(outcomes);
      const o = outcomes[i];
      if ('ok' in o) {
        wrote = true;
        // Heard before the caller is answered: a cache never serves a state older than an acknowledged append.
        this.commits.emit('committed', o.ok.events);
        p.resolve(o.ok);
      } else {
        p.reject(toError(o.refused));
      }
    });
    if (wrote) this.appended.emit('appended');
    if (this.queue.length > 0) this.flush();
    else this.drained?.();
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const p of [...(this.inFlight ?? []), ...this.queue]) p.reject(error);
    this.inFlight = null;
    this.queue = [];
    this.starting?.reject(error);
    this.starting = null;
    this.drained?.();
  }

  async readStream(stream: string, fromRevision = 0, options?: ReadOptions): Promise<RecordedEvent[]> {
    const rows = this.stmt.readStream.limit(options?.maxCount ?? -1).all(stream, fromRevision) as StoredRow[];
    return this.readBack(rows, options);
  }

  async readAll(after: number, options?: ReadOptions): Promise<RecordedEvent[]> {
    return this.readAllSync(after, options);
  }

  private readAllSync(after: number, options?: ReadOptions): RecordedEvent[] {
    const rows = this.stmt.readAll.limit(options?.maxCount ?? -1).all(after) as StoredRow[];
    return this.readBack(rows, options);
  }

  streamAll(after: number, options: StreamAllOptions = {}): AsyncIterable<RecordedEvent[]> {
    // Each page is one finished statement: no cursor stays open on this connection while the caller works.
    return pagesOfTheLog((position, maxCount) => this.readAllSync(position, { maxCount, asStored: options.asStored }), after, options);
  }

  private readBack(rows: StoredRow[], options: AsStoredOption | undefined): RecordedEvent[] {
    const events = rows.map(toRecorded);
    return options?.asStored ? events : this.upcasters.upcastAll(events);
  }

  subscribeToAll(options: SubscribeOptions): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      let position = options.after;
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let running = false;
      let again = false;

      const pump = () => {
        if (stopped) return;
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            for (;;) {
              if (this.closed) {
                subscriber.complete();
                stopped = true;
                return;
              }
              const page = this.readAllSync(position, { maxCount: PAGE, asStored: options.asStored });
              for (const e of page) {
                if (stopped) return;
                position = e.position;
                subscriber.next(e);
              }
              if (page.length < PAGE) break;
            }
          } while (again && !stopped);
        } catch (error) {
          stopped = true;
          subscriber.error(error);
        } finally {
          running = false;
        }
        if (!stopped) {
          clearTimeout(timer);
          timer = setTimeout(pump, this.pollIntervalMs);
          timer.unref();
        }
      };

      const onAppended = () => pump();
      this.appended.on('appended', onAppended);
      setImmediate(pump);
      return () => {
        stopped = true;
        clearTimeout(timer);
        this.appended.off('appended', onAppended);
      };
    });
  }

  async findIdempotency(key: string): Promise<IdempotencyRecord | null> {
    const row = this.stmt.findClaim.get(key) as
      | { key: string; fingerprint: string; first_position: number; last_position: number }
      | undefined;
    if (!row) return null;
    const events = (this.stmt.range.all(row.first_position, row.last_position) as EventRow[]).map((r) => ({
      eventId: r.event_id,
      stream: r.stream,
      revision: r.revision,
      position: r.position,
    }));
    return { key: row.key, fingerprint: row.fingerprint, result: { position: row.last_position, events } };
  }

  async headPosition(): Promise<number> {
    return this.stmt.head.get() as number;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are committed before the file closes.
    if (this.inFlight || this.queue.length > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        this.flush();
      });
    }
    this.closed = true;
    if (this.worker) {
      const exited = new Promise((resolve) => this.worker!.once('exit', resolve));
      this.worker.ref();
      this.worker.postMessage({ close: true });
      await exited;
    }
    this.appended.emit('appended');
    this.inThread?.close();
    this.db.close();
  }
}

const BATCH = 0;
const START = 1;


function toError(refusal: Refusal): Error {
  switch (refusal.kind) {
    case 'wrong-revision':
      return new WrongExpectedRevision(refusal.stream, refusal.expected, refusal.actual);
    case 'idempotency-key-taken':
      return new IdempotencyKeyTaken(refusal.key);
    case 'read-only':
      return new LogIntegrityError(refusal.message);
    case 'error':
      return Object.assign(new Error(refusal.message), { code: refusal.code });
  }
}

function toRecorded(r: StoredRow): RecordedEvent {
  return { stream: r[1], revision: r[2], position: r[0], type: r[3], version: r[4], data: JSON.parse(r[5]), metadata: JSON.parse(r[6]) };
}

export type { EventToAppend };
