import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { bodyText } from '../api/json-body';
import { JournalRejected } from './journal.importer';
import { CommandsModule } from '../commands/commands.module';
import { JournalController } from './journal.controller';
import { JournalService } from './journal.service';

/** Content types a journal may be POSTed as, besides JSON and text/plain. */
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

  /** YAML and plain-text bodies arrive as their UTF-8 text (bodyText: another charset is a 415, bad bytes a 400). */
  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!instance?.addContentTypeParser) return;
    const types = [...YAML_CONTENT_TYPES, 'text/plain'];
    for (const type of types) if (instance.hasContentTypeParser(type)) instance.removeContentTypeParser(type);
    instance.addContentTypeParser(types, { parseAs: 'buffer' }, (request, body, done) => {
      try {
        done(null, bodyText(request, body as Buffer, (message) => new JournalRejected([{ field: '(file)', problem: message }])));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
  }
}
