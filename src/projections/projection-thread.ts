import type { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { LedgerConfig } from '../config/ledger-config';
import type { EventStore } from '../store/event-store.port';
import { SqliteEventStore } from '../store/sqlite/sqlite-event-store';
import { BACKGROUND_NICE, restartDelay, startWorker } from '../shared/workers';
import { FOLD_YOUNG_GENERATION_MB } from './rebuild-thread';
import { FirstFillProgress, LiveProjections, ProjectionFailure } from './projection-runner';

type ThreadConfig = Pick<LedgerConfig, 'store' | 'dbFile' | 'databaseUrl' | 'readModelLocation' | 'auditFile' | 'catalogueDir' | 'redFlagRulesFile' | 'rebuildFromEvents'>;

/**
 * Whether the ledger's followers of the log run in the projection thread (ProjectionThread): with the read models in
 * files, and the log in a SQLite file or in PostgreSQL (which the thread reads with connections of its own). On
 * KurrentDB, or with files in memory, they follow on the event loop.
 */
export function followsInThread(store: EventStore, config: ThreadConfig): boolean {
  if (config.readModelLocation === ':memory:') return false;
  return config.store === 'postgres' || (store instanceof SqliteEventStore && store.db.name !== ':memory:');
}

/**
 * The Merkle log is followed in the projection thread (and not by AuditService in the main thread): when the thread
 * runs, and the Merkle log is in the log's PostgreSQL database or in a file.
 */
export function auditFollowsInThread(store: EventStore, config: ThreadConfig): boolean {
  return followsInThread(store, config) && (config.store === 'postgres' || config.auditFile !== ':memory:');
}

/** What the projection thread is given for a configuration, or null when the followers run on the event loop. */
export function threadSettings(store: EventStore, config: ThreadConfig): ThreadSettings | null {
  if (!followsInThread(store, config)) return null;
  const { readModelLocation, catalogueDir, redFlagRulesFile } = config;
  const log = { store: config.store, dbFile: config.dbFile, databaseUrl: config.databaseUrl };
  const audit = auditFollowsInThread(store, config) ? { ...log, auditFile: config.auditFile } : undefined;
  return { log, readModelLocation, catalogueDir, redFlagRulesFile, audit, rebuildFromEvents: config.rebuildFromEvents };
}

/** What the projection thread needs to open the log, the read models and the context they are folded with. */
export interface ThreadSettings {
  /** The event log, opened by the thread with connections of its own (a SQLite file read-only). */
  readonly log: Pick<LedgerConfig, 'store' | 'dbFile' | 'databaseUrl'>;
  /** The read models' file, or their PostgreSQL database (ReadModelDb.open). */
  readonly readModelLocation: string;
  readonly catalogueDir: string;
  readonly redFlagRulesFile?: string;
  /** The Merkle log (its file, or the log's PostgreSQL database), followed in the thread as well: leaves are hashed off the event loop too. */
  readonly audit?: Pick<LedgerConfig, 'store' | 'databaseUrl' | 'auditFile'>;
  /** How often the thread looks for commits it was not told of (ms). */
  readonly pollIntervalMs?: number;
  /** The events from which a generation made at start is filled by a rebuild (FirstFill.fromEvents: LEDGER_REBUILD_FROM_EVENTS). */
  readonly rebuildFromEvents: number;
}

/** The thread's state, as it reports it. */
interface Status {
  readonly position: number;
  readonly generation: number | null;
  readonly failure: ProjectionFailure | null;
  /** The message of the last batch failure, until a batch succeeds again. */
  readonly error: string | null;
  readonly rebuilding: FirstFillProgress | null;
}

export type ThreadMessage =
  | ({ readonly kind: 'status' | 'started' } & Status)
  | { readonly kind: 'log' | 'alarm'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'stopped' };

export type ThreadRequest = { readonly kind: 'appended' } | { readonly kind: 'stop' };

/**
 * The read models kept up to date in a worker thread: the same ProjectionRunner, folding into the same files, but off
 * the event loop that answers requests (under load, folding took a fifth of that loop's time). The thread reads the
 * log with its own connection; each commit of this process's store is signalled to it (`watchCommits`), so it follows
 * within a few milliseconds, and it polls besides. The Merkle log follows the log in the same thread when asked. Its position, generation and failure are reported after each batch:
 * `waitFor(position)` resolves once a batch up to there is committed in the read-model files, which the main thread's
 * queries then read. For the SQLite store in a file or the PostgreSQL store (where other processes' commits are
 * heard through its notifications), with read models in a file.
 */
export class ProjectionThread extends LiveProjections {
  private worker: Worker | null = null;
  private status: Status = { position: 0, generation: null, failure: null, error: null, rebuilding: null };
  private stopCommits: (() => void) | null = null;
  private stopped: Promise<void> | null = null;
  /** Restarts since the thread last followed the log without a failure. */
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly settings: ThreadSettings,
    private readonly options: { log?: (message: string) => void; alarm?: (message: string) => void } = {},
  ) {
    super();
  }

  get position(): number {
    return this.status.position;
  }

  get generation(): number | null {
    return this.status.generation;
  }

  get error(): unknown {
    return this.status.error === null ? null : new Error(this.status.error);
  }

  get failure(): ProjectionFailure | null {
    return this.status.failure;
  }

  get rebuilding(): FirstFillProgress | null {
    return this.status.rebuilding;
  }

  protected headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  /** Starts the thread; resolves once it has opened the live generation and follows the log from its checkpoint. */
  start(): Promise<void> {
    if (this.worker) return Promise.resolve();
    // One signal for the commits of one turn of the event loop (a group commit settles many appends at once).
    let signalled = false;
    this.stopCommits =
      this.store.watchCommits?.(() => {
        if (signalled) return;
        signalled = true;
        queueMicrotask(() => {
          signalled = false;
          this.worker?.postMessage({ kind: 'appended' } satisfies ThreadRequest);
        });
      }) ?? null;
    return this.spawn();
  }

  /**
   * Starts a worker; resolves once it follows the log, rejects if it cannot open the read models. A worker that dies
   * afterwards is replaced (stoppedUnexpectedly): the read models are files, so the new one goes on from the last committed batch.
   */
  private spawn(): Promise<void> {
    // It folds the log, and when the read models' shape changed, the whole log into a fresh generation: the young
    // generation a rebuild thread gets (rebuild-thread.ts).
    // Background work (BACKGROUND_NICE): the commands it follows are answered first.
    const worker = startWorker(join(__dirname, 'projection-worker'), this.settings, {
      resourceLimits: { maxYoungGenerationSizeMb: FOLD_YOUNG_GENERATION_MB },
      nice: BACKGROUND_NICE,
    });
    this.worker = worker;
    let started = false;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m: ThreadMessage) => {
        switch (m.kind) {
          case 'started':
          case 'status': {
            const { kind, ...status } = m;
            this.status = status;
            this.positions.emit('position', status.position);
            if (kind === 'started') {
              started = true;
              if (this.restarts > 0) this.options.log?.(`the projection thread is running again (restart ${this.restarts}), at position ${status.position}`);
              resolve();
            } else if (this.restarts > 0 && status.error === null && status.failure === null) {
              this.restarts = 0;
            }
            return;
          }
          case 'log':
            return this.options.log?.(m.message);
          case 'alarm':
            return (this.options.alarm ?? this.options.log)?.(m.message);
          case 'failed':
            reject(new Error(`the read models could not start: ${m.message}`));
            // A first start fails the ledger's start; a restart that cannot open the files is tried again.
            if (this.restarts > 0) void worker.terminate();
            return;
          case 'stopped':
            return;
        }
      });
      worker.on('error', (error) => {
        reject(error);
        this.stoppedUnexpectedly(worker, `the projection thread failed: ${error.message}`, started || this.restarts > 0);
      });
      worker.on('exit', (code) => {
        this.stoppedUnexpectedly(worker, `the projection thread stopped (exit code ${code})`, started || this.restarts > 0);
      });
    });
  }
  /** Stops the thread once its current batch is committed (a batch not committed is applied again at the next start). */
  stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.stopCommits?.();
    this.stopCommits = null;
    const worker = this.worker;
    if (!worker) {
      this.stopped ??= Promise.resolve();
      return this.stopped;
    }
    this.stopped ??= new Promise<void>((resolve) => {
      worker.once('exit', () => {
        this.worker = null;
        resolve();
      });
      worker.postMessage({ kind: 'stop' } satisfies ThreadRequest);
    });
    return this.stopped;
  }

  /**
   * The thread is gone while the ledger serves: the read models stay where they are, say why, and a new thread is
   * started after a pause that doubles with each restart that did not get back to following the log (1 s up to 1 min).
   */
  private stoppedUnexpectedly(worker: Worker, message: string, restart: boolean): void {
    if (this.worker !== worker || this.stopped) return;
    this.worker = null;
    const attempts = this.restarts + 1;
    const retryInMs = restartDelay(attempts);
    const now = Date.now();
    this.status = {
      ...this.status,
      error: message,
      failure: {
        position: null, eventId: null, type: null, stream: null, message,
        since: this.status.failure?.since ?? new Date(now).toISOString(),
        attempts, retryInMs: restart ? retryInMs : 0, nextRetryAt: new Date(restart ? now + retryInMs : now).toISOString(),
      },
    };
    if (!restart) return;
    this.options.alarm?.(`read models STOPPED at position ${this.status.position}: ${message}. Every read answer is stale; a new projection thread starts in ${retryInMs} ms.`);
    this.restarts = attempts;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.spawn().catch((error: Error) => this.options.alarm?.(`the projection thread could not restart: ${error.message}`));
    }, retryInMs);
    this.restartTimer.unref();
  }
}
