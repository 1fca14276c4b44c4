import type { Observable } from 'rxjs';
import type { EventToAppend, RecordedEvent } from '../../events';
import type { SignedTreeHead } from '../audit/verifier/formats';
import type { StoredEvent } from './stored-event';

/**
 * What the caller knows about a stream before appending to it.
 * A number is the revision of the stream's last event (0-based); 'no_stream' means it must not exist yet.
 */
export type ExpectedRevision = number | 'no_stream' | 'any' | 'stream_exists';

export interface StreamAppend {
  readonly stream: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly EventToAppend[];
}

/**
 * Claimed by an append when the command carried an Idempotency-Key. The claim is stored atomically with
 * the events; a second claim of the same key fails with IdempotencyKeyTaken and stores nothing.
 */
export interface IdempotencyClaim {
  readonly key: string;
  /** Hash of the command's canonical body: the same key with a different body is refused. */
  readonly fingerprint: string;
}

export interface AppendedEvent {
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

export interface AppendResult {
  /** Global position of the last appended event. */
  readonly position: number;
  readonly events: readonly AppendedEvent[];
}

export interface IdempotencyRecord {
  readonly key: string;
  readonly fingerprint: string;
  readonly result: AppendResult;
}

/**
 * Every read path upcasts: events come back at their type's current schema version (events/upcasting.ts).
 * `asStored` reads them exactly as they were appended instead; the audit does, because a Merkle leaf is the hash
 * of the stored event and an upcast one would no longer match it.
 */
export interface AsStoredOption {
  readonly asStored?: boolean;
}

export interface ReadOptions extends AsStoredOption {
  /** Maximum number of events to return (default: all). */
  readonly maxCount?: number;
}

export interface StreamAllOptions extends AsStoredOption {
  /** Stop after this global position (inclusive). Default: go on to the end of the log. */
  readonly upTo?: number;
  /** Events per page, each page one read of the store (default 1000). */
  readonly pageSize?: number;
}

export interface SubscribeOptions extends AsStoredOption {
  /** Deliver events strictly after this global position (0 = from the beginning). */
  readonly after: number;
}

/**
 * The event store port: the only way to the log. Two adapters implement it (SQLite, KurrentDB) and pass one
 * contract suite (test/store/event-store.contract.ts). Reads upcast each event to its current version unless
 * asked for it as stored (AsStoredOption).
 */
export interface EventStore {
  /**
   * Appends to one or more streams atomically: either every stream's expected revision holds and all
   * events are stored, or WrongExpectedRevision is thrown and nothing is.
   */
  append(appends: readonly StreamAppend[], options?: { idempotency?: IdempotencyClaim }): Promise<AppendResult>;

  /** Events of one stream from a revision (inclusive), in order. Empty for a stream that does not exist. */
  readStream(stream: string, fromRevision?: number, options?: ReadOptions): Promise<RecordedEvent[]>;

  /** Events of the global log strictly after a position, in order. */
  readAll(after: number, options?: ReadOptions): Promise<RecordedEvent[]>;

  /**
   * The global log strictly after a position, in order, page by page. A page is read when the one before has
   * been taken, so memory stays bounded whatever the size of the log, and nothing of the store is held open
   * between pages (appends and other reads go on). Ends after `upTo`, or at the end of the log: events
   * appended while it runs are included until a page comes back short. For rebuilds, verification and
   * the audit's catch-up: anything that reads the whole log.
   */
  streamAll(after: number, options?: StreamAllOptions): AsyncIterable<RecordedEvent[]>;

  /** Catch-up subscription: every event after the position, then live events, in global order, without gaps. */
  subscribeToAll(options: SubscribeOptions): Observable<RecordedEvent>;

  /** The result of the first append that claimed this idempotency key, if any. */
  findIdempotency(key: string): Promise<IdempotencyRecord | null>;

  /** Global position of the last event in the log (0 when empty). */
  headPosition(): Promise<number>;

  close(): Promise<void>;

  /**
   * Tamper evidence written at commit, by the adapters that can (SQLite, PostgreSQL; not KurrentDB, whose global
   * order exists only after commit): each event's Merkle leaf in the append's transaction, and the seal, a tree head
   * over the whole log signed with the ledger's key in the same transaction.
   *
   * startWriting: this process becomes a writer of the log (SQLite: its one writer, or a clear refusal), checks
   * every leaf against the seal, and seals its commits from then on. A log that fails the check is refused every
   * append (LogIntegrityError): the ledger serves it read-only, with the findings.
   */
  startWriting?(options: { signingKeyPem?: string; publicKeyPem?: string }): Promise<LogCheck>;
  /** The leaves written at commit, in log order, after a position; null for an event that has none. */
  readLeaves?(after: number, maxCount: number): Promise<{ position: number; leafHash: Buffer | null }[]>;
  /**
   * The events after a position as stored, data and metadata left as their stored texts, each with the leaf written
   * at its commit: what `ledger verify` hashes directly (the texts are the canonical form the leaf was hashed from).
   */
  readStoredTexts?(after: number, maxCount: number): Promise<StoredEventText[]>;
  /** The seal of the last commit; null when nothing was committed with the key. */
  readSeal?(): Promise<SignedTreeHead | null>;
  /** From now on every append is refused with LogIntegrityError(reason): the log is served read-only. */
  stopWriting?(reason: string): void;

  /**
   * True while every append to the log goes through this instance (SQLite once startWriting holds the log's writer
   * lock; an in-memory store): nothing reaches the log that `watchCommits` listeners do not hear of. Caches of
   * folded streams then need not ask the store whether a stream grew.
   */
  writesAlone?(): boolean;
  /**
   * Calls `listener` with the events of each committed append, once they are in the log and before the append's
   * caller is answered. Returns the way to stop listening.
   */
  watchCommits?(listener: (events: readonly AppendedEvent[]) => void): () => void;
}

/** An event's row as stored, unparsed (see EventStore.readStoredTexts), with the leaf written at its commit. */
export interface StoredEventText extends StoredEvent {
  readonly position: number;
  readonly leafHash: Buffer | null;
}

/** What a writer found when it checked the log against its seal (merkle-core.js, checkLog). */
export interface LogCheck {
  readonly ok: boolean;
  readonly events: number;
  /** Events with a leaf written at commit. */
  readonly leaves: number;
  readonly seal: SignedTreeHead | null;
  /** Each way the log departs from its seal, as a sentence. */
  readonly findings: readonly string[];
}

/** The event log no longer holds the history its evidence recorded; the ledger records nothing more (HTTP 500). */
export class LogIntegrityError extends Error {
  override readonly name = 'LogIntegrityError';
}

export const EVENT_STORE = Symbol('EventStore');

/** A stream's actual revision did not match what the caller expected. Nothing was written. */
export class WrongExpectedRevision extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

/** The idempotency key was claimed by an earlier append. Nothing was written. */
export class IdempotencyKeyTaken extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} was already used`);
    this.name = 'IdempotencyKeyTaken';
  }
}
