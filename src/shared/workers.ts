import { join } from 'node:path';
import { ResourceLimits, Worker, workerData } from 'node:worker_threads';

/**
 * The ledger's worker threads (projection, reader, `ledger verify`) start through one entry, worker-entry.js: it loads
 * the compiled module from `dist/`, or lets the thread load the TypeScript sources first when run from them (under
 * ts-jest, see worker-sources.js).
 */
const ENTRY = join(__dirname, 'worker-entry.js');

/**
 * Starts a worker thread running `module` (its path without extension), which reads `data` with dataOfThisWorker();
 * `resourceLimits` sizes its heap (a thread that folds the log gets a larger young generation).
 */
export function startWorker(module: string, data: unknown, resourceLimits?: ResourceLimits): Worker {
  return new Worker(ENTRY, { workerData: { module, data }, ...(resourceLimits ? { resourceLimits } : {}) });
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
