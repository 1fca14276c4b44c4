/**
 * Progress of long work (a rebuild, a verification, a large import, a province-scale report) on stderr. On a
 * terminal: one line redrawn in place, with a bar, done / total, the rate and the time left (ETA). Not on a
 * terminal (CI, a log file, a pipe): a plain line at most every `plainEveryMs` (default 10 s), and the last one.
 * Work that ends before the first line is due prints nothing.
 * The clock is passed in (tests); the rate is that of the whole run so far, so the ETA does not jump.
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  /** What is counted, plural ("events", "entries"). */
  readonly unit: string;
  readonly stream?: ProgressStream;
  readonly now?: () => number;
  /** Not on a terminal: at most one line per this many ms (default 10 000). */
  readonly plainEveryMs?: number;
  /** On a terminal: at most one redraw per this many ms (default 100). */
  readonly ttyEveryMs?: number;
}

export interface Progress {
  /** `done` of `total` (unknown: no bar, no ETA); `phase` names a step of the work (e.g. "storing"). */
  update(done: number, total?: number, phase?: string): void;
  /** Shows the last figures if a line was shown and they were not yet, and ends the line on a terminal. */
  finish(): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A duration as "1h02m", "3m05s" or "42s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** The figures of one progress line, without the bar: "1,234/10,000 events (12.3 %), 456/s, ETA 19s". */
export function progressText(done: number, total: number | undefined, unit: string, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const rateText = rate > 0 ? `, ${fmt(rate)}/s` : '';
  if (total === undefined || total <= 0) return `${fmt(done)} ${unit}${rateText}, ${formatDuration(elapsedMs)} so far`;
  const share = Math.min(1, done / total);
  const left = rate > 0 ? `ETA ${formatDuration(((total - done) / rate) * 1000)}` : 'ETA unknown';
  return `${fmt(done)}/${fmt(total)} ${unit} (${(share * 100).toFixed(1)} %)${rateText}, ${done >= total ? `took ${formatDuration(elapsedMs)}` : left}`;
}

export function progress(label: string, options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  const every = tty ? (options.ttyEveryMs ?? 100) : (options.plainEveryMs ?? 10_000);
  const started = now();
  let lastShown = started;
  let drawn = false;
  let pending: { done: number; total?: number; phase?: string } | null = null;
  const line = (p: { done: number; total?: number; phase?: string }) => {
    const name = p.phase ? `${label} (${p.phase})` : label;
    const text = progressText(p.done, p.total, options.unit, now() - started);
    if (!tty) return `${name}: ${text}\n`;
    const width = 24;
    const filled = p.total ? Math.round(Math.min(1, p.done / p.total) * width) : 0;
    const bar = p.total ? ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]` : '';
    return `\r\x1b[2K${name}${bar} ${text}`;
  };
  const show = (p: { done: number; total?: number; phase?: string }) => {
    stream.write(line(p));
    drawn = true;
    pending = null;
    lastShown = now();
  };
  return {
    update(done, total, phase) {
      pending = { done, total, phase };
      if (now() - lastShown >= every) show(pending);
    },
    finish() {
      // Work shorter than the first line's delay leaves no trace.
      if (pending && drawn) show(pending);
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
