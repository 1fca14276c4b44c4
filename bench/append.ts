/**
 * npm run bench:append [-- --events 100000 --seconds 10 --peer-events 5000] [--store postgres] [--only http]
 *   [--server-node-options "--cpu-prof --cpu-prof-dir /tmp/prof"] [--rate 300] [--clients 1,16,32]
 * Prints, in one run: raw inserts of the same rows (the ceiling), store-level batched appends through the
 * adapter, and end-to-end HTTP commands with 1 and 16 concurrent clients (`--clients`) on the durable store: SQLite (WAL,
 * synchronous=FULL), and with `--store postgres` PostgreSQL beside it (DATABASE_URL; a scratch database is
 * created on that server and dropped afterwards). Then a peer: the same events appended one at a time through this
 * ledger's SQLite store and through Emmett's (`@event-driven-io/emmett-sqlite`, a devDependency used only here),
 * both figures and their ratio (`--peer-events`, default 5 000). `--only http` runs the HTTP figures alone;
 * `--server-node-options` starts the measured server with those node options (e.g. a CPU profile of it); `--rate N`
 * paces the clients to N commands/s in all (the CPU per command of two builds compared at the same rate, so with
 * batches of the same size, on a machine whose load changes their rates).
 * Figures only; nothing here asserts a time.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { EventToAppend } from '../events';
import { SigningKey } from '../src/audit/signing-key';
import { newEventId } from '../src/shared/event-id';
import type { EventStore } from '../src/store/event-store.port';
import { PostgresEventStore } from '../src/store/postgres/postgres-event-store';
import { runStatement, withDatabase } from '../src/store/postgres/connection';
import { schemaSql } from '../src/store/postgres/postgres-schema';
import { SqliteEventStore, SQLITE_SCHEMA } from '../src/store/sqlite/sqlite-event-store';
import { benchUser, fmt, httpLoad, jsonClient, percentile, processCpuMs, signIn, startServer, threadCpuMs } from './support';

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const arg = (name: string, fallback: number) => Number(option(name) ?? fallback);
const EVENTS = arg('events', 100_000);
const BATCH = arg('batch', 100);
const SECONDS = arg('seconds', 10);
/** Events appended one at a time through our store and through the peer (Emmett's store is slow enough that all of EVENTS would take minutes). */
const PEER_EVENTS = arg('peer-events', 5_000);
/** `--only http`: the HTTP figures alone (no raw, store-level or peer runs), for quick comparisons. */
const ONLY_HTTP = option('only') === 'http';
/** `--server-node-options "--cpu-prof --cpu-prof-dir /tmp/x"`: node options of the measured server (a profile of it). */
const SERVER_NODE_OPTIONS = option('server-node-options');
/** `--rate N`: the clients send N commands/s in all, each at its turn (default: each as soon as its last one is answered). */
const RATE = option('rate') === undefined ? null : arg('rate', 0);
/**
 * `--clients 16,32`: the numbers of concurrent clients the HTTP figures are measured with, in turn (default 1 and 16, the
 * target's). More clients than 16 show whether 16 are bound by the server's CPU or by each command's wait for its commit.
 */
const CLIENTS = clientCounts(option('clients') ?? '1,16');
const STORES = option('store') === 'postgres' ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
function clientCounts(text: string): number[] {
  const counts = text.split(',').map((t) => Number(t.trim()));
  const wrong = counts.find((n) => !Number.isInteger(n) || n < 1 || n > 256);
  if (wrong !== undefined || new Set(counts).size !== counts.length) {
    console.error(`--clients: a comma-separated list of different client counts from 1 to 256 expected, got "${text}"`);
    process.exit(2);
  }
  return counts;
}
const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));

const LINE = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };

function disbursedEvent(i: number): EventToAppend {
  // Ids as the ledger makes them (time-ordered: see newEventId).
  const id = newEventId();
  return {
    type: 'Disbursed',
    version: 1,
    data: { line: LINE, activityId: `A-${i % 1000}`, disbursementId: id, amount: '1550440.5' },
    metadata: {
      eventId: id,
      actor: { id: 'bench', role: 'officer' },
      recordedAt: new Date().toISOString(),
      effectiveDate: '2024-06-20',
      legalBasis: { kind: 'voucher', number: `UNC-${i}`, date: '2024-06-20', treasury: 'KBNN Văn Quan' },
      correlationId: id,
      causationId: id,
      command: 'Disburse',
    },
  };
}

