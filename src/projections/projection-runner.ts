import { EventEmitter } from 'node:events';
import type { Subscription } from 'rxjs';
import type { RecordedEvent } from '../../events';
import type { ProjectionContext } from '../../projections/shared/context';
import type { EventStore } from '../store/event-store.port';
import { gatherDelay } from '../shared/gather';
import { GenerationChanged, ProjectionEngine, ProjectionFailed } from './projection-engine';
import { READ_MODEL_SHAPE, ReadModelDb } from './read-model-db';

export interface ProjectionRunnerOptions {
  /** Events applied per transaction (default 2000). */
  readonly batchSize?: number;
  /** How long live events are gathered, at least, before a batch is applied (default 20 ms). */
  readonly gatherMs?: number;
  /**
   * The longest they are gathered (default 250 ms). Under sustained load the wait grows with the time the last batch
   * took to apply (LOAD_FACTOR times it), up to this: batches grow instead of the thread's share of a core.
   */
  readonly maxGatherMs?: number;
  /** Wait before the first retry after a failed batch (default 1000 ms); doubled at each failure in a row. */
  readonly retryDelayMs?: number;
  /** The longest wait between retries (default 5 minutes). */
  readonly maxRetryDelayMs?: number;
  /** Test hook, called inside each batch transaction after each event: throw to simulate a crash. */
  readonly afterEvent?: (event: RecordedEvent) => void;
  readonly log?: (message: string) => void;
  /** Where a read model that cannot go on is reported (default: log). */
  readonly alarm?: (message: string) => void;
  /** Called when the position, the generation, the failure or a first fill's progress changed (the projection thread reports them so). */
  readonly changed?: () => void;
  /**
   * How a generation made at start is filled when the log is long: by a rebuild in threads of its own, as `ledger
   * projections rebuild` does, instead of event by event in this one. Without it, this thread folds the whole log.
   */
  readonly firstFill?: FirstFill;
}

/** A first fill by a rebuild (ProjectionRunnerOptions.firstFill). */
export interface FirstFill {
  /** The events the log must hold for it: a shorter log is folded here, where a rebuild's threads and indexes cost more than they save. */
  readonly fromEvents: number;
  /**
   * Rebuilds every read model from position 0 into a generation of its own and makes it live (rebuildBounded), telling
   * its progress; stops it when `signal` aborts (the runner stops).
   */
  readonly rebuild: (onProgress: (position: number, phase: 'events' | 'indexes') => void, signal: AbortSignal) => Promise<{ generation: number; position: number; milliseconds: number }>;
}

/** A first fill under way: where the rebuild is, of the head of the log when it started. */
export interface FirstFillProgress {
  readonly position: number;
  readonly head: number;
  readonly phase: 'events' | 'indexes';
  /** When it started (ISO instant). */
  readonly since: string;
}

/** Why the read models stopped: the event they cannot fold, since when, and when they try again. */
export interface ProjectionFailure {
  readonly position: number | null;
  readonly eventId: string | null;
  readonly type: string | null;
  readonly stream: string | null;
  readonly message: string;
  /** When the first of the failures in a row happened (ISO instant). */
  readonly since: string;
  readonly attempts: number;
  /** The wait before the next attempt: doubled at each failure in a row, up to maxRetryDelayMs. */
  readonly retryInMs: number;
  readonly nextRetryAt: string;
}

/** What the live read model must be built with: folds and tables (READ_MODEL_SHAPE) and catalogue trees. */
export function readModelFingerprint(ctx: ProjectionContext): string {
  return `schema ${READ_MODEL_SHAPE}; catalogue ${ctx.fingerprint}`;
}

/**
 * The read models as the ledger keeps them up to date while it serves: how far they follow the log, the generation
 * live, and why they stopped if they did. Two kinds: ProjectionRunner folds in this thread; ProjectionThread
 * (projection-thread.ts) runs a ProjectionRunner in a worker thread, off the event loop that answers requests.
 * Also the provider token of the running ledger's read models.
 */
export abstract class LiveProjections {
  protected readonly positions = new EventEmitter();

  constructor() {
    this.positions.setMaxListeners(0);
  }

  /** Position of the last event applied and committed (the read models reflect the log up to here). */
  abstract get position(): number;
  abstract get generation(): number | null;
  /** The last batch failure, until a batch succeeds again. */
  abstract get error(): unknown;
  /** The read models cannot go on: the event that stops them, or null while they follow the log. */
  abstract get failure(): ProjectionFailure | null;
  /** A generation made at start being filled by a rebuild (FirstFill): its progress; null otherwise. */
  abstract get rebuilding(): FirstFillProgress | null;
  /** Starts following the log. */
  abstract start(): void | Promise<void>;
  abstract stop(): Promise<void>;
  protected abstract headPosition(): Promise<number>;

