import type { RedFlagRules } from '../../projections/red-flags/rules';
import { catalogueContext, ProjectionContext } from '../../projections/shared/context';
import { Catalogue } from '../catalogue/catalogue';
import type { EventStore } from '../store/event-store.port';
import { ProjectionRunner, ProjectionRunnerOptions } from './projection-runner';
import { ReadModelDb } from './read-model-db';
import { ReadModelQueries } from './read-model-queries';
import { InProcessQueries, ReadQueries } from './read-queries';

export interface OpenProjections {
  readonly readModels: ReadModelDb;
  readonly context: ProjectionContext;
  readonly catalogue: Catalogue;
  readonly runner: ProjectionRunner;
  /** The questions answered at once, in this thread (tests and benchmarks of the query layer). */
  readonly queries: ReadModelQueries;
  /** The same questions as every consumer asks them (ReadQueries, here answered in this thread): the CLI's. */
  readonly readQueries: ReadQueries;
  /** Stops the runner and closes the read-model file (not the event store). */
  close(): Promise<void>;
}

/** Opens the read models outside Nest (CLI, benchmark, tests). The runner is not started: call runner.start(). */
export function openProjections(
  store: EventStore,
  /** The read models' file, or their PostgreSQL database. */
  readModelLocation: string,
  catalogue: Catalogue = Catalogue.load(),
  options: ProjectionRunnerOptions = {},
  redFlagRules?: RedFlagRules,
): OpenProjections {
  const context = catalogueContext(catalogue, redFlagRules);
  const readModels = ReadModelDb.open(readModelLocation);
  const runner = new ProjectionRunner(store, readModels, context, options);
  const queries = new ReadModelQueries(readModels, catalogue, context);
  return {
    readModels,
    context,
    catalogue,
    runner,
    queries,
    readQueries: new InProcessQueries(queries),
    async close() {
      await runner.stop();
      readModels.close();
    },
  };
}