function rawSqlite(events: EventToAppend[]): number {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SQLITE_SCHEMA);
  const insert = db.prepare('INSERT INTO events (stream, revision, event_id, type, version, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const tx = db.transaction((batch: EventToAppend[], offset: number) => {
    batch.forEach((e, j) =>
      insert.run(`stream-${offset + j}`, 0, e.metadata.eventId, e.type, e.version, JSON.stringify(e.data), JSON.stringify(e.metadata)),
    );
  });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += BATCH) tx(events.slice(i, i + BATCH), i);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return events.length / seconds;
}

/** The same rows into the adapter's table, one multi-row INSERT and COMMIT per batch, without the head lock. */
async function rawPostgres(url: string, events: EventToAppend[]): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(schemaSql('bench_raw'));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO bench_raw.events (position, stream, revision, event_id, type, version, data, metadata)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::integer[], $7::json[], $8::json[])`,
      [
        batch.map((_, j) => i + j + 1),
        batch.map((_, j) => `stream-${i + j}`),
        batch.map(() => 0),
        batch.map((e) => e.metadata.eventId),
        batch.map((e) => e.type),
        batch.map((e) => e.version),
        batch.map((e) => JSON.stringify(e.data)),
        batch.map((e) => JSON.stringify(e.metadata)),
      ],
    );
    await client.query('COMMIT');
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await client.query('DROP SCHEMA bench_raw CASCADE');
  await client.end();
  return events.length / seconds;
}

/**
 * One append at a time, each event its own new stream, each append its own transaction: the only way Emmett's SQLite
 * store can be driven (it opens a connection per call and keeps it in one shared variable, so concurrent calls would
 * close each other's connection). Our store is driven the same way here, for the ratio.
 */
async function oneAtATime(append: (stream: string, e: EventToAppend) => Promise<unknown>, events: EventToAppend[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) await append(`stream-${i}`, events[i]);
  return events.length / (Number(process.hrtime.bigint() - t0) / 1e9);
}

interface PeerFigures {
  readonly ours: number;
  readonly emmett: number;
  readonly version: string;
  /** Emmett appends that failed with SQLITE_BUSY at COMMIT and were retried. */
  readonly busy: number;
}

/** The same events through our SQLite store and through Emmett's (`@event-driven-io/emmett-sqlite`, WAL, SQLite's default synchronous=FULL). */
async function peerFigures(events: EventToAppend[]): Promise<PeerFigures> {
  const ours = new SqliteEventStore({ file: join(dir, 'peer-ours.db') });
  // As the ledger writes: each event's leaf and the seal, signed, in every commit (Emmett writes neither).
  await ours.startWriting?.({ signingKeyPem: SigningKey.generate().privateKeyPem() });
  const oursRate = await oneAtATime((stream, e) => ours.append([{ stream, expectedRevision: 'no_stream', events: [e] }]), freshIds(events));
  await ours.close();
  const emmett = getSQLiteEventStore({ fileName: join(dir, 'peer-emmett.db') });
  // Now and then Emmett's COMMIT fails with SQLITE_BUSY ("cannot commit transaction - SQL statements in progress": the
  // INSERT ... RETURNING read with node-sqlite3's db.get is finalized after the COMMIT is issued). The append is rolled
  // back, so it is retried, as an application would; the failures are counted. Emmett logs each with console.log.
  let busy = 0;
  const log = console.log;
  console.log = () => undefined;
  let emmettRate: number;
  try {
    emmettRate = await oneAtATime(async (stream, e) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await emmett.appendToStream(stream, [{ type: e.type, data: e.data as unknown as Record<string, unknown>, metadata: { ...e.metadata } }], {
            expectedStreamVersion: STREAM_DOES_NOT_EXIST,
          });
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt === 5) throw error;
          busy++;
        }
      }
    }, events);
  } finally {
    console.log = log;
  }
  const emmettDb = new Database(join(dir, 'peer-emmett.db'), { readonly: true });
  const stored = emmettDb.prepare('SELECT count(*) FROM emt_messages').pluck().get() as number;
  emmettDb.close();
  if (stored !== events.length) throw new Error(`Emmett's store holds ${stored} events, not ${events.length}`);
  const packageFile = join(require.resolve('@event-driven-io/emmett-sqlite'), '..', '..', 'package.json');
  const { version } = JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string };
  return { ours: oursRate, emmett: emmettRate, version, busy };
}