  /** Resolves true once the read models reflect at least `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onPosition = (p: number) => {
        if (p >= position) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.positions.off('position', onPosition);
        resolve(ok);
      };
      this.positions.on('position', onPosition);
    });
  }

  /** Resolves when the read models reflect the head of the log as it is now (tests, CLI). */
  async catchUp(timeoutMs = 60_000): Promise<number> {
    const head = await this.headPosition();
    if (!(await this.waitFor(head, timeoutMs))) {
      throw new Error(`read models did not reach position ${head} within ${timeoutMs} ms (at ${this.position})`, { cause: this.error });
    }
    return this.position;
  }
}

/**
 * The checkpointed catch-up subscription that keeps the read models up to date: it subscribes to the
 * global log after the stored checkpoint and applies events in batches, each batch committed with its
 * checkpoint. On a failed batch nothing of it is kept; the runner resubscribes from the checkpoint. When
 * another process makes a new generation live (`ledger projections rebuild`), it switches to it.
 */
export class ProjectionRunner extends LiveProjections {
  private engine: ProjectionEngine | null = null;
  private subscription: Subscription | null = null;
  private buffer: RecordedEvent[] = [];
  private flushScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly batchSize: number;
  /** How long the last live batch took to apply, in ms. */
  private lastApplyMs = 0;
  private lastError: unknown = null;
  private failure_: ProjectionFailure | null = null;
  private rebuilding_: FirstFillProgress | null = null;
  /** Stops a first fill's rebuild when the runner stops. */
  private firstFillStop: AbortController | null = null;

  constructor(
    private readonly store: EventStore,
    readonly readModels: ReadModelDb,
    private readonly ctx: ProjectionContext,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    super();
    this.batchSize = options.batchSize ?? 2000;
  }

  get position(): number {
    return this.engine?.position ?? 0;
  }

  get generation(): number | null {
    return this.engine?.generation ?? null;
  }

  get error(): unknown {
    return this.lastError;
  }

  /** Whether it is filling a generation it made, alone, from position 0 (EngineOptions.soleWriter). */
  get soleWriter(): boolean {
    return this.engine?.soleWriter ?? false;
  }

  get failure(): ProjectionFailure | null {
    return this.failure_;
  }

  get rebuilding(): FirstFillProgress | null {
    return this.rebuilding_;
  }

  protected headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  /** Opens (or creates) the live generation and starts following the log from its checkpoint. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.openLiveGeneration();
    // A generation with nothing folded yet (made now, or by a start that stopped before it folded anything).
    const fill = this.options.firstFill;
    if (fill && this.engine?.position === 0) void this.fillFirst(fill);
    else this.subscribe();
  }

  /**
   * Fills the read models from position 0 by a rebuild when the log holds fill.fromEvents events or more: two lanes,
   * large transactions, the indexes built at the end (a 1M-event log: 39.9 s, against 138.4 s event by event in this
   * thread; `npm run bench:first-start`). Meanwhile the empty generation made at start stays live, and `rebuilding` tells how far
   * the rebuild is. Then the runner follows the log from the rebuilt generation's checkpoint. If the rebuild fails, it is
   * said, and this thread folds the log into the empty generation instead.
   */
  private async fillFirst(fill: FirstFill): Promise<void> {
    let head: number;
    try {
      head = await this.headPosition();
    } catch {
      head = 0;
    }
    if (!this.running) return;
    if (head < fill.fromEvents) return this.subscribe();
    const since = new Date().toISOString();
    this.rebuilding_ = { position: 0, head, phase: 'events', since };
    this.options.log?.(`read models: ${head} events to fold from position 0: rebuilding them in threads of their own, as \`ledger projections rebuild\` does; then following the log`);
    this.options.changed?.();
    const stop = (this.firstFillStop = new AbortController());
    let told = 0;
    let rebuilt = false;
    try {
      const result = await fill.rebuild((position, phase) => {
        this.rebuilding_ = { position, head: Math.max(head, position), phase, since };
        // Told at most four times a second (a page of the log is a thousand events).
        const now = performance.now();
        if (now - told < 250 && phase === 'events') return;
        told = now;
        this.options.changed?.();
      }, stop.signal);
      rebuilt = true;
      this.options.log?.(`read models: rebuilt generation ${result.generation} up to position ${result.position} in ${(result.milliseconds / 1000).toFixed(1)} s; following the log`);
    } catch (error) {
      if (this.running) this.options.alarm?.(`read models: the rebuild at start failed (${error instanceof Error ? error.message : String(error)}); folding the log in this thread instead`);
    } finally {
      this.firstFillStop = null;
      this.rebuilding_ = null;
    }
    if (!this.running) return;
    // The rebuilt generation is live now (the empty one was dropped): follow it from its checkpoint.
    if (rebuilt) this.openLiveGeneration();
    else this.options.changed?.();
    this.subscribe();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.firstFillStop?.abort();
    clearTimeout(this.retryTimer);
    this.subscription?.unsubscribe();
    this.subscription = null;
    if (this.buffer.length > 0 && this.engine) {
      try {
        this.flush();
      } catch {
        // Not committed: applied again from the checkpoint on the next start.
      }
    }
    this.buffer = [];
  }

