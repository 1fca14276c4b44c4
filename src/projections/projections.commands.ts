import type { Command } from 'commander';
import { LedgerConfig, loadConfig } from '../config/ledger-config';
import { progress } from '../shared/progress';
import { createEventStore } from '../store/create-event-store';
import { projectionContextOf } from './context';
import { ReadModelDb } from './read-model-db';
import { REBUILD_BATCH_EVENTS, formatDifference, verifyReadModels } from './rebuild';
import { REBUILD_OLD_GENERATION_MB, RebuildJob, rebuildBounded } from './rebuild-thread';

/** A whole number of at least `min`, from the command line. */
const integer = (min: 0 | 1) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`expected ${min === 0 ? '0 or a positive integer' : 'a positive integer'}, got "${v}"`);
  return n;
};
const int = integer(1);
const lanesOption = (v: string): 1 | 2 => {
  if (v !== '1' && v !== '2') throw new Error(`expected 1 or 2, got "${v}"`);
  return Number(v) as 1 | 2;
};
const nonNegative = integer(0);

/** Where a rebuild's threads open the log, and what they fold with: the ledger's configuration. */
function sourcesOf(config: LedgerConfig): Pick<RebuildJob, 'log' | 'context'> {
  return {
    log: { store: config.store, dbFile: config.dbFile, kurrentdbUrl: config.kurrentdbUrl, databaseUrl: config.databaseUrl },
    context: { catalogueDir: config.catalogueDir, redFlagRulesFile: config.redFlagRulesFile },
  };
}

/** `ledger projections rebuild | verify | status`. */
export function registerProjectionCommands(program: Command): void {
  const projections = program.command('projections').description('Read models: rebuild from the log, verify against a rebuild, show status');

  projections
    .command('rebuild')
    .description('Rebuild every read model from position 0 into fresh tables, then swap them in (a running server follows)')
    .option('--batch <events>', 'events per transaction', int, REBUILD_BATCH_EVENTS)
    .option(
      '--old-generation <MB>',
      "limit of the rebuild thread's old generation: less memory, more CPU; a rebuild that outgrows it runs again without one; 0: no limit (bench/README.md)",
      nonNegative,
      REBUILD_OLD_GENERATION_MB,
    )
    .option('--lanes <n>', 'threads that fold: 2 folds the red flags beside the other read models, 1 folds them all in one (read models on PostgreSQL: always 1)', lanesOption, 2)
    .action(async (opts: { batch: number; oldGeneration: number; lanes: 1 | 2 }) => {
      const config = loadConfig();
      const store = await createEventStore(config);
      try {
        const head = await store.headPosition();
        const shown = progress('rebuild', { unit: 'events' });
        // In a thread of its own, with a larger young generation (rebuild-thread.ts): the log, the read models and the
        // catalogue are opened there from the same configuration.
        const result = await rebuildBounded(
          { ...sourcesOf(config), readModelLocation: config.readModelLocation, options: { batchSize: opts.batch, holder: '`ledger projections rebuild`' }, oldGenerationMb: opts.oldGeneration, lanes: opts.lanes },
          (position, _events, phase) => shown.update(position, Math.max(head, position), phase === 'indexes' ? 'building indexes' : undefined),
          (message) => console.error(message),
        );
        shown.finish();
        const rate = Math.round(result.events / (result.milliseconds / 1000));
        console.log(
          `rebuilt generation ${result.generation}: ${result.events} events up to position ${result.position} in ${(result.milliseconds / 1000).toFixed(1)} s (${rate} events/s); it is now live`,
        );
      } finally {
        await store.close();
      }
    });

  projections
    .command('verify')
    .description('Rebuild into a scratch copy up to the live position and print every difference from the live read models (none expected)')
    .option('--max-differences <n>', 'differences to print', int, 20)
    .action(async (opts: { maxDifferences: number }) => {
      const config = loadConfig();
      const store = await createEventStore(config);
      try {
        const head = await store.headPosition();
        const rebuilding = progress('verify: rebuild', { unit: 'events' });
        const comparing = progress('verify: compare', { unit: 'rows' });
        const result = await verifyReadModels(store, config.readModelLocation, projectionContextOf(config), {
          maxDifferences: opts.maxDifferences,
          secondLane: sourcesOf(config),
          onProgress: (done, _events, phase) => {
            if (phase === 'compare') {
              rebuilding.finish();
              comparing.update(done);
            } else rebuilding.update(done, Math.max(head, done), phase === 'indexes' ? 'building indexes' : undefined);
          },
        });
        rebuilding.finish();
        comparing.finish();
        for (const d of result.differences) console.log(formatDifference(d));
        if (result.differenceCount > result.differences.length) console.log(`… and ${result.differenceCount - result.differences.length} more`);
        if (result.differenceCount > 0) console.log(`${result.differenceCount} difference(s) at position ${result.position}: run "ledger projections rebuild"`);
        // Rows that match up to where the live read models stopped do not make them verified: the log goes further.
        if (result.behind > 0) {
          console.log(
            `NOT VERIFIED: the live read models are at position ${result.position}, ${result.behind} event(s) behind the log (head ${result.head})` +
              (result.failing ? `; a rebuild cannot go past it either: ${result.failing}` : '; a rebuild folds the rest: the live runner has not caught up, or is stopped'),
          );
        }
        if (result.differenceCount === 0 && result.behind === 0) {
          console.log(`read models verified at position ${result.position} (generation ${result.generation}): ${result.rowsCompared} rows, no difference`);
          return;
        }
        process.exitCode = 1;
      } finally {
        await store.close();
      }
    });

  projections
    .command('status')
    .description('Show the live generation, its position and the head of the log')
    .action(async () => {
      const config = loadConfig();
      const store = await createEventStore(config);
      const readModels = ReadModelDb.open(config.readModelLocation);
      try {
        const generation = readModels.liveGeneration();
        const head = await store.headPosition();
        if (generation === null) {
          console.log(`no read model yet; the log is at position ${head}`);
          return;
        }
        const cp = readModels.checkpoint(generation);
        console.log(`generation ${generation}: position ${cp.position} (${cp.events} events); log head ${head}; behind by ${head - cp.position}`);
      } finally {
        readModels.close();
        await store.close();
      }
    });
}
