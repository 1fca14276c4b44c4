import { Controller, Get, Header, Inject, Injectable, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Needs, PrincipalRequest } from '../identity/auth.guard';
import { type Principal, readScopes } from '../identity/rights';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { ProjectionFailure, LiveProjections } from './projection-runner';
import {
  AdjustmentsQueryDto,
  BalancesQueryDto,
  DecisionsQueryDto,
  FreshnessQuery,
  HistoryQueryDto,
  NotesQueryDto,
  ProgressQueryDto,
  RedFlagQueryDto,
  RedFlagsQueryDto,
  ResultsQueryDto,
  TrailQueryDto,
} from './query.dto';
import { vietnamDate } from '../../projections/red-flags/red-flags.fold';
import type { UnitScope } from './read-model-queries';
import { JsonAnswer, ReadQueries } from './read-queries';

/** How long a request with minPosition waits for the read model to catch up before answering 503. */
export const FRESHNESS_WAIT_MS = 2000;

/**
 * The read model did not reach the position a client asked for in time (HTTP 503, READ_MODEL_BEHIND); with `failing`,
 * it cannot go on at all until the event named there can be folded.
 */
export class ReadModelBehind extends Error {
  constructor(
    readonly position: number,
    readonly minPosition: number,
    readonly failing: ProjectionFailure | null = null,
  ) {
    super(
      failing
        ? `the read model stopped at position ${position}, behind the requested minPosition ${minPosition}: ${failing.message}`
        : `the read model is at position ${position}, behind the requested minPosition ${minPosition}; retry in a moment`,
    );
    this.name = 'ReadModelBehind';
  }
}

/**
 * Waits for the read model to catch up with a position the client saw in a command's response, and says so on every
 * answer when the read models have stopped: figures that stopped at a position are not served as if current.
 */
@Injectable()
export class ReadModelFreshness {
  constructor(@Inject(LiveProjections) private readonly runner: LiveProjections) {}

  async require(minPosition: number | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const failing = this.runner.failure;
    // A read model that cannot fold an event will not catch up in 2 s: answer at once, naming the event.
    if (failing && this.runner.position < minPosition) throw new ReadModelBehind(this.runner.position, minPosition, failing);
    if (await this.runner.waitFor(minPosition, FRESHNESS_WAIT_MS)) return;
    throw new ReadModelBehind(this.runner.position, minPosition, this.runner.failure);
  }

  /**
   * The answer's JSON as sent (text, or its UTF-8 bytes), with `stale` (what stopped the read models, and where) while
   * they cannot go on: figures that stopped at a position are not served as if current.
   */
  mark(answer: JsonAnswer): string | Buffer {
    const failing = this.runner.failure;
    return (failing ? answer.withKey('stale', { position: this.runner.position, failing }) : answer).body;
  }
}

/** The type Fastify gives the JSON it writes itself, for the answers written in reader threads. */
const JSON_TYPE = 'application/json; charset=utf-8';

const FRESH = 'Every answer carries `position`: the global log position the read model reflects.';

/** Today in Vietnam: the default day the red flags that depend on time are evaluated for. */
const today = () => vietnamDate(new Date().toISOString());

/** The red flags' form of the caller's read scopes: the unit subtrees it may see, or null for the whole country. */
export const unitScope = (p: Principal): UnitScope => {
  const scopes = readScopes(p);
  return scopes === 'all' ? null : { units: scopes };
};

/**
 * Every query counts only what the caller may see: the scopes of its read grants go with the question to the read
 * models' queries (projections/shared/filters.ts, scopeFilter; the red flags' UnitScope), which filter rows, totals
 * and roll-ups alike.
 */
@ApiTags('read models')
@ApiServiceUnavailableResponse({ description: 'minPosition was not reached within 2 s, or the read models are not built yet' })
@Controller()
export class ReadModelsController {
  constructor(
    @Inject(ReadQueries) private readonly queries: ReadQueries,
    @Inject(ReadModelFreshness) private readonly freshness: ReadModelFreshness,
    @Inject(LiveProjections) private readonly runner: LiveProjections,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('balances')
  @ApiOperation({
    summary: 'Balances of fund lines, or rolled up by unit, component, source, capital type or year',
    description: `Assigned, plan, carried in (by origin year) / out, returned, allocated, not yet allocated, disbursed, available, and disbursement rates, as exact decimal strings of đồng. With asOf/knownAt: the balance on a day, as recorded by a time. ${FRESH}`,
  })
  @ApiOkResponse({ description: '{ position, total, rows, page, pageSize, totalRows }' })
  @Header('content-type', JSON_TYPE)
  async balances(@Query() q: BalancesQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('balances', { ...q, scope: readScopes(req.principal) }));
  }

