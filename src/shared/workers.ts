import { join } from 'node:path';
import { ResourceLimits, Worker, workerData } from 'node:worker_threads';

/**
 * The ledger's worker threads (projection, reader, `ledger verify`) start through one entry, worker-entry.js: it loads
 * the compiled module from `dist/`, or lets the thread load the TypeScript sources first when run from them (under
 * ts-jest, see worker-sources.js).
 */
const ENTRY = join(__dirname, 'worker-entry.js');

/**
 * The nice value of a thread whose work can wait (the live projection thread, which folds the read models and the
 * Merkle log behind the commits): when both cores are wanted, the event loop and the log's writer, which answer and
 * acknowledge commands, run first. Threads started by it inherit it (Linux: a thread starts with its creator's nice
 * value), so the rebuild of a first start is background work too. It takes nothing from it on an idle core.
 * Five, not more: against a thread of nice 0 it still gets about a quarter of a contended core (CFS weights 335 and
 * 1024), so read models never starve behind a busy machine; and under 16 clients 5 gave more commands/s than 10 or 0
 * (bench/README.md). A thread cannot take back a priority it gave up without privileges, so it is set once.
 */
export const BACKGROUND_NICE = 5;

export interface WorkerOptions {
  /** Sizes its heap (a thread that folds the log gets a larger young generation). */
  readonly resourceLimits?: ResourceLimits;
  /** Its nice value (BACKGROUND_NICE): set by the thread itself as it starts, on Linux; elsewhere it runs as others do. */
  readonly nice?: number;
}

/** Starts a worker thread running `module` (its path without extension), which reads `data` with dataOfThisWorker(). */
export function startWorker(module: string, data: unknown, options: WorkerOptions = {}): Worker {
  const { resourceLimits, nice } = options;
  return new Worker(ENTRY, { workerData: { module, data, ...(nice === undefined ? {} : { nice }) }, ...(resourceLimits ? { resourceLimits } : {}) });
}

/** In a worker started by startWorker: the data it was given. */
export function dataOfThisWorker<T>(): T {
  return (workerData as { data: T }).data;
}

/** The first pause before a thread that keeps failing is started again; it doubles with each failure in a row, up to the last. */
const RESTART_FIRST_MS = 1_000;
const RESTART_LONGEST_MS = 60_000;

/** The pause before starting a thread again after `failures` failures in a row (1 s, 2 s, 4 s... up to 1 min). */
export function restartDelay(failures: number): number {
  return Math.min(RESTART_FIRST_MS * 2 ** Math.max(failures - 1, 0), RESTART_LONGEST_MS);
}
