import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Observable } from 'rxjs';
import type { EventToAppend, RecordedEvent } from '../../../events';
import {
  AppendResult,
  AppendedEvent,
  EventStore,
  ExpectedRevision,
  IdempotencyClaim,
  IdempotencyKeyTaken,
  IdempotencyRecord,
  ReadOptions,
  StreamAppend,
  SubscribeOptions,
  WrongExpectedRevision,
} from '../event-store.port';
import { validateAppends } from '../validate-appends';

export interface SqliteEventStoreOptions {
  /** Path of the database file; ':memory:' for a throw-away store. */
  readonly file: string;
  /** How often a live subscription looks for events appended by another process (ms). */
  readonly pollIntervalMs?: number;
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
  UNIQUE (stream, revision)
);
CREATE TABLE IF NOT EXISTS idempotency (
  key            TEXT    PRIMARY KEY,
  fingerprint    TEXT    NOT NULL,
  first_position INTEGER NOT NULL,
  last_position  INTEGER NOT NULL
) WITHOUT ROWID;
`;

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
  readonly appends: readonly StreamAppend[];
  readonly idempotency?: IdempotencyClaim;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

const PAGE = 1000;

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged append
 * survives a power cut. Appends that arrive in the same turn of the event loop are committed together in
 * one transaction (group commit), each inside its own savepoint so that one refused append does not
 * affect the others.
 */
export class SqliteEventStore implements EventStore {
  readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly pollIntervalMs: number;

  private readonly stmt: {
    insert: Database.Statement;
    streamRevision: Database.Statement;
    readStream: Database.Statement;
    readAll: Database.Statement;
    head: Database.Statement;
    claim: Database.Statement;
    findClaim: Database.Statement;
    range: Database.Statement;
  };
  private readonly appendOne: (p: PendingAppend) => AppendResult;
  private readonly commitBatch: (batch: PendingAppend[]) => Array<{ ok: AppendResult } | { error: unknown }>;

  constructor(options: SqliteEventStoreOptions) {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SQLITE_SCHEMA);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.appended.setMaxListeners(0);

    this.stmt = {
      insert: this.db.prepare(
        'INSERT INTO events (stream, revision, event_id, type, version, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      streamRevision: this.db.prepare('SELECT max(revision) AS r FROM events WHERE stream = ?').pluck(),
      readStream: this.db.prepare(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      readAll: this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      head: this.db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck(),
      claim: this.db.prepare(
        'INSERT INTO idempotency (key, fingerprint, first_position, last_position) VALUES (?, ?, ?, ?)',
      ),
      findClaim: this.db.prepare('SELECT * FROM idempotency WHERE key = ?'),
      range: this.db.prepare(
        'SELECT event_id, stream, revision, position FROM events WHERE position BETWEEN ? AND ? ORDER BY position',
      ),
    };

    this.appendOne = this.db.transaction((p: PendingAppend) => this.write(p));
    this.commitBatch = this.db.transaction((batch: PendingAppend[]) =>
      batch.map((p) => {
        try {
          return { ok: this.appendOne(p) };
        } catch (error) {
          return { error };
        }
      }),
    );
  }

  append(appends: readonly StreamAppend[], options?: { idempotency?: IdempotencyClaim }): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    try {
      validateAppends(appends);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ appends, idempotency: options?.idempotency, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    let outcomes: Array<{ ok: AppendResult } | { error: unknown }>;
    try {
      outcomes = this.commitBatch(batch);
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    let wrote = false;
    outcomes.forEach((o, i) => {
      if ('ok' in o) {
        wrote = true;
        batch[i].resolve(o.ok);
      } else {
        batch[i].reject(o.error);
      }
    });
    if (wrote) this.appended.emit('appended');
  }

  /** Runs inside a savepoint: any throw undoes this append only. */
  private write(p: PendingAppend): AppendResult {
    const events: AppendedEvent[] = [];
    for (const a of p.appends) {
      const current = this.stmt.streamRevision.get(a.stream) as number | null;
      checkExpected(a.stream, a.expectedRevision, current);
      let revision = current ?? -1;
      for (const e of a.events) {
        revision += 1;
        const info = this.stmt.insert.run(
          a.stream,
          revision,
          e.metadata.eventId,
          e.type,
          e.version,
          JSON.stringify(e.data),
          JSON.stringify(e.metadata),
        );
        events.push({ eventId: e.metadata.eventId, stream: a.stream, revision, position: Number(info.lastInsertRowid) });
      }
    }
    const result: AppendResult = { position: events[events.length - 1].position, events };
    if (p.idempotency) {
      try {
        this.stmt.claim.run(p.idempotency.key, p.idempotency.fingerprint, events[0].position, result.position);
      } catch (error) {
        if (isConstraint(error)) throw new IdempotencyKeyTaken(p.idempotency.key);
        throw error;
      }
    }
    return result;
  }

  async readStream(stream: string, fromRevision = 0, options?: ReadOptions): Promise<RecordedEvent[]> {
    return this.readStreamSync(stream, fromRevision, options);
  }

  /** Synchronous read, for callers that already run on the store's thread (projections, verification). */
  readStreamSync(stream: string, fromRevision = 0, options?: ReadOptions): RecordedEvent[] {
    const rows = this.stmt.readStream.all(stream, fromRevision, options?.maxCount ?? -1) as EventRow[];
    return rows.map(toRecorded);
  }

  async readAll(after: number, options?: ReadOptions): Promise<RecordedEvent[]> {
    return this.readAllSync(after, options);
  }

  readAllSync(after: number, options?: ReadOptions): RecordedEvent[] {
    const rows = this.stmt.readAll.all(after, options?.maxCount ?? -1) as EventRow[];
    return rows.map(toRecorded);
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
              const page = this.readAllSync(position, { maxCount: PAGE });
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
    // Let appends already queued settle before the file closes.
    if (this.queue.length > 0) this.flush();
    this.closed = true;
    this.appended.emit('appended');
    this.db.close();
  }
}

function checkExpected(stream: string, expected: ExpectedRevision, current: number | null): void {
  const actual = current === null ? 'no_stream' : current;
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === null) ||
    (expected === 'stream_exists' && current !== null) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new WrongExpectedRevision(stream, expected, actual);
}

function isConstraint(error: unknown): boolean {
  return typeof error === 'object' && error !== null && String((error as { code?: string }).code).startsWith('SQLITE_CONSTRAINT');
}

function toRecorded(r: EventRow): RecordedEvent {
  return {
    stream: r.stream,
    revision: r.revision,
    position: r.position,
    type: r.type,
    version: r.version,
    data: JSON.parse(r.data),
    metadata: JSON.parse(r.metadata),
  };
}

export type { EventToAppend };
