import type { DomainEvent, RecordedEvent } from '../../events';
import type { EventStore } from '../store/event-store.port';

export interface Folded<S> {
  readonly state: S;
  /** Revision of the last event folded; -1 for a stream that does not exist. */
  readonly revision: number;
  /**
   * Set when the state includes events queued but not yet committed (see `speculate`): the append of those
   * events. A command deciding on this state may append only once it has committed.
   */
  readonly pending?: Promise<unknown>;
}

export interface Fold<S, E extends DomainEvent> {
  readonly initial: () => S;
  readonly evolve: (state: S, event: E) => S;
  /** Optional faster fold for a state nobody else holds: may update the old state's collections in place. */
  readonly evolveOwned?: (state: S, event: E) => S;
}

/** A cached state, and whether it is known to be the stream's head without asking the store (see AggregateCache). */
type Entry<S> = Folded<S> & { readonly trusted?: boolean };

/**
 * Current state of streams, folded from their events and kept in memory. Events never change, so a
 * cached state at revision r only needs the events after r: a command on a long fund line reads a
 * handful of new events instead of its whole history. Bounded, least recently used first out.
 *
 * When the store writes alone (EventStore.writesAlone: the SQLite writer holding the log's lock), every commit is
 * heard (watchCommits) before its caller is answered, and a cached state that a commit outgrew is dropped then: a
 * state read while the store wrote alone is served without asking the store again. Otherwise (another process may
 * write: PostgreSQL, KurrentDB) each load asks the store for the events after the cached revision.
 */
export class AggregateCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  /** Commits heard so far: a read during which one was heard is not trusted (it may have missed it). */
  private heard = 0;

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 20_000,
  ) {
    store.watchCommits?.((events) => {
      this.heard++;
      for (const e of events) {
        const cached = this.entries.get(e.stream);
        // Appended past the cached state by someone else than the speculation it holds: read it again.
        if (cached && cached.revision < e.revision) this.entries.delete(e.stream);
      }
    });
  }

  async load<S, E extends DomainEvent>(stream: string, fold: Fold<S, E>): Promise<Folded<S>> {
    const cached = this.entries.get(stream) as Entry<S> | undefined;
    if (cached?.trusted && this.store.writesAlone?.() === true) return this.touch(stream, cached);
    const alone = this.store.writesAlone?.() === true;
    const heard = this.heard;
    let state = cached?.state ?? fold.initial();
    let revision = cached?.revision ?? -1;
    const fresh: RecordedEvent[] = await this.store.readStream(stream, revision + 1);
    // Dropped or replaced while reading (a speculation failed or settled): read again.
    if (cached && this.entries.get(stream) !== cached) return this.load(stream, fold);
    const trusted = alone && heard === this.heard;
    // (A speculation keeps its own entry: its settling replaces or drops exactly that one.)
    if (fresh.length === 0 && cached) return this.touch(stream, cached.pending || cached.trusted === trusted ? cached : { ...cached, trusted });
    // The store has events beyond a speculation not yet committed: whatever happens to it, this state
    // is not the stream's; start again from the store.
    if (cached?.pending) {
      this.entries.delete(stream);
      return this.load(stream, fold);
    }
    // Deciders only read the cached state. A command still holding the older state when it is folded in
    // place read a stream that has since grown: its append fails on the expected revision and retries.
    const evolve = fold.evolveOwned ?? fold.evolve;
    for (const e of fresh) {
      state = evolve(state, e as unknown as E);
      revision = e.revision;
    }
    return this.touch(stream, { state, revision, trusted });
  }

  /**
   * Folds events a command has just queued for appending, before they are committed, so that the next
   * command on the stream decides on them. That command must not append before `committed` succeeds
   * (CommandRunner chains it): with another writer process, the speculated append can be refused while
   * a foreign event takes its revision, and an expected revision alone would then accept an append
   * decided on events that never were. If the append fails, the caller forgets the stream.
   */
  speculate<S, E extends DomainEvent>(stream: string, fold: Fold<S, E>, events: readonly E[], committed: Promise<unknown>): void {
    const cached = this.entries.get(stream) as Entry<S> | undefined;
    let state = cached?.state ?? fold.initial();
    let revision = cached?.revision ?? -1;
    // Trusted as the state it builds on: nothing but its own append can take these revisions unheard.
    const trusted = cached?.trusted === true;
    const evolve = fold.evolveOwned ?? fold.evolve;
    for (const e of events) {
      state = evolve(state, e);
      revision += 1;
    }
    const entry: Entry<S> = { state, revision, pending: committed, trusted };
    this.touch(stream, entry);
    // Committed: the state is the stream's. Failed: nobody may decide on it any more.
    committed.then(
      () => this.entries.get(stream) === entry && this.touch(stream, { state, revision, trusted }),
      () => this.entries.get(stream) === entry && this.entries.delete(stream),
    );
  }

  forget(streams: readonly string[]): void {
    for (const s of streams) this.entries.delete(s);
  }

  private touch<S>(stream: string, folded: Entry<S>): Entry<S> {
    this.entries.delete(stream);
    this.entries.set(stream, folded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return folded;
  }
}
