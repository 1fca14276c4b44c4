/**
 * A rebuild's second lane (started by startLane, rebuild-lane.ts): opens the log and a read-model file of its own with
 * connections of its own, folds the lane's read models into a fresh generation of it up to the rebuild's position, and
 * reports what they left for the join.
 */
import { parentPort } from 'node:worker_threads';
import { setHeapBudget } from '../../projections/shared/doc-cache';
import { dataOfThisWorker } from '../shared/workers';
import { createEventStore } from '../store/create-event-store';
import { ProjectionEngine } from './projection-engine';
import { ReadModelDb } from './read-model-db';
import { REBUILD_CACHE_SIZE } from './rebuild';
import { LaneJob, LaneMessage, LaneResult, SECOND_LANE } from './rebuild-lane';
import { REBUILD_HEAP_BUDGET_MB, contextOfJob, foldFailure } from './rebuild-thread';

const job = dataOfThisWorker<LaneJob>();
const port = parentPort!;
const post = (message: LaneMessage) => port.postMessage(message);

async function fold(): Promise<LaneResult> {
  const started = performance.now();
  setHeapBudget((job.heapBudgetMb ?? REBUILD_HEAP_BUDGET_MB) * 2 ** 20);
  const ctx = contextOfJob(job.context);
  const store = await createEventStore(job.log);
  try {
    const lane = ReadModelDb.open(job.file);
    try {
      lane.createGeneration(job.generation, { indexes: false, bulk: true });
      const engine = new ProjectionEngine(lane, job.generation, ctx, {
        checkGeneration: false,
        cacheSize: REBUILD_CACHE_SIZE,
        soleWriter: true,
        timeProjectors: job.timeProjectors,
        only: SECOND_LANE,
        ownLane: true,
      });
      await engine.applyStream(store.streamAll(0, { upTo: job.upTo, pageSize: job.pageSize }), job.batchSize);
      return {
        position: engine.position,
        events: engine.eventCount,
        foldMilliseconds: performance.now() - started,
        spills: engine.spills,
        projectorTimes: engine.projectorTimes,
        left: engine.leftForJoin(),
      };
    } finally {
      lane.close();
    }
  } finally {
    await store.close();
  }
}

fold().then(
  (result) => post({ kind: 'done', result }),
  (error: unknown) => post(foldFailure(error)),
);
