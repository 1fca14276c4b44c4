/**
 * A `ledger verify` thread (started by VerifyThreads through shared/workers.ts): checks the ranges of the log it is
 * given (checkRange) and looks for events in them, with read-only connections of its own to the SQLite store and the
 * audit file, and hands back plain results.
 */
import { parentPort } from 'node:worker_threads';
import { dataOfThisWorker } from '../shared/workers';
import { SqliteEventStore } from '../store/sqlite/sqlite-event-store';
import { SqliteMerkleLog } from './sqlite-merkle-log';
import { checkRange, findEvent } from './verify-ranges';
import type { VerifyFiles, VerifyReply, VerifyRequest } from './verify-threads';

const files = dataOfThisWorker<VerifyFiles>();
const port = parentPort!;
const store = new SqliteEventStore({ file: files.storeFile, readOnly: true });
const log = SqliteMerkleLog.openToRead(files.auditFile, store);
const reply = (message: VerifyReply) => port.postMessage(message);

// One request at a time: the main thread sends the next once this one is answered.
port.on('message', (request: VerifyRequest) => {
  const work =
    request.kind === 'range'
      ? checkRange(store, log, request.task, (events) => reply({ id: request.id, kind: 'progress', events })).then((result) =>
          reply({ id: request.id, kind: 'range', result }),
        )
      : findEvent(store, request.mode, request.after, request.upTo, request.eventId).then((found) => reply({ id: request.id, kind: 'found', found }));
  work.catch((error: unknown) => reply({ id: request.id, kind: 'failed', message: error instanceof Error ? error.message : String(error) }));
});
