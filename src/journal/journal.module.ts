import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { acceptBodies } from '../api/body-parsers';
import { CommandsModule } from '../commands/commands.module';
import { JournalController } from './journal.controller';
import { JournalService } from './journal.service';

/** Content types a journal may be POSTed as, besides JSON and text/plain (which Fastify reads already). */
export const YAML_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * Real data: journal import (POST /journal/import) and reconciliation (GET /reconciliation). Needs
 * EVENT_STORE and the Catalogue (InfrastructureModule).
 */
@Module({
  imports: [CommandsModule],
  controllers: [JournalController],
  providers: [JournalService],
  exports: [JournalService],
})
export class JournalModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    acceptBodies(this.adapterHost, YAML_CONTENT_TYPES, 'string');
  }
}
