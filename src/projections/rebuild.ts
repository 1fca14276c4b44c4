import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectionContext } from '../../projections/shared/context';
import type { RecordedEvent } from '../../events';
import type { EventStore } from '../store/event-store.port';
import { READ_MODELS } from '../../projections';
import { ProjectionEngine } from './projection-engine';
import { FIRST_LANE, LaneSource, SECOND_LANE, startLane } from './rebuild-lane';
import type { ProjectorTime } from './projector-times';
import { readModelFingerprint } from './projection-runner';
import { ReadModelDb, TABLES, onServer, tableName } from './read-model-db';

/**
 * Events a rebuild applies per transaction. While the engine is the sole writer, the balances and progress hold their
 * rows whole and write what changed at each commit (a spill writes only what is new): the fewer the commits, the fewer
 * times each line and activity is written. 1M events a commit against 250 000: the 3M rebuild's progress wrote for 11.8 s
 * instead of 21.5 s, the balances for 3.0 s instead of 7.9 s (bench/README.md). A spill still bounds the memory.
 */
export const REBUILD_BATCH_EVENTS = 1_000_000;

/**
 * Documents a rebuild's projectors keep between its batches, per kind: fewer than a live runner's. A batch of a rebuild
 * touches hundreds of thousands of documents, all held until its end; what outlives it is read back from the file more
 * cheaply than the garbage collector walks it (1M events: 300 000 a cache cost 2.4 GB and more CPU than 50 000 a cache
 * at 1.5 GB).
 */
export const REBUILD_CACHE_SIZE = 50_000;

export interface RebuildOptions {
  /** Events applied per transaction (default REBUILD_BATCH_EVENTS): large transactions write each document once per many events. */
  readonly batchSize?: number;
  /**
   * Events read from the store per page (default: the store's, 1 000). Larger pages do not read faster and
   * cost more: events that outlive a young-generation collection are expensive to collect.
   */
  readonly pageSize?: number;
  /** Stop at this position instead of the head of the log. */
  readonly upTo?: number;
  /**
   * Called after each page of events is applied (position of its last event, events applied so far), and once
   * when the indexes are being built (phase "indexes").
   */
  readonly onProgress?: (position: number, events: number, phase?: 'events' | 'indexes') => void;
  /** Make the new generation live when done (default true). */
  readonly activate?: boolean;
  /** Time each read model's projector, given back in the result (`bench:rebuild --by-model`). */
  readonly timeProjectors?: boolean;
  /**
   * How a second thread opens the log and the catalogue: the red flags are then folded there, into a file of their own,
   * while this thread folds the other read models, and joined at the end (rebuild-lane.ts). Without it, or where the read
   * models have no lane file (PostgreSQL, memory), this thread folds them all.
   */
  readonly secondLane?: LaneSource;
  /** Who rebuilds, named to a second rebuild of the same read models, which is refused meanwhile (ReadModelDb.holdForRebuild). */
  readonly holder?: string;
}

export interface RebuildResult {
  readonly generation: number;
  readonly position: number;
  readonly events: number;
  readonly milliseconds: number;
  /** Of `milliseconds`, the fold of the log up to where the indexes were built (the rest: the indexes, the events appended meanwhile). */
  readonly foldMilliseconds: number;
  /** Times the projectors wrote what they held ahead of a commit, the heap past its budget (ProjectionEngine.spills). */
  readonly spills: number;
  /** With RebuildOptions.timeProjectors: where each read model's projector spent the rebuild, in registry order. */
  readonly projectorTimes?: readonly ProjectorTime[];
  /**
   * With a second lane: its read models (their projector times were spent on its thread), how long its fold took on its
   * thread, how long this thread waited for it once its own fold was done, and how long joining took (the copy of its
   * tables, what it left for the join). This thread's own fold is `foldMilliseconds` less the wait and the join: the two
   * folds' times show how evenly the lanes share the work.
   */
  readonly secondLane?: {
    readonly models: readonly string[];
    readonly foldMilliseconds: number;
    readonly waitedMilliseconds: number;
    readonly joinMilliseconds: number;
  };
}

/** Streams the log after the engine's checkpoint through the store port, in large transactions. */
async function fill(store: EventStore, engine: ProjectionEngine, options: RebuildOptions, upTo: number): Promise<void> {
  if (engine.position >= upTo) return;
  const pages = store.streamAll(engine.position, { upTo, pageSize: options.pageSize });
  await engine.applyStream(options.onProgress ? reporting(pages, engine.eventCount, options.onProgress) : pages, options.batchSize ?? REBUILD_BATCH_EVENTS);
}

