import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Needs, PrincipalRequest } from '../identity/auth.guard';
import { readScopes } from '../identity/rights';
import { JournalRejected } from './journal.importer';
import { JournalService } from './journal.service';

@ApiTags('journal')
@Controller()
export class JournalController {
  constructor(private readonly journal: JournalService) {}

  @Post('journal/import')
  @Needs('import')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Import a journal (YAML or JSON; see demo/README.md): every entry is validated first, then all of it is stored in one atomic append, or nothing. The same journal again stores nothing.',
  })
  @ApiConsumes('application/yaml', 'text/yaml', 'text/plain', 'application/json')
  @ApiBody({ description: 'the journal: YAML text, or a JSON journal object', schema: { type: 'string' } })
  @ApiQuery({ name: 'dryRun', required: false, description: 'true: validate every entry and store nothing' })
  @ApiHeader({ name: 'Authorization', required: true, description: 'Bearer <token> of a user with the import right (importer, officer, accountant)' })
  @ApiResponse({ status: 201, description: 'imported: events and their positions' })
  @ApiResponse({ status: 200, description: 'already imported (nothing stored), or valid (dry run)' })
  @ApiResponse({ status: 400, description: 'INVALID_JOURNAL: every problem, each with its entry (index, id, line) and field; nothing stored' })
  @ApiResponse({ status: 403, description: 'FORBIDDEN: entries touch units outside your scope (each listed); nothing stored' })
  @ApiResponse({ status: 409, description: "refused by a business rule: the first refusal's code (e.g. INSUFFICIENT_UNALLOCATED), every problem with its entry and code; nothing stored" })
  async import(
    @Req() req: PrincipalRequest,
    @Body() body: unknown,
    @Query('dryRun') dryRun: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (body === undefined || body === null || body === '') {
      throw new JournalRejected([{ field: 'body', problem: 'send the journal as YAML (Content-Type: application/yaml) or as a JSON object' }]);
    }
    const outcome = await this.journal.import(body, {
      principal: req.principal,
      now: new Date().toISOString(),
      dryRun: dryRun === 'true' || dryRun === '1',
    });
    if (outcome.status === 'rejected') throw new JournalRejected(outcome.problems, outcome.journal);
    if (outcome.status !== 'imported') void reply.status(200);
    return outcome;
  }

  @Get('reconciliation')
  @ApiOperation({
    summary:
      'Đối chiếu: every stated figure that does not hold against the ledger, every stated total that is not the sum of its parts, every stated rate that does not match its amounts, every disbursement beyond allocation, each with its document and section',
  })
  @ApiQuery({ name: 'document', required: false, description: 'only the figures of this document id' })
  @ApiQuery({ name: 'unit', required: false, description: 'only figures about this unit (and the units under it)' })
  reconciliation(@Req() req: PrincipalRequest, @Query('document') document?: string, @Query('unit') unit?: string) {
    // Only what the reader may see: figures and lines of units under its read grants.
    return this.journal.reconcile({ ...(document ? { document } : {}), ...(unit ? { unit } : {}), scope: readScopes(req.principal) });
  }
}
