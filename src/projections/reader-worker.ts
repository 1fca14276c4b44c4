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
import type { ReaderReply, ReaderRequest, ReaderStart } from './reader-pool';

const { settings, answerSpace, slotBytes } = dataOfThisWorker<ReaderStart>();
const port = parentPort!;
const post = (reply: ReaderReply) => port.postMessage(reply);
/** Encodes into a buffer of its own (Buffer.from may use a shared pool, which cannot be transferred). */
const utf8 = new TextEncoder();

const slotViews = Array.from({ length: answerSpace.byteLength / slotBytes }, (_, i) => new Uint8Array(answerSpace, i * slotBytes, slotBytes));

/**
 * Writes the JSON's UTF-8 bytes into a slot of the answer space shared with the event loop; their length, or null when
 * they do not fit (then they go in a buffer of their own).
 */
function intoSlot(text: string, slot: number): number | null {
  // Each code unit takes a byte at least: more of them than the slot's bytes cannot fit.
  if (text.length > slotBytes) return null;
  const { read, written } = utf8.encodeInto(text, slotViews[slot]);
  return read === text.length ? written : null;
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
  const { id, method, args, json, slot } = request;
  try {
    if (!known.has(method)) throw new Error(`the read models have no question ${method}`);
    const answer = (queries![method] as (...a: unknown[]) => unknown)(...args);
    if (json) {
      const text = JSON.stringify(answer);
      // The JSON's bytes, in the slot lent for them, or in a buffer handed over (transferred): the event loop sends them as they are.
      const length = slot === undefined ? null : intoSlot(text, slot);
      if (length !== null) {
        post({ kind: 'answer-in-slot', id, length });
        return;
      }
      // Rare (an answer larger than a slot, or every slot lent): no scratch buffer is kept for it.
      const bytes = utf8.encode(text);
      port.postMessage({ kind: 'answer', id, answer: bytes } satisfies ReaderReply, [bytes.buffer]);
    } else {
      post({ kind: 'answer', id, answer });
    }
  } catch (error) {
    post({ kind: 'error', id, error: sendError(error) });
  }
});