  @Get('fund-lines/:stream/history')
  @ApiOperation({
    summary: 'History of one fund line: its events in order, the running balance after each, the decision or voucher behind it',
    description: FRESH,
  })
  @ApiParam({ name: 'stream', example: 'fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:184' })
  @Header('content-type', JSON_TYPE)
  async history(@Param('stream') stream: string, @Query() q: HistoryQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('history', stream, { ...q, scope: readScopes(req.principal) }));
  }

  @Get('progress')
  @ApiOperation({
    summary: 'Progress per sub-project: money, activities by kind and status, beneficiaries, outputs against targets',
    description: `After a reclassification, counts and sums per kind move from the decision's effective date (ask with asOf). ${FRESH}`,
  })
  @Header('content-type', JSON_TYPE)
  async progress(@Query() q: ProgressQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('progress', { ...q, scope: readScopes(req.principal) }));
  }

  @Get('results')
  @ApiOperation({
    summary: 'Khung kết quả: outcome indicators per unit and year (poverty rate, near-poverty rate, ethnic-minority rates, households escaped, re-fallen, newly poor) and progress against each target',
    description: `Each measurement with the review that measured it; each target with its baseline, latest measurement, achieved average change (or level) and status: met, not-met, on-track, behind, no-baseline, no-measurement. ${FRESH}`,
  })
  @Header('content-type', JSON_TYPE)
  async results(@Query() q: ResultsQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('results', { ...q, scope: readScopes(req.principal) }));
  }

  @Get('decisions')
  @ApiOperation({ summary: 'Decisions the ledger has recorded events under, newest first', description: FRESH })
  @Header('content-type', JSON_TYPE)
  async decisions(@Query() q: DecisionsQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('decisions', { ...q, scope: readScopes(req.principal) }));
  }

  @Get('decisions/trail')
  @ApiOperation({
    summary: 'Decision trail: every event a decision caused, before → after for each line and activity, who recorded it and when',
    description: FRESH,
  })
  @Header('content-type', JSON_TYPE)
  async trail(@Query() q: TrailQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('trail', { ...q, scope: readScopes(req.principal) }));
  }

  @Get('adjustments')
  @ApiOperation({
    summary: 'Adjustments and corrections, filterable by period (effective date), unit, component and kind of change',
    description: `Each row says how many days after taking effect it was recorded and what the activity had disbursed before (reclassification after payments). ${FRESH}`,
  })
  @Header('content-type', JSON_TYPE)
  async adjustments(@Query() q: AdjustmentsQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('adjustments', { ...q, scope: readScopes(req.principal) }));
  }

  @Get('notes')
  @ApiOperation({ summary: 'Ghi chú: auditors’ and inspectors’ notes on a line, an activity or a unit, with who wrote each and when', description: FRESH })
  @Header('content-type', JSON_TYPE)
  async notes(@Query() q: NotesQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('notes', { ...q, scope: readScopes(req.principal) }));
  }

  @Get('red-flags')
  @ApiOperation({
    summary: 'Cờ đỏ: red flags for inspectors, filtered by unit (and everything under it), period, rule and whether reviewed',
    description: `Each flag: its rule, its evidence events (with the decision or voucher behind each, linking to /decisions/trail and the line's history), the unit, the period and the amount involved, and its reviews. "byRule" counts the flags of each rule under the same filters. Carried-over money unspent after its deadline is evaluated as of "asOf" (default today). The rules and thresholds: GET /red-flags/rules. ${FRESH}`,
  })
  @Header('content-type', JSON_TYPE)
  async redFlags(@Query() q: RedFlagsQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('redFlags', { ...q, asOf: q.asOf ?? today() }, unitScope(req.principal)));
  }

  @Get('red-flags/rules')
  @ApiOperation({ summary: 'The red-flag rules: titles and descriptions in Vietnamese and English, with their thresholds' })
  redFlagRules() {
    return this.queries.redFlagRules();
  }

  @Get('red-flags/:id')
  @ApiOperation({ summary: 'One red flag with all its evidence and every review', description: FRESH })
  @ApiParam({ name: 'id', example: 'duplicate-voucher-3f2a9c1b7d4e' })
  @Header('content-type', JSON_TYPE)
  async redFlag(@Param('id') id: string, @Query() q: RedFlagQueryDto, @Req() req: PrincipalRequest) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(await this.queries.json('redFlag', id, q.asOf ?? today(), unitScope(req.principal)));
  }

  @Get('read-models/status')
  @Needs('signed-in')
  @ApiOperation({
    summary:
      'How fresh the read models are: their position and generation, the head of the log, the last failed batch if any, and a rebuild under way at start (rebuilding: { position, head, phase, since }, else null)',
    description: FRESH,
  })
  async status(@Query() q: FreshnessQuery) {
    await this.freshness.require(q.minPosition);
    const head = await this.store.headPosition();
    const status = await this.queries.status();
    const error = this.runner.error;
    return {
      ...status,
      head,
      behind: Math.max(0, head - status.position),
      lastError: error ? (error instanceof Error ? error.message : String(error)) : null,
      failing: this.runner.failure,
      // Built from position 0 at start by a rebuild (LEDGER_REBUILD_FROM_EVENTS): how far it is; the live generation
      // is empty until it is done.
      rebuilding: this.runner.rebuilding,
    };
  }
}
