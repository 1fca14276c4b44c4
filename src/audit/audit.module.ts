import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** Tamper evidence: the Merkle log, signed tree heads, proofs and audit bundles. Needs LedgerConfig and EVENT_STORE. */
@Module({
  // The catalogue's unit tree: a bundle holds only the events of units under the reader's scopes.
  imports: [CommandsModule],
  controllers: [AuditController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
