/**
 * npm run bench:first-start [-- <events>] — default 1 000 000 events.
 *
 * The server's first start on a log it has no read models for (or whose read models' shape or catalogue changed): the
 * projection thread's ProjectionRunner from an empty read-model file until it reflects the head of the log, in a thread
 * with the projection thread's young generation. Twice, in turn: with the first fill by a rebuild (two lanes, the indexes
 * at the end: LEDGER_REBUILD_FROM_EVENTS, the server's default on a long log) and with the runner folding the whole log
 * event by event (a log shorter than that). Prints the wall time, events/s, the CPU of every thread and the peak RSS.
 *
 * Options: --dir <folder> (default .bench: the synthetic log of bench:rebuild, generated there once), --seed <n>,
 * --modes rebuild,fold (which, in that order).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FOLD_YOUNG_GENERATION_MB } from '../src/projections/rebuild-thread';
import { BACKGROUND_NICE, startWorker } from '../src/shared/workers';
import type { FirstStartJob } from './first-start-worker';
import { shapeFor } from './synthetic-log';
import { benchArgs, ensureSyntheticLog } from './synthetic-store';

const fmt = (n: number) => n.toLocaleString('en-US');

function modesOf(argv: readonly string[]): Array<'rebuild' | 'fold'> {
  const i = argv.indexOf('--modes');
  const modes = (i >= 0 ? argv[i + 1] : 'rebuild,fold').split(',');
  for (const m of modes) if (m !== 'rebuild' && m !== 'fold') throw new Error(`--modes takes rebuild and fold, not ${m}`);
  return modes as Array<'rebuild' | 'fold'>;
}

async function firstStart(job: FirstStartJob): Promise<{ head: number; milliseconds: number }> {
  // As the server's projection thread runs (projection-thread.ts).
  const worker = startWorker(join(__dirname, 'first-start-worker'), job, {
    resourceLimits: { maxYoungGenerationSizeMb: FOLD_YOUNG_GENERATION_MB },
    nice: BACKGROUND_NICE,
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: { kind: string; message?: string; head?: number; milliseconds?: number }) => {
      if (m.kind === 'log') console.log(`  ${m.message}`);
      else if (m.kind === 'failed') reject(new Error(m.message));
      else if (m.kind === 'done') resolve({ head: m.head as number, milliseconds: m.milliseconds as number });
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the first start's thread stopped (exit code ${code})`)));
  });
}

async function main() {
  const a = benchArgs({ iterations: 0 });
  const shape = shapeFor(a.events, a.seed);
  const file = ensureSyntheticLog(require.resolve('./rebuild'), a, shape);
  console.log(`log: ${file}`);
  for (const mode of modesOf(process.argv)) {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-first-start-'));
    try {
      let peak = 0;
      const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
      const cpu = process.cpuUsage();
      const { head, milliseconds } = await firstStart({ file, readModelFile: join(dir, 'read-models.db'), events: shape.events, seed: shape.seed, rebuild: mode === 'rebuild' });
      clearInterval(sample);
      const used = process.cpuUsage(cpu);
      const how = mode === 'rebuild' ? 'first fill by a rebuild (two lanes)' : 'the runner folds the whole log';
      console.log(
        `${how}: ${fmt(head)} events in ${(milliseconds / 1000).toFixed(1)} s = ${fmt(Math.round(head / (milliseconds / 1000)))} events/s, ` +
          `CPU ${((used.user + used.system) / 1e6).toFixed(1)} s (every thread), RSS at most ${Math.round(peak / 2 ** 20)} MB`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
