import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
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
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as
      | {
          hasContentTypeParser?: (type: string) => boolean;
          addContentTypeParser?: (type: string[], opts: { parseAs: 'string' }, parser: (req: unknown, body: string, done: (e: Error | null, v?: unknown) => void) => void) => void;
        }
      | undefined;
    if (!instance?.addContentTypeParser) return;
    const missing = YAML_CONTENT_TYPES.filter((t) => !instance.hasContentTypeParser?.(t));
    if (missing.length > 0) instance.addContentTypeParser(missing, { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }
}
