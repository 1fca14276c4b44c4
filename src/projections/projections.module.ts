import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import type { ProjectionContext } from '../../projections/shared/context';
import { Catalogue } from '../catalogue/catalogue';
import { LedgerConfig } from '../config/ledger-config';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { projectionContextOf } from './context';
import { ProjectionRunner } from './projection-runner';
import { ReadModelDb } from './read-model-db';
import { ReadModelQueries } from './read-model-queries';
import { ReadModelFreshness, ReadModelsController } from './read-models.controller';

export const PROJECTION_CONTEXT = Symbol('ProjectionContext');

/** Starts the runner once the application is up, stops it before the store closes, then closes the file. */
@Injectable()
export class ProjectionsLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(ReadModelDb) private readonly readModels: ReadModelDb,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }

  onApplicationShutdown(): void {
    this.readModels.close();
  }
}

/**
 * Read models and their queries: balances, progress, decision trail, fund-line history, adjustments.
 * Uses the global LedgerConfig (readModelFile), EVENT_STORE and Catalogue (LEDGER_CATALOGUE_DIR).
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
    { provide: ReadModelDb, useFactory: (config: LedgerConfig) => ReadModelDb.open(config.readModelFile), inject: [LedgerConfig] },
    {
      provide: ProjectionRunner,
      useFactory: (store: EventStore, readModels: ReadModelDb, ctx: ProjectionContext) => {
        const logger = new Logger('Projections');
        return new ProjectionRunner(store, readModels, ctx, { log: (m) => logger.warn(m), alarm: (m) => logger.error(m) });
      },
      inject: [EVENT_STORE, ReadModelDb, PROJECTION_CONTEXT],
    },
    {
      provide: ReadModelQueries,
      useFactory: (readModels: ReadModelDb, catalogue: Catalogue, ctx: ProjectionContext) => new ReadModelQueries(readModels, catalogue, ctx),
      inject: [ReadModelDb, Catalogue, PROJECTION_CONTEXT],
    },
    ReadModelFreshness,
    ProjectionsLifecycle,
  ],
  exports: [ProjectionRunner, ReadModelQueries, ReadModelFreshness, PROJECTION_CONTEXT],
})
export class ProjectionsModule {}