/** The pages, calling `report` once each has been applied (the consumer asks for the next one). */
async function* reporting(
  pages: AsyncIterable<readonly RecordedEvent[]>,
  before: number,
  report: NonNullable<RebuildOptions['onProgress']>,
): AsyncIterable<readonly RecordedEvent[]> {
  let events = before;
  for await (const page of pages) {
    yield page;
    events += page.length;
    if (page.length > 0) report(page[page.length - 1].position, events, 'events');
  }
}

/**
 * Rebuilds every read model from position 0 into a fresh generation of tables, while the live one keeps
 * answering; then makes the new one live and drops the old one in one transaction. A server running on
 * the same file notices at its next batch and follows the new generation from its checkpoint.
 */
export async function rebuildReadModels(
  store: EventStore,
  readModels: ReadModelDb,
  ctx: ProjectionContext,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = performance.now();
  // One rebuild at a time: the next lines drop what another would be writing.
  const release = readModels.holdForRebuild(options.holder ?? 'a rebuild');
  try {
    return await rebuildHeld(store, readModels, ctx, options, started);
  } finally {
    release();
  }
}

async function rebuildHeld(store: EventStore, readModels: ReadModelDb, ctx: ProjectionContext, options: RebuildOptions, started: number): Promise<RebuildResult> {
  const live = readModels.liveGeneration();
  // An earlier rebuild that did not finish left its tables: they are not live, drop them.
  for (const g of readModels.generations()) if (g !== live) readModels.dropGeneration(g);
  const generation = Math.max(0, live ?? 0, ...readModels.generations()) + 1;
  readModels.createGeneration(generation, { indexes: false, bulk: true });
  const upTo = options.upTo ?? Number.MAX_SAFE_INTEGER;
  const laneFile = options.secondLane ? readModels.laneFile(generation) : null;
  // Both lanes fold up to the same position: the head when they start (the events after it are folded once they are joined).
  const joinAt = laneFile === null ? upTo : Math.min(upTo, await store.headPosition());
  const lane =
    laneFile !== null && options.secondLane
      ? startLane({
          ...options.secondLane,
          file: laneFile,
          generation,
          upTo: joinAt,
          batchSize: options.batchSize ?? REBUILD_BATCH_EVENTS,
          pageSize: options.pageSize,
          timeProjectors: options.timeProjectors,
        })
      : null;
  try {
    // Caches smaller than a live runner's (REBUILD_CACHE_SIZE). The generation was just made, empty, and this engine
    // alone writes it: a document its projectors never held is not read, it is not stored.
    let engine = new ProjectionEngine(readModels, generation, ctx, {
      checkGeneration: false,
      cacheSize: REBUILD_CACHE_SIZE,
      soleWriter: true,
      timeProjectors: options.timeProjectors,
      ...(lane ? { only: FIRST_LANE } : {}),
    });
    await fill(store, engine, options, joinAt);
    const times: (readonly ProjectorTime[] | null)[] = [engine.projectorTimes];
    let spills = engine.spills;
    let laneTimes: RebuildResult['secondLane'];
    if (lane) {
      const ownDone = performance.now();
      const joined = await lane.result;
      const laneDone = performance.now();
      if (joined.position !== engine.position) throw new Error(`the rebuild's lanes stopped at positions ${engine.position} and ${joined.position}`);
      readModels.absorbLane(generation, SECOND_LANE);
      // Every read model from here on: what the lane left for the join, then the events appended meanwhile.
      engine = new ProjectionEngine(readModels, generation, ctx, { checkGeneration: false, cacheSize: REBUILD_CACHE_SIZE, timeProjectors: options.timeProjectors });
      const left = joined.left;
      readModels.transaction(() => engine.joinLane(left));
      times.push(joined.projectorTimes);
      spills += joined.spills;
      laneTimes = {
        models: SECOND_LANE.map((m) => m.name),
        foldMilliseconds: joined.foldMilliseconds,
        waitedMilliseconds: laneDone - ownDone,
        joinMilliseconds: performance.now() - laneDone,
      };
    }
    const folded = performance.now();
    options.onProgress?.(engine.position, engine.eventCount, 'indexes');
    readModels.createIndexes(generation);
    readModels.finishBulk(generation);
    // Events appended while the indexes were built.
    await fill(store, engine, options, upTo);
    if (options.activate ?? true) readModels.activate(generation, readModelFingerprint(ctx));
    if (lane) times.push(engine.projectorTimes);
    const projectorTimes = options.timeProjectors ? addTimes(times) : null;
    return {
      generation,
      position: engine.position,
      events: engine.eventCount,
      milliseconds: performance.now() - started,
      foldMilliseconds: folded - started,
      spills: spills + (lane ? engine.spills : 0),
      ...(projectorTimes ? { projectorTimes } : {}),
      ...(laneTimes ? { secondLane: laneTimes } : {}),
    };
  } catch (error) {
    // The unfinished generation is dropped by the next rebuild; the lane's file, as large as its tables, now.
    if (lane) {
      await lane.stop();
      readModels.dropLane(generation);
    }
    throw error;
  }
}

