import type { SqlStatement } from '../../projections/shared/sql-database';
import type { RecordedEvent } from '../../events';
import { READ_MODELS } from '../../projections';
import type { ProjectionContext } from '../../projections/shared/context';
import { SoleWriter, overHeapBudget } from '../../projections/shared/doc-cache';
import { Earlier, Projector, ProjectorHost, ReadModel, buildInOrder } from '../../projections/read-model';
import { ProjectorTime, TimedProjector } from './projector-times';
import { ReadModelDb, schemaOf, tableName } from './read-model-db';

/**
 * The fewest events a long transaction (applyStream) applies between two writes of what the projectors hold when the
 * heap is past its budget: a spill writes every document changed since the last, so not at every page.
 */
const SPILL_AFTER_EVENTS = 25_000;

/** Another process made a different generation live (a rebuild finished): this engine's tables are gone. */
export class GenerationChanged extends Error {
  constructor(
    readonly expected: number,
    readonly live: number | null,
  ) {
    super(`read-model generation ${expected} is no longer live (live: ${live ?? 'none'})`);
    this.name = 'GenerationChanged';
  }
}

/**
 * A read model could not fold an event: the event that stopped it, and why. Nothing of its batch is kept; the read
 * models stay at the position before it until the cause is removed (a fix of the fold, or of the event's upcaster).
 */
export class ProjectionFailed extends Error {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly stream: string;

  constructor(event: RecordedEvent, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const eventId = String((event.metadata as { eventId?: unknown } | null)?.eventId ?? '?');
    super(`event ${eventId} at position ${event.position} (${event.type} in ${event.stream}) cannot be folded: ${reason}`, { cause });
    this.name = 'ProjectionFailed';
    this.position = event.position;
    this.eventId = eventId;
    this.type = event.type;
    this.stream = event.stream;
  }
}

export interface EngineOptions {
  /** A live engine checks, inside each batch, that its generation is still the live one. */
  readonly checkGeneration: boolean;
  /** Test hook, called inside the batch transaction after each event: throw to simulate a crash mid-batch. */
  readonly afterEvent?: (event: RecordedEvent) => void;
  /** Documents kept in memory between batches, per kind (lines, activities...). */
  readonly cacheSize?: number;
  /**
   * The generation was just created, empty, for this engine alone (a rebuild): while it has not reloaded, a document
   * its projectors never held is not stored, and is not read. Ignored when the checkpoint is not at 0.
   */
  readonly soleWriter?: boolean;
  /**
   * In a long transaction (applyStream): whether the heap is past its budget, checked after each page once
   * `spillAfterEvents` events were applied since the projectors last wrote what they hold (default: the caches' heap
   * budget, and SPILL_AFTER_EVENTS). Then they write it ahead of the commit, and trim their memory.
   */
  readonly overBudget?: () => boolean;
  readonly spillAfterEvents?: number;
  /** Time each read model's projector (projectorTimes): for `bench:rebuild --by-model`; off, the projectors are called as they are. */
  readonly timeProjectors?: boolean;
  /**
   * The read models this engine writes, when not all: the others' projectors are not made, their events not routed. A
   * rebuild's lanes (rebuild-lane.ts) each write some; a model of one lane asking for the projector of a model of another
   * is an error.
   */
  readonly only?: readonly ReadModel[];
  /** The engine is a lane of its own: its projectors are told (ProjectorHost.ownLane), and give what they left (leftForJoin). */
  readonly ownLane?: boolean;
}

/**
 * Applies events to every read model of one generation. Each batch is one transaction that also moves
 * the checkpoint: either the whole batch and its checkpoint are stored, or neither is, so a crash never applies
 * an event twice or skips one. The engine knows the read models only through their registry
 * (projections/index.ts): it hands each event to the projectors of the models that handle its type, in registry
 * order, and at the end of the batch lets each write back what it holds.
 */
export class ProjectionEngine {
  private position_ = 0;
  private events_ = 0;
  /** Position and count reached inside the open transaction, published by a commit. */
  private pendingPosition = 0;
  private pendingCount = 0;
  private spills_ = 0;

  private readonly projectors: readonly Projector[];
  /** The read models this engine writes, in registry order (the projectors'). */
  private readonly models: readonly ReadModel[];
  /** The timed projectors, in registry order, when EngineOptions.timeProjectors is set. */
  private readonly timed: readonly TimedProjector[] | null;
  /** Event type → the projectors of the models that handle it, in registry order. */
  private readonly routes = new Map<string, Projector[]>();
  private readonly s: Record<'liveGeneration' | 'checkpoint' | 'lockCheckpoint' | 'setCheckpoint', SqlStatement>;
  private readonly runBatch: (events: Iterable<RecordedEvent>) => void;
  private readonly sole: SoleWriter;

