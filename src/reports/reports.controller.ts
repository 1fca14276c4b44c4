import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PrincipalRequest } from '../identity/auth.guard';
import { type Principal, readScopes } from '../identity/rights';
import { InvalidRequest } from '../shared/errors';
import { CONTENT_TYPES, renderReport, reportFileName, reportJson } from './report-files';
import { ReportQueryDto } from './reports.dto';
import { ALL_UNITS, ReportService, UnitScope } from './reports.service';

/** Content types a filed report may be POSTed as to be checked, read as bytes. */
export const REPORT_UPLOAD_TYPES = [CONTENT_TYPES.xlsx, 'application/octet-stream', 'text/csv'];

/** The units the caller may see: the scopes of its read grants (every unit for a reader of the whole country). */
export function callerScope(principal: Principal): UnitScope {
  const scopes = readScopes(principal);
  return scopes === 'all' ? ALL_UNITS : { units: scopes };
}

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(@Inject(ReportService) private readonly reports: ReportService) {}

  @Get('resources')
  @ApiOperation({
    summary: 'Kết quả phân bổ, sử dụng nguồn lực: the report table of the 6-month and annual monitoring reports, as JSON, XLSX, CSV or a Word draft',
    description:
      'Per project, sub-project and content item, by source and capital type: plan assigned in the year and carried in by origin year, allocated, unallocated, ' +
      'disbursed in the period and cumulatively, the rate of plan; estimates stated by documents in columns of their own; physical results against targets; ' +
      'beneficiaries by category. Computed at a log position (default: the read models’ now) and carrying it, the Merkle tree of the events up to it, a signed ' +
      'tree head covering it, and the query behind each figure. `POST /reports/verify` checks a filed copy.',
  })
  @ApiProduces(...Object.values(CONTENT_TYPES))
  async resources(@Query() q: ReportQueryDto, @Req() req: PrincipalRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { format = 'json', ...request } = q;
    const doc = await this.reports.resources(request, callerScope(req.principal));
    if (format === 'json') return reportJson(doc);
    const body = await renderReport(doc, format);
    void reply.header('content-type', CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="${reportFileName(doc, format)}"`);
    return body;
  }

  @Get('iati')
  @ApiOperation({
    summary: 'IATI 2.03 activity XML of a unit’s programme activities in a budget year: budgets from plans, commitments from allocations, disbursements, results from outputs against targets',
    description: 'One iati-activity per component the unit has money on; amounts in VND, exact. Parameters as for /reports/resources (format and amountUnit do not apply). Carries the log position and tree head in a gnbv:provenance element.',
  })
  @ApiProduces('application/xml')
  async iati(@Query() q: ReportQueryDto, @Req() req: PrincipalRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { format, amountUnit, ...request } = q;
    if (format !== undefined || amountUnit !== undefined) {
      throw new InvalidRequest([
        ...(format !== undefined ? [{ field: 'format', problem: 'the IATI export is XML only' }] : []),
        ...(amountUnit !== undefined ? [{ field: 'amountUnit', problem: 'IATI values are exact VND' }] : []),
      ]);
    }
    const { params, xml } = await this.reports.iati(request, callerScope(req.principal));
    void reply
      .header('content-type', 'application/xml; charset=utf-8')
      .header('content-disposition', `attachment; filename="iati-${params.unit}-${params.budgetYear}-vt${params.position}.xml"`);
    return xml;
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check a filed report (XLSX, CSV or JSON) against the log: every cell recomputed at the report’s position, each one that differs named',
    description: 'Also checks that the log up to that position is the one whose Merkle tree the file carries, and that its signed tree head is this ledger’s. `ok` is false when anything differs.',
  })
  @ApiConsumes(...REPORT_UPLOAD_TYPES, 'application/json')
  @ApiBody({ description: 'the report file as it was filed', schema: { type: 'string', format: 'binary' } })
  async verify(@Body() body: unknown, @Req() req: PrincipalRequest) {
    const bytes = Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body, 'utf8') : body && typeof body === 'object' ? Buffer.from(JSON.stringify(body), 'utf8') : null;
    if (!bytes || bytes.length === 0) {
      throw InvalidRequest.field('body', `send the report file as its bytes (Content-Type: ${CONTENT_TYPES.xlsx}, text/csv or application/json)`);
    }
    return this.reports.verify(bytes, callerScope(req.principal));
  }
}
