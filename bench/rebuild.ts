/**
 * npm run bench:rebuild [-- <events>] — default 1 000 000 events.
 *
 * 1. Generates (once, cached in .bench/) a synthetic log shaped like the programme, in a child process so
 *    its memory does not count below.
 * 2. Raw ordered read + JSON.parse of the whole log: the ceiling for any projection.
 * 3. Full projection rebuild from position 0 into a fresh read-model file (events/s, ratio to the ceiling).
 * 4. p50/p99 of the main queries on the result (the query layer, without HTTP).
 * 5. Peak RSS of this process (the generation and the raw reads run in child processes: it is the rebuild's and the queries').
 *
 * Options: --dir <folder> (default .bench), --seed <n>, --iterations <n> (per query, default 300), --generate and --raw-read (child modes),
 * --in-process (the rebuild on the main thread, with the process's default heap, instead of a rebuild thread as the CLI),
 * --batch <events> (events per transaction of the rebuild, default rebuildReadModels'), --heap-budget <MB> and --old-generation <MB> (the rebuild thread's;
 * the old generation's default is the CLI's, REBUILD_OLD_GENERATION_MB, and 0 lifts it),
 * --queries-only (step 4 only, on the read models an earlier run left in the folder, their indexes brought up to date),
 * --query <text> (only the queries whose name contains it),
 * --by-model (where the rebuild's time went, read model by read model: each projector's apply, flush and trim, the rest of
 * the fold, the indexes; with two lanes the red flags' times are those of their own thread, and each lane's fold is timed on
 * its thread: how evenly they share the work),
 * --lanes 1|2 (threads that fold, RebuildJob.lanes: 2, the default, folds the red flags beside the other read models),
 * --floor (after the queries: the rebuild's rows written again from JavaScript in key order, and their indexes, beside the
 * raw read: what any fold writing these read models spends at least, and what the target leaves beyond it; rebuild-floor.ts),
 * --store postgres (then the same log copied into a fresh PostgreSQL database at DATABASE_URL: raw read and rebuild
 * from it, printed beside SQLite's; bench/rebuild-postgres.ts).
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueContext } from '../projections/shared/context';
import { INDEXES, ReadModelDb, SqliteReadModelDb, schemaOf, tablesOf } from '../src/projections/read-model-db';
import { ReadModelQueries } from '../src/projections/read-model-queries';
import { RebuildResult, rebuildReadModels } from '../src/projections/rebuild';
import { REBUILD_OLD_GENERATION_MB, rebuildBounded } from '../src/projections/rebuild-thread';
import { progress } from '../src/shared/progress';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { printWriteFloor } from './rebuild-floor';
import { benchRebuildOnPostgres } from './rebuild-postgres';
import { shapeFor, syntheticCatalogue } from './synthetic-log';
import { BenchArgs, benchArgs, childArgs, ensureSyntheticLog, generate, logFile } from './synthetic-store';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/**
 * The issue's targets: a rebuild at ≥ 0.33 × the raw read at 1M events, ≥ 0.25 × at 10M, and at 10M a peak RSS of at most
 * 1.5 GB (10^9 bytes, as the figures here are printed in MiB). Below 10M events the 1M targets apply.
 */
const rebuildTargetOf = (events: number) => (events >= 10_000_000 ? 0.25 : 1 / 3);
const RSS_TARGET_BYTES = 1.5e9;
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * --by-model: each read model's share of the rebuild, in seconds of wall time on the rebuild's thread. `foldMs` is the
 * fold of the log (RebuildResult.foldMilliseconds), `totalMs` the whole rebuild: the rest is the indexes, and the events
 * appended meanwhile.
 */
