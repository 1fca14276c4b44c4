import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LedgerConfig } from '../config/ledger-config';
import { Public } from '../identity/auth.guard';
import { LiveProjections } from '../projections/projection-runner';
import type { StartCheck } from '../audit/start-check';
import { AuditService } from '../audit/audit.service';
import { START_CHECK } from '../infrastructure.module';
import { EVENT_STORE, EventStore } from '../store/event-store.port';

/** One reason the ledger is not fully serving: what, and the facts behind it. */
export interface HealthProblem {
  readonly component: string;
  readonly problem: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: LedgerConfig,
    @Inject(LiveProjections) private readonly runner: LiveProjections,
    @Inject(START_CHECK) private readonly startCheck: StartCheck,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary:
      'Liveness, the store in use, the head position of the log, how far the audit log has followed it and the read models reflect it; "degraded" (HTTP 503) with every problem when a part cannot go on',
  })
  @ApiResponse({
    status: 200,
    description:
      '{ status: "ok", store, position, auditLog: { position, size }, readModels: { position, rebuilding? }, warnings? } (auditLog: the log position of its last leaf and its leaves; readModels.rebuilding: { position, head, phase, since } while a rebuild builds them from position 0 at start; warnings: how the signing key is kept, when weakly)',
  })
  @ApiResponse({ status: 503, description: '{ status: "degraded", store, position, auditLog, readModels, problems: [{ component, problem, details }] }' })
  async get(@Res({ passthrough: true }) reply: FastifyReply) {
    const position = await this.store.headPosition();
    const problems: HealthProblem[] = [];
    if (this.startCheck.findings.length > 0) {
      problems.push({
        component: 'log',
        problem: `the log does not match its evidence: the ledger serves reads only (run \`ledger verify\`): ${this.startCheck.findings.join('; ')}`,
        details: { findings: this.startCheck.findings, seal: this.startCheck.seal?.seal ?? null },
      });
    }
    const failing = this.runner.failure;
    const rebuilding = this.runner.rebuilding;
    if (failing) {
      problems.push({
        component: 'read-models',
        problem: `the read models stopped at position ${this.runner.position} of ${position}: ${failing.message}`,
        details: { ...failing },
      });
    }
    if (problems.length > 0) void reply.status(503);
    const warnings = this.startCheck.keyWarnings;
    return {
      status: problems.length > 0 ? 'degraded' : 'ok',
      store: this.config.store,
      position,
      auditLog: await this.audit.progress(),
      // While a rebuild fills them at start: how far it is (the live read models are empty until it is done).
      readModels: { position: this.runner.position, ...(rebuilding ? { rebuilding } : {}) },
      ...(problems.length > 0 ? { problems } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }
}