async function storeLevel(store: EventStore, events: EventToAppend[]): Promise<number> {
  // As the ledger writes: each event's leaf and the seal, signed with a key, in every commit.
  await store.startWriting?.({ signingKeyPem: SigningKey.generate().privateKeyPem() });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += BATCH) {
    // BATCH concurrent appends, one per stream, as concurrent commands would issue them: one group commit.
    await Promise.all(
      events.slice(i, i + BATCH).map((e, j) => store.append([{ stream: `stream-${i + j}`, expectedRevision: 'no_stream', events: [e] }])),
    );
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await store.close();
  return events.length / seconds;
}

const DECISION = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
/**
 * Each payment its own Treasury voucher, as in the district's books. (One voucher for every command made each one a
 * duplicate-voucher red flag whose evidence, rewritten at each, grew with the run: quadratic, and not the load measured.)
 */
const voucher = (n: number) => ({ number: `UNC-${clientsRun}-${n}`, date: '2024-06-20', treasury: 'KBNN Văn Quan' });
let clientsRun = 0;
const COMPONENTS = ['DA1.TDA1', 'DA1.TDA2', 'DA2', 'DA3.TDA1', 'DA3.TDA2', 'DA4.TDA1', 'DA5', 'DA6.TDA1', 'DA7.TDA2'];
const KIND: Record<string, string> = {
  'DA1.TDA1': 'infrastructure-work',
  'DA1.TDA2': 'maintenance',
  DA2: 'poverty-reduction-model',
  'DA3.TDA1': 'community-production',
  'DA3.TDA2': 'nutrition-support',
  'DA4.TDA1': 'training-course',
  DA5: 'housing-support',
  'DA6.TDA1': 'information-dissemination',
  'DA7.TDA2': 'monitoring-evaluation',
};

interface Target {
  line: typeof LINE;
  activityId: string;
}

/** caughtUpMs, auditLogMs: from the end of the load until the read models reflect the head of the log, and the audit log has followed it. */
/**
 * cpuMs: CPU time of the server process (every thread), per command, from the start of the load until caught up;
 * loopMs: the same for its main thread alone (the event loop that answers requests: its ceiling is 1000 / loopMs per s).
 */
/** threads: the same per thread name (threadCpuMs), the busiest first. */
/** clientMs: CPU time of this benchmark's own process (the clients) per command during the load: on a machine of 2 cores, what the load takes from the server. */
type HttpFigures = {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  caughtUpMs: number;
  auditLogMs: number;
  cpuMs: number;
  loopMs: number;
  clientMs: number;
  threads: Array<[string, number]>;
};

/**
 * Polls GET /health until the read models reflect the head of the log and the audit log has followed it: the time each
 * took, in ms, from the end of the load.
 */
