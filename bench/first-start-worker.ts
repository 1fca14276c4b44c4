/**
 * bench:first-start's thread: a ProjectionRunner on the synthetic log from an empty read-model file, as the server's
 * projection thread runs it (projection-worker.ts), with the first fill by a rebuild or without; reports when it has
 * caught up with the head of the log.
 */
import { parentPort } from 'node:worker_threads';
import { ProjectionRunner } from '../src/projections/projection-runner';
import { ReadModelDb } from '../src/projections/read-model-db';
import { firstFillOf } from '../src/projections/rebuild-thread';
import { dataOfThisWorker } from '../src/shared/workers';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { projectionContext } from './synthetic-log';

export interface FirstStartJob {
  readonly file: string;
  readonly readModelFile: string;
  readonly events: number;
  readonly seed: number;
  /** The first fill by a rebuild (the server's default on a long log), or the runner folding the whole log itself. */
  readonly rebuild: boolean;
}

const job = dataOfThisWorker<FirstStartJob>();
const port = parentPort!;

async function run(): Promise<void> {
  const store = new SqliteEventStore({ file: job.file, readOnly: true });
  const readModels = ReadModelDb.open(job.readModelFile);
  const head = await store.headPosition();
  const started = performance.now();
  const runner = new ProjectionRunner(store, readModels, projectionContext(job.events, job.seed), {
    log: (message) => port.postMessage({ kind: 'log', message }),
    ...(job.rebuild
      ? {
          firstFill: firstFillOf(
            { log: { store: 'sqlite', dbFile: job.file }, readModelLocation: job.readModelFile, context: { module: require.resolve('./synthetic-log'), args: [job.events, job.seed] } },
            1,
            (message) => port.postMessage({ kind: 'log', message }),
          ),
        }
      : {}),
  });
  runner.start();
  await runner.catchUp(24 * 3_600_000);
  const milliseconds = performance.now() - started;
  await runner.stop();
  readModels.close();
  await store.close();
  port.postMessage({ kind: 'done', head, milliseconds });
}

run().catch((error: unknown) => port.postMessage({ kind: 'failed', message: error instanceof Error ? error.stack : String(error) }));
