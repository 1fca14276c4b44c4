import type { Subscription } from 'rxjs';
import type { RecordedEvent } from '../../events';
import type { LedgerConfig } from '../config/ledger-config';
import { EventStore, LogIntegrityError } from '../store/event-store.port';
import { gatherDelay } from '../shared/gather';
import type { SignedTreeHead } from './verifier/formats';

export interface LeafRecord {
  readonly leafIndex: number;
  readonly position: number;
  readonly eventId: string;
  readonly leafHash: Buffer;
}

/** The event store no longer holds the history the log recorded; the log refuses to go on. */
export { LogIntegrityError };

/**
 * The RFC 6962 Merkle tree over the global event log, and the signed tree heads published from it.
 *
 * Leaves follow the store's global order, numbered 0, 1, 2... in the order the store delivers them. The log follows
 * the store (KurrentDB assigns that order only at commit) rather than hashing inside the append; each batch of
 * leaves is written with the checkpoint in one transaction, and events at or before the checkpoint are skipped, so
 * a follower, a CLI catch-up, a restart, and another ledger process on the same log may all deliver the same event
 * safely. Two places keep it: a SQLite file (sqlite-merkle-log.ts) for a SQLite or KurrentDB ledger, and the
 * schema `audit` of the ledger's PostgreSQL database (postgres-merkle-log.ts), shared by every process on it.
 */
export interface MerkleLog {
  /** Number of leaves. */
  size(): Promise<number>;
  /** Global position of the last logged event (0 when empty). */
  checkpoint(): Promise<number>;
  /** Adds the events after the checkpoint as leaves, in the given (global) order. Returns how many were added. */
  append(events: readonly RecordedEvent[]): Promise<number>;
  /** Reads every event after the checkpoint and logs it. Returns how many leaves were added. */
  catchUp(): Promise<number>;
  /** Follows the store's global log from the checkpoint, logging events as they are delivered; on a failure it stops and calls onError. */
  follow(onError: (error: unknown) => void): void;
  stopFollowing(): void;
  leaf(index: number): Promise<LeafRecord | undefined>;
  /** Up to `count` leaves from `from` on. */
  leaves(from: number, count: number): Promise<LeafRecord[]>;
  /** Size of the tree of the events at or before a global position: the leaves logged up to it. */
  sizeAtPosition(position: number): Promise<number>;
  leafOf(eventId: string): Promise<LeafRecord | undefined>;
  /** The root of the tree of the first `size` leaves (default: all). */
  rootHash(size?: number): Promise<Buffer>;
  inclusionProof(index: number, size: number): Promise<Buffer[]>;
  consistencyProof(first: number, second: number): Promise<Buffer[]>;
  addTreeHead(head: SignedTreeHead): Promise<void>;
  latestTreeHead(): Promise<SignedTreeHead | undefined>;
  treeHeadOfSize(size: number): Promise<SignedTreeHead | undefined>;
  /** Signed tree heads, newest first. */
  treeHeads(offset: number, limit: number): Promise<SignedTreeHead[]>;
  /** Every signed tree head, smallest first. */
  treeHeadsBySize(): Promise<SignedTreeHead[]>;
  treeHeadCount(): Promise<number>;
  close(): Promise<void>;
}

/** How many events a log writes per transaction at most, following or catching up. */
export const LOG_PAGE = 1000;
/**
 * How long live events are gathered before they are logged: at least 20 ms, and under load LOAD_FACTOR × the time the
 * last batch took to write, up to 250 ms (as the read models' batches), so that batches grow instead of their cost.
 */
const GATHER_MS = 20;
const MAX_GATHER_MS = 250;

/**
 * What both logs' follow() share: the store's global log after `after`, as stored (a leaf commits to the event as it was
 * appended, never as upcast), handed to `write` in batches. A long backlog, delivered in one synchronous burst, a page
 * at a time; live events gathered briefly, so one audit transaction serves a group of commits.
 */
export function followInBatches(
  store: EventStore,
  after: number,
  write: (batch: RecordedEvent[]) => void,
  onError: (error: unknown) => void,
): Subscription {
  let pending: RecordedEvent[] = [];
  /** How long the last batch took to write, in ms (a PostgreSQL log's write only starts it: the minimum wait then). */
  let lastWriteMs = 0;
  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const started = performance.now();
    write(batch);
    lastWriteMs = performance.now() - started;
  };
  return store.subscribeToAll({ after, asStored: true }).subscribe({
    next: (event) => {
      const waiting = pending.push(event);
      if (waiting >= LOG_PAGE) flush();
      else if (waiting === 1) setTimeout(flush, gatherDelay(lastWriteMs, GATHER_MS, MAX_GATHER_MS));
    },
    error: onError,
  });
}

/**
 * Opens the Merkle log the configuration implies: in the ledger's PostgreSQL database when the log is there (shared by
 * every process on it), otherwise the SQLite file LEDGER_AUDIT_FILE.
 */
export async function openMerkleLog(config: Pick<LedgerConfig, 'store' | 'databaseUrl' | 'auditFile'>, store: EventStore): Promise<MerkleLog> {
  if (config.store === 'postgres') {
    const { PostgresMerkleLog } = await import('./postgres-merkle-log');
    return PostgresMerkleLog.open(config.databaseUrl as string, store);
  }
  const { SqliteMerkleLog } = await import('./sqlite-merkle-log');
  return SqliteMerkleLog.open(config.auditFile, store);
}
