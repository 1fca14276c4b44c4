import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandRunner } from './command-runner';
import { RunCommandHandler } from './run-command';

/** The write side: the command loop and the one CQRS handler. Routes live in src/api; the catalogue comes from InfrastructureModule. */
@Module({
  imports: [CqrsModule],
  providers: [CommandRunner, RunCommandHandler],
  exports: [CommandRunner],
})
export class CommandsModule {}
