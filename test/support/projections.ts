import { join } from 'node:path';
import { Catalogue } from '../../src/catalogue/catalogue';
import type { ProjectionRunnerOptions } from '../../src/projections/projection-runner';
import { openProjections, OpenProjections } from '../../src/projections/standalone';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

let n = 0;

export interface Harness extends OpenProjections {
  readonly store: SqliteEventStore;
  readonly storeFile: string;
  readonly readModelFile: string;
  /** Closes the projections and the store. */
  closeAll(): Promise<void>;
}

/** A fresh event store and read-model file in `dir`, the runner started unless told otherwise. */
export function harness(
  dir: string,
  options: ProjectionRunnerOptions & { start?: boolean; catalogue?: Catalogue; storeFile?: string; readModelFile?: string } = {},
): Harness {
  n += 1;
  const storeFile = options.storeFile ?? join(dir, `ledger-${n}.db`);
  const readModelFile = options.readModelFile ?? join(dir, `read-models-${n}.db`);
  const store = new SqliteEventStore({ file: storeFile, pollIntervalMs: 20 });
  const p = openProjections(store, readModelFile, options.catalogue ?? Catalogue.load(), { retryDelayMs: 10, ...options });
  if (options.start ?? true) p.runner.start();
  return {
    ...p,
    store,
    storeFile,
    readModelFile,
    async closeAll() {
      await p.close();
      await store.close();
    },
  };
}
