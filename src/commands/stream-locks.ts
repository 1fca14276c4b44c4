/**
 * In-process queueing of commands by the streams they touch. Two commands on one fund line would
 * otherwise both decide on the same revision and one would lose at append time, again and again under
 * load; queued, the second decides on the state the first left. The expected-revision check on append
 * stays the guard against other processes (a CLI import, a second server).
 */
export class StreamLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(streams: readonly string[], work: () => Promise<T>): Promise<T> {
    const keys = [...new Set(streams)];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // All keys are taken in one synchronous step, so two commands can never wait on each other.
    const previous = keys.map((k) => this.tails.get(k));
    for (const k of keys) this.tails.set(k, held);
    try {
      await Promise.all(previous);
      return await work();
    } finally {
      release();
      for (const k of keys) if (this.tails.get(k) === held) this.tails.delete(k);
    }
  }
}
