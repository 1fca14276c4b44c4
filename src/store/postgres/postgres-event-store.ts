import { createPrivateKey, createPublicKey } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { Observable } from 'rxjs';
import type { RecordedEvent } from '../../../events';
import { LEDGER_UPCASTERS, Upcasters } from '../../../events';
import type {
  AppendResult,
  EventStore,
  IdempotencyClaim,
  AsStoredOption,
  IdempotencyRecord,
  ReadOptions,
  StreamAllOptions,
  StreamAppend,
  SubscribeOptions,
} from '../event-store.port';
import { SigningKey } from '../../audit/signing-key';
import { SignedTreeHead, TREE_HEAD_TEMPLATE } from '../../audit/verifier/formats';
import { checkLog, MerkleFrontier } from '../../audit/verifier/merkle-core';
import { LogCheck, LogIntegrityError } from '../event-store.port';
import { prepareForLeaves } from '../leaves';
import { StoredEvent, toRecordedEvent } from '../stored-event';
import { pagesOfTheLog } from '../stream-all';
import { validateAppends } from '../validate-appends';
import { EventRow, PendingWrite, PlacedBatch, placeBatch } from './place-batch';
import { inTransaction, openPool, redact, rollback } from './connection';
import { channelOf, quoteIdent, schemaLockKey, schemaSql, statements } from './postgres-schema';

export interface PostgresEventStoreOptions {
  /** e.g. postgresql:///ledger?host=/var/run/postgresql or postgresql://user:password@host:5432/ledger */
  readonly connectionString: string;
  /** Schema of the tables (default "public"); created if absent. */
  readonly schema?: string;
  /** Connections for reads and the writer (default 4). */
  readonly poolSize?: number;
  /**
   * How often a live subscription reads the log without having been notified (ms, default 1000): only a safety
   * net, for a notification lost while the listening connection was down.
   */
  readonly pollIntervalMs?: number;
  /** How events stored at older schema versions are read back (default: the ledger's). */
  readonly upcasters?: Upcasters;
}

interface Pending extends PendingWrite {
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

const PAGE = 1000;
/** Stands for an event without a leaf in a frontier: such an event is a finding of the check anyway. */
const EMPTY_LEAF = Buffer.alloc(32);
const RELISTEN_DELAY_MS = 1000;

/**
 * The PostgreSQL event store. Positions are dense (1, 2, 3...) and follow commit order: every append
 * transaction first locks the single row of log_head, so committers take turns and a reader never sees a
 * position before all the positions below it (README, "the gap problem").
 *
 * Appends from this process are committed in batches (group commit): while one transaction commits, the next
 * appends queue up and share the next transaction, which reads the streams' revisions and the claimed keys
 * under the lock, places every append (placeBatch) and writes them with one INSERT. A refused append leaves no
 * trace in the batch; if the batch fails as a whole (say a duplicate event id), each append is retried alone
 * so that only the faulty one fails. Committed appends are announced with NOTIFY in the same transaction;
 * live subscriptions wake on the notification (from any process) and read the log from where they are, or
 * take this process's commits as they were written when they are right before them.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly sql: ReturnType<typeof statements>;
  private readonly channel: string;
  private readonly pollIntervalMs: number;
  private readonly appended = new EventEmitter();
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;
  private listener: Client | null = null;
  private relistenTimer: NodeJS.Timeout | undefined;
  /** Head of this process's batch between its COMMIT being sent and answered (0: none). */
  private committingHead = 0;
  private closed = false;
  private readonly upcasters: Upcasters;
  /** The ledger's key once this process is a writer (startWriting): every commit is sealed with it. */
  private signer: SigningKey | null = null;
  private sealBroken: LogIntegrityError | null = null;

  private constructor(private readonly options: PostgresEventStoreOptions) {
    const schema = options.schema ?? 'public';
    if (schema.length === 0 || Buffer.byteLength(schema) > 63) throw new TypeError(`PostgreSQL schema name "${schema}" must have 1 to 63 bytes`);
    this.sql = statements(schema);
    this.channel = channelOf(schema);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.upcasters = options.upcasters ?? LEDGER_UPCASTERS;
    this.appended.setMaxListeners(0);
    this.pool = openPool(options.connectionString, options.poolSize ?? 4, 'gnbv-ledger');
  }

