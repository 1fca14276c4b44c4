import type { LedgerConfig } from '../config/ledger-config';
import type { ProjectionContext } from '../../projections/shared/context';
import { projectionContextOf } from './context';
import { onServer } from './read-model-db';
import { startWorker } from '../shared/workers';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { RebuildOptions, RebuildResult } from './rebuild';
import type { FirstFill } from './projection-runner';

/**
 * The young generation (MB: V8's two semi-spaces and the new large objects, a third each) of a thread that folds the
 * whole log: a rebuild allocates an event, its fold's changes and its rows per event, most dead within the next page,
 * while what the caches hold lives on. With V8's default (16 MB semi-spaces) many of the short-lived objects are still
 * alive at a scavenge and get copied, then promoted and walked by the full collections; with 64 MB semi-spaces a 1M
 * rebuild spent 6-19 % less CPU in our runs, for up to 350 MB more RSS (bench/README.md).
 */
export const FOLD_YOUNG_GENERATION_MB = 192;

/** What a rebuild thread folds: the log, the read models and what they are folded with. */
export interface RebuildJob {
  /** The event log, opened by the thread with connections of its own (createEventStore). */
  readonly log: Pick<LedgerConfig, 'store' | 'dbFile' | 'kurrentdbUrl' | 'databaseUrl'>;
  /** The read models' file, or their PostgreSQL database (ReadModelDb.open). */
  readonly readModelLocation: string;
  /**
   * The catalogue and rules the read models are folded with: the ledger's (its configuration), or a module exporting
   * `projectionContext(...args)` (the benchmarks' synthetic catalogue).
   */
  readonly context: Pick<LedgerConfig, 'catalogueDir' | 'redFlagRulesFile'> | { readonly module: string; readonly args: readonly unknown[] };
  readonly options?: Omit<RebuildOptions, 'onProgress'>;
  /** The heap in use (MB) past which the rebuild writes what it holds and its caches drop their older documents (default REBUILD_HEAP_BUDGET_MB). */
  readonly heapBudgetMb?: number;
  /** The old generation's limit of the thread (MB), when given: V8 then collects before its heap grows past it (it fails the rebuild if what is live does not fit). */
  readonly oldGenerationMb?: number;
  /**
   * Threads that fold (default 2: the red flags in a second lane, rebuild-lane.ts, the two sharing the heap budget and
   * the old generation; 1: this thread folds every read model). Read models on PostgreSQL are folded in one (lanesOf).
   */
  readonly lanes?: 1 | 2;
}

/**
 * The heap budget of a rebuild thread (MB): past it, its caches drop their older documents and what it holds is written
 * ahead of the commit (ProjectionEngine.applyStream). It bounds the heap in use, garbage included, not the heap V8
 * keeps (sized by V8 from what it collects): at 1M a rebuild stays near 1.2 GB of RSS, at 3M it reached 2.15 GB.
 */
export const REBUILD_HEAP_BUDGET_MB = 512;

/**
 * The old generation of a rebuild thread unless told otherwise (MB; rebuildBounded). V8 then collects before its heap
 * grows past it instead of keeping the heap it grew to: at 10M events the rebuild stayed at 1.43 GB of RSS while it
 * folded (4.1 GB without a limit), for about a fifth more CPU at 1M and 3M (bench/README.md). 768 since the balances
 * hold their rows in typed arrays outside the heap (about 160 MB at 10M): with 1,024 the 10M rebuild peaked at
 * 1,483 MiB of RSS, with 896 at 1,310 and 1,452 MiB in two runs, with 768 at 1,279 MiB, for about 8 % more time.
 */
export const REBUILD_OLD_GENERATION_MB = 768;

/** The catalogue and rules of a job, in the thread that folds with them. */
export function contextOfJob(context: RebuildJob['context']): ProjectionContext {
  if ('module' in context) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const made = (require(context.module) as { projectionContext: (...args: unknown[]) => ProjectionContext }).projectionContext;
    return made(...context.args);
  }
  return projectionContextOf(context);
}

/**
 * The share of a rebuild's memory its second lane takes (rebuild-lane.ts): of the heap budget (RebuildJob.heapBudgetMb)
 * and of the old generation (RebuildJob.oldGenerationMb), so that two lanes keep to about the memory of one.
 */
export const SECOND_LANE_SHARE = 3 / 8;

/** The lanes a job folds in: as asked (default 2), but one for read models on PostgreSQL, which have no lane file. */
export function lanesOf(job: Pick<RebuildJob, 'lanes' | 'readModelLocation'>): 1 | 2 {
  return onServer(job.readModelLocation) ? 1 : (job.lanes ?? 2);
}

/** A rebuild's memory (MB: its heap budget, its old generation) as its lanes share it: [the rebuild thread's, the second lane's]. */
export function laneShares(mb: number, lanes: 1 | 2): [number, number] {
  const second = lanes === 2 ? Math.round(mb * SECOND_LANE_SHARE) : 0;
  return [mb - second, second];
}

