import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import type {
  AllStreamResolvedEvent,
  AppendStreamRequest,
  AppendStreamState,
  CurrentStreamState,
  Direction,
  EventData,
  JSONType,
  ReadPosition,
} from '@kurrent/kurrentdb-client';
import { createHash, randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import type { EventMetadata, EventToAppend, RecordedEvent, Upcasters } from '../../../events';
import { LEDGER_UPCASTERS } from '../../../events';
import {
  AppendResult,
  AppendedEvent,
  AsStoredOption,
  EventStore,
  ExpectedRevision,
  IdempotencyClaim,
  IdempotencyKeyTaken,
  IdempotencyRecord,
  ReadOptions,
  StreamAllOptions,
  StreamAppend,
  SubscribeOptions,
  WrongExpectedRevision,
} from '../event-store.port';
import { pagesOfTheLog } from '../stream-all';
import { validateAppends } from '../validate-appends';

/** Stream of the claim of one idempotency key: this prefix + sha256 hex of the key. Hidden from readAll. */
export const IDEMPOTENCY_STREAM_PREFIX = 'ledger-idempotency-';
export const IDEMPOTENCY_CLAIM_TYPE = 'IdempotencyKeyClaimed';

/**
 * Keys of the KurrentDB event metadata. The KurrentDB metadata is a flat map of strings because the
 * multi-stream append API accepts nothing else (the client refuses other values), and the same encoding
 * is used for single-stream appends so that every event reads back the same way. Keys starting with $
 * belong to the server ($schema.name, $schema.format are added to events written by multi-stream appends).
 */
export const METADATA_KEY = 'ledger.metadata';
export const SCHEMA_VERSION_KEY = 'ledger.schemaVersion';

/** Stream names readAll, headPosition and subscriptions look at: not system ($…), not idempotency claims. */
export const LEDGER_STREAMS_REGEX = `^(?!\\$|${IDEMPOTENCY_STREAM_PREFIX})`;

const PAGE = 1000;

/** The parts of a KurrentDB recorded event this adapter uses, the same for stream reads, $all reads and subscriptions. */
export interface KurrentRecord {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: { readonly commit: bigint; readonly prepare: bigint };
}

/** One domain event referenced by a claim. Revision is null when the append's expected revision did not fix it. */
export interface ClaimedEvent {
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number | null;
}

/** Data of the IdempotencyKeyClaimed event. */
export interface IdempotencyClaimData {
  readonly key: string;
  readonly fingerprint: string;
  readonly events: readonly ClaimedEvent[];
}

/**
 * The KurrentDB adapter. Global positions are $all commit positions; several streams, or one stream with an
 * idempotency claim, are written with one multi-stream append so that the write is atomic (KurrentDB 25.1+).
 */
export class KurrentDbEventStore implements EventStore {
  private closed = false;
  private readonly inflight = new Set<Promise<unknown>>();
  /** Completes each live subscription, for close(). */
  private readonly live = new Set<() => void>();

  private constructor(
    private readonly client: KurrentDBClient,
    private readonly upcasters: Upcasters,
  ) {}

  /**
   * Connects and reads the head of the log once, so that a wrong URL or a stopped server fails here.
   * `upcasters`: how events stored at older schema versions are read back (default: the ledger's).
   */
  static async connect(connectionString: string, options: { upcasters?: Upcasters } = {}): Promise<KurrentDbEventStore> {
    const store = new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString), options.upcasters ?? LEDGER_UPCASTERS);
    try {
      await store.headPosition();
    } catch (error) {
      await store.close();
      throw new Error(`cannot read from KurrentDB at ${redact(connectionString)}: ${messageOf(error)}`, { cause: error });
    }
    return store;
  }

  append(appends: readonly StreamAppend[], options?: { idempotency?: IdempotencyClaim }): Promise<AppendResult> {
    const pending = this.appendNow(appends, options?.idempotency);
    const forget = () => this.inflight.delete(pending);
    this.inflight.add(pending);
    pending.then(forget, forget);
    return pending;
  }

  private async appendNow(given: readonly StreamAppend[], claim: IdempotencyClaim | undefined): Promise<AppendResult> {
    this.assertOpen();
    validateAppends(given);
    const appends = mergeRepeatedStreams(given);
    validateForKurrent(appends);

    let lastRevision: (stream: string) => number;
    try {
      if (appends.length === 1 && !claim) {
        const single = await this.appendToOneStream(appends[0]);
        if ('result' in single) return single.result;
        lastRevision = () => single.lastRevision;
      } else {
        const revisions = await this.appendAtomically(appends, claim);
        lastRevision = (stream) => {
          const revision = revisions.get(stream);
          if (revision === undefined) throw new Error(`KurrentDB did not report the revision of stream ${stream}`);
          return revision;
        };
      }
    } catch (error) {
      throw mapAppendError(error, appends, claim);
    }

    try {
      return await this.readBack(appends, lastRevision);
    } catch (error) {
      throw new Error(`the events were appended but their positions could not be read back: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  /** The write result when it says everything (one event), else the stream's last revision for a read back. */
  private async appendToOneStream(a: StreamAppend): Promise<{ result: AppendResult } | { lastRevision: number }> {
    const written = await this.client.appendToStream(a.stream, a.events.map(toEventData), {
      streamState: toStreamState(a.expectedRevision),
    });
    if (!written.success) {
      // Only when the connection string sets throwOnAppendFailure=false: the client then resolves instead of throwing.
      throw new WrongExpectedRevision(a.stream, a.expectedRevision, toActual(written.nextExpectedRevision));
    }
    const lastRevision = revisionToNumber(written.nextExpectedRevision);
    // The position of a write is that of its last event (the record that ends the implicit transaction).
    if (a.events.length === 1 && written.position) {
      const position = positionToNumber(written.position.commit);
      const eventId = a.events[0].metadata.eventId;
      const event: AppendedEvent = { eventId, stream: a.stream, revision: lastRevision, position };
      return { result: { position, events: [event] } };
    }
    return { lastRevision };
  }

  /** One multi-stream append: every expected revision holds, the claim stream does not exist yet, or nothing is written. */
  private async appendAtomically(
    appends: readonly StreamAppend[],
    claim: IdempotencyClaim | undefined,
  ): Promise<Map<string, number>> {
    const requests: AppendStreamRequest[] = appends.map((a) => ({
      streamName: a.stream,
      events: a.events.map(toEventData),
      expectedState: toStreamState(a.expectedRevision),
    }));
    if (claim) {
      // Last: the append's domain events are then contiguous in the log and end just before the claim, which
      // findIdempotency relies on for revisions the claim could not name.
      requests.push({
        streamName: idempotencyStream(claim.key),
        events: [
          jsonEvent({
            // Random, never derived from the key: KurrentDB treats a re-append of known event ids as an
            // idempotent success, which would let a second claim of the key through.
            id: randomUUID(),
            type: IDEMPOTENCY_CLAIM_TYPE,
            data: claimData(claim, appends) as unknown as JSONType,
          }),
        ],
        expectedState: NO_STREAM,
      });
    }
    const written = await this.client.multiStreamAppend(requests);
    return new Map(written.responses.map((r) => [r.streamName, revisionToNumber(r.revision)]));
  }

  /** Positions are byte offsets, not a sequence: the only way to learn them is to read the events back. */
  private async readBack(appends: readonly StreamAppend[], lastRevision: (stream: string) => number): Promise<AppendResult> {
    const perStream = await Promise.all(
      appends.map(async (a) => {
        const first = lastRevision(a.stream) - a.events.length + 1;
        const ids = a.events.map((e) => e.metadata.eventId);
        const located = await this.locate(a.stream, first, ids);
        return ids.map((eventId, i) => ({ eventId, stream: a.stream, ...located[i] }));
      }),
    );
    const events = perStream.flat();
    return { position: events[events.length - 1].position, events };
  }

  /** Revision and position of the events with these ids, expected at consecutive revisions from `first`. */
  private async locate(
    stream: string,
    first: number,
    ids: readonly string[],
  ): Promise<Array<{ revision: number; position: number }>> {
    const records = await this.readRecords(stream, BigInt(first), ids.length, true);
    if (records.length !== ids.length || records.some((r, i) => !sameId(r.id, ids[i]))) {
      const last = first + ids.length - 1;
      throw new Error(`stream ${stream}: the events at revisions ${first}..${last} are not the ones appended`);
    }
    return records.map((r) => ({ revision: revisionToNumber(r.revision), position: positionOf(r) }));
  }

  async readStream(stream: string, fromRevision = 0, options?: ReadOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (options?.maxCount !== undefined && options.maxCount <= 0) return [];
    const records = await this.readRecords(stream, BigInt(fromRevision), options?.maxCount);
    return records.map((r) => this.toEvent(r, options));
  }

  /** A record as the port returns it: upcast to its type's current version unless asked for as stored. */
  private toEvent(record: KurrentRecord, options: AsStoredOption | undefined): RecordedEvent {
    const event = toRecordedEvent(record);
    return options?.asStored ? event : this.upcasters.upcast(event);
  }

  private async readRecords(stream: string, from: bigint, maxCount?: number, requiresLeader = false): Promise<KurrentRecord[]> {
    const records: KurrentRecord[] = [];
    try {
      const read = this.client.readStream(stream, { fromRevision: from, maxCount, direction: FORWARDS, requiresLeader });
      for await (const resolved of read) {
        if (resolved.event) records.push(resolved.event as KurrentRecord);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return records;
  }

  async readAll(after: number, options?: ReadOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options?.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    let cursor = after;
    let from = toReadPosition(after);
    while (events.length < limit) {
      // A read from a position includes the event at that position: ask for one more than needed.
      const wanted = Math.min(PAGE, limit - events.length) + 1;
      const page = await this.readAllPage(FORWARDS, from, wanted);
      let last = cursor;
      for (const record of page) {
        const position = positionOf(record);
        if (position <= cursor) continue;
        last = Math.max(last, position);
        if (!isLedgerRecord(record)) continue;
        events.push(this.toEvent(record, options));
        if (events.length >= limit) break;
      }
      if (page.length < wanted || last === cursor) break;
      cursor = last;
      from = toReadPosition(cursor);
    }
    return events;
  }

  streamAll(after: number, options: StreamAllOptions = {}): AsyncIterable<RecordedEvent[]> {
    return pagesOfTheLog((position, maxCount) => this.readAll(position, { maxCount, asStored: options.asStored }), after, options);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    const wanted = 32;
    let from: ReadPosition = END;
    let cursor = Number.POSITIVE_INFINITY;
    for (;;) {
      const page = await this.readAllPage(BACKWARDS, from, wanted);
      let moved = false;
      for (const record of page) {
        const position = positionOf(record);
        if (position >= cursor) continue;
        if (isLedgerRecord(record)) return position;
        cursor = position;
        moved = true;
      }
      if (page.length < wanted) return 0;
      if (!moved) throw new Error(`reading $all backwards did not move past position ${cursor}`);
      from = toReadPosition(cursor);
    }
  }

  private async readAllPage(direction: Direction, fromPosition: ReadPosition, maxCount: number): Promise<KurrentRecord[]> {
    const records: KurrentRecord[] = [];
    for await (const resolved of this.client.readAll({ direction, fromPosition, maxCount, filter: ledgerStreamsFilter() })) {
      if (resolved.event) records.push(resolved.event as KurrentRecord);
    }
    return records;
  }

  subscribeToAll(options: SubscribeOptions): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      if (this.closed) {
        subscriber.complete();
        return undefined;
      }
      const subscription = this.client.subscribeToAll({
        fromPosition: toReadPosition(options.after),
        filter: ledgerStreamsFilter(),
      });
      let active = true;
      let delivered = options.after;
      const stop = (): boolean => {
        if (!active) return false;
        active = false;
        this.live.delete(complete);
        subscription.unsubscribe().catch(() => undefined);
        return true;
      };
      const complete = () => {
        if (stop()) subscriber.complete();
      };
      const fail = (error: unknown) => {
        if (stop()) subscriber.error(error);
      };

      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        const record = resolved.event as KurrentRecord | undefined;
        if (!active || !record || !isLedgerRecord(record)) return;
        let event: RecordedEvent;
        try {
          event = this.toEvent(record, options);
        } catch (error) {
          fail(error);
          return;
        }
        // The start position may or may not be delivered again: deliver strictly after it, and never twice.
        if (event.position <= delivered) return;
        delivered = event.position;
        subscriber.next(event);
      });
      subscription.on('error', fail);
      subscription.on('end', () => (this.closed ? complete() : fail(new Error('KurrentDB ended the subscription to $all'))));
      this.live.add(complete);
      return () => {
        stop();
      };
    });
  }

  async findIdempotency(key: string): Promise<IdempotencyRecord | null> {
    this.assertOpen();
    const [claimRecord] = await this.readRecords(idempotencyStream(key), 0n, 1, true);
    if (!claimRecord) return null;
    const claim = parseClaimData(claimRecord.data, key);
    const events = await this.locateClaimed(claim.events, claimRecord);
    return { key: claim.key, fingerprint: claim.fingerprint, result: { position: events[events.length - 1].position, events } };
  }

  private async locateClaimed(claimed: readonly ClaimedEvent[], claimRecord: KurrentRecord): Promise<AppendedEvent[]> {
    const found = new Map<string, { revision: number; position: number }>();

    const known = new Map<string, ClaimedEvent[]>();
    for (const e of claimed) {
      if (e.revision !== null) known.set(e.stream, [...(known.get(e.stream) ?? []), e]);
    }
    await Promise.all(
      [...known].map(async ([stream, events]) => {
        const located = await this.locate(stream, events[0].revision as number, events.map((e) => e.eventId));
        events.forEach((e, i) => found.set(e.eventId.toLowerCase(), located[i]));
      }),
    );

    if (claimed.some((e) => e.revision === null)) {
      // Streams appended with 'any' or 'stream_exists': the claim could not name their revisions. The events of
      // one append are contiguous in the log and end just before the claim, so they are the ledger events read
      // backwards from the claim's position.
      const before = await this.readAllPage(BACKWARDS, toReadPosition(positionOf(claimRecord)), claimed.length);
      for (const r of before) {
        found.set(r.id.toLowerCase(), { revision: revisionToNumber(r.revision), position: positionOf(r) });
      }
    }

    return claimed.map((e) => {
      const at = found.get(e.eventId.toLowerCase());
      if (!at) throw new Error(`idempotency claim of ${claimRecord.streamId}: event ${e.eventId} of ${e.stream} not found`);
      return { eventId: e.eventId, stream: e.stream, ...at };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Let appends already sent settle before the client goes away.
    await Promise.allSettled([...this.inflight]);
    for (const complete of [...this.live]) complete();
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }
}

/**
 * KurrentDB's multi-stream append takes each stream once. Consecutive entries of one stream (as a journal
 * import produces for two disbursements on one line) are merged into one, after checking that their expected
 * revisions chain. A stream that comes back after other streams cannot be written in one atomic append while
 * keeping the global order the caller asked for: refused, with the reason. (The SQLite store accepts it.)
 */
export function mergeRepeatedStreams(appends: readonly StreamAppend[]): StreamAppend[] {
  const merged: StreamAppend[] = [];
  const done = new Set<string>();
  for (const a of appends) {
    const last = merged[merged.length - 1];
    if (last && last.stream === a.stream) {
      const start = last.expectedRevision === 'no_stream' ? -1 : last.expectedRevision;
      if (typeof start !== 'number' || a.expectedRevision !== start + last.events.length) {
        throw new TypeError(
          `append: stream ${a.stream}: expected revision ${String(a.expectedRevision)} does not follow the ${last.events.length} event(s) of its previous entry (from ${String(last.expectedRevision)})`,
        );
      }
      merged[merged.length - 1] = { ...last, events: [...last.events, ...a.events] };
      continue;
    }
    if (done.has(a.stream)) {
      throw new TypeError(
        `append: stream ${a.stream} appears again after other streams; the KurrentDB adapter writes each stream once per atomic append (only consecutive entries of a stream are merged)`,
      );
    }
    done.add(a.stream);
    merged.push(a);
  }
  return merged;
}

/** Checks on top of validateAppends for names that KurrentDB or this adapter reserve. */
function validateForKurrent(appends: readonly StreamAppend[]): void {
  for (const a of appends) {
    if (a.stream.startsWith(IDEMPOTENCY_STREAM_PREFIX)) {
      throw new TypeError(`append: stream ${a.stream}: names starting with ${IDEMPOTENCY_STREAM_PREFIX} are reserved`);
    }
    for (const e of a.events) {
      if (e.type.startsWith('$')) throw new TypeError(`append: stream ${a.stream}: event types starting with $ are reserved`);
    }
  }
}

export function idempotencyStream(key: string): string {
  return IDEMPOTENCY_STREAM_PREFIX + createHash('sha256').update(key, 'utf8').digest('hex');
}

/** An event of the ledger, as opposed to a system event or an idempotency claim. */
export function isLedgerRecord(record: Pick<KurrentRecord, 'streamId' | 'type'>): boolean {
  const { streamId, type } = record;
  return !streamId.startsWith('$') && !type.startsWith('$') && !streamId.startsWith(IDEMPOTENCY_STREAM_PREFIX);
}

function ledgerStreamsFilter() {
  return streamNameFilter({ regex: LEDGER_STREAMS_REGEX });
}

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** The inverse of toStreamState; the server also reports -1 (no stream), -2 (any) and -4 (stream exists). */
export function fromStreamState(state: AppendStreamState): ExpectedRevision {
  if (typeof state === 'bigint') {
    if (state === -1n) return 'no_stream';
    if (state === -2n) return 'any';
    if (state === -4n) return 'stream_exists';
    return revisionToNumber(state);
  }
  return state;
}

/** A stream's actual state as the client reports it; negative revisions mean there is no stream. */
export function toActual(state: CurrentStreamState): number | 'no_stream' {
  if (state === 'no_stream' || state < 0n) return 'no_stream';
  return revisionToNumber(state);
}

/**
 * A global position as a JavaScript number. KurrentDB positions are byte offsets into the transaction log,
 * so the number is exact up to 2^53 bytes (8 PiB) of log, far beyond any ledger; beyond it we refuse rather
 * than round. Events written by this adapter are implicit transactions: their commit and prepare positions
 * are equal, and the commit position alone identifies the event.
 */
export function positionToNumber(position: bigint): number {
  if (position < 0n || position > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(
      `KurrentDB log position ${position} is outside 0..Number.MAX_SAFE_INTEGER and cannot be used as a global position`,
    );
  }
  return Number(position);
}

export function revisionToNumber(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`KurrentDB stream revision ${revision} is outside 0..Number.MAX_SAFE_INTEGER`);
  }
  return Number(revision);
}

function positionOf(record: KurrentRecord): number {
  if (!record.position) {
    throw new Error(`KurrentDB returned event ${record.id} of ${record.streamId} without a position (server older than 22.6?)`);
  }
  return positionToNumber(record.position.commit);
}

/** Where a read of $all starts: the beginning for 0, else the event at `position` (included by the server). */
export function toReadPosition(position: number): ReadPosition {
  if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`invalid global position ${position}`);
  return position === 0 ? START : { commit: BigInt(position), prepare: BigInt(position) };
}

export function encodeMetadata(event: Pick<EventToAppend, 'version' | 'metadata'>): Record<string, string> {
  return { [METADATA_KEY]: JSON.stringify(event.metadata), [SCHEMA_VERSION_KEY]: String(event.version) };
}

/** Our metadata and schema version from a KurrentDB event's metadata; keys the server added are ignored. */
export function decodeMetadata(raw: unknown, where: string): { version: number; metadata: EventMetadata } {
  const fields = typeof raw === 'object' && raw !== null && !ArrayBuffer.isView(raw) ? (raw as Record<string, unknown>) : {};
  const encoded = fields[METADATA_KEY];
  const version = Number(fields[SCHEMA_VERSION_KEY]);
  if (typeof encoded !== 'string' || typeof fields[SCHEMA_VERSION_KEY] !== 'string' || !Number.isSafeInteger(version)) {
    throw new Error(`${where} has no ledger metadata: it was not written by the ledger`);
  }
  return { version, metadata: JSON.parse(encoded) as EventMetadata };
}

export function toEventData(event: EventToAppend): EventData {
  return jsonEvent({
    id: event.metadata.eventId,
    type: event.type,
    data: event.data as JSONType,
    metadata: encodeMetadata(event),
  });
}

export function toRecordedEvent(record: KurrentRecord): RecordedEvent {
  const where = `KurrentDB event ${record.id} of ${record.streamId}`;
  if (!record.isJson) throw new Error(`${where} is not JSON: it was not written by the ledger`);
  const { version, metadata } = decodeMetadata(record.metadata, where);
  return {
    stream: record.streamId,
    revision: revisionToNumber(record.revision),
    position: positionOf(record),
    type: record.type,
    version,
    data: record.data,
    metadata,
  };
}

export function claimData(claim: IdempotencyClaim, appends: readonly StreamAppend[]): IdempotencyClaimData {
  return {
    key: claim.key,
    fingerprint: claim.fingerprint,
    events: appends.flatMap((a) => {
      const expected = a.expectedRevision;
      const first = expected === 'no_stream' ? 0 : typeof expected === 'number' ? expected + 1 : null;
      return a.events.map((event, i) => ({
        eventId: event.metadata.eventId,
        stream: a.stream,
        revision: first === null ? null : first + i,
      }));
    }),
  };
}

export function parseClaimData(data: unknown, key: string): IdempotencyClaimData {
  const d = data as Partial<IdempotencyClaimData> | null;
  const valid =
    typeof d === 'object' &&
    d !== null &&
    d.key === key &&
    typeof d.fingerprint === 'string' &&
    Array.isArray(d.events) &&
    d.events.length > 0 &&
    d.events.every(
      (e: Partial<ClaimedEvent>) =>
        typeof e?.eventId === 'string' &&
        typeof e.stream === 'string' &&
        (e.revision === null || (Number.isSafeInteger(e.revision) && (e.revision as number) >= 0)),
    );
  if (!valid) throw new Error(`the claim of idempotency key ${key} in ${idempotencyStream(key)} is malformed`);
  return d as IdempotencyClaimData;
}

/**
 * The port's errors for a failed append: a conflict on the claim stream means the key was taken, a conflict on
 * a domain stream is WrongExpectedRevision with the revision the caller expected. Anything else is unchanged.
 */
export function mapAppendError(error: unknown, appends: readonly StreamAppend[], claim?: IdempotencyClaim): unknown {
  if (!isWrongExpectedVersion(error)) return error;
  if (claim && error.streamName === idempotencyStream(claim.key)) return new IdempotencyKeyTaken(claim.key);
  const target = appends.find((a) => a.stream === error.streamName) ?? (appends.length === 1 ? appends[0] : undefined);
  return new WrongExpectedRevision(
    target?.stream ?? error.streamName,
    target?.expectedRevision ?? fromStreamState(error.expectedState),
    toActual(error.actualState),
  );
}

function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return (
    error instanceof WrongExpectedVersionError ||
    (error as { type?: unknown } | null)?.type === ErrorType.WRONG_EXPECTED_VERSION
  );
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof StreamNotFoundError || (error as { type?: unknown } | null)?.type === ErrorType.STREAM_NOT_FOUND;
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A connection string without its user:password. */
function redact(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/]*@/, '//***@');
}
