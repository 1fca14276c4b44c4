/**
 * npm run bench:history [-- --entries 100000 --seconds 10 --iterations 300 --threads 0,1,2]
 *   [--server-node-options "--cpu-prof --cpu-prof-dir /tmp/prof"]
 *
 * A fund line's history (sổ chi tiết) when the line is long: one line with N entries (default 100 000: a plan, 1 000
 * activities allocated their share, then disbursements to them through the year, 2 % back-dated), written through the store, projected
 * by a full rebuild. Prints p50/p99 of any page through the query layer (log order, up to a position, effective
 * order, as of a date as known at a time), then the same kinds served over HTTP to 16 concurrent readers by the server
 * as `npm start` runs it (with `--threads`, once per LEDGER_READER_THREADS setting). Figures only; nothing here asserts a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventToAppend, FundLineKey, LegalBasis } from '../events';
import { catalogueContext } from '../projections/shared/context';
import { Catalogue } from '../src/catalogue/catalogue';
import { activityStream, fundLineStream } from '../src/fund-line/fund-line.key';
import { ReadModelDb } from '../src/projections/read-model-db';
import { ReadModelQueries } from '../src/projections/read-model-queries';
import { rebuildReadModels } from '../src/projections/rebuild';
import { loadConfig } from '../src/config/ledger-config';
import { openLedgerStore } from '../src/store/create-event-store';
import { benchUser, fmt, httpLoad, jsonClient, percentile, processCpuMs, signIn, startServer } from './support';

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ENTRIES = option('entries', 100_000);
const SECONDS = option('seconds', 10);
const ITERATIONS = option('iterations', 300);
const READERS = 16;
/** --threads 0,1,2: one server per LEDGER_READER_THREADS setting, in turn; without it, one server as the environment says. */
const THREADS: ReadonlyArray<string | null> = (() => {
  const i = process.argv.indexOf('--threads');
  return i >= 0 ? process.argv[i + 1].split(',').map((t) => t.trim()) : [null];
})();
const PAGE_SIZE = 50;
/** `--server-node-options "--cpu-prof --cpu-prof-dir /tmp/x"`: node options of the measured server (a profile of it). */
const SERVER_NODE_OPTIONS = (() => {
  const i = process.argv.indexOf('--server-node-options');
  return i >= 0 ? process.argv[i + 1].split(/\s+/).filter(Boolean) : [];
})();

const LINE: FundLineKey = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
const STREAM = fundLineStream(LINE);
const DECISION: LegalBasis = { kind: 'decision', number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };

let seed = 20240630;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const dayOf = (i: number) => new Date(Date.UTC(2024, 0, 1) + Math.floor((i / ENTRIES) * 360) * 86_400_000).toISOString().slice(0, 10);

const ACTIVITIES = 1000;
const activityId = (a: number) => `HD-${String(a).padStart(4, '0')}`;

function event(i: number, stream: string, type: string, data: Record<string, unknown>, basis: LegalBasis, effectiveDate: string, command: string): { stream: string; event: EventToAppend } {
  const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const recordedAt = new Date(Date.parse(`${dayOf(i)}T01:00:00.000Z`) + (i % 3600) * 1000).toISOString();
  return {
    stream,
    event: {
      type,
      version: 1,
      data,
      metadata: { eventId: id, actor: { id: 'ketoan-vanquan', role: 'accountant' }, recordedAt, effectiveDate, legalBasis: basis, correlationId: id, causationId: id, command },
    } as EventToAppend,
  };
}

/**
 * The line's events: its plan, then ACTIVITIES activities (housing support for households) each registered and
 * allocated its share, then disbursements to them through the year until the line has ENTRIES entries.
 */
