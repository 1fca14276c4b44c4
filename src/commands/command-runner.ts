import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Actor, DomainEvent, EventToAppend } from '../../events';
import { Catalogue } from '../catalogue/catalogue';
import { OWN_ACCOUNT, type UnitUse, authorize, ownAccountActor } from '../identity/rights';
import {
  AppendResult,
  EVENT_STORE,
  EventStore,
  IdempotencyKeyTaken,
  IdempotencyRecord,
  WrongExpectedRevision,
} from '../store/event-store.port';
import { CommandRefused } from '../shared/errors';
import { newEventId } from '../shared/event-id';
import { stableStringify } from '../shared/stable-json';
import { AggregateCache, Fold, Folded } from './aggregate-cache';
import { assertEventInvariants } from './event-invariants';
import { StreamLocks } from './stream-locks';
import type { CommandContext, StreamEvents } from './command';
import type { AccountBasis } from './decision-spec';

/** A stream the command reads, and how to fold it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a Load of any state: the decider is typed by the tuple
export interface Load<S = any> {
  readonly stream: string;
  readonly fold: Fold<S, DomainEvent>;
  /** The administrative units the stream belongs to: a fund line's, from its key; an activity's or a user's grants, from its state. */
  readonly units?: (state: S) => readonly UnitUse[];
}

/** Every unit a command touches: those its input names and those of the streams it read. */
export function unitsOf(spec: { loads: readonly Load[]; units?: readonly UnitUse[] }, states: readonly { state: unknown }[]): UnitUse[] {
  return [...(spec.units ?? []), ...spec.loads.flatMap((l, i) => l.units?.(states[i].state) ?? [])];
}

/** The idempotency claim of a client's key: keys belong to their principal, so another's same key is another claim. */
export const idempotencyClaim = (principalId: string, key: string): string => `user:${principalId}:${key}`;

export type States<L extends readonly Load[]> = { readonly [K in keyof L]: L[K] extends Load<infer S> ? Folded<S> : never };

export interface CommandSpec<L extends readonly Load[]> {
  /** Command name recorded in each event's metadata, e.g. "AllocateFunds". */
  readonly name: string;
  readonly basis: AccountBasis;
  /** The command as the client sent it: its fingerprint guards idempotency keys. */
  readonly body: unknown;
  /** The stream an If-Match revision refers to. */
  readonly primaryStream: string;
  readonly loads: L;
  /** Units the input names besides its streams' (see unitsOf). */
  readonly units?: readonly UnitUse[];
  /** Pure: the events to append, or a throw (CommandRefused, InvalidCommand). */
  readonly decide: (states: States<L>) => readonly StreamEvents[];
}

export interface CommandResult {
  /** Global position of the command's last event: pass it as minPosition to read your own writes. */
  readonly position: number;
  readonly events: readonly { eventId: string; stream: string; revision: number; position: number }[];
  /** Revision of each written stream after the command: the If-Match value for the next command. */
  readonly revisions: Readonly<Record<string, number>>;
  /** True when this is the stored result of an earlier command with the same Idempotency-Key. */
  readonly replayed: boolean;
}

const MAX_ATTEMPTS = 8;

/**
 * The one loop every command goes through: read streams → fold → decide → check the events' invariants →
 * append with the expected revisions, atomically. Commands touching the same streams queue in this process (StreamLocks); a
 * revision conflict that still happens (another process wrote) is retried on fresh state unless the
 * client pinned the revision (If-Match), which is returned as WrongExpectedRevision (HTTP 412).
 */