function printByModel(result: RebuildResult): void {
  const { projectorTimes: times = [], foldMilliseconds: foldMs, milliseconds: totalMs, secondLane: lane } = result;
  const s = (ms: number) => (ms / 1000).toFixed(1).padStart(7);
  const inLane = (model: string) => lane?.models.includes(model) ?? false;
  const all = times.map((t) => ({ ...t, total: t.apply + t.flush + t.committed }));
  const projectors = all.filter((t) => !inLane(t.model)).reduce((sum, t) => sum + t.total, 0);
  const share = (ms: number) => `${Math.round((100 * ms) / totalMs)} %`.padStart(6);
  const line = (label: string, ms: number, note = '') => console.log(`  ${label.padEnd(37)}${s(ms)}${share(ms)}${note}`);
  console.log('where the rebuild went, by read model (s of wall time on its thread; apply: handed its events, flush: writing back what it held, trim: after each write):');
  console.log(`  ${'read model'.padEnd(16)}${'apply'.padStart(7)}${'flush'.padStart(7)}${'trim'.padStart(7)}${'total'.padStart(7)}${'share'.padStart(6)}`);
  for (const t of [...all].sort((x, y) => y.total - x.total)) {
    console.log(`  ${t.model.padEnd(16)}${s(t.apply)}${s(t.flush)}${s(t.committed)}${s(t.total)}${share(t.total)}${inLane(t.model) ? '   (second lane: its own thread, beside the others)' : ''}`);
  }
  const waited = lane ? lane.waitedMilliseconds + lane.joinMilliseconds : 0;
  line(lane ? 'every projector of the first lane' : 'every projector', projectors);
  line('reading the log, the engine', Math.max(0, foldMs - projectors - waited), `   (the fold, ${s(foldMs).trim()} s, less the projectors${lane ? ', the wait and the join' : ''})`);
  if (lane) {
    line('waiting for the second lane', lane.waitedMilliseconds);
    line('joining the lanes', lane.joinMilliseconds, '   (its tables copied, what it left done)');
  }
  line('indexes, events appended meanwhile', Math.max(0, totalMs - foldMs));
  if (lane) {
    // How evenly the lanes shared the fold: the one that ends first leaves a core idle until the other does.
    const first = foldMs - waited;
    console.log(`  the lanes' folds, each on its thread: ${(first / 1000).toFixed(1)} s for the first, ${(lane.foldMilliseconds / 1000).toFixed(1)} s for the second (${lane.models.join(', ')})`);
  }
}

interface RawRead {
  readonly events: number;
  readonly ms: number;
  readonly rss: number;
  /** Every row's data and metadata parsed to objects. */
  readonly ok: boolean;
}

/** The raw ordered read of the log and JSON.parse of every event's data and metadata: the ceiling of any projection. */
function rawRead(file: string): RawRead {
  const db = new Database(file, { readonly: true });
  const started = performance.now();
  let events = 0;
  let check = 0;
  for (const row of db.prepare('SELECT position, stream, revision, type, version, data, metadata FROM events ORDER BY position').raw(true).iterate() as IterableIterator<
    [number, string, number, string, number, string, string]
  >) {
    const data = JSON.parse(row[5]) as Record<string, unknown>;
    const metadata = JSON.parse(row[6]) as Record<string, unknown>;
    if (data && metadata) check += 1;
    events += 1;
  }
  const ms = performance.now() - started;
  db.close();
  return { events, ms, rss: process.memoryUsage.rss(), ok: check === events };
}

