import {
  AppendResult,
  AppendedEvent,
  ExpectedRevision,
  IdempotencyClaim,
  IdempotencyKeyTaken,
  StreamAppend,
  WrongExpectedRevision,
} from '../event-store.port';
import type { EventToAppend } from '../../../events';
import { leafAt, PreparedAppend, PreparedEvent, storedTexts } from '../leaves';
import type { StoredEvent } from '../stored-event';

/** One caller's append, waiting for the next batch: its events as given, or prepared for their leaves (store/leaves.ts). */
export interface PendingWrite {
  readonly appends: readonly (StreamAppend | PreparedAppend)[];
  readonly idempotency?: IdempotencyClaim;
}

/** The log as the batch transaction found it, after taking the head row's lock. */
export interface LogState {
  /** Global position of the last committed event (0 when empty). */
  readonly head: number;
  /** Last revision of each stream the batch touches that exists. */
  readonly revisions: ReadonlyMap<string, number>;
  /** Idempotency keys of the batch already claimed by earlier appends. */
  readonly claimed: ReadonlySet<string>;
}

/** A row of the events table. Data and metadata are the JSON text to store, byte for byte. */
export interface EventRow extends StoredEvent {
  readonly position: number;
  readonly eventId: string;
  /** Its Merkle leaf, when the event was prepared for one (store/leaves.ts). */
  readonly leafHash?: Buffer;
}

export interface ClaimRow {
  readonly key: string;
  readonly fingerprint: string;
  readonly firstPosition: number;
  readonly lastPosition: number;
}

export type Placement = { readonly ok: AppendResult } | { readonly refused: WrongExpectedRevision | IdempotencyKeyTaken };

export interface PlacedBatch {
  /** One per write of the batch, in order. */
  readonly placements: readonly Placement[];
  /** Rows to insert: the accepted writes' events, at dense positions after the head, in batch order. */
  readonly events: readonly EventRow[];
  readonly claims: readonly ClaimRow[];
  /** The head after the batch. */
  readonly head: number;
}

/**
 * Decides a batch of appends against the log as it stands, in order, as if each were committed alone: an
 * append sees the revisions and claims of the accepted appends before it, and a refused one leaves no trace.
 * Pure: the adapter reads the state under the head lock and writes what this returns.
 */
export function placeBatch(batch: readonly PendingWrite[], state: LogState): PlacedBatch {
  const revisions = new Map(state.revisions);
  const claimed = new Set(state.claimed);
  const events: EventRow[] = [];
  const claims: ClaimRow[] = [];
  let head = state.head;

  const placements = batch.map((write): Placement => {
    const seen = new Map<string, number>();
    const rows: EventRow[] = [];
    for (const a of write.appends) {
      const current = seen.has(a.stream) ? (seen.get(a.stream) as number) : revisions.get(a.stream) ?? null;
      if (!expectedRevisionHolds(a.expectedRevision, current)) {
        return { refused: new WrongExpectedRevision(a.stream, a.expectedRevision, current ?? 'no_stream') };
      }
      let revision = current ?? -1;
      for (const e of a.events as readonly (EventToAppend | PreparedEvent)[]) {
        revision += 1;
        const common = { position: head + rows.length + 1, stream: a.stream, revision, type: e.type, version: e.version };
        rows.push(
          'before' in e
            ? { ...common, eventId: e.eventId, ...storedTexts(e), leafHash: leafAt(e, revision) }
            : { ...common, eventId: e.metadata.eventId, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) },
        );
      }
      seen.set(a.stream, revision);
    }
    const first = head + 1;
    const last = head + rows.length;
    if (write.idempotency) {
      if (claimed.has(write.idempotency.key)) return { refused: new IdempotencyKeyTaken(write.idempotency.key) };
      claimed.add(write.idempotency.key);
      claims.push({ key: write.idempotency.key, fingerprint: write.idempotency.fingerprint, firstPosition: first, lastPosition: last });
    }
    for (const [stream, revision] of seen) revisions.set(stream, revision);
    events.push(...rows);
    head = last;
    const appended: AppendedEvent[] = rows.map((r) => ({ eventId: r.eventId, stream: r.stream, revision: r.revision, position: r.position }));
    return { ok: { position: last, events: appended } };
  });

  return { placements, events, claims, head };
}

/** Whether a stream whose last revision is `current` (null: no stream) satisfies the expectation. */
export function expectedRevisionHolds(expected: ExpectedRevision, current: number | null): boolean {
  return (
    expected === 'any' ||
    (expected === 'no_stream' && current === null) ||
    (expected === 'stream_exists' && current !== null) ||
    (typeof expected === 'number' && current === expected)
  );
}
