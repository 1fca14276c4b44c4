import { Controller, Get, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Catalogue } from '../catalogue/catalogue';
import { Needs, PrincipalRequest, Public } from '../identity/auth.guard';
import { readScopes } from '../identity/rights';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { InvalidRequest } from '../shared/errors';
import { AuditNotFound } from './audit';
import { AuditService } from './audit.service';
import { parseBundleQuery } from './bundle-selection';
import { readableEvents } from './event-scope';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalogue: Catalogue,
  ) {}

  @Get('public-key')
  @Public()
  @ApiOperation({ summary: 'The Ed25519 public key that signs tree heads and audit bundles (raw base64, PEM, fingerprint)' })
  publicKey() {
    return this.audit.get().publicKey();
  }

  @Get('tree-heads')
  @ApiOperation({ summary: 'Signed tree heads, newest first' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'heads to skip (default 0)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'heads to return (default 100, at most 1000)' })
  async treeHeads(@Query('offset') offset?: string, @Query('limit') limit?: string) {
    const from = count(offset, 'offset') ?? 0;
    const take = Math.min(count(limit, 'limit') ?? 100, 1000);
    const { log } = this.audit.get();
    return { items: await log.treeHeads(from, take), total: await log.treeHeadCount(), offset: from, limit: take };
  }

  @Get('tree-heads/latest')
  @ApiOperation({ summary: 'The latest signed tree head: the seal of the last commit, once the audit log has followed it' })
  async latestTreeHead() {
    const head = await this.audit.get().latestTreeHead();
    if (!head) throw new AuditNotFound('no tree head has been signed yet');
    return head;
  }

  @Post('tree-heads')
  @Needs('sign-tree-head')
  @ApiOperation({ summary: 'Sign a tree head over the log as it is now' })
  produceTreeHead() {
    return this.audit.get().produceTreeHead();
  }

  @Get('proofs/inclusion')
  @ApiOperation({ summary: 'Inclusion proof (RFC 6962 audit path) of an event in the tree of a given size' })
  @ApiQuery({ name: 'eventId', required: true, type: String })
  @ApiQuery({ name: 'treeSize', required: false, type: Number, description: 'default: a signed tree head that covers the event' })
  inclusionProof(@Query('eventId') eventId?: string, @Query('treeSize') treeSize?: string) {
    if (!eventId) throw InvalidRequest.field('eventId', 'is required');
    return this.audit.get().inclusionProof(eventId, count(treeSize, 'treeSize'));
  }

  @Get('proofs/consistency')
  @ApiOperation({ summary: 'Consistency proof (RFC 6962) that the tree of `second` leaves extends the tree of `first` leaves' })
  @ApiQuery({ name: 'first', required: true, type: Number })
  @ApiQuery({ name: 'second', required: false, type: Number, description: 'default: the latest signed tree head' })
  async consistencyProof(@Query('first') first?: string, @Query('second') second?: string) {
    const firstSize = count(first, 'first');
    if (firstSize === undefined) throw InvalidRequest.field('first', 'is required');
    const audit = this.audit.get();
    // Every tree up to the store's last commit can be asked for: the audit log follows the store first.
    await audit.log.catchUp();
    return audit.consistencyProof(firstSize, count(second, 'second'));
  }

  @Get('bundles')
  @ApiOperation({
    summary: 'Audit bundle: the selected events with their inclusion proofs, a signed tree head and the public key',
    description: 'Give exactly one of line, activity, decision. Check it offline with `ledger verify-bundle FILE`.',
  })
  @ApiQuery({ name: 'line', required: false, type: String, description: 'fund line: its stream, or its label like "DA5/NSTW/SN/2024@183"' })
  @ApiQuery({ name: 'activity', required: false, type: String, description: 'activity id' })
  @ApiQuery({ name: 'decision', required: false, type: String, description: 'decision number, e.g. "4888/QĐ-UBND"' })
  @ApiQuery({ name: 'issuer', required: false, type: String, description: 'narrows a decision by its issuer' })
  @ApiQuery({ name: 'date', required: false, type: String, description: 'narrows a decision by its date (YYYY-MM-DD)' })
  bundle(
    @Req() req: PrincipalRequest,
    @Query('line') line?: string,
    @Query('activity') activity?: string,
    @Query('decision') decision?: string,
    @Query('issuer') issuer?: string,
    @Query('date') date?: string,
  ) {
    // Only the events of units under the reader's scopes: each keeps its own inclusion proof, so the bundle still verifies.
    const scope = readScopes(req.principal);
    return this.audit.get().exportBundle(parseBundleQuery({ line, activity, decision, issuer, date }), new Date(), (events) => readableEvents(this.store, events, scope, this.catalogue));
  }
}

function count(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw InvalidRequest.field(name, `must be a whole number, not "${value}"`);
  }
  return Number(value);
}
