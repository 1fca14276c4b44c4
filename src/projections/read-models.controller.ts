import { Controller, Get, Inject, Injectable, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { ProjectionFailure, ProjectionRunner } from './projection-runner';
import {
  AdjustmentsQueryDto,
  BalancesQueryDto,
  DecisionsQueryDto,
  FreshnessQuery,
  HistoryQueryDto,
  ProgressQueryDto,
  TrailQueryDto,
} from './query.dto';
import { ReadModelQueries } from './read-model-queries';

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
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  async require(minPosition: number | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const failing = this.runner.failure;
    // A read model that cannot fold an event will not catch up in 2 s: answer at once, naming the event.
    if (failing && this.runner.position < minPosition) throw new ReadModelBehind(this.runner.position, minPosition, failing);
    if (await this.runner.waitFor(minPosition, FRESHNESS_WAIT_MS)) return;
    throw new ReadModelBehind(this.runner.position, minPosition, this.runner.failure);
  }

  /** The answer, with `stale` (what stopped the read models, and where) while they cannot go on. */
  mark<T extends object>(answer: T): T & { stale?: { readonly position: number; readonly failing: ProjectionFailure } } {
    const failing = this.runner.failure;
    return failing ? { ...answer, stale: { position: this.runner.position, failing } } : answer;
  }
}

const FRESH = 'Every answer carries `position`: the global log position the read model reflects.';

@ApiTags('read models')
@ApiServiceUnavailableResponse({ description: 'minPosition was not reached within 2 s, or the read models are not built yet' })
@Controller()
export class ReadModelsController {
  constructor(
    @Inject(ReadModelQueries) private readonly queries: ReadModelQueries,
    @Inject(ReadModelFreshness) private readonly freshness: ReadModelFreshness,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('balances')
  @ApiOperation({
    summary: 'Balances of fund lines, or rolled up by unit, component, source, capital type or year',
    description: `Assigned, plan, carried in (by origin year) / out, returned, allocated, not yet allocated, disbursed, available, and disbursement rates, as exact decimal strings of đồng. With asOf/knownAt: the balance on a day, as recorded by a time. ${FRESH}`,
  })
  @ApiOkResponse({ description: '{ position, total, rows, page, pageSize, totalRows }' })
  async balances(@Query() q: BalancesQueryDto) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(this.queries.balances(q));
  }

  @Get('fund-lines/:stream/history')
  @ApiOperation({
    summary: 'History of one fund line: its events in order, the running balance after each, the decision or voucher behind it',
    description: FRESH,
  })
  @ApiParam({ name: 'stream', example: 'fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:184' })
  async history(@Param('stream') stream: string, @Query() q: HistoryQueryDto) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(this.queries.history(stream, q));
  }

  @Get('progress')
  @ApiOperation({
    summary: 'Progress per sub-project: money, activities by kind and status, beneficiaries, outputs against targets',
    description: `After a reclassification, counts and sums per kind move from the decision's effective date (ask with asOf). ${FRESH}`,
  })
  async progress(@Query() q: ProgressQueryDto) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(this.queries.progress(q));
  }

  @Get('decisions')
  @ApiOperation({ summary: 'Decisions the ledger has recorded events under, newest first', description: FRESH })
  async decisions(@Query() q: DecisionsQueryDto) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(this.queries.decisions(q));
  }

  @Get('decisions/trail')
  @ApiOperation({
    summary: 'Decision trail: every event a decision caused, before → after for each line and activity, who recorded it and when',
    description: FRESH,
  })
  async trail(@Query() q: TrailQueryDto) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(this.queries.trail(q));
  }

  @Get('adjustments')
  @ApiOperation({
    summary: 'Adjustments and corrections, filterable by period (effective date), unit, component and kind of change',
    description: `Each row says how many days after taking effect it was recorded and what the activity had disbursed before (reclassification after payments). ${FRESH}`,
  })
  async adjustments(@Query() q: AdjustmentsQueryDto) {
    await this.freshness.require(q.minPosition);
    return this.freshness.mark(this.queries.adjustments(q));
  }

  @Get('read-models/status')
  @ApiOperation({
    summary: 'How fresh the read models are: their position and generation, the head of the log, and the last failed batch if any',
    description: FRESH,
  })
  async status(@Query() q: FreshnessQuery) {
    await this.freshness.require(q.minPosition);
    const head = await this.store.headPosition();
    const status = this.queries.status();
    const error = this.runner.error;
    return {
      ...status,
      head,
      behind: Math.max(0, head - status.position),
      lastError: error ? (error instanceof Error ? error.message : String(error)) : null,
      failing: this.runner.failure,
    };
  }
}
