import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { LedgerConfig } from '../config/ledger-config';
import { restartDelay, startWorker } from '../shared/workers';
import { onServer } from './read-model-db';
import { ReadModelUnavailable } from './read-model-queries';
import { JsonAnswer, QueryAnswer, QueryArgs, QueryMethod, ReadQueries, receivedError, SentError } from './read-queries';

/** What a reader thread needs to open the read models and build the same queries as the ledger's thread. */
export type ReaderSettings = Pick<LedgerConfig, 'readModelLocation' | 'catalogueDir' | 'redFlagRulesFile'>;

/** A question; with `json`, its answer comes back as JSON, written in the reader thread: its UTF-8 bytes, their buffer transferred. */
export type ReaderRequest =
  | { readonly kind: 'ask'; readonly id: number; readonly method: QueryMethod; readonly args: readonly unknown[]; readonly json: boolean }
  | { readonly kind: 'stop' };

export type ReaderReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'answer'; readonly id: number; readonly answer: unknown }
  | { readonly kind: 'error'; readonly id: number; readonly error: SentError };

interface Pending {
  readonly method: QueryMethod;
  resolve(answer: unknown): void;
  reject(error: unknown): void;
}

/** One reader thread and the questions it was sent and has not answered yet. */
interface ReaderThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** It opened the read models and answers. */
  ready: boolean;
  /** Why it could not start, or what it threw, as it said before it ended. */
  lastWords: string | null;
}

const STOP_TIMEOUT_MS = 2000;

/**
 * The read models' questions answered by a small pool of worker threads (LEDGER_READER_THREADS), off the event loop
 * that serves requests: each thread opens the read-model files read-only with a connection of its own and builds the
 * same ReadModelQueries, so a question is answered there as it would be here, and its answer (plain data: strings,
 * numbers, bigints, arrays, objects) comes back by structured clone, or, asked with `json`, as the JSON text HTTP sends. Each question goes to the thread with the fewest
 * unanswered ones. An error comes back as the class it was thrown as (NotInReadModel, OutsideScope,
 * PositionNotReached, ReadModelUnavailable, InvalidRequest...), so HTTP answers it as before. A thread that ends
 * is replaced; the questions it had not answered fail with ReadModelUnavailable (HTTP 503), none waits forever.
 * For read models in a file (threads cannot share an in-memory database).
 */
export class ReaderPool extends ReadQueries {
  private readonly threads: Array<ReaderThread | null>;
  private nextId = 1;
  /** The slot of the thread asked last. */
  private lastSlot = -1;
  /** Threads that ended in a row soon after starting, per slot: each waits twice as long before the next start. */
  private readonly quickExits: number[];
  private closing = false;
  private readonly restarts = new Set<NodeJS.Timeout>();

