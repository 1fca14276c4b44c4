// @ts-check
'use strict';
/**
 * The write side of the SQLite event store, in plain CommonJS so that it runs unchanged in a worker
 * thread (under ts-jest as well as from dist/). The store's main thread validates appends and reads;
 * this module owns the only writing connection and commits batches of appends in one transaction
 * each (group commit), every append inside its own savepoint so that one refused append does not
 * affect the others. Run as a worker, the fsync of each commit no longer stalls the event loop.
 *
 * Tamper evidence is written in the same transactions: each event's Merkle leaf (the SHA-256 of its canonical
 * form, whose text the main thread prepares around the revision learnt here), and, once the writer is started with
 * the ledger's key, the seal: a tree head over the whole log, signed at each commit. The writer also holds the
 * data folder's writer lock: one process writes a log at a time.
 *
 * Outcomes are plain data (structured-clone friendly); the store turns them back into typed errors.
 */
const { createPrivateKey, createPublicKey, sign } = require('node:crypto');
const { hostname } = require('node:os');
const { isMainThread, parentPort, workerData } = require('node:worker_threads');
const { checkLog, fillTreeHeadTemplate, leafHashOfText } = require('../../audit/verifier/merkle-core');
const { takeFileLock } = require('../../shared/file-lock');

/**
 * @typedef {import('../leaves').PreparedEvent} PreparedEvent
 * @typedef {{ stream: string, expectedRevision: number | 'no_stream' | 'any' | 'stream_exists', events: ReadonlyArray<PreparedEvent> }} Append
 * @typedef {{ appends: ReadonlyArray<Append>, idempotency?: { key: string, fingerprint: string } }} Pending
 * @typedef {{ position: number, events: Array<{ eventId: string, stream: string, revision: number, position: number }> }} Result
 * @typedef {{ kind: 'wrong-revision', stream: string, expected: Append['expectedRevision'], actual: number | 'no_stream' }
 *         | { kind: 'idempotency-key-taken', key: string }
 *         | { kind: 'read-only', message: string }
 *         | { kind: 'error', message: string, code?: string }} Refusal
 * @typedef {{ ok: Result } | { refused: Refusal }} Outcome
 * @typedef {{ template: string, privateKeyPem?: string, publicKeyPem?: string }} StartOptions
 * @typedef {import('../../audit/verifier/merkle-core').LogCheck} LogCheck
 */

class Refused extends Error {
  /** @param {Refusal} refusal */
  constructor(refusal) {
    super(refusal.kind);
    this.refusal = refusal;
  }
}

/** Another process holds the data folder's writer lock. */
class WriterLocked extends Error {}

/**
 * The data folder's writer lock (takeFileLock) on `<log>-writer.lock` for the writer's life; the holder's pid is
 * written beside it, to name it to a second writer.
 * @param {string} file the event log
 */
function takeWriterLock(file) {
  const taken = takeFileLock(`${file}-writer.lock`, `${file}-writer.json`, { pid: process.pid, host: hostname(), since: new Date().toISOString() });
  if (taken.held) return taken;
  const info = taken.holder;
  const holder = info ? `process ${info.pid} on ${info.host} (writing since ${info.since})` : 'another process';
  throw new WriterLocked(
    `${file} is being written by ${holder}: one process writes a ledger's log at a time. ` +
      'Stop it first, or send the work to it (a journal: POST /journal/import); reading commands (verify, export, check, projections) work beside it.',
  );
}

/**
 * @param {import('better-sqlite3').Database} db a connection to the event store file (schema already created)
 * @param {string} file the file (':memory:' takes no lock)
 */
