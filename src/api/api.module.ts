import { Module } from '@nestjs/common';
import { CatalogueController } from '../catalogue/catalogue.controller';
import { CommandsModule } from '../commands/commands.module';
import { CommandsController } from './commands.controller';
import { HealthController } from './health.controller';

/** The HTTP layer of the write side: a route per command of the registry, the catalogue, health. */
@Module({
  imports: [CommandsModule],
  controllers: [CommandsController, CatalogueController, HealthController],
})
export class ApiModule {}
