import type { Projector } from '../../projections/read-model';

/**
 * Where one read model's projector spent a rebuild, in milliseconds of wall time on the engine's thread: handed its
 * events (`apply`, the SQL it runs as it goes included), writing back what it held (`flush`, at each commit and spill;
 * a spill of its own, Projector.spill, included), and trimming its memory after them (`committed`). What it asks of the
 * models it uses (a line's change from the balances) counts as its own.
 */
export interface ProjectorTime {
  readonly model: string;
  readonly apply: number;
  readonly flush: number;
  readonly committed: number;
}

/** How long `work` took, in milliseconds (a failure is thrown as it is, its time not counted). */
function took(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

/** A projector whose calls are timed: the engine hands it events as it would the projector itself. */
export class TimedProjector implements Projector {
  private readonly spent: { -readonly [K in keyof Omit<ProjectorTime, 'model'>]: number } = { apply: 0, flush: 0, committed: 0 };

  /** The projector's own spill, timed as a flush, if it has one. */
  readonly spill?: () => void;
  /** The projector's own, given through, if it has them (a rebuild's lanes). */
  readonly leftForJoin?: () => unknown;
  readonly joinLane?: (left: unknown) => void;

  constructor(
    readonly model: string,
    private readonly inner: Projector,
  ) {
    if (inner.spill) this.spill = () => (this.spent.flush += took(() => inner.spill?.()));
    if (inner.leftForJoin) this.leftForJoin = () => inner.leftForJoin?.();
    if (inner.joinLane) this.joinLane = (left) => inner.joinLane?.(left);
  }

  apply(event: Parameters<Projector['apply']>[0]): void {
    this.spent.apply += took(() => this.inner.apply(event));
  }

  flush(): void {
    this.spent.flush += took(() => this.inner.flush());
  }

  committed(): void {
    this.spent.committed += took(() => this.inner.committed());
  }

  reload(): void {
    this.inner.reload();
  }

  get time(): ProjectorTime {
    return { model: this.model, ...this.spent };
  }
}
