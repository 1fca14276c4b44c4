import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JOURNAL_LIMITS } from '../shared/validation/input-limits';
import type { FieldQuery, JournalProblem, TextPlace } from './journal.format';
import { readJournalText } from './journal-text';

export interface TextRead {
  readonly value: unknown;
  /** Line (1-based) of each entry, by index. */
  readonly entryLines: readonly number[];
  readonly problems: readonly JournalProblem[];
}

/** How long one journal may take to read before the reader gives up on it (and starts a fresh worker). */
const READ_TIMEOUT_MS = 60_000;

/** What the worker is asked: to read a journal within limits, or where fields of a journal it read are written. */
type Request =
  | { readonly kind: 'read'; readonly text: string; readonly limits: JournalLimits }
  | { readonly kind: 'locate'; readonly text: string; readonly queries: readonly FieldQuery[] };

interface Job {
  readonly id: number;
  readonly request: Request;
  readonly resolve: (result: unknown) => void;
  /** The answer when the worker cannot give one (it stopped, or the request took too long): why. */
  readonly failed: (problem: string) => unknown;
}

/** The limits of a journal, its size included (LEDGER_JOURNAL_LIMIT_MB, the journal route's body limit). */
export type JournalLimits = typeof JOURNAL_LIMITS & { readonly bytes: number };

const refused = (problem: string): TextRead => ({ value: null, entryLines: [], problems: [{ field: '(file)', problem }] });

/**
 * Reads journals in a worker thread (journal-text.js), one request at a time, so that the event loop answering
 * requests never waits for the YAML parser: a journal at the limits takes seconds to parse. The worker has its own
 * memory limit and a larger stack than the main thread; if a journal still exhausts it, or takes longer than a minute,
 * that journal is refused and a new worker takes the next one. Idle, the worker does not keep the process alive.
 */
export class JournalReader {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private current: (Job & { timer: NodeJS.Timeout }) | null = null;
  private nextId = 1;

  /** The journal's text as plain data, within JOURNAL_LIMITS and `maxBytes` of UTF-8. */
  read(text: string, maxBytes: number): Promise<TextRead> {
    const limits: JournalLimits = { ...JOURNAL_LIMITS, bytes: maxBytes };
    // The size limit needs no parser: refuse before copying the text to the worker.
    if (Buffer.byteLength(text, 'utf8') > maxBytes) return Promise.resolve(readJournalText(text, limits));
    return this.ask<TextRead>({ kind: 'read', text, limits }, refused);
  }

  /** Where each field is written in a journal this reader read (for the problems of a refused journal). */
  locate(text: string, queries: readonly FieldQuery[]): Promise<readonly (TextPlace | undefined)[]> {
    if (queries.length === 0) return Promise.resolve([]);
    return this.ask<readonly (TextPlace | undefined)[]>({ kind: 'locate', text, queries }, () => queries.map(() => undefined));
  }

  /** Stops the worker (tests, shutdown); a later read starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private ask<T>(request: Request, failed: (problem: string) => T): Promise<T> {
    return new Promise<T>((resolve) => {
      this.queue.push({ id: this.nextId++, request, resolve: resolve as (result: unknown) => void, failed });
      this.next();
    });
  }

  private next(): void {
    if (this.current || this.queue.length === 0) return;
    const job = this.queue.shift() as Job;
    const worker = this.ensureWorker();
    const timer = setTimeout(() => this.abandon(`took longer than ${READ_TIMEOUT_MS / 1000} s to read: simplify it, or split it in several files`), READ_TIMEOUT_MS);
    this.current = { ...job, timer };
    worker.ref();
    worker.postMessage({ id: job.id, ...job.request });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(join(__dirname, 'journal-text.js'), {
      workerData: { role: 'ledger-journal-reader' },
      resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 8 },
    });
    worker.unref();
    worker.on('message', (m: { id: number; result: unknown }) => {
      if (this.current?.id !== m.id) return;
      this.finish(m.result);
    });
    // A worker that was given up on (abandon) is not this.worker any more: its death concerns no current job.
    worker.on('error', (error) => {
      if (this.worker !== worker) return;
      this.abandon(`could not be read within the reader's limits (${error.message}): simplify it, or split it in several files`);
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      if (this.current) this.abandon('could not be read: the reader stopped');
    });
    this.worker = worker;
    return worker;
  }

  private finish(result: unknown): void {
    const job = this.current;
    if (!job) return;
    clearTimeout(job.timer);
    this.current = null;
    this.worker?.unref();
    job.resolve(result);
    this.next();
  }

  /** Gives up on the request being served and drops its worker (which may be stuck in it). */
  private abandon(problem: string): void {
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
    const job = this.current;
    if (job) this.finish(job.failed(problem));
  }
}

/** The process's reader, started on first use. */
export const journalReader = new JournalReader();
