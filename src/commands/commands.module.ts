import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandsController } from '../api/commands.controller';
import { Catalogue } from '../catalogue/catalogue';
import { CatalogueController } from '../catalogue/catalogue.controller';
import { CommandRunner } from './command-runner';
import { COMMAND_HANDLERS } from './handlers';

@Module({
  imports: [CqrsModule],
  controllers: [CommandsController, CatalogueController],
  providers: [{ provide: Catalogue, useFactory: () => Catalogue.load() }, CommandRunner, ...COMMAND_HANDLERS],
  exports: [Catalogue, CommandRunner],
})
export class CommandsModule {}
