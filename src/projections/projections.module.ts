import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import type { ProjectionContext } from '../../projections/shared/context';
import { Catalogue } from '../catalogue/catalogue';
import { LedgerConfig } from '../config/ledger-config';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { projectionContextOf } from './context';
import { LiveProjections, ProjectionRunner } from './projection-runner';
import { ProjectionThread, threadSettings } from './projection-thread';
import { ReadModelDb } from './read-model-db';
import { ReadModelQueries } from './read-model-queries';
import { InProcessQueries, ReadQueries } from './read-queries';
import { readQueriesFor } from './reader-pool';
import { ReadModelFreshness, ReadModelsController } from './read-models.controller';

export const PROJECTION_CONTEXT = Symbol('ProjectionContext');

/** Starts the runner once the application is up, stops it before the store closes, then the reader threads, then closes the file. */
@Injectable()
export class ProjectionsLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(LiveProjections) private readonly runner: LiveProjections,
    @Inject(ReadModelDb) private readonly readModels: ReadModelDb,
    @Inject(ReadQueries) private readonly queries: ReadQueries,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queries.close();
    this.readModels.close();
  }
}

/**
 * Read models and their queries: balances, progress, decision trail, fund-line history, adjustments.
 * Uses the global LedgerConfig (readModelLocation), EVENT_STORE and Catalogue (LEDGER_CATALOGUE_DIR).
 */
@Module({
  controllers: [ReadModelsController],
  providers: [
    // The catalogue's trees and the red-flag rules (LEDGER_RED_FLAG_RULES, checked here: a bad file stops the ledger).
    {
      provide: PROJECTION_CONTEXT,
      useFactory: (catalogue: Catalogue, config: LedgerConfig) => projectionContextOf(config, catalogue),
      inject: [Catalogue, LedgerConfig],
    },
    { provide: ReadModelDb, useFactory: (config: LedgerConfig) => ReadModelDb.open(config.readModelLocation), inject: [LedgerConfig] },
    {
      // Read models in files, over a SQLite log in a file or a PostgreSQL log: folded in a thread of their own
      // (ProjectionThread), off the event loop that answers requests, where the Merkle log follows the log too.
      // Otherwise (KurrentDB, in-memory files) folded in this thread.
      provide: LiveProjections,
      useFactory: (store: EventStore, readModels: ReadModelDb, ctx: ProjectionContext, config: LedgerConfig): LiveProjections => {
        const logger = new Logger('Projections');
        const log = { log: (m: string) => logger.warn(m), alarm: (m: string) => logger.error(m) };
        const settings = threadSettings(store, config);
        return settings ? new ProjectionThread(store, settings, log) : new ProjectionRunner(store, readModels, ctx, log);
      },
      inject: [EVENT_STORE, ReadModelDb, PROJECTION_CONTEXT, LedgerConfig],
    },
    {
      // The questions, answered by reader threads off the event loop (LEDGER_READER_THREADS; read models in a file), or
      // in this thread on the ledger's own read-model connection.
      provide: ReadQueries,
      useFactory: (readModels: ReadModelDb, catalogue: Catalogue, ctx: ProjectionContext, config: LedgerConfig): ReadQueries => {
        const logger = new Logger('ReadModels');
        return readQueriesFor(config, () => new InProcessQueries(new ReadModelQueries(readModels, catalogue, ctx)), { log: (m) => logger.error(m) });
      },
      inject: [ReadModelDb, Catalogue, PROJECTION_CONTEXT, LedgerConfig],
    },
    ReadModelFreshness,
    ProjectionsLifecycle,
  ],
  exports: [LiveProjections, ReadQueries, ReadModelFreshness, PROJECTION_CONTEXT],
})
export class ProjectionsModule {}
