import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { LedgerConfig } from '../config/ledger-config';
import { restartDelay, startWorker } from '../shared/workers';
import { onServer } from './read-model-db';
import { ReadModelUnavailable } from './read-model-queries';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonAnswer, QueryAnswer, QueryArgs, QueryMethod, ReadQueries, receivedError, SentError, takeRelease } from './read-queries';

/** What a reader thread needs to open the read models and build the same queries as the ledger's thread. */
export type ReaderSettings = Pick<LedgerConfig, 'readModelLocation' | 'catalogueDir' | 'redFlagRulesFile'>;

/** A reader thread's start: its settings, and the memory it writes JSON answers into (AnswerSlots). */
export interface ReaderStart {
  readonly settings: ReaderSettings;
  readonly answerSpace: SharedArrayBuffer;
  readonly slotBytes: number;
}

/**
 * A question; with `json`, its answer comes back as JSON, written in the reader thread as UTF-8 bytes: into `slot` of
 * the thread's answer space when one is given and they fit, else in a buffer of their own, transferred.
 */
export type ReaderRequest =
  | { readonly kind: 'ask'; readonly id: number; readonly method: QueryMethod; readonly args: readonly unknown[]; readonly json: boolean; readonly slot?: number }
  | { readonly kind: 'stop' };

export type ReaderReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'answer'; readonly id: number; readonly answer: unknown }
  /** The JSON's bytes are the first `length` of the slot the question gave. */
  | { readonly kind: 'answer-in-slot'; readonly id: number; readonly length: number }
  | { readonly kind: 'error'; readonly id: number; readonly error: SentError };

interface Pending {
  readonly method: QueryMethod;
  /** The answer slot the question was given, if any: the pool's until the answer comes in it. */
  readonly slot?: number;
  resolve(answer: unknown): void;
  reject(error: unknown): void;
}

/** Bytes of one slot of a thread's answer space: a page of 50 history entries is about 75 KB of JSON. */
export const ANSWER_SLOT_BYTES = 256 * 1024;
/** Slots of a thread's answer space: more than the questions a thread has waiting. */
export const ANSWER_SLOTS = 32;
/** Send buffers kept for reuse once their response is over (SendBuffers): about the answers being sent at once. */
const SEND_BUFFERS_KEPT = 64;

/**
 * Buffers of the event loop that read-model answers are sent from, each given back when its response is over
 * (sendBuffersReleasedOnClose) and lent again. Why: a buffer per answer (75 KB for a history page, about 1,700 a second
 * with 16 readers), made in a reader thread and transferred, counts as external memory of the heap it arrives in, and
 * V8 ran a full collection of the event loop's heap at each 64 MB of it, every 0.3-1.3 s, with pauses of 4-35 ms
 * (--trace-gc): the p99 of every request. A buffer never given back (its response never sent) is collected as any.
 */
class SendBuffers {
  private readonly kept: Buffer[] = [];
  /** How many buffers were made, in all (tests: reuse keeps it at about the answers sent at once). */
  made = 0;

  /** The bytes copied into a buffer of the pool, and what gives that buffer back (once). */
  copy(from: Uint8Array): { bytes: Buffer; release: () => void } {
    let whole = this.kept.pop();
    if (whole === undefined) {
      whole = Buffer.allocUnsafeSlow(ANSWER_SLOT_BYTES);
      this.made += 1;
    }
    whole.set(from);
    const buffer = whole;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (this.kept.length < SEND_BUFFERS_KEPT) this.kept.push(buffer);
    };
    return { bytes: buffer.subarray(0, from.length), release };
  }
}

/**
 * The memory a reader thread writes JSON answers into, shared with it (a SharedArrayBuffer), in slots that the pool
 * lends one per question and takes back as soon as the answer is copied out into a send buffer: neither thread makes a
 * buffer per answer. Answers larger than a slot, or asked when every slot is lent, come in a buffer of their own.
 */
class AnswerSlots {
  readonly space = new SharedArrayBuffer(ANSWER_SLOT_BYTES * ANSWER_SLOTS);
  private readonly free: number[] = Array.from({ length: ANSWER_SLOTS }, (_, i) => ANSWER_SLOTS - 1 - i);