function createWriter(db, file) {
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, event_id, type, version, data, metadata, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const streamRevision = db.prepare('SELECT max(revision) FROM events WHERE stream = ?').pluck();
  const claim = db.prepare('INSERT INTO idempotency (key, fingerprint, first_position, last_position) VALUES (?, ?, ?, ?)');
  const writeSeal = db.prepare(
    `INSERT INTO log_seal (id, tree_size, root_hash, timestamp, signature) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size, root_hash = excluded.root_hash,
       timestamp = excluded.timestamp, signature = excluded.signature`,
  );
  const readSeal = db.prepare('SELECT tree_size AS treeSize, root_hash AS rootHash, timestamp, signature FROM log_seal WHERE id = 1');
  const readLeaves = db.prepare('SELECT position, leaf_hash AS leaf FROM events ORDER BY position');

  /** @type {{ lock: { release: () => void } | null, frontier: import('../../audit/verifier/merkle-core').MerkleFrontier | null, signer: import('node:crypto').KeyObject | null, template: string, readOnly: string | null }} */
  const state = { lock: null, frontier: null, signer: null, template: '', readOnly: null };

  const ensureLock = () => {
    if (state.lock || file === ':memory:') return;
    state.lock = takeWriterLock(file);
  };

  /** @param {Pending} p @returns {Result & { leaves: Buffer[] }} */
  function write(p) {
    /** @type {Result['events']} */
    const events = [];
    /** @type {Buffer[]} */
    const leaves = [];
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
        // The canonical text the main thread prepared: its leaf at this revision, and the data and metadata it holds.
        const leaf = leafHashOfText(`${event.before}${revision}${event.after}`);
        const data = event.before.slice(event.data[0], event.data[1]);
        const metadata = event.before.slice(event.metadata[0], event.metadata[1]);
        const info = insert.run(a.stream, revision, event.eventId, event.type, event.version, data, metadata, leaf);
        events.push({ eventId: event.eventId, stream: a.stream, revision, position: Number(info.lastInsertRowid) });
        leaves.push(leaf);
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
    return { position, events, leaves };
  }

  const appendOne = db.transaction(write);
  const commitBatch = db.transaction((/** @type {ReadonlyArray<Pending>} */ batch) => {
    const frontier = state.frontier ? state.frontier.copy() : null;
    /** @type {Outcome[]} */
    const outcomes = batch.map((p) => {
      try {
        const { leaves, ...ok } = appendOne(p);
        if (frontier) for (const leaf of leaves) frontier.push(leaf);
        return { ok };
      } catch (error) {
        if (error instanceof Refused) return { refused: error.refusal };
        const { message, code } = /** @type {{ message: string, code?: string }} */ (error);
        return { refused: { kind: 'error', message, code } };
      }
    });
    // The seal: a tree head over the whole log, signed in the transaction that grew it.
    if (frontier && state.signer && frontier.size > (state.frontier?.size ?? 0)) {
      const head = { treeSize: frontier.size, rootHash: frontier.root().toString('hex'), timestamp: new Date().toISOString() };
      const signature = sign(null, Buffer.from(fillTreeHeadTemplate(state.template, head), 'utf8'), state.signer).toString('base64');
      writeSeal.run(head.treeSize, head.rootHash, head.timestamp, signature);
    }
    return { outcomes, frontier };
  });

  return {
    /**
     * Commits a batch; throws only if the whole commit failed.
     * @param {ReadonlyArray<Pending>} batch
     * @returns {Outcome[]}
     */
    commit(batch) {
      if (state.readOnly) return batch.map(() => ({ refused: { kind: 'read-only', message: /** @type {string} */ (state.readOnly) } }));
      try {
        ensureLock();
      } catch (error) {
        if (!(error instanceof WriterLocked)) throw error;
        return batch.map(() => ({ refused: { kind: 'error', message: error.message, code: 'LEDGER_WRITER_LOCKED' } }));
      }
      const { outcomes, frontier } = commitBatch.immediate(batch);
      if (frontier) state.frontier = frontier;
      return outcomes;
    },

    /**
     * Becomes the log's writer: takes the lock, checks every leaf against the seal, and from then on seals each
     * commit with the key (when one is given). A log that fails the check is written no more (read-only).
     * @param {StartOptions} options
     * @returns {LogCheck}
     */
    start(options) {
      ensureLock();
      const signer = options.privateKeyPem ? createPrivateKey(options.privateKeyPem) : null;
      const publicKey = signer ? createPublicKey(signer) : options.publicKeyPem ? createPublicKey(options.publicKeyPem) : null;
      const seal = /** @type {import('../../audit/verifier/merkle-core').Seal | undefined} */ (readSeal.get()) ?? null;
      const leaves = /** @type {IterableIterator<{ position: number, leaf: Buffer | null }>} */ (readLeaves.iterate());
      const { check, frontier } = checkLog(leaves, seal, { template: options.template, publicKey });
      state.frontier = frontier;
      state.signer = signer;
      state.template = options.template;
      state.readOnly = check.ok ? null : `the log does not match its seal (${check.findings.join('; ')}): the ledger records nothing until this is resolved; run \`ledger verify\``;
      return check;
    },

    close() {
      state.lock?.release();
      state.lock = null;
    },
  };
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
  try {
    // Its name as the system shows it (top -H; bench:append's CPU per thread). Linux only.
    require('node:fs').writeFileSync('/proc/thread-self/comm', 'sqlite-writer');
  } catch {
    // not Linux
  }
  const Database = require('better-sqlite3');
  const db = new Database(workerData.file);
  configureWriter(db);
  const writer = createWriter(db, workerData.file);
  const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  port.on('message', (/** @type {{ id: number, batch: Pending[] } | { id: number, start: StartOptions } | { close: true }} */ message) => {
    if ('close' in message) {
      writer.close();
      db.close();
      port.close();
      return;
    }
    try {
      if ('start' in message) port.postMessage({ id: message.id, started: writer.start(message.start) });
      else port.postMessage({ id: message.id, outcomes: writer.commit(message.batch) });
    } catch (error) {
      const { message: text, code } = /** @type {{ message: string, code?: string }} */ (error);
      port.postMessage({ id: message.id, failed: { message: text, code } });
    }
  });
}

module.exports = { createWriter, configureWriter };
