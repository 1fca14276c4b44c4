import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CatalogueController } from '../catalogue/catalogue.controller';
import { CommandsModule } from '../commands/commands.module';
import { ProjectionsModule } from '../projections/projections.module';
import { CommandsController } from './commands.controller';
import { HealthController } from './health.controller';

/** The HTTP layer of the write side: a route per command of the registry, the catalogue, health (which reports on the read models). */
@Module({
  imports: [CommandsModule, ProjectionsModule, AuditModule],
  controllers: [CommandsController, CatalogueController, HealthController],
})
export class ApiModule {}
