import { join } from 'node:path';
import { READ_MODELS } from '../../projections';
import type { ReadModel } from '../../projections/read-model';
import { RED_FLAGS } from '../../projections/red-flags';
import { startWorker } from '../shared/workers';
import type { ProjectorTime } from './projector-times';
import { FoldFailure, RebuildJob, foldResult } from './rebuild-thread';

/**
 * A rebuild's second lane: the read models folded in a thread of their own, into a file of their own, while the
 * rebuild's thread folds the others; their tables are then copied into the new generation (ReadModelDb.absorbLane) and
 * what they left for the join is done there (Projector.leftForJoin). On two cores the two folds run side by side.
 *
 * Only a model that asks nothing of the others' projectors in memory can go: the red flags, a third of a 1M rebuild,
 * read the other models' tables only for the unspent spans of carried lines (from the history's day rows), and those are
 * computed at the join.
 */
export const SECOND_LANE: readonly ReadModel[] = [RED_FLAGS];

/** The models the rebuild's own thread folds when a second lane takes SECOND_LANE. */
export const FIRST_LANE: readonly ReadModel[] = READ_MODELS.filter((m) => !SECOND_LANE.includes(m));

/**
 * The young generation of the lane's thread (MB): smaller than the first lane's (FOLD_YOUNG_GENERATION_MB), for the
 * process's memory.
 */
export const LANE_YOUNG_GENERATION_MB = 64;

/** Where a second thread opens the log and what the read models are folded with; its share of the rebuild's heap (laneShares). */
export interface LaneSource {
  readonly log: RebuildJob['log'];
  readonly context: RebuildJob['context'];
  readonly heapBudgetMb?: number;
  readonly oldGenerationMb?: number;
}

/** What the lane's thread is given. */
export interface LaneJob extends LaneSource {
  /** The lane's read-model file (ReadModelDb.laneFile): its generation's tables are in `${file}.g${generation}`. */
  readonly file: string;
  readonly generation: number;
  /** Folds the log up to this position, exactly: the rebuild's thread stops at the same one. */
  readonly upTo: number;
  readonly batchSize: number;
  readonly pageSize?: number;
  readonly timeProjectors?: boolean;
}

export interface LaneResult {
  readonly position: number;
  readonly events: number;
  /** Its fold on its thread, from opening the log to its last event applied (ms). */
  readonly foldMilliseconds: number;
  readonly spills: number;
  readonly projectorTimes: readonly ProjectorTime[] | null;
  /** Engine.leftForJoin: by read model, what it left for the join. */
  readonly left: Readonly<Record<string, unknown>>;
}

export type LaneMessage =
  | { readonly kind: 'done'; readonly result: LaneResult }
  | FoldFailure;

/** A lane running: its result, or a way to stop it when the rebuild fails first. */
export interface Lane {
  readonly result: Promise<LaneResult>;
  stop(): Promise<void>;
}

/**
 * Starts the second lane's thread (rebuild-lane-worker.ts), with a young generation of LANE_YOUNG_GENERATION_MB. A lane
 * that runs out of heap rejects with code ERR_WORKER_OUT_OF_MEMORY, as the rebuild's own thread would (rebuildBounded
 * then runs both again without a limit).
 */
export function startLane(job: LaneJob): Lane {
  const worker = startWorker(join(__dirname, 'rebuild-lane-worker'), job, {
    resourceLimits: {
      maxYoungGenerationSizeMb: LANE_YOUNG_GENERATION_MB,
      ...(job.oldGenerationMb === undefined ? {} : { maxOldGenerationSizeMb: job.oldGenerationMb }),
    },
  });
  const result = foldResult<LaneResult>(worker, "the rebuild's second lane", undefined, (m) => `the red flags' lane of the rebuild failed: ${m}`);
  // A rebuild that fails first stops the lane; its rejection is then of no use to anyone.
  result.catch(() => {});
  return {
    result,
    stop: async () => {
      await worker.terminate();
    },
  };
}