/** Each read model's times summed over the engines that folded it (the lanes, then the engine that joined them), in registry order. */
function addTimes(parts: readonly (readonly ProjectorTime[] | null)[]): ProjectorTime[] {
  const sum = new Map<string, ProjectorTime>(READ_MODELS.map((m) => [m.name, { model: m.name, apply: 0, flush: 0, committed: 0 }]));
  for (const part of parts) {
    for (const t of part ?? []) {
      const s = sum.get(t.model) as ProjectorTime;
      sum.set(t.model, { model: t.model, apply: s.apply + t.apply, flush: s.flush + t.flush, committed: s.committed + t.committed });
    }
  }
  return [...sum.values()];
}

export interface Difference {
  readonly table: string;
  readonly key: string;
  readonly live: Record<string, unknown> | null;
  readonly rebuilt: Record<string, unknown> | null;
}

export interface VerifyResult {
  /** The position the live read models reflect, and the comparison was made at. */
  readonly position: number;
  /** The head of the log: above `position`, the live read models are behind and cannot be called verified. */
  readonly head: number;
  readonly behind: number;
  /** When they are behind: why a rebuild cannot go past `position` either (the event it cannot fold), if it cannot. */
  readonly failing: string | null;
  readonly generation: number;
  readonly rowsCompared: number;
  readonly differences: readonly Difference[];
  /** Differences found in all (only the first `maxDifferences` are listed). */
  readonly differenceCount: number;
}

/**
 * Rebuilds the read models from position 0 into a scratch SQLite file, up to exactly the position the live ones
 * reflect, and compares every table row by row. The live read models (a file, or PostgreSQL) are read inside one
 * read transaction, so a server writing to them meanwhile does not disturb the comparison. On PostgreSQL this is
 * also the proof that both engines fold the log alike.
 */