function lineEvents(): Array<{ stream: string; event: EventToAppend }> {
  let i = 0;
  const out = [event(++i, STREAM, 'PlanAssigned', { line: LINE, amount: '900000000000' }, DECISION, '2024-01-02', 'AssignPlan')];
  for (let a = 1; a <= ACTIVITIES; a++) {
    const id = activityId(a);
    out.push(
      event(
        ++i,
        activityStream(id),
        'ActivityRegistered',
        { activityId: id, name: `Hỗ trợ nhà ở hộ ${a}`, programme: LINE.programme, component: LINE.component, kind: 'housing-support', unit: LINE.unit, communes: [], beneficiaries: { poor: 1 }, targets: [{ indicator: 'houses-new', quantity: '1' }] },
        DECISION,
        '2024-01-02',
        'RegisterActivity',
      ),
      event(++i, STREAM, 'FundsAllocated', { line: LINE, activityId: id, amount: '900000000' }, DECISION, '2024-01-02', 'AllocateFunds'),
    );
  }
  for (let d = 1; out.length - ACTIVITIES < ENTRIES; d++) {
    // 2 % are back-dated by up to 60 days: effective order differs from log order.
    const day = dayOf(++i);
    const eff = rnd() < 0.02 ? new Date(Math.max(Date.UTC(2024, 0, 3), Date.parse(day) - Math.floor(rnd() * 60) * 86_400_000)).toISOString().slice(0, 10) : day;
    const basis: LegalBasis = { kind: 'voucher', number: `UNC-${d}`, date: eff, treasury: 'KBNN Văn Quan' };
    out.push(event(i, STREAM, 'Disbursed', { line: LINE, activityId: activityId(1 + (d % ACTIVITIES)), disbursementId: `gn-${d}`, amount: String(1_000_000 + (d % 977) * 1000) }, basis, eff, 'Disburse'));
  }
  return out;
}

