import type { DomainEvent, RecordedEvent } from '../../events';
import type { EventStore } from '../store/event-store.port';

export interface Folded<S> {
  readonly state: S;
  /** Revision of the last event folded; -1 for a stream that does not exist. */
  readonly revision: number;
}

export interface Fold<S, E extends DomainEvent> {
  readonly initial: () => S;
  readonly evolve: (state: S, event: E) => S;
  /** Optional faster fold for a state nobody else holds: may update the old state's collections in place. */
  readonly evolveOwned?: (state: S, event: E) => S;
}

/**
 * Current state of streams, folded from their events and kept in memory. Events never change, so a
 * cached state at revision r only needs the events after r: a command on a long fund line reads a
 * handful of new events instead of its whole history. Bounded, least recently used first out.
 */
export class AggregateCache {
  private readonly entries = new Map<string, Folded<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 20_000,
  ) {}

  async load<S, E extends DomainEvent>(stream: string, fold: Fold<S, E>): Promise<Folded<S>> {
    const cached = this.entries.get(stream) as Folded<S> | undefined;
    let state = cached?.state ?? fold.initial();
    let revision = cached?.revision ?? -1;
    const fresh: RecordedEvent[] = await this.store.readStream(stream, revision + 1);
    if (fresh.length === 0 && cached) return this.touch(stream, cached);
    // Deciders only read the cached state. A command still holding the older state when it is folded in
    // place read a stream that has since grown: its append fails on the expected revision and retries.
    const evolve = fold.evolveOwned ?? fold.evolve;
    for (const e of fresh) {
      state = evolve(state, e as unknown as E);
      revision = e.revision;
    }
    return this.touch(stream, { state, revision });
  }

  /**
   * Folds events a command has just queued for appending, before they are committed, so that the next
   * command on the stream decides on them (and joins the same group commit). If the append fails, the
   * caller forgets the stream: a command that decided on the speculation then fails on its expected
   * revision and retries on what the store holds.
   */
  speculate<S, E extends DomainEvent>(stream: string, fold: Fold<S, E>, events: readonly E[]): void {
    const cached = this.entries.get(stream) as Folded<S> | undefined;
    let state = cached?.state ?? fold.initial();
    let revision = cached?.revision ?? -1;
    const evolve = fold.evolveOwned ?? fold.evolve;
    for (const e of events) {
      state = evolve(state, e);
      revision += 1;
    }
    this.touch(stream, { state, revision });
  }

  forget(streams: readonly string[]): void {
    for (const s of streams) this.entries.delete(s);
  }

  private touch<S>(stream: string, folded: Folded<S>): Folded<S> {
    this.entries.delete(stream);
    this.entries.set(stream, folded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return folded;
  }
}
