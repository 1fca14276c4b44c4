import { DynamicModule, Global, Module } from '@nestjs/common';
import { Catalogue } from './catalogue/catalogue';
import { LedgerConfig } from './config/ledger-config';
import type { StartCheck } from './audit/start-check';
import { EVENT_STORE, EventStore } from './store/event-store.port';

/** What the ledger found about its own log at start (src/audit/start-check.ts). */
export const START_CHECK = Symbol('StartCheck');

/**
 * Provides what every feature module may inject: the validated LedgerConfig (by its class), the EventStore
 * (by the EVENT_STORE token), what the start check found about the log (START_CHECK) and the Catalogue of
 * LEDGER_CATALOGUE_DIR (by its class; loaded and checked once at start: a bad file stops the ledger). The store is
 * opened before Nest starts, so the same instance serves the HTTP API, the projections and the audit log.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static with(config: LedgerConfig, store: EventStore, startCheck: StartCheck): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: LedgerConfig, useValue: config },
        { provide: EVENT_STORE, useValue: store },
        { provide: START_CHECK, useValue: startCheck },
        { provide: Catalogue, useFactory: () => Catalogue.load(config.catalogueDir) },
      ],
      exports: [LedgerConfig, EVENT_STORE, START_CHECK, Catalogue],
    };
  }
}