/** What the rebuild thread tells the thread that started it. */
export type RebuildMessage =
  | { readonly kind: 'progress'; readonly position: number; readonly events: number; readonly phase?: 'events' | 'indexes' }
  | { readonly kind: 'done'; readonly result: RebuildResult }
  | FoldFailure;

/**
 * rebuildReadModels in a worker thread of its own, with a larger young generation (FOLD_YOUNG_GENERATION_MB) than the
 * process's default: what `ledger projections rebuild` and `npm run bench:rebuild` run. Resolves with the result,
 * rejects with the rebuild's error (the new generation is then not live).
 */
export function rebuildInThread(job: RebuildJob, onProgress?: RebuildOptions['onProgress'], signal?: AbortSignal): Promise<RebuildResult> {
  signal?.throwIfAborted();
  const worker = startWorker(join(__dirname, 'rebuild-worker'), job, {
    resourceLimits: {
      maxYoungGenerationSizeMb: FOLD_YOUNG_GENERATION_MB,
      ...(job.oldGenerationMb === undefined ? {} : { maxOldGenerationSizeMb: laneShares(job.oldGenerationMb, lanesOf(job))[0] }),
    },
  });
  // Stopped: the thread is terminated with its lane; its unfinished generation is not live (the next rebuild drops it).
  const stop = () => void worker.terminate();
  signal?.addEventListener('abort', stop, { once: true });
  return foldResult<RebuildResult>(worker, 'the rebuild thread', (m) => {
    if ((m as RebuildMessage).kind === 'progress') {
      const p = m as Extract<RebuildMessage, { kind: 'progress' }>;
      onProgress?.(p.position, p.events, p.phase);
    }
  }).finally(() => signal?.removeEventListener('abort', stop));
}

/** A fold thread's failure (the rebuild's, its second lane's), as it tells the thread that started it; its code kept (ERR_WORKER_OUT_OF_MEMORY, for rebuildBounded). */
export interface FoldFailure {
  readonly kind: 'failed';
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

export function foldFailure(error: unknown): FoldFailure {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    kind: 'failed',
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/**
 * What a fold thread ends with: its "done" message's result; its failure, as an error with its code (`said` words its
 * message); or its stop before either. Its other messages go to `onOther`.
 */
export function foldResult<T>(worker: Worker, thread: string, onOther?: (message: unknown) => void, said: (message: string) => string = (m) => m): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: { readonly kind: string; readonly result?: T }) => {
      if (m.kind === 'done') {
        settled = true;
        resolve(m.result as T);
      } else if (m.kind === 'failed') {
        settled = true;
        const f = m as FoldFailure;
        const error = Object.assign(new Error(said(f.message)), f.code ? { code: f.code } : {});
        if (f.stack) error.stack = f.stack;
        reject(error);
      } else onOther?.(m);
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`${thread} stopped (exit code ${code}) before it finished`));
    });
  });
}

/**
 * rebuildInThread with the thread's old generation bounded (job.oldGenerationMb; undefined: REBUILD_OLD_GENERATION_MB,
 * 0: unbounded). A log whose live documents outgrow the bound makes the thread run out of heap: the rebuild is then run
 * again without one, said through `log` (the unfinished generation is not live; the next rebuild drops it), so a bound
 * costs time there, never the rebuild. `signal` stops it (the server's first fill, when the server stops).
 */
export async function rebuildBounded(
  job: RebuildJob,
  onProgress?: RebuildOptions['onProgress'],
  log?: (message: string) => void,
  signal?: AbortSignal,
): Promise<RebuildResult> {
  const bound = job.oldGenerationMb ?? REBUILD_OLD_GENERATION_MB;
  if (bound === 0) return rebuildInThread({ ...job, oldGenerationMb: undefined }, onProgress, signal);
  try {
    return await rebuildInThread({ ...job, oldGenerationMb: bound }, onProgress, signal);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_WORKER_OUT_OF_MEMORY') throw error;
    log?.(`the rebuild outgrew its ${bound} MB old generation; rebuilding again without a limit (--old-generation 0 starts that way)`);
    return rebuildInThread({ ...job, oldGenerationMb: undefined }, onProgress, signal);
  }
}

/**
 * A first fill by a rebuild (ProjectionRunnerOptions.firstFill) from where a job opens the log, the read models and the
 * context: the projection thread's, when the server builds its read models from position 0 (two lanes, as the CLI).
 */
export function firstFillOf(job: Pick<RebuildJob, 'log' | 'readModelLocation' | 'context'>, fromEvents: number, log?: (message: string) => void): FirstFill {
  return {
    fromEvents,
    rebuild: (onProgress, signal) =>
      rebuildBounded(
        { ...job, options: { holder: 'the ledger server, building its read models at start' } },
        (position, _events, phase) => onProgress(position, phase ?? 'events'),
        log,
        signal,
      ),
  };
}