  constructor(
    private readonly rm: ReadModelDb,
    readonly generation: number,
    ctx: ProjectionContext,
    private readonly options: EngineOptions,
    models: readonly ReadModel[] = READ_MODELS,
  ) {
    rm.attach(generation);
    const db = rm.db;
    this.sole = new SoleWriter(options.soleWriter ?? false);
    const host: ProjectorHost = {
      db,
      schema: schemaOf(generation),
      ctx,
      cacheSize: options.cacheSize ?? 200_000,
      sole: this.sole,
      rowsPerStatement: rm.rowsPerStatement,
      ownLane: options.ownLane ?? false,
    };
    const only = options.only;
    const built = buildInOrder<Projector | null>(models, (model, earlier) => {
      if (only && !only.includes(model)) return null;
      const inLane = ((m: ReadModel) => {
        const p = earlier(m);
        if (p === null) throw new Error(`read model ${model.name} asks for the projector of ${m.name}, which this engine does not write`);
        return p;
      }) as Earlier<'projector'>;
      return model.projector(host, inLane);
    });
    // Timed, the engine calls the wrappers; the models that use another still hold the projector itself.
    const called = new Map<ReadModel, Projector>(
      [...built].flatMap(([model, projector]) => (projector === null ? [] : [[model, options.timeProjectors ? new TimedProjector(model.name, projector) : projector]])),
    );
    this.projectors = [...called.values()];
    this.models = [...called.keys()];
    this.timed = options.timeProjectors ? (this.projectors as TimedProjector[]) : null;
    for (const model of this.models) {
      for (const type of model.handles) {
        const route = this.routes.get(type) ?? [];
        route.push(called.get(model) as Projector);
        this.routes.set(type, route);
      }
    }
    const checkpoint = tableName('checkpoint', generation);
    this.s = {
      liveGeneration: db.prepare("SELECT value FROM read_model_meta WHERE key = 'generation'").pluck(),
      checkpoint: db.prepare(`SELECT position, events FROM ${checkpoint} WHERE id = 1`),
      lockCheckpoint: db.prepare(`SELECT position, events FROM ${checkpoint} WHERE id = 1${rm.lockForBatch}`),
      setCheckpoint: db.prepare(`UPDATE ${checkpoint} SET position = ?, events = ? WHERE id = 1`),
    };
    this.runBatch = db.transaction((events: Iterable<RecordedEvent>) => this.applyInTransaction(events));
    // The projectors were just made and hold nothing: only the checkpoint is read.
    this.readCheckpoint();
    if (this.position_ !== 0) this.sole.end();
  }

  /** Global position of the last event applied and committed. */
  get position(): number {
    return this.position_;
  }

  /** Events applied to this generation so far (ledger events and others). */
  get eventCount(): number {
    return this.events_;
  }

  /** Times the projectors wrote what they held ahead of a commit, the heap past its budget (applyStream). */
  get spills(): number {
    return this.spills_;
  }

  /** Each read model's time so far, in registry order, when the engine times them (EngineOptions.timeProjectors); else null. */
  get projectorTimes(): ProjectorTime[] | null {
    return this.timed && this.timed.map((p) => p.time);
  }

  /** What each projector of a lane left for the join (Projector.leftForJoin), by read model name: handed to joinLane. */
  leftForJoin(): Record<string, unknown> {
    const left: Record<string, unknown> = {};
    this.projectors.forEach((p, i) => {
      const value = p.leftForJoin?.();
      if (value !== undefined) left[this.models[i].name] = value;
    });
    return left;
  }

  /**
   * On the lanes' joined tables, inside a transaction: each projector takes what its lane left (Projector.joinLane), and
   * writes what follows from it (flush).
   */
  joinLane(left: Readonly<Record<string, unknown>>): void {
    this.projectors.forEach((p, i) => {
      const value = left[this.models[i].name];
      if (value === undefined) return;
      if (!p.joinLane) throw new Error(`read model ${this.models[i].name} left work for a join it cannot take`);
      p.joinLane(value);
      p.flush();
    });
  }

  /** Whether the projectors still take a document they never held for absent, without reading it (EngineOptions.soleWriter). */
  get soleWriter(): boolean {
    return this.sole.active;
  }

  /** From now on a document not in memory is read (a live runner's fill from position 0 is over). */
  endSoleWriter(): void {
    this.sole.end();
  }

  /**
   * Applies a batch in one transaction. Events at or before the checkpoint are skipped, so a batch may be
   * delivered twice. On any error nothing of the batch is stored and the engine reloads from its checkpoint.
   */
  apply(events: Iterable<RecordedEvent>): number {
    if (Array.isArray(events) && events.length === 0) return this.position_;
    try {
      this.rm.assertFree();
      this.runBatch(events);
    } catch (error) {
      // This generation's tables may be gone: nothing to reload, the runner opens the live one.
      if (!(error instanceof GenerationChanged)) this.reload();
      throw error;
    }
    this.afterCommit();
    return this.position_;
  }

