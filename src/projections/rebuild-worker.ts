/**
 * The rebuild thread (started by rebuildInThread, rebuild-thread.ts): opens the log and the read models with
 * connections of its own, rebuilds every read model, and reports its progress and its result.
 */
import { parentPort } from 'node:worker_threads';
import { setHeapBudget } from '../../projections/shared/doc-cache';
import { dataOfThisWorker } from '../shared/workers';
import { createEventStore } from '../store/create-event-store';
import { ReadModelDb } from './read-model-db';
import { RebuildResult, rebuildReadModels } from './rebuild';
import { REBUILD_HEAP_BUDGET_MB, RebuildJob, RebuildMessage, contextOfJob, foldFailure, laneShares, lanesOf } from './rebuild-thread';

const job = dataOfThisWorker<RebuildJob>();
const port = parentPort!;
const post = (message: RebuildMessage) => port.postMessage(message);

async function run(): Promise<RebuildResult> {
  const lanes = lanesOf(job);
  // Two lanes share the heap budget and the old generation (rebuildInThread bounded this thread's to its share).
  const [budget, laneBudget] = laneShares(job.heapBudgetMb ?? REBUILD_HEAP_BUDGET_MB, lanes);
  setHeapBudget(budget * 2 ** 20);
  const ctx = contextOfJob(job.context);
  const store = await createEventStore(job.log);
  try {
    const readModels = ReadModelDb.open(job.readModelLocation);
    try {
      return await rebuildReadModels(store, readModels, ctx, {
        ...job.options,
        secondLane:
          lanes === 1
            ? undefined
            : {
                log: job.log,
                context: job.context,
                heapBudgetMb: laneBudget,
                oldGenerationMb: job.oldGenerationMb === undefined ? undefined : laneShares(job.oldGenerationMb, lanes)[1],
              },
        onProgress: (position, events, phase) => post({ kind: 'progress', position, events, phase }),
      });
    } finally {
      readModels.close();
    }
  } finally {
    await store.close();
  }
}

// Done is said once the connections are closed: the thread that started this one opens the read models as soon as it
// hears it, and closing the last connection checkpoints and takes the file's lock (at 10M, `bench:rebuild` opening them
// then failed with SQLITE_BUSY).
run().then(
  (result) => post({ kind: 'done', result }),
  (error: unknown) => post(foldFailure(error)),
);
