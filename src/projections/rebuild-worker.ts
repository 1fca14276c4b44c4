/**
 * The rebuild thread (started by rebuildInThread, rebuild-thread.ts): opens the log and the read models with
 * connections of its own, rebuilds every read model, and reports its progress and its result.
 */
import { parentPort } from 'node:worker_threads';
import type { ProjectionContext } from '../../projections/shared/context';
import { setHeapBudget } from '../../projections/shared/doc-cache';
import { dataOfThisWorker } from '../shared/workers';
import { createEventStore } from '../store/create-event-store';
import { projectionContextOf } from './context';
import { ReadModelDb } from './read-model-db';
import { rebuildReadModels } from './rebuild';
import { REBUILD_HEAP_BUDGET_MB, RebuildJob, RebuildMessage } from './rebuild-thread';

const job = dataOfThisWorker<RebuildJob>();
const port = parentPort!;
const post = (message: RebuildMessage) => port.postMessage(message);

function contextOf(context: RebuildJob['context']): ProjectionContext {
  if ('module' in context) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const made = (require(context.module) as { projectionContext: (...args: unknown[]) => ProjectionContext }).projectionContext;
    return made(...context.args);
  }
  return projectionContextOf(context);
}

async function run(): Promise<void> {
  setHeapBudget((job.heapBudgetMb ?? REBUILD_HEAP_BUDGET_MB) * 2 ** 20);
  const ctx = contextOf(job.context);
  const store = await createEventStore(job.log);
  try {
    const readModels = ReadModelDb.open(job.readModelLocation);
    try {
      const result = await rebuildReadModels(store, readModels, ctx, {
        ...job.options,
        onProgress: (position, events, phase) => post({ kind: 'progress', position, events, phase }),
      });
      post({ kind: 'done', result });
    } finally {
      readModels.close();
    }
  } finally {
    await store.close();
  }
}

run().catch((error: unknown) =>
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined }),
);
