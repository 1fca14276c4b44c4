import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Catalogue } from '../catalogue/catalogue';
import { LedgerConfig } from '../config/ledger-config';
import { ProjectionsModule } from '../projections/projections.module';
import { CommandRunner } from './command-runner';
import { RunCommandHandler } from './run-command';

/**
 * The write side: the catalogue, the command loop and the one CQRS handler. Routes live in src/api. The read
 * models are imported for the commands that look something up before deciding (a review names a listed red flag).
 */
@Module({
  imports: [CqrsModule, ProjectionsModule],
  providers: [
    // The programme catalogues of LEDGER_CATALOGUE_DIR, checked at start: a bad file stops the ledger.
    { provide: Catalogue, useFactory: (config: LedgerConfig) => Catalogue.load(config.catalogueDir), inject: [LedgerConfig] },
    CommandRunner,
    RunCommandHandler,
  ],
  exports: [Catalogue, CommandRunner],
})
export class CommandsModule {}
