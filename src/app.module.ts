import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module';
import type { LedgerConfig } from './config/ledger-config';
import { ApiModule } from './api/api.module';
import { IdentityModule } from './identity/identity.module';
import { InfrastructureModule } from './infrastructure.module';
import { JournalModule } from './journal/journal.module';
import { ProjectionsModule } from './projections/projections.module';
import { ReportsModule } from './reports/reports.module';
import type { EventStore } from './store/event-store.port';
import type { StartCheck } from './audit/start-check';

/** Wires the features; decides nothing. */
@Module({})
export class AppModule {
  static with(config: LedgerConfig, store: EventStore, startCheck: StartCheck): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.with(config, store, startCheck), CqrsModule.forRoot(), IdentityModule, ApiModule, ProjectionsModule, AuditModule, JournalModule, ReportsModule],
    };
  }
}
