import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { SyntheticShape, writeSyntheticLog } from './synthetic-log';

/** The synthetic log's file in the bench folder, shared by the benchmarks that read it (bench:rebuild, bench:report). */
const GENERATOR_VERSION = 2;

export interface BenchArgs {
  readonly events: number;
  readonly dir: string;
  readonly seed: number;
  readonly iterations: number;
  /** Child mode: generate the log and exit. */
  readonly generate: boolean;
  /** bench:rebuild, child mode: one raw read of the log, its figures printed as a JSON line (rawReadInChild). */
  readonly rawRead: boolean;
  /** bench:rebuild: only the queries, on the read models of an earlier run. */
  readonly queriesOnly: boolean;
  /** Rebuild on this thread, with the process's default heap, instead of in a rebuild thread (rebuildInThread). */
  readonly inProcess: boolean;
  /** Events per transaction of the rebuild (RebuildOptions.batchSize), when given. */
  readonly batchSize?: number;
  /** The rebuild thread's heap budget (MB), when given (RebuildJob.heapBudgetMb). */
  readonly heapBudgetMb?: number;
  /** The rebuild thread's old-generation limit (MB), when given (RebuildJob.oldGenerationMb). */
  readonly oldGenerationMb?: number;
  /** --store postgres: also measure on PostgreSQL (DATABASE_URL), beside SQLite. */
  readonly store: 'sqlite' | 'postgres';
  /** bench:rebuild --query <text>: only the queries whose name contains it (e.g. to profile one). */
  readonly query: string | null;
  /** bench:rebuild --by-model: where the rebuild's time went, read model by read model (RebuildOptions.timeProjectors). */
  readonly byModel: boolean;
  /** bench:rebuild --lanes 1|2: threads that fold (RebuildJob.lanes; default 2). */
  readonly lanes: 1 | 2;
  /** bench:rebuild --floor: after the queries, the floor of writing the rebuild's rows (rebuild-floor.ts). */
  readonly floor: boolean;
}

/** `<events> [--dir <folder>] [--seed <n>] [--iterations <n>] [--generate]`. */
export function benchArgs(defaults: { iterations: number }): BenchArgs {
  const argv = process.argv.slice(2);
  const valued = new Set(['--dir', '--seed', '--iterations', '--store', '--query', '--batch', '--heap-budget', '--old-generation', '--lanes']);
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (valued.has(argv[i])) flags.set(argv[i], argv[++i]);
    else if (!argv[i].startsWith('--')) positional.push(argv[i]);
  }
  return {
    events: Number(positional[0] ?? 1_000_000),
    dir: resolve(flags.get('--dir') ?? '.bench'),
    seed: Number(flags.get('--seed') ?? 20240630),
    iterations: Number(flags.get('--iterations') ?? defaults.iterations),
    generate: argv.includes('--generate'),
    rawRead: argv.includes('--raw-read'),
    queriesOnly: argv.includes('--queries-only'),
    inProcess: argv.includes('--in-process'),
    batchSize: flags.has('--batch') ? Number(flags.get('--batch')) : undefined,
    heapBudgetMb: flags.has('--heap-budget') ? Number(flags.get('--heap-budget')) : undefined,
    oldGenerationMb: flags.has('--old-generation') ? Number(flags.get('--old-generation')) : undefined,
    store: storeOf(flags.get('--store')),
    query: flags.get('--query') ?? null,
    byModel: argv.includes('--by-model'),
    lanes: lanesOf(flags.get('--lanes')),
    floor: argv.includes('--floor'),
  };
}

function lanesOf(value: string | undefined): 1 | 2 {
  if (value === undefined || value === '1' || value === '2') return value === '1' ? 1 : 2;
  throw new Error(`--lanes must be 1 or 2, not ${value}`);
}

function storeOf(value: string | undefined): 'sqlite' | 'postgres' {
  if (value === undefined || value === 'sqlite' || value === 'postgres') return value ?? 'sqlite';
  throw new Error(`--store must be sqlite or postgres, not ${value}`);
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function logFile(dir: string, shape: SyntheticShape): string {
  return join(dir, `log-v${GENERATOR_VERSION}-${shape.events}-s${shape.seed}.db`);
}

/** Writes the synthetic log into its file (through a .partial file, so an interrupted run leaves none). */
export function generate(file: string, shape: SyntheticShape): void {
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  const store = new SqliteEventStore({ file: `${file}.partial` });
  store.db.pragma('synchronous = OFF');
  const started = performance.now();
  const total = writeSyntheticLog(store.db, shape, (n) => {
    if (n % 1_000_000 < 50_000) process.stderr.write(`  generated ${fmt(n)} events\n`);
  });
  store.db.exec('CREATE TABLE bench_done (events INTEGER)');
  store.db.prepare('INSERT INTO bench_done VALUES (?)').run(total);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.db.close();
  renameSync(`${file}.partial`, file);
  for (const suffix of ['-wal', '-shm']) rmSync(`${file}.partial${suffix}`, { force: true });
  const ms = performance.now() - started;
  console.log(`generated ${fmt(total)} events in ${(ms / 1000).toFixed(1)} s (${Math.round(total / (ms / 1000))} events/s)`);
}

/** The command line of this bench's script run again in a child mode (--generate, --raw-read) on the same log. */
export function childArgs(script: string, a: BenchArgs, mode: string): string[] {
  return [script, String(a.events), '--dir', a.dir, '--seed', String(a.seed), mode];
}

/** Generates the log once (cached in the bench folder), in a child process running `script --generate` so that its memory does not count. */
export function ensureSyntheticLog(script: string, a: BenchArgs, shape: SyntheticShape): string {
  const file = logFile(a.dir, shape);
  if (!existsSync(file)) {
    console.log(`generating a synthetic log of ${fmt(a.events)} events (${shape.districts} districts, ${shape.years.join('-')}) into ${file}`);
    execFileSync(process.execPath, childArgs(script, a, '--generate'), { stdio: 'inherit' });
  }
  return file;
}