  /** Connects, creates the tables if needed and starts listening, so that a wrong URL or a stopped server fails here. */
  static async connect(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      await store.createSchema();
      await store.listen();
    } catch (error) {
      await store.close();
      throw new Error(`cannot open the PostgreSQL event store at ${redact(options.connectionString)}: ${messageOf(error)}`, { cause: error });
    }
    return store;
  }

  private async createSchema(): Promise<void> {
    const schema = this.options.schema ?? 'public';
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [schemaLockKey(schema)]);
      await client.query(schemaSql(schema));
    });
  }

  /** A dedicated connection for LISTEN; if it breaks it is reopened, and meanwhile subscriptions poll. */
  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: 'gnbv-ledger-listen' });
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = null;
      client.end().catch(() => undefined);
      this.scheduleRelisten();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      if (n.channel !== this.channel) return;
      // The payload is the head after the commit: a subscription already there need not read. The notification
      // of this process's own commit can overtake the answer to its COMMIT: that answer announces the events.
      const head = Number(n.payload) || undefined;
      if (head !== undefined && head <= this.committingHead) return;
      this.appended.emit('appended', head);
    });
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (error) {
      if (this.listener === client) this.listener = null;
      client.end().catch(() => undefined);
      throw error;
    }
  }

  private scheduleRelisten(): void {
    if (this.closed || this.relistenTimer) return;
    this.relistenTimer = setTimeout(() => {
      this.relistenTimer = undefined;
      if (this.closed) return;
      // Once listening again, a read catches up with whatever was committed meanwhile.
      this.listen().then(
        () => this.appended.emit('appended'),
        () => this.scheduleRelisten(),
      );
    }, RELISTEN_DELAY_MS);
    this.relistenTimer.unref();
  }

  append(appends: readonly StreamAppend[], options?: { idempotency?: IdempotencyClaim }): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    if (this.sealBroken) return Promise.reject(this.sealBroken);
    let prepared: PendingWrite['appends'];
    try {
      validateAppends(appends);
      prepared = prepareForLeaves(appends);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ appends: prepared, idempotency: options?.idempotency, resolve, reject });
      if (!this.writing) this.writing = this.writeQueued();
    });
  }

  /** Commits what is queued, batch after batch, until the queue is empty. */
  private async writeQueued(): Promise<void> {
    try {
      // Appends made in the same turn of the event loop join the first batch.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.commit(batch);
      }
    } finally {
      this.writing = null;
    }
  }

  private async commit(batch: readonly Pending[]): Promise<void> {
    let placed: PlacedBatch;
    try {
      placed = await this.writeBatch(batch);
    } catch (error) {
      if (this.committingHead > 0) {
        // The COMMIT was sent and its answer lost: the events may be stored, so subscriptions read.
        this.committingHead = 0;
        this.appended.emit('appended');
      }
      if (batch.length === 1) return batch[0].reject(error);
      // Something in the batch broke the transaction: each append alone, so that only the faulty one fails.
      for (const p of batch) await this.commit([p]);
      return;
    }
    placed.placements.forEach((placement, i) => {
      if ('ok' in placement) batch[i].resolve(placement.ok);
      else batch[i].reject(placement.refused);
    });
    this.committingHead = 0;
    if (placed.events.length > 0) this.appended.emit('appended', placed.head, placed.events);
  }

  private async writeBatch(batch: readonly Pending[]): Promise<PlacedBatch> {
    const client = await this.pool.connect();
    try {
      // The lock that orders commits: held from here to COMMIT; whoever comes next waits.
      const [, locked] = (await client.query(this.sql.beginAndLockHead)) as unknown as [
        QueryResult,
        QueryResult<{ position: string; seal_size: string | null; frontier: Buffer | null }>,
      ];
      const streams = [...new Set(batch.flatMap((p) => p.appends.map((a) => a.stream)))];
      const keys = batch.flatMap((p) => (p.idempotency ? [p.idempotency.key] : []));
      const state = await client.query<{ name: string; revision: number | null }>(this.sql.state, [streams, keys]);
      const placed = placeBatch(batch, {
        head: Number(locked.rows[0].position),
        revisions: new Map(state.rows.flatMap((r) => (r.revision === null ? [] : [[r.name, r.revision] as const]))),
        claimed: new Set(state.rows.flatMap((r) => (r.revision === null ? [r.name] : []))),
      });
      if (placed.events.length > 0) {
        const e = placed.events;
        const c = placed.claims;
        const seal = this.signer ? await this.sealAfter(client, locked.rows[0], placed, this.signer) : null;
        await client.query(this.sql.write, [
          e.map((r) => r.position),
          e.map((r) => r.stream),
          e.map((r) => r.revision),
          e.map((r) => r.eventId),
          e.map((r) => r.type),
          e.map((r) => r.version),
          e.map((r) => r.data),
          e.map((r) => r.metadata),
          c.map((r) => r.key),
          c.map((r) => r.fingerprint),
          c.map((r) => r.firstPosition),
          c.map((r) => r.lastPosition),
          placed.head,
          // Delivered at commit, to every listening connection of the database.
          this.channel,
          e.map((r) => r.leafHash ?? null),
          seal?.head.treeSize ?? null,
          seal?.head.rootHash ?? null,
          seal?.head.timestamp ?? null,
          seal?.head.signature ?? null,
          seal?.frontier ?? null,
        ]);
      }
      if (placed.events.length > 0) this.committingHead = placed.head;
      await client.query('COMMIT');
      client.release();
      return placed;
    } catch (error) {
      await rollback(client);
      throw error;
    }
  }

  /**
   * The seal after this batch, in its transaction: the frontier the head row holds (every writer process keeps it
   * there, under the head lock), caught up with events appended without a seal, then the batch's leaves.
   */
  private async sealAfter(
    client: PoolClient,
    locked: { position: string; seal_size: string | null; frontier: Buffer | null },
    placed: PlacedBatch,
    signer: SigningKey,
  ): Promise<{ head: SignedTreeHead; frontier: Buffer }> {
    const sealed = locked.seal_size === null || locked.frontier === null ? 0 : Number(locked.seal_size);
    const frontier = sealed === 0 ? new MerkleFrontier() : MerkleFrontier.fromBuffer(sealed, locked.frontier as Buffer);
    for (let after = sealed; after < Number(locked.position); ) {
      const rows = (await client.query<{ position: string; leaf_hash: Buffer | null }>(this.sql.leaves, [after, PAGE])).rows;
      if (rows.length === 0) break;
      for (const r of rows) frontier.push(r.leaf_hash ?? EMPTY_LEAF);
      after = Number(rows[rows.length - 1].position);
    }
    for (const e of placed.events) frontier.push(e.leafHash ?? EMPTY_LEAF);
    const head = signer.signTreeHead({ treeSize: frontier.size, rootHash: frontier.root().toString('hex'), timestamp: new Date().toISOString() });
    return { head, frontier: frontier.toBuffer() };
  }

  /**
   * Becomes a writer of the log: checks every leaf against the seal, and from then on seals each commit with the key.
   * Several processes may write (the head lock orders them); each seals with the key. A log that fails the check is
   * refused every append from then on (LogIntegrityError).
   */
  async startWriting(options: { signingKeyPem?: string; publicKeyPem?: string } = {}): Promise<LogCheck> {
    const signer = options.signingKeyPem ? new SigningKey(createPrivateKey(options.signingKeyPem)) : null;
    const publicKey = signer?.publicKey ?? (options.publicKeyPem ? createPublicKey(options.publicKeyPem) : null);
    const leaves: { position: number; leaf: Buffer | null }[] = [];
    for (let after = 0; ; ) {
      const page = await this.readLeaves(after, PAGE * 10);
      if (page.length === 0) break;
      for (const l of page) leaves.push({ position: l.position, leaf: l.leafHash });
      after = page[page.length - 1].position;
    }
    const { check } = checkLog(leaves, await this.readSeal(), { template: TREE_HEAD_TEMPLATE, publicKey });
    this.signer = signer;
    this.sealBroken = check.ok ? null : new LogIntegrityError(`the log does not match its seal: ${check.findings.join('; ')}; the ledger records nothing more (run \`ledger verify\`)`);
    return check;
  }

  stopWriting(reason: string): void {
    this.sealBroken = new LogIntegrityError(reason);
  }

  async readLeaves(after: number, maxCount: number): Promise<{ position: number; leafHash: Buffer | null }[]> {
    const rows = await this.pool.query<{ position: string; leaf_hash: Buffer | null }>(this.sql.leaves, [after, maxCount]);
    return rows.rows.map((r) => ({ position: Number(r.position), leafHash: r.leaf_hash }));
  }

  async readSeal(): Promise<SignedTreeHead | null> {
    const row = (await this.pool.query<{ treeSize: string; rootHash: string; timestamp: string; signature: string }>(this.sql.seal)).rows[0];
    return row ? { treeSize: Number(row.treeSize), rootHash: row.rootHash, timestamp: row.timestamp, signature: row.signature } : null;
  }

  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  async readStream(stream: string, fromRevision = 0, options?: ReadOptions): Promise<RecordedEvent[]> {
    const rows = await this.pool.query<StoredEvent>(this.sql.readStream, [stream, fromRevision, options?.maxCount ?? null]);
    return this.readBack(rows.rows, options);
  }

  async readAll(after: number, options?: ReadOptions): Promise<RecordedEvent[]> {
    const rows = await this.pool.query<StoredEvent>(this.sql.readAll, [after, options?.maxCount ?? null]);
    return this.readBack(rows.rows, options);
  }

  streamAll(after: number, options: StreamAllOptions = {}): AsyncIterable<RecordedEvent[]> {
    return pagesOfTheLog((position, maxCount) => this.readAll(position, { maxCount, asStored: options.asStored }), after, options);
  }

  private readBack(rows: readonly StoredEvent[], options: AsStoredOption | undefined): RecordedEvent[] {
    const events = rows.map(toRecordedEvent);
    return options?.asStored ? events : this.upcasters.upcastAll(events);
  }

  subscribeToAll(options: SubscribeOptions): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      let position = options.after;
      let stopped = false;
      let running = false;
      /** The highest head announced since the last read began (Infinity: unknown, read anyway). */
      let announced = 0;
      let timer: NodeJS.Timeout | undefined;

      const stop = (end: () => void) => {
        if (stopped) return;
        stopped = true;
        end();
      };

      const pump = async () => {
        if (stopped || running) return;
        running = true;
        clearTimeout(timer);
        try {
          do {
            announced = 0;
            for (;;) {
              if (this.closed) return stop(() => subscriber.complete());
              const page = await this.readAll(position, { maxCount: PAGE, asStored: options.asStored });
              for (const e of page) {
                if (stopped) return;
                // Positions are dense: a hole would mean an event was lost, never a reason to skip silently.
                if (e.position !== position + 1) {
                  throw new Error(`event store: position ${position + 1} is missing from the log (read ${e.position} after ${position})`);
                }
                position = e.position;
                subscriber.next(e);
              }
              if (page.length < PAGE) break;
            }
          } while (announced > position && !stopped);
        } catch (error) {
          if (this.closed) stop(() => subscriber.complete());
          else stop(() => subscriber.error(error));
        } finally {
          running = false;
        }
        if (!stopped) {
          timer = setTimeout(pump, this.pollIntervalMs);
          timer.unref();
        }
      };

      // A commit of this process and its NOTIFY announce the same head: one read serves both. A subscription
      // right before this process's commit takes its events as committed, without reading them back: nothing
      // can come between (positions follow commit order), and they are parsed from the very JSON text stored.
      const onAppended = (head = Number.POSITIVE_INFINITY, committed?: readonly EventRow[]) => {
        if (head <= position || stopped) return;
        if (!running && committed?.[0]?.position === position + 1) {
          for (const row of committed) {
            if (stopped) return;
            position = row.position;
            const event = toRecordedEvent(row);
            subscriber.next(options.asStored ? event : this.upcasters.upcast(event));
          }
          return;
        }
        announced = Math.max(announced, head);
        void pump();
      };
      this.appended.on('appended', onAppended);
      void pump();
      return () => {
        stopped = true;
        clearTimeout(timer);
        this.appended.off('appended', onAppended);
      };
    });
  }

  async findIdempotency(key: string): Promise<IdempotencyRecord | null> {
    const claim = await this.pool.query<{ key: string; fingerprint: string; first_position: string; last_position: string }>(
      this.sql.findClaim,
      [key],
    );
    const row = claim.rows[0];
    if (!row) return null;
    const range = await this.pool.query<{ event_id: string; stream: string; revision: number; position: string }>(this.sql.range, [
      row.first_position,
      row.last_position,
    ]);
    const events = range.rows.map((r) => ({ eventId: r.event_id, stream: r.stream, revision: r.revision, position: Number(r.position) }));
    return { key: row.key, fingerprint: row.fingerprint, result: { position: Number(row.last_position), events } };
  }

  async headPosition(): Promise<number> {
    const head = await this.pool.query<{ position: string }>(this.sql.head);
    return Number(head.rows[0].position);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are committed before the connections close.
    while (this.writing) await this.writing;
    this.closed = true;
    clearTimeout(this.relistenTimer);
    this.appended.emit('appended');
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

/** Rolls back and returns the connection; one whose rollback fails is broken, and release(error) closes it. */
function messageOf(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message || error.constructor.name : String(error);
}
