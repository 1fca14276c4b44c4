import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../shared/workers';
import type { EventStore } from '../store/event-store.port';
import { SqliteEventStore } from '../store/sqlite/sqlite-event-store';
import type { MerkleLog } from './merkle-log';
import { SqliteMerkleLog } from './sqlite-merkle-log';
import { BLOCK, joinRanges, JoinedRanges, PassMode, RangeResult, RangeTask } from './verify-ranges';

/** What the main thread asks a verify thread: check a range, or look for an event in one. */
export type VerifyRequest =
  | { readonly id: number; readonly kind: 'range'; readonly task: RangeTask }
  | { readonly id: number; readonly kind: 'find'; readonly mode: PassMode; readonly after: number; readonly upTo: number; readonly eventId: string };

export type VerifyReply =
  | { readonly id: number; readonly kind: 'progress'; readonly events: number }
  | { readonly id: number; readonly kind: 'range'; readonly result: RangeResult }
  | { readonly id: number; readonly kind: 'found'; readonly found: boolean }
  | { readonly id: number; readonly kind: 'failed'; readonly message: string };

/** The files a verify thread opens, each with a read-only connection of its own. */
export interface VerifyFiles {
  readonly storeFile: string;
  readonly auditFile: string;
}

/** A range of the log by position, and the leaf its first event should be. */
interface Range {
  readonly after: number;
  readonly upTo: number;
  readonly startIndex: number;
}

/** Ranges per thread: more ranges than threads, so that a thread slowed by other work on the machine holds up less. */
const RANGES_PER_THREAD = 4;

/**
 * `ledger verify` in worker threads: the log cut into ranges of whole blocks of leaves (by the audit file's leaves, at
 * events the store holds), each checked by a thread (checkRange, verify-worker.ts) with its own read-only connections to
 * the store and the audit file, then joined in log order (joinRanges). For the SQLite store and audit file in files;
 * PostgreSQL and in-memory stores are checked in one thread.
 *
 * A range's first event is taken to be the leaf the audit file has there. When the store departs from the log (an event
 * deleted or inserted), a range may start elsewhere: once every range has told how many events it holds, the ranges
 * checked from a wrong leaf are checked again from the right one, so the joined findings are those of one pass over the
 * whole log.
 */
export class VerifyThreads {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private nextId = 0;

  private constructor(
    private readonly store: SqliteEventStore,
    private readonly log: SqliteMerkleLog,
    private readonly workers: readonly Worker[],
    private readonly block: number,
  ) {
    this.idle.push(...workers);
  }

  /** Threads for this store and log, or null when they are not SQLite files (then the log is checked in this thread). */
  static async open(store: EventStore, log: MerkleLog, threads: number, block = BLOCK): Promise<VerifyThreads | null> {
    if (!Number.isSafeInteger(block) || block < 1 || (block & (block - 1)) !== 0) throw new RangeError(`a block of leaves must be a power of two, not ${block}`);
    if (!(store instanceof SqliteEventStore) || !(log instanceof SqliteMerkleLog)) return null;
    const files: VerifyFiles = { storeFile: store.db.name, auditFile: log.file };
    if (files.storeFile === ':memory:' || files.auditFile === ':memory:') return null;
    const workers = Array.from({ length: threads }, () => startWorker(join(__dirname, 'verify-worker'), files));
    return new VerifyThreads(store, log, workers, block);
  }

  /** One pass over the whole log in the threads, joined in log order. */
  async check(mode: PassMode, targets: readonly number[], onProgress?: (events: number) => void): Promise<JoinedRanges> {
    const ranges = await this.ranges();
    const done = ranges.map(() => 0);
    const progress = (i: number) => (events: number) => {
      done[i] = events;
      onProgress?.(done.reduce((a, b) => a + b, 0));
    };
    const results = await Promise.all(ranges.map((r, i) => this.checkRange({ mode, ...r, targets, block: this.block }, progress(i))));
    // Each range from the leaf where the ranges before it ended: those checked from another leaf are checked again.
    let start = 0;
    const again: Promise<void>[] = [];
    for (const [i, result] of results.entries()) {
      if (result.startIndex !== start) again.push(this.checkRange({ mode, ...ranges[i], startIndex: start, targets, block: this.block }).then((r) => void (results[i] = r)));
      if (result.unreadable) break;
      start += result.events;
    }
    await Promise.all(again);
    return joinRanges(results, targets, this.block, async (i, eventId) => {
      const later = ranges.slice(i + 1, results.findIndex((r) => r.unreadable !== undefined) + 1 || undefined);
      const found = await Promise.all(later.map((r) => this.find(mode, r, eventId)));
      return found.some(Boolean);
    });
  }

  /**
   * Cuts the log into ranges of whole blocks of leaves: a range ends at the event the store holds at or before the
   * position of the audit file's leaf there. The last range runs to the end of the store.
   */
  private async ranges(): Promise<Range[]> {
    const logSize = await this.log.size();
    const count = this.workers.length * RANGES_PER_THREAD;
    const length = Math.max(this.block, Math.ceil(logSize / count / this.block) * this.block);
    const atOrBefore = this.store.db.prepare('SELECT position FROM events WHERE position <= ? ORDER BY position DESC LIMIT 1').pluck();
    const ranges: Array<{ after: number; startIndex: number }> = [{ after: 0, startIndex: 0 }];
    for (let startIndex = length; startIndex < logSize; startIndex += length) {
      const leaf = await this.log.leaf(startIndex - 1);
      const after = leaf && (atOrBefore.get(leaf.position) as number | undefined);
      if (after !== undefined && after > ranges[ranges.length - 1].after) ranges.push({ after, startIndex });
    }
    return ranges.map((r, i) => ({ ...r, upTo: ranges[i + 1]?.after ?? Number.POSITIVE_INFINITY }));
  }

  private checkRange(task: RangeTask, onProgress?: (events: number) => void): Promise<RangeResult> {
    return this.ask((id) => ({ id, kind: 'range', task }), onProgress) as Promise<RangeResult>;
  }

  private find(mode: PassMode, range: Range, eventId: string): Promise<boolean> {
    return this.ask((id) => ({ id, kind: 'find', mode, after: range.after, upTo: range.upTo, eventId })) as Promise<boolean>;
  }

  /** Runs a request on the next idle thread. */
  private async ask(request: (id: number) => VerifyRequest, onProgress?: (events: number) => void): Promise<RangeResult | boolean> {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    const id = this.nextId++;
    try {
      return await new Promise<RangeResult | boolean>((resolve, reject) => {
        const onMessage = (reply: VerifyReply) => {
          if (reply.id !== id) return;
          if (reply.kind === 'progress') return onProgress?.(reply.events);
          stop();
          if (reply.kind === 'range') resolve(reply.result);
          else if (reply.kind === 'found') resolve(reply.found);
          else reject(new Error(`a verify thread failed: ${reply.message}`));
        };
        const onError = (error: Error) => {
          stop();
          reject(error);
        };
        const onExit = (code: number) => {
          stop();
          reject(new Error(`a verify thread stopped (exit code ${code})`));
        };
        const stop = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage(request(id));
      });
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