/** rawRead in a child process of this script (--raw-read), so its memory does not count in this process's. */
function rawReadInChild(a: BenchArgs): RawRead {
  const out = execFileSync(process.execPath, childArgs(__filename, a, '--raw-read'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as RawRead;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const a = benchArgs({ iterations: 300 });
  const shape = shapeFor(a.events, a.seed);
  mkdirSync(a.dir, { recursive: true });
  const file = logFile(a.dir, shape);
  if (a.generate) {
    generate(file, shape);
    process.exit(0);
  }
  if (a.rawRead) {
    console.log(JSON.stringify(rawRead(file)));
    process.exit(0);
  }
  if (a.floor && a.queriesOnly) throw new Error('--floor compares with a rebuild: not with --queries-only');
  ensureSyntheticLog(__filename, a, shape);
  const rebuildTarget = rebuildTargetOf(a.events);
  const catalogue = syntheticCatalogue(shape);
  const ctx = catalogueContext(catalogue);
  console.log(`log: ${file} (${mb(statSync(file).size)})`);

  const rmFile = join(a.dir, `read-models-${shape.events}.db`);
  let rawRate = 0;
  let rebuildRate = 0;
  let rebuilt: { result: RebuildResult; cpuMs: number } | null = null;
  let generation: number;
  let readModels: ReadModelDb;
  let store: SqliteEventStore | null = null;
  if (a.queriesOnly) {
    // The read models of an earlier run, their indexes brought to this code's definitions.
    if (!existsSync(rmFile)) throw new Error(`--queries-only needs ${rmFile} from an earlier run`);
    readModels = ReadModelDb.open(rmFile);
    const live = readModels.liveGeneration();
    if (live === null) throw new Error(`${rmFile} has no live generation`);
    generation = live;
    readModels.attach(generation);
    refreshIndexes(readModels, generation);
    console.log(`queries only, on generation ${generation} of ${readModels.location} (${mb(readModels.generationBytes(generation))})`);
  } else {
    // 1. The ceiling: raw ordered read + JSON.parse, best of two passes (the first also warms the OS cache), each in a
    // child process: what its heap keeps afterwards (some 500 MB at 10M) would count in the rebuild's peak RSS below,
    // which `ledger projections rebuild` does not read first.
    for (let pass = 1; pass <= 2; pass++) {
      const r = rawReadInChild(a);
      rawRate = Math.max(rawRate, rate(r.events, r.ms));
      console.log(
        `raw read + JSON.parse (pass ${pass}): ${fmt(r.events)} events in ${(r.ms / 1000).toFixed(2)} s = ${fmt(rate(r.events, r.ms))} events/s  (its own process, rss ${mb(r.rss)}, ${r.ok ? 'ok' : 'bad'})`,
      );
    }

    // 2. Full rebuild into a fresh read-model file.
    for (const f of readdirSync(a.dir)) if (f.startsWith(`read-models-${shape.events}.db`)) rmSync(join(a.dir, f), { force: true });
    store = new SqliteEventStore({ file });
    const head = await store.headPosition();
    const shown = progress('rebuild', { unit: 'events' });
    // The RSS of the whole process (every thread) sampled at each page and every 100 ms (the building of the indexes
    // included): the rebuild's own peak, apart from the queries', and the peak of each phase.
    let rebuildPeak = 0;
    let phase: 'events' | 'indexes' = 'events';
    const phasePeak = { events: 0, indexes: 0 };
    const sample = () => {
      const rss = process.memoryUsage.rss();
      rebuildPeak = Math.max(rebuildPeak, rss);
      phasePeak[phase] = Math.max(phasePeak[phase], rss);
    };
    const sampler = setInterval(sample, 100);
    const onProgress = (position: number, _events: number, at?: 'events' | 'indexes') => {
      sample();
      if (at === 'indexes') phase = 'indexes';
      shown.update(position, head, at === 'indexes' ? 'building indexes' : undefined);
    };
    const cpuBefore = process.cpuUsage();
    let result: RebuildResult;
    const sources = { log: { store: 'sqlite' as const, dbFile: file }, context: { module: require.resolve('./synthetic-log'), args: [shape.events, shape.seed] } };
    if (a.inProcess) {
      readModels = ReadModelDb.open(rmFile);
      result = await rebuildReadModels(store, readModels, ctx, {
        onProgress,
        batchSize: a.batchSize,
        timeProjectors: a.byModel,
        secondLane: a.lanes === 2 ? { ...sources, heapBudgetMb: a.heapBudgetMb, oldGenerationMb: a.oldGenerationMb } : undefined,
      });
    } else {
      // As `ledger projections rebuild` does: in a thread of its own, with a larger young generation.
      result = await rebuildBounded(
        { ...sources, readModelLocation: rmFile, options: { batchSize: a.batchSize, timeProjectors: a.byModel }, heapBudgetMb: a.heapBudgetMb, oldGenerationMb: a.oldGenerationMb, lanes: a.lanes },
        onProgress,
        (message) => console.log(message),
      );
      readModels = ReadModelDb.open(rmFile);
      readModels.attach(result.generation);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const oldGeneration = a.oldGenerationMb ?? REBUILD_OLD_GENERATION_MB;
    sample();
    clearInterval(sampler);
    shown.finish();
    console.log(`rebuild CPU (every thread of this process): ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s), ${a.inProcess ? 'on the main thread' : `in a rebuild thread (old generation ${oldGeneration === 0 ? 'unbounded' : `≤ ${oldGeneration} MB`})`}${result.secondLane ? ` and a second lane for ${result.secondLane.models.join(', ')}` : ', in one lane'}; written ahead of a commit ${result.spills} time(s), the heap past its budget; RSS at most ${mb(rebuildPeak)} while it ran (sampled every 100 ms: ${mb(phasePeak.events)} while it folded, ${mb(phasePeak.indexes)} from the indexes on)`);
    rebuildRate = rate(result.events, result.milliseconds);
    console.log(
      `full projection rebuild: ${fmt(result.events)} events in ${(result.milliseconds / 1000).toFixed(2)} s = ${fmt(rebuildRate)} events/s  = ${(rebuildRate / rawRate).toFixed(2)} × raw (target ≥ ${rebuildTarget.toFixed(2)})  (rss ${mb(process.memoryUsage().rss)}, read models ${mb(readModels.generationBytes(result.generation))})`,
    );
    if (result.projectorTimes) printByModel(result);
    generation = result.generation;
    rebuilt = { result, cpuMs: (cpu.user + cpu.system) / 1000 };
  }

  // 3. Queries on the result.
  const queries = new ReadModelQueries(readModels, catalogue, ctx);
  let seed = a.seed;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const g = generation;
  const db = readModels.db;
  const pickRow = <T>(sql: string): (() => T) => {
    const rows = db.prepare(sql).all() as T[];
    if (rows.length === 0) throw new Error(`no rows for ${sql}`);
    return () => rows[Math.floor(rnd() * rows.length)];
  };
  const t = tablesOf(g);
  const province = pickRow<{ province: string }>(`SELECT DISTINCT province FROM ${t.balance_province} WHERE province <> ''`);
  const district = pickRow<{ district: string }>(`SELECT DISTINCT district FROM ${t.balance_district} WHERE district <> ''`);
  const stream = pickRow<{ stream: string }>(`SELECT stream FROM ${t.lines} WHERE line_id % 7 = 0`);
  const decision = pickRow<{ number: string; issuer: string; date: string }>(`SELECT number, issuer, date FROM ${t.decisions} WHERE decision_id % 3 = 0`);
  const years = shape.years;
  const year = () => years[Math.floor(rnd() * years.length)];
  const subProjects = ['DA1.TDA1', 'DA2', 'DA3.TDA1', 'DA4.TDA1', 'DA5', 'DA7.TDA1'];
  const sub = () => subProjects[Math.floor(rnd() * subProjects.length)];

  const cases: Array<{ name: string; run: () => unknown; iterations?: number; main?: boolean }> = [
    { name: 'balances: country by province', run: () => queries.balances({ groupBy: ['province'] }) },
    { name: 'balances: province by district', run: () => queries.balances({ unit: province().province, groupBy: ['district'] }) },
    { name: 'balances: district by sub-project, year', run: () => queries.balances({ unit: district().district, budgetYear: year(), groupBy: ['subProject'] }) },
    { name: 'balances: country by project×year×source', run: () => queries.balances({ groupBy: ['project', 'budgetYear', 'source'] }) },
    { name: 'balances: lines of a district, page 1', run: () => queries.balances({ unit: district().district }) },
    {
      name: 'balances as of / known at: district',
      run: () => {
        const y = year();
        return queries.balances({ unit: district().district, groupBy: ['subProject'], asOf: `${y}-06-30`, knownAt: `${y}-07-15` });
      },
    },
    {
      name: 'balances as of / known at: province',
      run: () => {
        const y = year();
        return queries.balances({ unit: province().province, groupBy: ['district'], asOf: `${y}-06-30`, knownAt: `${y}-07-15` });
      },
    },
    { name: 'fund-line history, page 1', run: () => queries.history(stream().stream, {}) },
    { name: 'fund-line history as of', run: () => queries.history(stream().stream, { asOf: `${year()}-06-30` }) },
    { name: 'progress: sub-project in a district', run: () => queries.progress({ component: sub(), unit: district().district }) },
    { name: 'progress: all of a province', run: () => queries.progress({ unit: province().province }) },
    { name: 'progress: country, one project', run: () => queries.progress({ component: 'DA3' }) },
    { name: 'progress as of: sub-project in a district', run: () => queries.progress({ component: sub(), unit: district().district, asOf: `${year()}-06-30` }) },
    { name: 'decisions of an issuer', run: () => queries.decisions({ issuer: `UBND huyện ${district().district}` }) },
    {
      name: 'decision trail, page 1',
      run: () => {
        const d = decision();
        return queries.trail({ number: d.number, issuer: d.issuer, date: d.date });
      },
    },
    { name: 'adjustments: province, one year', run: () => {
      const y = year();
      return queries.adjustments({ unit: province().province, from: `${y}-01-01`, to: `${y}-12-31` });
    } },
    { name: 'adjustments: country, reclassifications', run: () => queries.adjustments({ kind: ['reclassification'] }) },
    { name: 'red flags: province, page 1', run: () => queries.redFlags({ unit: province().province, asOf: '2025-12-31' }) },
    { name: 'red flags: district, not reviewed', run: () => queries.redFlags({ unit: district().district, reviewed: false, asOf: '2025-12-31' }) },
    { name: 'red flags: country, one rule, one year', run: () => {
      const y = year();
      return queries.redFlags({ rule: ['disbursed-without-allocation'], from: `${y}-01-01`, to: `${y}-12-31`, asOf: '2025-12-31' });
    } },
    {
      name: '(heavy) balances as of: whole country by province',
      iterations: 10,
      main: false,
      run: () => queries.balances({ groupBy: ['province'], asOf: '2024-06-30', knownAt: '2024-07-15' }),
    },
  ];

  console.log(`\nqueries (${a.iterations} runs each after warm-up; query layer without HTTP):`);
  console.log(`${'query'.padEnd(46)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
  let worstMain = 0;
  for (const c of cases.filter((q) => a.query === null || q.name.includes(a.query))) {
    const n = c.iterations ?? a.iterations;
    for (let i = 0; i < Math.min(20, n); i++) c.run();
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const out = c.run();
      times.push(performance.now() - t);
      if (out === undefined) throw new Error('no answer');
    }
    times.sort((x, y) => x - y);
    const p99 = percentile(times, 99);
    if (c.main !== false) worstMain = Math.max(worstMain, p99);
    console.log(`${c.name.padEnd(46)} ${percentile(times, 50).toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)} ${times[times.length - 1].toFixed(2).padStart(8)}`);
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`\npeak RSS: ${mb(peak)} (this process: rebuild, queries; the generation and the raw reads ran in child processes)`);
  console.log(
    `targets: ${a.queriesOnly ? '' : `rebuild ≥ ${rebuildTarget.toFixed(2)} × raw: ${rebuildRate >= rebuildTarget * rawRate ? 'met' : 'NOT met'} (${(rebuildRate / rawRate).toFixed(2)}); `}${a.events >= 10_000_000 && !a.queriesOnly ? `peak RSS ≤ 1.5 GB (${mb(RSS_TARGET_BYTES)}): ${peak <= RSS_TARGET_BYTES ? 'met' : 'NOT met'} (${mb(peak)}); ` : ''}main queries p99 ≤ 20 ms: ${worstMain <= 20 ? 'met' : 'NOT met'} (worst ${worstMain.toFixed(2)} ms)`,
  );
  if (a.floor && rebuilt) {
    if (!(readModels instanceof SqliteReadModelDb)) throw new Error('--floor measures read models in a SQLite file');
    printWriteFloor({
      generationFile: readModels.generationFile(generation),
      scratch: join(a.dir, `write-floor-${shape.events}.db`),
      events: rebuilt.result.events,
      rawMs: (1000 * rebuilt.result.events) / rawRate,
      lanes: rebuilt.result.secondLane ? 2 : 1,
      rebuildMs: rebuilt.result.milliseconds,
      rebuildCpuMs: rebuilt.cpuMs,
      target: rebuildTarget,
    });
  }
  readModels.close();
  await store?.close();
  if (a.store === 'postgres' && !a.queriesOnly) await benchRebuildOnPostgres(file, a.dir, ctx, { rawRate, rebuildRate });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/** Drops and creates again each index whose definition differs from this code's (the other indexes stay). */
function refreshIndexes(readModels: ReadModelDb, generation: number): void {
  const schema = schemaOf(generation);
  const normal = (sql: string) => sql.replace(/\s+/g, ' ').replace(/^CREATE INDEX \S+\./, 'CREATE INDEX ').trim();
  for (const { table, name, definition } of INDEXES) {
    const sql = `CREATE INDEX ${table}_${name} ON ${table} ${definition}`;
    const stored = readModels.db.prepare(`SELECT sql FROM ${schema}.sqlite_master WHERE type = 'index' AND name = ?`).pluck().get(`${table}_${name}`) as string | undefined;
    if (stored !== undefined && normal(stored) === normal(sql)) continue;
    const started = performance.now();
    readModels.db.exec(`DROP INDEX IF EXISTS ${schema}.${table}_${name}`);
    readModels.db.exec(`CREATE INDEX ${schema}.${table}_${name} ON ${table} ${definition}`);
    console.log(`index ${table}_${name} ${stored === undefined ? 'created' : 'redefined'} as ${definition} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}
