import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandsController } from '../api/commands.controller';
import { Catalogue } from '../catalogue/catalogue';
import { CatalogueController } from '../catalogue/catalogue.controller';
import { LedgerConfig } from '../config/ledger-config';
import { CommandRunner } from './command-runner';
import { COMMAND_HANDLERS } from './handlers';

@Module({
  imports: [CqrsModule],
  controllers: [CommandsController, CatalogueController],
  providers: [
    // The programme catalogues of LEDGER_CATALOGUE_DIR, checked at start: a bad file stops the ledger.
    { provide: Catalogue, useFactory: (config: LedgerConfig) => Catalogue.load(config.catalogueDir), inject: [LedgerConfig] },
    CommandRunner,
    ...COMMAND_HANDLERS,
  ],
  exports: [Catalogue, CommandRunner],
})
export class CommandsModule {}