  /**
   * Applies a stream of pages in transactions of about `batchSize` events (whole pages), each committed with its
   * checkpoint. A transaction stays open while the next page is read, so the connection is held for the whole
   * stream: a rebuild fills a generation nobody reads, on a connection of its own (ReadModelDb.hold refuses other
   * transactions on it meanwhile). On any error the open batch is rolled back and the engine reloads.
   */
  async applyStream(pages: AsyncIterable<readonly RecordedEvent[]>, batchSize: number, onCommit?: () => void): Promise<void> {
    const release = this.rm.hold('a rebuild streaming the log');
    let open = false;
    let inBatch = 0;
    /** Events applied since the projectors last wrote what they hold (a commit, or a spill). */
    let unwritten = 0;
    const spillAfter = this.options.spillAfterEvents ?? SPILL_AFTER_EVENTS;
    const overBudget = this.options.overBudget ?? overHeapBudget;
    const commit = () => {
      this.finishBatch();
      this.rm.db.exec('COMMIT');
      open = false;
      inBatch = 0;
      this.afterCommit();
      onCommit?.();
    };
    try {
      for await (const page of pages) {
        if (!open) {
          this.rm.db.exec('BEGIN');
          open = true;
          this.startBatch();
        }
        this.addEvents(page);
        inBatch += page.length;
        unwritten += page.length;
        if (inBatch >= batchSize) {
          commit();
          unwritten = 0;
        } else if (unwritten >= spillAfter && overBudget()) {
          // What the projectors hold has outgrown the heap budget before the batch's end: written now, in the open
          // transaction, so that their caches may drop it (at national scale a batch touches more documents than fit).
          this.spill();
          unwritten = 0;
        }
      }
      if (open) commit();
    } catch (error) {
      if (this.rm.db.inTransaction) this.rm.db.exec('ROLLBACK');
      this.reload();
      throw error;
    } finally {
      release();
    }
  }

  /**
   * Forgets everything held in memory and reads the checkpoint back from the database. From then on only the tables
   * know what is stored: the projectors read every document they do not hold.
   */
  reload(): void {
    this.sole.end();
    for (const p of this.projectors) p.reload();
    this.readCheckpoint();
  }

  private readCheckpoint(): void {
    const cp = this.s.checkpoint.get() as { position: number; events: number } | undefined;
    this.position_ = cp?.position ?? 0;
    this.events_ = cp?.events ?? 0;
    this.pendingPosition = this.position_;
    this.pendingCount = this.events_;
  }

  private afterCommit(): void {
    this.position_ = this.pendingPosition;
    this.events_ = this.pendingCount;
    for (const p of this.projectors) p.committed();
  }

  private applyInTransaction(events: Iterable<RecordedEvent>): void {
    this.startBatch();
    this.addEvents(events);
    this.finishBatch();
  }

  private startBatch(): void {
    if (this.options.checkGeneration) {
      const live = this.s.liveGeneration.get() as string | undefined;
      if (live === undefined || Number(live) !== this.generation) throw new GenerationChanged(this.generation, live === undefined ? null : Number(live));
    }
    // Another runner on the same generation may have moved on: start from what is stored, not what we remember.
    const stored = this.s.lockCheckpoint.get() as { position: number; events: number };
    if (stored.position !== this.position_) this.reload();
    this.pendingPosition = this.position_;
    this.pendingCount = this.events_;
  }

  private addEvents(events: Iterable<RecordedEvent>): void {
    let position = this.pendingPosition;
    let count = this.pendingCount;
    for (const e of events) {
      if (e.position <= position) continue;
      const route = this.routes.get(e.type);
      try {
        if (route !== undefined) for (let i = 0; i < route.length; i++) route[i].apply(e);
      } catch (error) {
        throw error instanceof GenerationChanged ? error : new ProjectionFailed(e, error);
      }
      position = e.position;
      count += 1;
      this.pendingPosition = position;
      this.pendingCount = count;
      this.options.afterEvent?.(e);
    }
  }

  /**
   * The projectors write what they hold into the open transaction, then trim their memory (the checkpoint moves at
   * commit); one that knows what of it must be written before the commit does that (Projector.spill).
   */
  private spill(): void {
    this.spills_ += 1;
    for (const p of this.projectors) {
      if (p.spill) p.spill();
      else p.flush();
    }
    for (const p of this.projectors) if (!p.spill) p.committed();
  }

  private finishBatch(): void {
    for (const p of this.projectors) p.flush();
    this.s.setCheckpoint.run(this.pendingPosition, this.pendingCount);
  }
}
