/**
 * The thread behind a SyncPgConnection (sync-sql.ts): one PostgreSQL connection, driven by `pg`, that runs each batch
 * of statements it is sent in order and answers on the reply port, then wakes the waiting thread through the shared
 * signal. Values come back as the server's text; the waiting side gives them their JavaScript types.
 */
import { Client } from 'pg';
import type { MessagePort } from 'node:worker_threads';
import { parentPort } from 'node:worker_threads';
import { dataOfThisWorker } from '../../shared/workers';
import type { SyncReply, SyncRequest, SyncSettings } from './sync-sql';

const settings = dataOfThisWorker<SyncSettings>();
const signal = new Int32Array(settings.signal);
const raw = (value: string) => value;
const client = new Client({
  connectionString: settings.url,
  application_name: settings.applicationName,
  types: { getTypeParser: () => raw },
});
let broken: Error | null = null;
client.on('error', (error) => {
  broken = error;
});
const connected = client.connect();
let replyPort: MessagePort | null = null;
const names = new Map<string, string>();

function reply(message: SyncReply): void {
  replyPort!.postMessage(message);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

async function run(request: Extract<SyncRequest, { kind: 'run' }>): Promise<SyncReply> {
  await connected;
  if (broken) throw broken;
  let last: SyncReply = { kind: 'rows', fields: [], rows: [] };
  for (const [at, s] of request.batch.entries()) {
    failedAt = at;
    if (s.values === null) {
      await client.query(s.text);
      last = { kind: 'rows', fields: [], rows: [] };
      continue;
    }
    let name = names.get(s.text);
    if (name === undefined) {
      name = `s${names.size + 1}`;
      names.set(s.text, name);
    }
    const result = await client.query({ name, text: s.text, values: s.values as unknown[], rowMode: 'array' });
    last = { kind: 'rows', fields: result.fields.map((f) => [f.name, f.dataTypeID]), rows: result.rows as (string | null)[][] };
  }
  return last;
}

let queue: Promise<void> = Promise.resolve();
/** The statement of the batch being run: the one named when it fails. */
let failedAt = 0;

parentPort!.on('message', (request: SyncRequest) => {
  if (request.kind === 'port') {
    replyPort = request.port;
    return;
  }
  if (request.kind === 'close') {
    queue = queue.then(() => client.end().catch(() => undefined)).then(() => reply({ kind: 'rows', fields: [], rows: [] }));
    return;
  }
  queue = queue
    .then(() => run(request))
    .then(reply, (error: unknown) => {
      const e = error as { message?: string; code?: string; detail?: string };
      reply({ kind: 'error', message: e.message ?? String(error), code: e.code, detail: e.detail, at: failedAt });
    });
});
