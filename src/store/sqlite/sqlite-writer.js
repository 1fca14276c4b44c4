// @ts-check
'use strict';
/**
 * The write side of the SQLite event store, in plain CommonJS so that it runs unchanged in a worker
 * thread (under ts-jest as well as from dist/). The store's main thread validates appends and reads;
 * this module owns the only writing connection and commits batches of appends in one transaction
 * each (group commit), every append inside its own savepoint so that one refused append does not
 * affect the others. Run as a worker, the fsync of each commit no longer stalls the event loop.
 *
 * Outcomes are plain data (structured-clone friendly); the store turns them back into typed errors.
 */
const { isMainThread, parentPort, workerData } = require('node:worker_threads');

/**
 * @typedef {{ stream: string, expectedRevision: number | 'no_stream' | 'any' | 'stream_exists',
 *             events: ReadonlyArray<{ type: string, version: number, data: unknown, metadata: { eventId: string } }> }} Append
 * @typedef {{ appends: ReadonlyArray<Append>, idempotency?: { key: string, fingerprint: string } }} Pending
 * @typedef {{ position: number, events: Array<{ eventId: string, stream: string, revision: number, position: number }> }} Result
 * @typedef {{ kind: 'wrong-revision', stream: string, expected: Append['expectedRevision'], actual: number | 'no_stream' }
 *         | { kind: 'idempotency-key-taken', key: string }
 *         | { kind: 'error', message: string, code?: string }} Refusal
 * @typedef {{ ok: Result } | { refused: Refusal }} Outcome
 */

class Refused extends Error {
  /** @param {Refusal} refusal */
  constructor(refusal) {
    super(refusal.kind);
    this.refusal = refusal;
  }
}

/**
 * @param {import('better-sqlite3').Database} db a connection to the event store file (schema already created)
 * @returns {(batch: ReadonlyArray<Pending>) => Outcome[]} commits a batch; throws only if the whole commit failed
 */
function createWriter(db) {
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, event_id, type, version, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const streamRevision = db.prepare('SELECT max(revision) FROM events WHERE stream = ?').pluck();
  const claim = db.prepare('INSERT INTO idempotency (key, fingerprint, first_position, last_position) VALUES (?, ?, ?, ?)');

  /** @param {Pending} p @returns {Result} */
  function write(p) {
    /** @type {Result['events']} */
    const events = [];
    for (const a of p.appends) {
      const current = /** @type {number | null} */ (streamRevision.get(a.stream));
      const e = a.expectedRevision;
      const ok =
        e === 'any' ||
        (e === 'no_stream' && current === null) ||
        (e === 'stream_exists' && current !== null) ||
        (typeof e === 'number' && current === e);
      if (!ok) throw new Refused({ kind: 'wrong-revision', stream: a.stream, expected: e, actual: current === null ? 'no_stream' : current });
      let revision = current ?? -1;
      for (const event of a.events) {
        revision += 1;
        const info = insert.run(
          a.stream,
          revision,
          event.metadata.eventId,
          event.type,
          event.version,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        );
        events.push({ eventId: event.metadata.eventId, stream: a.stream, revision, position: Number(info.lastInsertRowid) });
      }
    }
    const position = events[events.length - 1].position;
    if (p.idempotency) {
      try {
        claim.run(p.idempotency.key, p.idempotency.fingerprint, events[0].position, position);
      } catch (error) {
        if (String(/** @type {{ code?: string }} */ (error).code).startsWith('SQLITE_CONSTRAINT')) {
          throw new Refused({ kind: 'idempotency-key-taken', key: p.idempotency.key });
        }
        throw error;
      }
    }
    return { position, events };
  }

  const appendOne = db.transaction(write);
  return db.transaction((/** @type {ReadonlyArray<Pending>} */ batch) =>
    batch.map((p) => {
      try {
        return { ok: appendOne(p) };
      } catch (error) {
        if (error instanceof Refused) return { refused: error.refusal };
        const { message, code } = /** @type {{ message: string, code?: string }} */ (error);
        /** @type {Refusal} */
        const refusal = { kind: 'error', message, code };
        return { refused: refusal };
      }
    }),
  );
}

/**
 * Options of a SQLite connection that writes the log: durable on acknowledgement.
 * @param {import('better-sqlite3').Database} db
 */
function configureWriter(db) {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
}

if (!isMainThread && workerData && workerData.role === 'ledger-sqlite-writer') {
  const Database = require('better-sqlite3');
  const db = new Database(workerData.file);
  configureWriter(db);
  const commit = createWriter(db);
  const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  port.on('message', (/** @type {{ id: number, batch: Pending[] } | { close: true }} */ message) => {
    if ('close' in message) {
      db.close();
      port.close();
      return;
    }
    try {
      port.postMessage({ id: message.id, outcomes: commit(message.batch) });
    } catch (error) {
      const { message: text, code } = /** @type {{ message: string, code?: string }} */ (error);
      port.postMessage({ id: message.id, failed: { message: text, code } });
    }
  });
}

module.exports = { createWriter, configureWriter };