  constructor(
    private readonly settings: ReaderSettings,
    readonly size: number,
    private readonly options: { log?: (message: string) => void } = {},
  ) {
    super();
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a reader pool has 1 thread or more, not ${size}`);
    if (settings.readModelLocation === ':memory:') throw new RangeError('reader threads cannot open in-memory read models; answer in process');
    this.quickExits = Array.from({ length: size }, () => 0);
    this.threads = Array.from({ length: size }, (_, slot) => this.spawn(slot));
  }

  /** The workers answering now (diagnostics and tests: a test ends one to see it replaced). */
  get workers(): readonly Worker[] {
    return this.threads.filter((t): t is ReaderThread => t !== null).map((t) => t.worker);
  }

  /** Questions sent and not answered yet, per thread. */
  get load(): readonly number[] {
    return this.threads.map((t) => t?.pending.size ?? 0);
  }

  protected ask<K extends QueryMethod>(method: K, args: QueryArgs<K>): Promise<QueryAnswer<K>> {
    return this.send(method, args, false) as Promise<QueryAnswer<K>>;
  }

  json<K extends QueryMethod>(method: K, ...args: QueryArgs<K>): Promise<JsonAnswer> {
    // The thread's UTF-8 bytes, their buffer transferred: a Buffer over them, no copy.
    return this.send(method, args, true).then((bytes) => {
      const b = bytes as Uint8Array;
      return new JsonAnswer(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    });
  }

  private send(method: QueryMethod, args: readonly unknown[], json: boolean): Promise<unknown> {
    if (this.closing) return Promise.reject(new ReadModelUnavailable('the ledger is stopping: the read models no longer answer'));
    // The thread with the fewest questions waiting; among equals, the next after the last one asked (so that a light
    // load is shared too).
    let thread: ReaderThread | null = null;
    for (let i = 1; i <= this.threads.length; i++) {
      const t = this.threads[(this.lastSlot + i) % this.threads.length];
      if (t && (!thread || t.pending.size < thread.pending.size)) thread = t;
    }
    if (thread) this.lastSlot = this.threads.indexOf(thread);
    if (!thread) return Promise.reject(new ReadModelUnavailable('no reader thread is running (each stopped; they are being restarted): retry in a moment'));
    const id = this.nextId++;
    const chosen = thread;
    return new Promise<unknown>((resolve, reject) => {
      chosen.pending.set(id, { method, resolve, reject });
      try {
        chosen.worker.postMessage({ kind: 'ask', id, method, args, json } satisfies ReaderRequest);
      } catch (error) {
        // Arguments that cannot be cloned (a function...): a defect of the caller, said as it is.
        chosen.pending.delete(id);
        reject(error);
      }
    });
  }

  /** Stops every thread; questions not answered yet fail with ReadModelUnavailable. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const timer of this.restarts) clearTimeout(timer);
    this.restarts.clear();
    await Promise.all(
      this.threads.map(async (thread, slot) => {
        if (!thread) return;
        this.threads[slot] = null;
        this.failPending(thread, 'the ledger is stopping: the read models no longer answer');
        const exited = new Promise<void>((resolve) => thread.worker.once('exit', () => resolve()));
        thread.worker.postMessage({ kind: 'stop' } satisfies ReaderRequest);
        const timer = setTimeout(() => void thread.worker.terminate(), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private spawn(slot: number): ReaderThread {
    const worker = startWorker(join(__dirname, 'reader-worker'), this.settings);
    const thread: ReaderThread = { worker, pending: new Map(), ready: false, lastWords: null };
    worker.on('message', (reply: ReaderReply) => {
      switch (reply.kind) {
        case 'ready':
          thread.ready = true;
          return;
        case 'failed':
          thread.lastWords = `it could not open the read models: ${reply.message}`;
          return;
        case 'answer':
        case 'error': {
          const pending = thread.pending.get(reply.id);
          if (!pending) return;
          thread.pending.delete(reply.id);
          if (reply.kind === 'answer') pending.resolve(reply.answer);
          else pending.reject(receivedError(reply.error));
          return;
        }
      }
    });
    worker.on('error', (error) => {
      thread.lastWords = `it failed: ${error.message}`;
    });
    worker.on('exit', (code) => {
      if (this.threads[slot] !== thread) return;
      this.threads[slot] = null;
      const why = `reader thread ${slot + 1} stopped (exit code ${code}${thread.lastWords ? `; ${thread.lastWords}` : ''})`;
      this.failPending(thread, `${why} before answering; retry`);
      if (this.closing) return;
      this.options.log?.(`${why}; starting another`);
      // A thread that ended before it could answer (a file it cannot open) is started again after 1 s, then 2, 4... up
      // to a minute, so that it does not spin; one that had been answering is replaced at once.
      const quick = !thread.ready;
      this.quickExits[slot] = quick ? this.quickExits[slot] + 1 : 0;
      const delay = quick ? restartDelay(this.quickExits[slot]) : 0;
      const timer = setTimeout(() => {
        this.restarts.delete(timer);
        if (!this.closing) this.threads[slot] = this.spawn(slot);
      }, delay);
      this.restarts.add(timer);
    });
    return thread;
  }

  private failPending(thread: ReaderThread, message: string): void {
    for (const [id, pending] of thread.pending) {
      thread.pending.delete(id);
      pending.reject(new ReadModelUnavailable(`${message} (${pending.method})`));
    }
  }
}

/** The questions as the ledger answers them: in reader threads (LEDGER_READER_THREADS > 0, read models in a file) or in this thread. */
export function readQueriesFor(
  config: Pick<LedgerConfig, 'readerThreads'> & ReaderSettings,
  inProcess: () => ReadQueries,
  options: { log?: (message: string) => void } = {},
): ReadQueries {
  if (config.readModelLocation === ':memory:') return inProcess();
  // On PostgreSQL a question blocks its thread until the server answers: never the event loop's, so one thread at least.
  if (config.readerThreads === 0 && !onServer(config.readModelLocation)) return inProcess();
  const { readModelLocation, catalogueDir, redFlagRulesFile } = config;
  return new ReaderPool({ readModelLocation, catalogueDir, redFlagRulesFile }, Math.max(1, config.readerThreads), options);
}
