import type { Projector } from '../../projections/read-model';

/**
 * Where one read model's projector spent a rebuild, in milliseconds of wall time on the engine's thread: handed its
 * events (`apply`, the SQL it runs as it goes included), writing back what it held (`flush`, at each commit and spill),
 * and trimming its memory after them (`committed`). What it asks of the models it uses (a line's change from the
 * balances) counts as its own.
 */
export interface ProjectorTime {
  readonly model: string;
  readonly apply: number;
  readonly flush: number;
  readonly committed: number;
}

/** A projector whose calls are timed: the engine hands it events as it would the projector itself. */
export class TimedProjector implements Projector {
  private apply_ = 0;
  private flush_ = 0;
  private committed_ = 0;

  constructor(
    readonly model: string,
    private readonly inner: Projector,
  ) {}

  apply(event: Parameters<Projector['apply']>[0]): void {
    const started = performance.now();
    try {
      this.inner.apply(event);
    } finally {
      this.apply_ += performance.now() - started;
    }
  }

  flush(): void {
    const started = performance.now();
    try {
      this.inner.flush();
    } finally {
      this.flush_ += performance.now() - started;
    }
  }

  committed(): void {
    const started = performance.now();
    try {
      this.inner.committed();
    } finally {
      this.committed_ += performance.now() - started;
    }
  }

  reload(): void {
    this.inner.reload();
  }

  get time(): ProjectorTime {
    return { model: this.model, apply: this.apply_, flush: this.flush_, committed: this.committed_ };
  }
}
