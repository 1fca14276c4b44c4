/**
 * A reader thread's worker (started by ReaderPool through shared/workers.ts): the read models opened read-only
 * with a connection of its own, and the same ReadModelQueries the ledger's thread would build, answering each question
 * it is sent. Its LiveReader follows the live generation as a rebuild swaps another in; each answer is one read
 * transaction, as in the ledger's thread.
 */
import { parentPort } from 'node:worker_threads';
import { dataOfThisWorker } from '../shared/workers';
import { Catalogue } from '../catalogue/catalogue';
import { projectionContextOf } from './context';
import { ReadModelDb } from './read-model-db';
import { ReadModelQueries } from './read-model-queries';
import { QUERY_METHODS, sendError } from './read-queries';
import type { ReaderReply, ReaderRequest, ReaderSettings } from './reader-pool';

const settings = dataOfThisWorker<ReaderSettings>();
const port = parentPort!;
const post = (reply: ReaderReply) => port.postMessage(reply);
const utf8 = new TextEncoder();
let scratch = new Uint8Array(256 * 1024);

/**
 * The UTF-8 bytes of a text, in a buffer of their own (Buffer.from may use a shared pool, which cannot be transferred).
 * Encoded into a scratch buffer then copied out: a 40 KB page's JSON (two-byte text: "Văn Quan") in about 30 µs,
 * where TextEncoder.encode takes about 80.
 */
function utf8Bytes(text: string): Uint8Array {
  // A UTF-16 code unit is at most 3 bytes of UTF-8.
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
  const { written } = utf8.encodeInto(text, scratch);
  return scratch.slice(0, written);
}

let readModels: ReadModelDb | null = null;
let queries: ReadModelQueries | null = null;
try {
  const catalogue = Catalogue.load(settings.catalogueDir);
  readModels = ReadModelDb.open(settings.readModelLocation, { readOnly: true });
  queries = new ReadModelQueries(readModels, catalogue, projectionContextOf(settings, catalogue));
  post({ kind: 'ready' });
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  readModels?.close();
  // The pool replaces a thread that ends; it says why it could not start first.
  process.exit(1);
}

const known = new Set<string>(QUERY_METHODS);

port.on('message', (request: ReaderRequest) => {
  if (request.kind === 'stop') {
    readModels?.close();
    port.close();
    return;
  }
  const { id, method, args, json } = request;
  try {
    if (!known.has(method)) throw new Error(`the read models have no question ${method}`);
    const answer = (queries![method] as (...a: unknown[]) => unknown)(...args);
    if (json) {
      // The JSON's bytes, their buffer handed over (transferred): the event loop sends them as they are.
      const bytes = utf8Bytes(JSON.stringify(answer));
      port.postMessage({ kind: 'answer', id, answer: bytes } satisfies ReaderReply, [bytes.buffer as ArrayBuffer]);
    } else {
      post({ kind: 'answer', id, answer });
    }
  } catch (error) {
    post({ kind: 'error', id, error: sendError(error) });
  }
});