async function catchUp(client: ReturnType<typeof jsonClient>): Promise<{ readModelsMs: number; auditLogMs: number }> {
  const t0 = performance.now();
  let readModelsMs: number | null = null;
  let auditLogMs: number | null = null;
  for (;;) {
    const res = await client.get('/health');
    if (res.status !== 200) throw new Error(`health: ${res.status} ${res.body}`);
    const health = JSON.parse(res.body) as { position: number; readModels: { position: number }; auditLog: { position: number } | null };
    const now = performance.now() - t0;
    if (readModelsMs === null && health.readModels.position >= health.position) readModelsMs = now;
    if (auditLogMs === null && health.auditLog !== null && health.auditLog.position >= health.position) auditLogMs = now;
    if (readModelsMs !== null && auditLogMs !== null) return { readModelsMs, auditLogMs };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function httpCommands(env: Record<string, string>): Promise<Array<[number, HttpFigures]>> {
  const password = await benchUser(env, 'officer');
  const server = await startServer(env, SERVER_NODE_OPTIONS?.split(/\s+/).filter(Boolean));
  const client = jsonClient(server.url, 16);
  // Every command carries the officer's session token: the guard authenticates it and reads the account each time.
  const OFFICER = await signIn(client, 'bench-officer', password);
  // 90 lines × 1 activity each, allocated generously: the load spreads like a district's real work.
  const targets: Target[] = [];
  for (const component of COMPONENTS) {
    for (const source of ['NSTW', 'NSDP-TINH', 'NSDP-HUYEN', 'NSDP-XA', 'HUY-DONG']) {
      for (const capitalType of ['DTPT', 'SN']) {
        const line = { ...LINE, component, source, capitalType };
        const activityId = `B-${component}-${source}-${capitalType}`;
        const ok = [
          await client.post('/commands/assign-plan', { line, amount: '1000000000000', decision: DECISION }, OFFICER),
          await client.post(
            '/commands/register-activity',
            { activityId, name: activityId, programme: LINE.programme, component, kind: KIND[component], unit: '184', decision: DECISION },
            OFFICER,
          ),
          await client.post('/commands/allocate', { line, activityId, amount: '1000000000000', decision: DECISION }, OFFICER),
        ];
        if (ok.some((r) => r.status !== 201)) throw new Error(`setup failed: ${ok.map((r) => r.body).join(' | ')}`);
        targets.push({ line, activityId });
      }
    }
  }
  const results: Array<[number, HttpFigures]> = [];
  for (const clients of CLIENTS) {
    clientsRun = clients;
    const cpu0 = processCpuMs(server.pid);
    const loop0 = processCpuMs(server.pid, true);
    const threads0 = threadCpuMs(server.pid);
    let n = 0;
    const { latencies, errors, seconds, clientCpuMs } = await httpLoad({
      url: server.url,
      connections: clients,
      seconds: SECONDS,
      rate: RATE,
      headers: { 'content-type': 'application/json', ...OFFICER },
      status: 201,
      next: () => {
        const i = n++;
        const target = targets[(i * 7) % targets.length];
        const body = { line: target.line, activityId: target.activityId, amount: '1550440.5', voucher: voucher(i) };
        return { method: 'POST', path: '/commands/disburse', body: JSON.stringify(body) };
      },
    });
    const { readModelsMs: caughtUpMs, auditLogMs } = await catchUp(client);
    const cpuMs = (processCpuMs(server.pid) - cpu0) / latencies.length;
    const loopMs = (processCpuMs(server.pid, true) - loop0) / latencies.length;
    const threads = [...threadCpuMs(server.pid)]
      .map(([name, ms]): [string, number] => [name, (ms - (threads0.get(name) ?? 0)) / latencies.length])
      .sort((a, b) => b[1] - a[1]);
    results.push([clients, { rate: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, caughtUpMs, auditLogMs, cpuMs, loopMs, clientMs: clientCpuMs, threads }]);
  }
  client.close();
  server.stop();
  return results;
}

interface Figures {
  readonly label: string;
  readonly raw: number;
  readonly store: number;
  readonly http: Array<[number, HttpFigures]>;
}

async function sqliteFigures(events: EventToAppend[]): Promise<Figures> {
  const raw = ONLY_HTTP ? NaN : rawSqlite(events);
  const store = ONLY_HTTP ? NaN : await storeLevel(new SqliteEventStore({ file: join(dir, 'store.db') }), freshIds(events));
  const http = await httpCommands({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: join(dir, 'http-sqlite') });
  return { label: 'SQLite (WAL, synchronous=FULL)', raw, store, http };
}

async function postgresFigures(events: EventToAppend[]): Promise<Figures> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('--store postgres needs DATABASE_URL (e.g. export DATABASE_URL="$(.ci/postgres)")');
  const admin = (text: string) => runStatement<Record<string, string>>(url, text);
  const [settings] = await admin(`SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync, current_setting('fsync') AS fsync`);
  const name = `ledger_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const scratch = withDatabase(url, name);
  try {
    const raw = ONLY_HTTP ? NaN : await rawPostgres(scratch, events);
    const store = ONLY_HTTP ? NaN : await storeLevel(await PostgresEventStore.connect({ connectionString: scratch, schema: 'bench_store' }), freshIds(events));
    const http = await httpCommands({ LEDGER_STORE: 'postgres', DATABASE_URL: scratch, LEDGER_DATA_DIR: join(dir, 'http-postgres') });
    return { label: `PostgreSQL ${settings.version.split(" ")[0]} (synchronous_commit=${settings.sync}, fsync=${settings.fsync})`, raw, store, http };
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

const freshIds = (events: EventToAppend[]) => events.map((e) => ({ ...e, metadata: { ...e.metadata, eventId: newEventId() } }));

async function main() {
  console.log(`bench:append — ${fmt(EVENTS)} events, batches of ${BATCH}, HTTP for ${SECONDS} s per client count, scratch files in ${dir}`);
  const events = ONLY_HTTP ? [] : Array.from({ length: EVENTS }, (_, i) => disbursedEvent(i));
  const columns: Figures[] = [];
  for (const store of STORES) columns.push(store === 'sqlite' ? await sqliteFigures(events) : await postgresFigures(events));

  const rows: Array<[string, (f: Figures) => string]> = [
    // With --only http there are no raw or store-level figures to show.
    ...(ONLY_HTTP
      ? []
      : ([
          ['raw inserts, same rows (ceiling)', (f) => `${fmt(f.raw)} events/s`],
          ['store-level batched appends', (f) => `${fmt(f.store)} events/s (${fmt((f.store / f.raw) * 100, 1)} % of raw)`],
        ] as Array<[string, (f: Figures) => string]>)),
    ...CLIENTS.map((_, i): [string, (f: Figures) => string] => [
      `HTTP disburse, ${String(columns[0].http[i][0]).padStart(2)} client(s)`,
      (f) => {
        const r = f.http[i][1];
        return `${fmt(r.rate)} cmd/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms, errors ${r.errors}, read models caught up ${fmt(r.caughtUpMs)} ms after, audit log ${fmt(r.auditLogMs)} ms, server CPU ${fmt(r.cpuMs, 2)} ms/cmd (event loop ${fmt(r.loopMs, 2)}), clients CPU ${fmt(r.clientMs, 2)} ms/cmd`;
      },
    ]),
  ];
  const width = 34;
  const cell = Math.max(...columns.map((c) => c.label.length), ...rows.flatMap(([, f]) => columns.map((c) => f(c).length))) + 3;
  console.log(''.padEnd(width) + columns.map((c) => c.label.padEnd(cell)).join(''));
  for (const [name, f] of rows) console.log(name.padEnd(width) + columns.map((c) => f(c).padEnd(cell)).join(''));
  for (const f of columns) {
    for (const [clients, r] of f.http) {
      const threads = r.threads.map(([name, ms]) => `${name} ${fmt(ms, 3)}`).join(', ');
      if (threads) console.log(`${f.label}, ${clients} client(s): server CPU per command by thread (ms): ${threads}`);
    }
  }
  console.log('targets: store-level ≥ 50 % of raw; HTTP ≥ 2,500 commands/s with 16 clients, p99 ≤ 50 ms, read models caught up within 1 s of the load ending');

  if (ONLY_HTTP) return rmSync(dir, { recursive: true, force: true });
  const peer = await peerFigures(events.slice(0, PEER_EVENTS));
  console.log(`\npeer, same ${fmt(PEER_EVENTS)} events, one append at a time (each a new stream, its own transaction), SQLite WAL, synchronous=FULL:`);
  console.log(`${'this ledger (SqliteEventStore)'.padEnd(width)}${fmt(peer.ours)} events/s`);
  console.log(`${`Emmett ${peer.version} (emmett-sqlite)`.padEnd(width)}${fmt(peer.emmett)} events/s (${peer.busy} appends failed with SQLITE_BUSY at COMMIT, retried)`);
  console.log(`${'ratio, this ledger / Emmett'.padEnd(width)}${fmt(peer.ours / peer.emmett, 2)} ×`);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
