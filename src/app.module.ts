import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module';
import { CommandsModule } from './commands/commands.module';
import type { LedgerConfig } from './config/ledger-config';
import { HealthController } from './api/health.controller';
import { InfrastructureModule } from './infrastructure.module';
import { JournalModule } from './journal/journal.module';
import { ProjectionsModule } from './projections/projections.module';
import type { EventStore } from './store/event-store.port';

/** Wires the features; decides nothing. */
@Module({})
export class AppModule {
  static with(config: LedgerConfig, store: EventStore): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.with(config, store), CqrsModule.forRoot(), CommandsModule, ProjectionsModule, AuditModule, JournalModule],
      controllers: [HealthController],
    };
  }
}