  private openLiveGeneration(): void {
    const rm = this.readModels;
    const fingerprint = readModelFingerprint(this.ctx);
    // Another process starting beside this one (on PostgreSQL) must not make a generation at the same time.
    let created = false;
    const generation = rm.exclusively(() => {
      const live = rm.liveGeneration();
      if (live !== null && rm.liveFingerprint() === fingerprint && rm.generations().includes(live)) return live;
      // First start, or the code or catalogue changed: a fresh generation, filled from position 0.
      const next = Math.max(0, ...rm.generations()) + 1;
      if (live !== null) this.options.log?.(`read models: generation ${live} was built differently; building generation ${next} from position 0`);
      rm.createGeneration(next, { indexes: true });
      rm.activate(next, fingerprint);
      created = true;
      return next;
    });
    // A generation this runner just made is empty and filled by it alone, as a rebuild's is: until it has caught up
    // with the log, documents it never held are not read (EngineOptions.soleWriter). Another process folding it too
    // moves the checkpoint, which ends that.
    this.engine = new ProjectionEngine(rm, generation, this.ctx, {
      checkGeneration: true,
      afterEvent: this.options.afterEvent,
      cacheSize: 100_000,
      soleWriter: created,
    });
    rm.detachOthers(generation);
    this.positions.emit('position', this.engine.position);
    this.options.changed?.();
  }

  private subscribe(): void {
    if (!this.running || !this.engine) return;
    this.subscription?.unsubscribe();
    this.buffer = [];
    this.subscription = this.store.subscribeToAll({ after: this.engine.position }).subscribe({
      next: (e) => {
        this.buffer.push(e);
        // The SQLite store delivers its catch-up synchronously: apply full batches as they come.
        if (this.buffer.length >= this.batchSize) this.flushSafely();
        else this.scheduleFlush();
      },
      error: (error: unknown) => this.fail(error),
      complete: () => {
        this.flushSafely();
      },
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Live events are gathered for a few milliseconds: one read-model transaction per group of commits instead of
    // one per commit. A batch has a fixed cost (its commit, the red flags and progress of the lines it touched), so
    // under load the next batch waits in proportion to the last one's apply time: the runner spends at most about
    // 1 / (1 + LOAD_FACTOR) of a core on batches, and while the log grows faster its batches grow instead.
    setTimeout(() => {
      this.flushScheduled = false;
      this.flushSafely();
    }, gatherDelay(this.lastApplyMs, this.options.gatherMs ?? 20, this.options.maxGatherMs ?? 250));
  }

  private flush(): void {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0 || !this.engine) return;
    const started = performance.now();
    const position = this.engine.apply(batch);
    this.lastApplyMs = performance.now() - started;
    // A batch short of full: the fill from the checkpoint is over, the runner follows the log live.
    if (batch.length < this.batchSize) this.engine.endSoleWriter();
    this.lastError = null;
    if (this.failure_) {
      this.options.log?.(`read models: past position ${this.failure_.position ?? '?'} again after ${this.failure_.attempts} failed attempts; following the log`);
      this.failure_ = null;
    }
    this.positions.emit('position', position);
    this.options.changed?.();
  }

  private flushSafely(): void {
    if (!this.running) return;
    try {
      this.flush();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.buffer = [];
    if (!this.running) return;
    if (error instanceof GenerationChanged) {
      this.options.log?.(`read models: ${error.message}; following the new live generation`);
      this.openLiveGeneration();
      this.subscribe();
      return;
    }
    this.lastError = error;
    // Retried with a growing wait: an event that cannot be folded will not fold a second later either.
    const attempts = (this.failure_?.attempts ?? 0) + 1;
    const delay = Math.min((this.options.retryDelayMs ?? 1000) * 2 ** Math.min(attempts - 1, 30), this.options.maxRetryDelayMs ?? 300_000);
    const now = Date.now();
    const at = error instanceof ProjectionFailed ? error : null;
    this.failure_ = {
      position: at?.position ?? null,
      eventId: at?.eventId ?? null,
      type: at?.type ?? null,
      stream: at?.stream ?? null,
      message: error instanceof Error ? error.message : String(error),
      since: this.failure_?.since ?? new Date(now).toISOString(),
      attempts,
      retryInMs: delay,
      nextRetryAt: new Date(now + delay).toISOString(),
    };
    (this.options.alarm ?? this.options.log)?.(
      `read models STOPPED at position ${this.position}: ${this.failure_.message}; nothing of the batch was kept; ` +
        `attempt ${attempts}, next in ${Math.round(delay / 1000)} s. Every read answer is stale until then (see GET /read-models/status).`,
    );
    this.options.changed?.();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.subscribe(), delay);
    this.retryTimer.unref();
  }
}