export async function verifyReadModels(
  store: EventStore,
  liveLocation: string,
  ctx: ProjectionContext,
  options: {
    readonly maxDifferences?: number;
    readonly batchSize?: number;
    readonly scratchDir?: string;
    /** The rebuild's second lane (RebuildOptions.secondLane). */
    readonly secondLane?: LaneSource;
    /** The rebuild's progress (as RebuildOptions.onProgress), then rows compared (phase "compare"). */
    readonly onProgress?: (done: number, events: number, phase?: 'events' | 'indexes' | 'compare') => void;
  } = {},
): Promise<VerifyResult> {
  if (!onServer(liveLocation) && !existsSync(liveLocation)) throw new Error(`${liveLocation} does not exist: start the server or run "ledger projections rebuild"`);
  const liveModels = ReadModelDb.open(liveLocation);
  const live = liveModels.db;
  const dir = mkdtempSync(join(options.scratchDir ?? tmpdir(), 'ledger-verify-'));
  const scratch = ReadModelDb.open(join(dir, 'scratch.db'));
  let endSnapshot = () => {};
  try {
    const generationRow = liveModels.liveGeneration();
    if (generationRow === null) throw new Error(`${liveModels.location} has no live read model yet: start the server or run "ledger projections rebuild"`);
    const generation = generationRow;
    liveModels.attach(generation);
    endSnapshot = liveModels.holdSnapshot('ledger projections verify');
    const fingerprint = live.prepare("SELECT value FROM read_model_meta WHERE key = 'fingerprint'").pluck().get() as string;
    if (fingerprint !== readModelFingerprint(ctx)) {
      throw new Error(`the live read model was built with "${fingerprint}", this code builds "${readModelFingerprint(ctx)}": rebuild it first`);
    }
    const position = Number(live.prepare(`SELECT position FROM ${tableName('checkpoint', generation)} WHERE id = 1`).pluck().get() ?? 0);
    const rebuilt = await rebuildReadModels(store, scratch, ctx, {
      upTo: position,
      batchSize: options.batchSize,
      activate: true,
      onProgress: options.onProgress,
      secondLane: options.secondLane,
    });

    const max = options.maxDifferences ?? 20;
    const differences: Difference[] = [];
    let differenceCount = 0;
    let rowsCompared = 0;
    for (const [logical, t] of Object.entries(TABLES)) {
      const order = t.key;
      const a = live.prepare(`SELECT * FROM ${tableName(logical, generation)} ORDER BY ${order}`).safeIntegers(true).iterate() as IterableIterator<Record<string, unknown>>;
      const b = scratch.db.prepare(`SELECT * FROM ${tableName(logical, 1)} ORDER BY ${order}`).safeIntegers(true).iterate() as IterableIterator<Record<string, unknown>>;
      const keyOf = (r: Record<string, unknown>) => order.split(', ').map((k) => String(r[k])).join('/');
      let ra = a.next();
      let rb = b.next();
      const note = (d: Difference) => {
        differenceCount += 1;
        if (differences.length < max) differences.push(d);
      };
      while (!ra.done || !rb.done) {
        rowsCompared += 1;
        if (rowsCompared % 10_000 === 0) options.onProgress?.(rowsCompared, rowsCompared, 'compare');
        if (ra.done) {
          note({ table: logical, key: keyOf(rb.value), live: null, rebuilt: rb.value });
          rb = b.next();
          continue;
        }
        if (rb.done) {
          note({ table: logical, key: keyOf(ra.value), live: ra.value, rebuilt: null });
          ra = a.next();
          continue;
        }
        const ka = keyOf(ra.value);
        const kb = keyOf(rb.value);
        if (ka === kb) {
          const changed = Object.keys({ ...ra.value, ...rb.value }).filter((c) => !same(ra.value[c], rb.value[c]));
          if (changed.length > 0) {
            note({
              table: logical,
              key: ka,
              live: Object.fromEntries(changed.map((c) => [c, ra.value[c]])),
              rebuilt: Object.fromEntries(changed.map((c) => [c, rb.value[c]])),
            });
          }
          ra = a.next();
          rb = b.next();
        } else if (compareKeys(ra.value, rb.value, order) < 0) {
          note({ table: logical, key: ka, live: ra.value, rebuilt: null });
          ra = a.next();
        } else {
          note({ table: logical, key: kb, live: null, rebuilt: rb.value });
          rb = b.next();
        }
      }
    }
    // The live read models are behind the log: say how far, and whether the log can be folded past where they stopped.
    const head = await store.headPosition();
    let failing: string | null = null;
    if (head > position) {
      const engine = new ProjectionEngine(scratch, rebuilt.generation, ctx, { checkGeneration: false });
      try {
        await engine.applyStream(store.streamAll(position, { upTo: head }), options.batchSize ?? REBUILD_BATCH_EVENTS);
      } catch (error) {
        failing = error instanceof Error ? error.message : String(error);
      }
    }
    return { position, head, behind: Math.max(0, head - position), failing, generation, rowsCompared, differences, differenceCount };
  } finally {
    endSnapshot();
    liveModels.close();
    scratch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Equal values; an integer read exactly is the same as its digits (cents beyond int64 are text in SQLite, NUMERIC in PostgreSQL). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return (typeof a === 'bigint' || typeof b === 'bigint') && a !== null && b !== null && String(a) === String(b);
}

/** Compares two rows by the key columns, the way SQLite's ORDER BY does for integers and text. */
function compareKeys(a: Record<string, unknown>, b: Record<string, unknown>, order: string): number {
  for (const k of order.split(', ')) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : 1;
    return Buffer.compare(Buffer.from(String(x)), Buffer.from(String(y)));
  }
  return 0;
}

/** A difference as one line of text: table, key, then column: live → rebuilt. */
export function formatDifference(d: Difference): string {
  const show = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  if (d.live === null) return `${d.table} ${d.key}: missing from live (rebuilt has it: ${show(d.rebuilt)})`;
  if (d.rebuilt === null) return `${d.table} ${d.key}: only in live (${show(d.live)})`;
  const cols = Object.keys(d.live).map((c) => `${c}: live ${show(d.live?.[c])} ≠ rebuilt ${show(d.rebuilt?.[c])}`);
  return `${d.table} ${d.key}: ${cols.join('; ')}`;
}
