import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionsModule } from '../projections/projections.module';
import { CommandRunner } from './command-runner';
import { RunCommandHandler } from './run-command';

/**
 * The write side: the command loop and the one CQRS handler. Routes live in src/api; the catalogue comes from
 * InfrastructureModule. The read models are imported for the commands that look something up before deciding (a
 * review names a listed red flag).
 */
@Module({
  imports: [CqrsModule, ProjectionsModule],
  providers: [CommandRunner, RunCommandHandler],
  exports: [CommandRunner],
})
export class CommandsModule {}