@Injectable()
export class CommandRunner {
  private readonly cache: AggregateCache;
  private readonly locks = new StreamLocks();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalogue: Catalogue,
  ) {
    this.cache = new AggregateCache(store);
  }

  async run<L extends readonly Load[]>(ctx: CommandContext, spec: CommandSpec<L>): Promise<CommandResult> {
    if (!ctx.idempotencyKey) return this.attempt(ctx, spec, '', '');
    const fingerprint = createHash('sha256').update(stableStringify({ command: spec.name, body: spec.body })).digest('hex');
    const claim = idempotencyClaim(ctx.principal.id, ctx.idempotencyKey);
    // Twins with one key wait for each other's commit: the second then finds the first's claim.
    return this.locks.run([`idempotency:${claim}`], () => this.attempt(ctx, spec, fingerprint, claim));
  }

  private async attempt<L extends readonly Load[]>(ctx: CommandContext, spec: CommandSpec<L>, fingerprint: string, claim: string): Promise<CommandResult> {
    const streams = spec.loads.map((l) => l.stream);
    for (let attempt = 1; ; attempt++) {
      // The streams are held from reading to queueing the append, not until the commit: the next command
      // on them decides on the queued events (see AggregateCache.speculate) and joins the same commit.
      const step = await this.locks.run(streams, () => this.decideAndQueue(ctx, spec, fingerprint, claim));
      if ('replayed' in step) return step.replayed;
      try {
        return toResult(await step.committed, false);
      } catch (error) {
        this.cache.forget(streams);
        if (error instanceof SpeculationFailed && attempt < MAX_ATTEMPTS) continue;
        if (error instanceof WrongExpectedRevision && ctx.expectedRevision === undefined && attempt < MAX_ATTEMPTS) continue;
        if (error instanceof IdempotencyKeyTaken && ctx.idempotencyKey) {
          const prior = await this.store.findIdempotency(claim);
          if (prior) return replay(prior, fingerprint, ctx.idempotencyKey);
        }
        throw error;
      }
    }
  }

  private async decideAndQueue<L extends readonly Load[]>(
    ctx: CommandContext,
    spec: CommandSpec<L>,
    fingerprint: string,
    claim: string,
  ): Promise<{ replayed: CommandResult } | { committed: Promise<AppendResult> }> {
    if (ctx.idempotencyKey) {
      const prior = await this.store.findIdempotency(claim);
      if (prior) return { replayed: replay(prior, fingerprint, ctx.idempotencyKey) };
    }
    const folded = await Promise.all(spec.loads.map((l) => this.cache.load(l.stream, l.fold)));
    const states = folded as unknown as States<L>;
    // Before deciding: a refusal must not tell what lies outside the principal's scope.
    const actor =
      ctx.right === OWN_ACCOUNT
        ? ownAccountActor(ctx.principal)
        : authorize(ctx.principal, ctx.right, unitsOf(spec, folded), this.catalogue);
    const revisionOf = new Map(spec.loads.map((l, i) => [l.stream, folded[i].revision]));
    const primary = revisionOf.get(spec.primaryStream) ?? -1;
    if (ctx.expectedRevision !== undefined && ctx.expectedRevision !== primary) {
      throw new WrongExpectedRevision(spec.primaryStream, ctx.expectedRevision, primary < 0 ? 'no_stream' : primary);
    }
    // Decided on events still being committed (see AggregateCache.speculate): a refusal, like an append,
    // stands only once they are; if their append fails, decide again on what the store holds.
    const pending = [...new Set(folded.map((s) => s.pending).filter((p) => p !== undefined))];
    const afterPending = <T>(then: () => T | Promise<T>): Promise<T> =>
      Promise.all(pending).then(then, () => {
        throw new SpeculationFailed(spec.primaryStream);
      });
    let decided: readonly StreamEvents[];
    try {
      decided = spec.decide(states);
    } catch (refusal) {
      if (pending.length === 0) throw refusal;
      const committed = afterPending<AppendResult>(() => {
        throw refusal;
      });
      committed.catch(() => undefined);
      return { committed };
    }
    const appends = decided.map((d) => {
      const revision = revisionOf.get(d.stream);
      if (revision === undefined) throw new Error(`${spec.name}: decided events for ${d.stream}, which it did not read`);
      return {
        stream: d.stream,
        expectedRevision: revision < 0 ? ('no_stream' as const) : revision,
        events: d.events.map((e) => withMetadata(e, spec.name, spec.basis, ctx, actor)),
      };
    });
    assertEventInvariants(appends);
    const append = () => this.store.append(appends, { idempotency: ctx.idempotencyKey ? { key: claim, fingerprint } : undefined });
    const committed = pending.length === 0 ? append() : afterPending(append);
    committed.catch(() => undefined); // awaited by attempt() as soon as the streams are released
    for (const d of decided) {
      const load = spec.loads.find((l) => l.stream === d.stream) as Load;
      this.cache.speculate(d.stream, load.fold, d.events, committed);
    }
    return { committed };
  }
}

/** The command decided on events another command queued, and their append failed: decide again. */
class SpeculationFailed extends WrongExpectedRevision {
  constructor(stream: string) {
    super(stream, 'any', 'no_stream');
    this.name = 'SpeculationFailed';
    this.message = `${stream}: decided on events another command queued, whose append failed`;
  }
}

function withMetadata(e: DomainEvent, command: string, basis: AccountBasis, ctx: CommandContext, actor: Actor): EventToAppend {
  return {
    type: e.type,
    version: e.version,
    data: e.data,
    metadata: {
      eventId: newEventId(),
      actor,
      recordedAt: ctx.now,
      effectiveDate: basis.effectiveDate,
      ...(basis.legalBasis ? { legalBasis: basis.legalBasis } : {}),
      correlationId: ctx.correlationId,
      causationId: ctx.commandId,
      ...(ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey } : {}),
      command,
    },
  };
}

function replay(prior: IdempotencyRecord, fingerprint: string, key: string): CommandResult {
  if (prior.fingerprint !== fingerprint) {
    throw new CommandRefused(
      'IDEMPOTENCY_KEY_REUSED',
      `Idempotency-Key "${key}" was already used for a different command; use a new key for a new command`,
      { key },
    );
  }
  return toResult(prior.result, true);
}

function toResult(result: AppendResult, replayed: boolean): CommandResult {
  const revisions: Record<string, number> = {};
  for (const e of result.events) revisions[e.stream] = e.revision;
  return { position: result.position, events: result.events, revisions, replayed };
}
