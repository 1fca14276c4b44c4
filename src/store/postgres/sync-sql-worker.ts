/**
 * The thread behind a SyncPgConnection (sync-sql.ts): one PostgreSQL connection, driven by `pg`, that runs each batch
 * of statements it is sent in order and answers on the reply port, then wakes the waiting thread through the shared
 * signal. Values come back as the server's text; the waiting side gives them their JavaScript types.
 *
 * A connection the server ended (a restart, an administrator's pg_terminate_backend) is replaced: a batch that starts
 * outside a transaction runs on a new one (again, if the connection broke under it); a batch that continues a
 * transaction fails, since the transaction is gone, and the caller's rollback then succeeds on the new connection.
 */
import { Client } from 'pg';
import type { MessagePort } from 'node:worker_threads';
import { parentPort } from 'node:worker_threads';
import { dataOfThisWorker } from '../../shared/workers';
import type { SyncReply, SyncRequest, SyncSettings } from './sync-sql';

const settings = dataOfThisWorker<SyncSettings>();
const signal = new Int32Array(settings.signal);
const raw = (value: string) => value;

interface Connection {
  readonly client: Client;
  readonly ready: Promise<unknown>;
  /** Statement texts prepared on this connection, by name. */
  readonly names: Map<string, string>;
  broken: boolean;
}

function connect(): Connection {
  const client = new Client({ connectionString: settings.url, application_name: settings.applicationName, types: { getTypeParser: () => raw } });
  const connection: Connection = { client, ready: client.connect(), names: new Map(), broken: false };
  client.on('error', () => {
    connection.broken = true;
  });
  connection.ready.catch(() => {
    connection.broken = true;
  });
  return connection;
}

let connection = connect();
let replyPort: MessagePort | null = null;
/** The statement of the batch being run: the one named when it fails. */
let failedAt = 0;

function wake(value: number): void {
  Atomics.store(signal, 0, value);
  Atomics.notify(signal, 0);
}

function reply(message: SyncReply): void {
  replyPort!.postMessage(message);
  wake(1);
}

// A thread that ends (an uncaught error, its heap limit) wakes its caller, who would otherwise wait for an answer.
process.on('exit', () => wake(2));

async function runOn(c: Connection, batch: Extract<SyncRequest, { kind: 'run' }>['batch']): Promise<SyncReply> {
  await c.ready;
  let last: SyncReply = { kind: 'rows', fields: [], rows: [] };
  for (const [at, s] of batch.entries()) {
    failedAt = at;
    if (s.values === null) {
      await c.client.query(s.text);
      last = { kind: 'rows', fields: [], rows: [] };
      continue;
    }
    let name = c.names.get(s.text);
    if (name === undefined) {
      name = `s${c.names.size + 1}`;
      c.names.set(s.text, name);
    }
    const result = await c.client.query({ name, text: s.text, values: s.values as unknown[], rowMode: 'array' });
    last = { kind: 'rows', fields: result.fields.map((f) => [f.name, f.dataTypeID]), rows: result.rows as (string | null)[][] };
  }
  return last;
}

function replace(): void {
  void connection.client.end().catch(() => undefined);
  connection = connect();
}

async function run(request: Extract<SyncRequest, { kind: 'run' }>): Promise<SyncReply> {
  if (connection.broken) {
    replace();
    if (request.resumes) throw new Error('the connection to PostgreSQL was lost during the transaction, which is rolled back; try again');
  }
  try {
    return await runOn(connection, request.batch);
  } catch (error) {
    if (!connection.broken || request.resumes) throw error;
    // The connection broke under a batch that began no transaction before it: nothing of it is kept; once more, anew.
    replace();
    return runOn(connection, request.batch);
  }
}

let queue: Promise<void> = Promise.resolve();

parentPort!.on('message', (request: SyncRequest) => {
  if (request.kind === 'port') {
    replyPort = request.port;
    return;
  }
  if (request.kind === 'close') {
    queue = queue.then(() => connection.client.end().catch(() => undefined)).then(() => reply({ kind: 'rows', fields: [], rows: [] }));
    return;
  }
  queue = queue
    .then(() => run(request))
    .then(reply, (error: unknown) => {
      const e = error as { message?: string; code?: string; detail?: string };
      reply({ kind: 'error', message: e.message ?? String(error), code: e.code, detail: e.detail, at: failedAt });
    });
});