function timeIt(run: () => unknown, iterations: number): { p50: number; p99: number; max: number } {
  for (let i = 0; i < Math.min(20, iterations); i++) run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1] };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-history-'));
  console.log(`bench:history — one fund line with ${fmt(ENTRIES)} entries, pages of ${PAGE_SIZE}; scratch files in ${dir}`);
  try {
    const env = { LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir };
    // Written as the ledger writes (each event's leaf and the seal, with the key the server then starts with).
    const { store } = await openLedgerStore(loadConfig({ ...process.env, LEDGER_DEMO: '0', ...env }));
    const events = lineEvents();
    let t = performance.now();
    for (let i = 0; i < events.length; i += 1000) {
      // Consecutive events of a stream in one append; the appends of a chunk issued together (one group commit).
      const appends: Array<{ stream: string; expectedRevision: 'any'; events: EventToAppend[] }> = [];
      for (const { stream, event: e } of events.slice(i, i + 1000)) {
        const last = appends[appends.length - 1];
        if (last?.stream === stream) last.events.push(e);
        else appends.push({ stream, expectedRevision: 'any', events: [e] });
      }
      await Promise.all(appends.map((a) => store.append([a])));
    }
    console.log(`appended in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const catalogue = Catalogue.load();
    const ctx = catalogueContext(catalogue);
    const readModels = ReadModelDb.open(join(dir, 'read-models.db'));
    t = performance.now();
    await rebuildReadModels(store, readModels, ctx);
    console.log(`projected in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const queries = new ReadModelQueries(readModels, catalogue, ctx);
    const pages = Math.ceil(ENTRIES / PAGE_SIZE);
    const anyPage = () => 1 + Math.floor(rnd() * pages);
    const cases: Array<[string, () => unknown]> = [
      ['log order, page 1', () => queries.history(STREAM, { pageSize: PAGE_SIZE })],
      ['log order, any page', () => queries.history(STREAM, { page: anyPage(), pageSize: PAGE_SIZE })],
      ['log order, last page', () => queries.history(STREAM, { page: pages, pageSize: PAGE_SIZE })],
      ['up to a position, any page', () => queries.history(STREAM, { upToPosition: 1 + Math.floor(rnd() * ENTRIES), page: 1 + Math.floor(rnd() * pages * 0.5), pageSize: PAGE_SIZE })],
      ['effective order, any page', () => queries.history(STREAM, { order: 'effective', page: anyPage(), pageSize: PAGE_SIZE })],
      ['as of / known at, any page', () => queries.history(STREAM, { asOf: '2024-09-30', knownAt: '2024-10-15', page: 1 + Math.floor(rnd() * pages * 0.7), pageSize: PAGE_SIZE })],
    ];
    console.log(`\nquery layer, without HTTP (${ITERATIONS} runs each after warm-up):`);
    console.log(`${'page'.padEnd(32)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
    for (const [name, run] of cases) {
      const r = timeIt(run, ITERATIONS);
      console.log(`${name.padEnd(32)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${r.max.toFixed(2).padStart(8)}`);
    }
    readModels.close();
    await store.close();

    // The server on the same files, as npm start runs it: 16 readers asking for any page; once per reader-thread setting.
    const password = await benchUser(env, 'auditor');
    const path = (page: number, extra = '') => `/fund-lines/${encodeURIComponent(STREAM)}/history?page=${page}&pageSize=${PAGE_SIZE}${extra}`;
    for (const threads of THREADS) {
      const server = await startServer(threads === null ? env : { ...env, LEDGER_READER_THREADS: threads }, SERVER_NODE_OPTIONS);
      const client = jsonClient(server.url, READERS);
      const AUDITOR = await signIn(client, 'bench-auditor', password);
      for (;;) {
        const r = await client.get(path(1), AUDITOR);
        if (r.status === 200 && (JSON.parse(r.body) as { totalEntries: number }).totalEntries === ENTRIES) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The audit log follows the store to its head first: at its first start the server logs every event the
      // benchmark wrote (100k leaves), work that would otherwise take a core from the readers measured.
      const merkle = await client.get('/audit/tree-heads/latest', AUDITOR);
      if (merkle.status !== 200) throw new Error(`the audit log did not follow the store: ${merkle.status} ${merkle.body}`);
      // Warm-up, not measured: the server's first seconds (its threads opening the files, the page cache) count in no kind.
      const warmUp = await httpLoad({
        url: server.url,
        connections: READERS,
        seconds: 3,
        headers: AUDITOR,
        status: 200,
        next: () => ({ method: 'GET', path: path(1 + Math.floor(rnd() * pages)) }),
      });
      if (warmUp.errors > 0) throw new Error(`${warmUp.errors} history pages failed during the warm-up`);
      const setting = threads === null ? `LEDGER_READER_THREADS ${process.env.LEDGER_READER_THREADS ?? 'default'}` : `LEDGER_READER_THREADS=${threads}`;
      console.log(`\nHTTP GET ${path(0).replace('page=0', 'page=<any>')}, ${READERS} concurrent readers, ${SECONDS} s each, ${setting}:`);
      for (const [name, extra] of [
        ['log order', () => ''],
        ['up to a position', () => `&upToPosition=${1 + Math.floor(rnd() * ENTRIES)}`],
        ['effective order', () => '&order=effective'],
        ['as of / known at', () => '&asOf=2024-09-30&knownAt=2024-10-15'],
      ] as const) {
        // Pages that exist for the kind: a bounded question has fewer entries (as in the query layer's cases above).
        const share = name === 'up to a position' ? 0.5 : name === 'as of / known at' ? 0.7 : 1;
        const cpu0 = processCpuMs(server.pid);
        const loop0 = processCpuMs(server.pid, true);
        const { latencies, errors, seconds, clientCpuMs } = await httpLoad({
          url: server.url,
          connections: READERS,
          seconds: SECONDS,
          headers: AUDITOR,
          status: 200,
          next: () => ({ method: 'GET', path: path(1 + Math.floor(rnd() * pages * share), extra()) }),
        });
        // CPU per request (every thread of the server; its event loop alone): on a shared machine, steadier than the rate.
        const cpuMs = (processCpuMs(server.pid) - cpu0) / latencies.length;
        const loopMs = (processCpuMs(server.pid, true) - loop0) / latencies.length;
        console.log(
          `${name.padEnd(18)} ${fmt(latencies.length / seconds)} req/s, p50 ${fmt(percentile(latencies, 50), 2)} ms, p99 ${fmt(percentile(latencies, 99), 2)} ms, errors ${errors}, server CPU ${fmt(cpuMs, 2)} ms/req (event loop ${fmt(loopMs, 2)}), clients CPU ${fmt(clientCpuMs, 2)} ms/req`,
        );
      }
      client.close();
      server.stop();
    }
    console.log('target: any page of a line with 100k entries, p99 ≤ 20 ms');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // The server's keys are kept beside its data folder, not in it.
    for (const key of [`${dir}-signing-key.pem`, `${dir}.auth-key`]) rmSync(key, { force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
