import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** Tamper evidence: the Merkle log, signed tree heads, proofs and audit bundles. Needs LedgerConfig and EVENT_STORE. */
@Module({
  controllers: [AuditController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
