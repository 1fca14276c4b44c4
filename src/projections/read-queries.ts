import { NotInReadModel, OutsideScope, PositionNotReached, ReadModelQueries, ReadModelUnavailable } from './read-model-queries';
import { CommandRefused, InvalidCommand, InvalidRequest } from '../shared/errors';

/**
 * Every question of ReadModelQueries, by name: the one list the facade (ReadQueries) and the reader threads answer.
 * `satisfies` keeps it complete: a method added to ReadModelQueries and not listed here fails the typecheck below.
 */
export const QUERY_METHODS = [
  'status',
  'balances',
  'history',
  'progress',
  'decisions',
  'trail',
  'adjustments',
  'notes',
  'redFlags',
  'redFlag',
  'redFlagRules',
  'redFlagsUnspentByScan',
  'statedFigures',
  'results',
] as const satisfies readonly (keyof ReadModelQueries)[];

export type QueryMethod = (typeof QUERY_METHODS)[number];

// Every public method of ReadModelQueries is listed (the list above can only name existing ones).
const listsEveryQuery: Exclude<keyof ReadModelQueries, QueryMethod> extends never ? true : false = true;
void listsEveryQuery;

export type QueryArgs<K extends QueryMethod> = Parameters<ReadModelQueries[K]>;
export type QueryAnswer<K extends QueryMethod> = ReturnType<ReadModelQueries[K]>;

/** The questions of ReadModelQueries, each answered later: `await queries.history(stream, q)`. */
export type AsyncQueries = { readonly [K in QueryMethod]: (...args: QueryArgs<K>) => Promise<QueryAnswer<K>> };

export interface ReadQueries extends AsyncQueries {}

/**
 * An answer already written as JSON (what Fastify would have sent for the answer itself): made where the question was
 * answered, so that a reader thread, not the event loop, pays for the serialisation. From a reader thread it comes as
 * its UTF-8 bytes (ReaderPool: copied out of memory shared with the thread into a send buffer, or in a buffer of their
 * own, transferred): the event loop neither copies a large string into its heap nor encodes it again to write it, and
 * sends the bytes as they are.
 */
export class JsonAnswer {
  /**
   * The JSON text, or its UTF-8 bytes. Bytes in one of ReaderPool's send buffers come with `release`, which lends the
   * buffer again: called once they were sent (sendBuffersReleasedOnClose), or when the answer is written again
   * (withKey); a buffer never given back is collected as any other.
   */
  constructor(
    readonly body: string | Buffer,
    release?: () => void,
  ) {
    if (release !== undefined && typeof body !== 'string') releaseOf.set(body, release);
  }

  static of(answer: unknown): JsonAnswer {
    return new JsonAnswer(JSON.stringify(answer));
  }

  /** The JSON as text. */
  get text(): string {
    return typeof this.body === 'string' ? this.body : this.body.toString('utf8');
  }

  /** The same object with one more key, last, as `{ ...answer, [key]: value }` would have been written. */
  withKey(key: string, value: unknown): JsonAnswer {
    const text = this.text;
    if (typeof this.body !== 'string') takeRelease(this.body)?.();
    if (!text.endsWith('}')) throw new TypeError(`only an object's JSON takes another key, not ${text.slice(0, 20)}…`);
    const more = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    return new JsonAnswer(text === '{}' ? `{${more}}` : `${text.slice(0, -1)},${more}}`);
  }
}

/** What lends the send buffer of an answer's bytes again (JsonAnswer's `release`), by the bytes sent. */
const releaseOf = new WeakMap<Buffer, () => void>();

/** The release of bytes that lie in one of ReaderPool's send buffers, taken (so that it is called once), or undefined. */
export function takeRelease(body: Buffer): (() => void) | undefined {
  const release = releaseOf.get(body);
  releaseOf.delete(body);
  return release;
}

/**
 * The read models' questions as every consumer asks them (controllers, reports, commands' lookups, the CLI): the
 * methods of ReadModelQueries, each returning a promise. Two implementations: InProcessQueries (answered in this
 * thread, on the caller's connection) and ReaderPool (answered by reader threads, off the event loop). Also the
 * Nest token the application injects.
 */
export abstract class ReadQueries {
  /** Answers one question. */
  protected abstract ask<K extends QueryMethod>(method: K, args: QueryArgs<K>): Promise<QueryAnswer<K>>;

  /** Answers one question as JSON text (for HTTP: the answer as sent, without a parse and a write on the event loop). */
  abstract json<K extends QueryMethod>(method: K, ...args: QueryArgs<K>): Promise<JsonAnswer>;

  /** Lets go of what answers (threads, not the read-model connection, which belongs to its opener). */
  abstract close(): Promise<void>;
}

for (const method of QUERY_METHODS) {
  Object.defineProperty(ReadQueries.prototype, method, {
    value: function (this: ReadQueries, ...args: unknown[]) {
      return this.ask(method, args as never);
    },
    writable: true,
    configurable: true,
  });
}

/** The questions answered in this thread by one ReadModelQueries (the CLI, in-memory read models, LEDGER_READER_THREADS=0). */
export class InProcessQueries extends ReadQueries {
  constructor(readonly queries: ReadModelQueries) {
    super();
  }

  protected ask<K extends QueryMethod>(method: K, args: QueryArgs<K>): Promise<QueryAnswer<K>> {
    try {
      return Promise.resolve((this.queries[method] as (...a: unknown[]) => QueryAnswer<K>)(...args));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  json<K extends QueryMethod>(method: K, ...args: QueryArgs<K>): Promise<JsonAnswer> {
    return this.ask(method, args).then(JsonAnswer.of);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The errors a question may end with that the exception filter answers by class: sent from a reader thread by name,
 * they are rebuilt here as the same class with the same fields (message, code, problems, positions...).
 */
const ERROR_CLASSES: ReadonlyArray<abstract new (...args: never[]) => Error> = [
  NotInReadModel,
  OutsideScope,
  PositionNotReached,
  ReadModelUnavailable,
  InvalidCommand,
  InvalidRequest,
  CommandRefused,
];

/** An error as plain data, for postMessage: its class's name, message and own fields. */
export interface SentError {
  readonly name: string;
  readonly className: string;
  readonly message: string;
  readonly stack?: string;
  readonly fields: Record<string, unknown>;
}

export function sendError(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', className: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    try {
      fields[key] = structuredClone(value);
    } catch {
      // A field that cannot cross (a function...): left behind.
    }
  }
  return { name: error.name, className: error.constructor.name, message: error.message, stack: error.stack, fields };
}

/** The error again, as an instance of the class it was thrown as when that class is one the filter knows. */
export function receivedError(sent: SentError): Error {
  const known = ERROR_CLASSES.find((c) => c.name === sent.className);
  const error = known ? (Object.create(known.prototype) as Error) : new Error(sent.message);
  Object.defineProperty(error, 'message', { value: sent.message, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(error, 'stack', { value: sent.stack ?? `${sent.name}: ${sent.message}`, writable: true, configurable: true, enumerable: false });
  Object.assign(error, sent.fields);
  if (error.name !== sent.name) Object.defineProperty(error, 'name', { value: sent.name, writable: true, configurable: true, enumerable: false });
  return error;
}