  /** Slots lent and not given back yet. */
  get lent(): number {
    return ANSWER_SLOTS - this.free.length;
  }

  lend(): number | undefined {
    return this.free.pop();
  }

  giveBack(slot: number): void {
    this.free.push(slot);
  }

  /** The answer written in a slot, copied out into a send buffer; the slot is given back. */
  take(slot: number, length: number, into: SendBuffers): { bytes: Buffer; release: () => void } {
    const copied = into.copy(new Uint8Array(this.space, slot * ANSWER_SLOT_BYTES, length));
    this.giveBack(slot);
    return copied;
  }
}

/** One reader thread and the questions it was sent and has not answered yet. */
interface ReaderThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  readonly slots: AnswerSlots;
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
  /** What the answers written in the threads' slots are sent from. */
  readonly sendBuffers = new SendBuffers();

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

  /** Answer slots lent and not given back yet, per thread (diagnostics and tests: none once every answer was copied out). */
  get lentSlots(): readonly number[] {
    return this.threads.map((t) => t?.slots.lent ?? 0);
  }

  /** Questions sent and not answered yet, per thread. */
  get load(): readonly number[] {
    return this.threads.map((t) => t?.pending.size ?? 0);
  }

  protected ask<K extends QueryMethod>(method: K, args: QueryArgs<K>): Promise<QueryAnswer<K>> {
    return this.send(method, args, false) as Promise<QueryAnswer<K>>;
  }

  json<K extends QueryMethod>(method: K, ...args: QueryArgs<K>): Promise<JsonAnswer> {
    // The thread's UTF-8 bytes: copied out of its answer slot into a send buffer, or their own buffer, transferred.
    return this.send(method, args, true).then((reply) => {
      if (reply instanceof Uint8Array) return new JsonAnswer(Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength));
      const { bytes, release } = reply as { bytes: Buffer; release: () => void };
      return new JsonAnswer(bytes, release);
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
    const slot = json ? chosen.slots.lend() : undefined;
    return new Promise<unknown>((resolve, reject) => {
      chosen.pending.set(id, { method, slot, resolve, reject });
      try {
        chosen.worker.postMessage({ kind: 'ask', id, method, args, json, slot } satisfies ReaderRequest);
      } catch (error) {
        // Arguments that cannot be cloned (a function...): a defect of the caller, said as it is.
        chosen.pending.delete(id);
        if (slot !== undefined) chosen.slots.giveBack(slot);
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
    // A thread started again gets new answer slots: its predecessor may still be writing into its own.
    const slots = new AnswerSlots();
    const start: ReaderStart = { settings: this.settings, answerSpace: slots.space, slotBytes: ANSWER_SLOT_BYTES };
    const worker = startWorker(join(__dirname, 'reader-worker'), start);
    const thread: ReaderThread = { worker, pending: new Map(), slots, ready: false, lastWords: null };
    worker.on('message', (reply: ReaderReply) => {
      switch (reply.kind) {
        case 'ready':
          thread.ready = true;
          return;
        case 'failed':
          thread.lastWords = `it could not open the read models: ${reply.message}`;
          return;
        case 'answer':
        case 'answer-in-slot':
        case 'error': {
          const pending = thread.pending.get(reply.id);
          if (!pending) return;
          thread.pending.delete(reply.id);
          if (reply.kind === 'answer-in-slot') {
            pending.resolve(thread.slots.take(pending.slot as number, reply.length, this.sendBuffers));
            return;
          }
          // The slot lent for it was not used.
          if (pending.slot !== undefined) thread.slots.giveBack(pending.slot);
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

/**
 * Gives back the send buffer of each read-model answer sent from one (ReaderPool's SendBuffers) once its response is
 * over: written to the connection, or the connection closed. Until then the buffer's bytes are what is being sent.
 */
export function sendBuffersReleasedOnClose(app: NestFastifyApplication): void {
  app.getHttpAdapter().getInstance().addHook('onSend', (_request, reply, payload, done) => {
    const release = Buffer.isBuffer(payload) ? takeRelease(payload) : undefined;
    if (release) reply.raw.once('close', release);
    done(null, payload);
  });
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
