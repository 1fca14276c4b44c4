import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Catalogue } from '../catalogue/catalogue';
import { CommandRunner } from './command-runner';
import { RunCommandHandler } from './run-command';

/** The write side: the catalogue, the command loop and the one CQRS handler. Routes live in src/api. */
@Module({
  imports: [CqrsModule],
  providers: [{ provide: Catalogue, useFactory: () => Catalogue.load() }, CommandRunner, RunCommandHandler],
  exports: [Catalogue, CommandRunner],
})
export class CommandsModule {}
