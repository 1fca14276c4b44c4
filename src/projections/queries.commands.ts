import type { Command } from 'commander';
import { Catalogue } from '../catalogue/catalogue';
import { LedgerConfig, loadConfig } from '../config/ledger-config';
import { DISPLAY_UNITS, DisplayUnit } from '../money/money';
import { createEventStore } from '../store/create-event-store';
import type { ReadQueries } from './read-queries';
import { balancesTable, progressTable, resultsTable } from './report-tables';
import { openProjections } from './standalone';
import { GROUP_DIMENSIONS, GroupDimension } from './read-model-queries';

const UNITS = Object.keys(DISPLAY_UNITS) as DisplayUnit[];

/** The read models brought up to the head of the log, then asked. */
export async function withQueries<T>(config: LedgerConfig, ask: (queries: ReadQueries) => Promise<T>): Promise<T> {
  const store = await createEventStore(config);
  const projections = openProjections(store, config.readModelLocation, Catalogue.load(config.catalogueDir));
  try {
    projections.runner.start();
    await projections.runner.catchUp();
    return await ask(projections.readQueries);
  } finally {
    await projections.close();
    await store.close();
  }
}

const unitOption = (v: string): DisplayUnit => {
  if (!(UNITS as string[]).includes(v)) throw new Error(`--in must be one of: ${UNITS.join(', ')}`);
  return v as DisplayUnit;
};
const yearOption = (v: string): number => {
  if (!/^\d{4}$/.test(v)) throw new Error(`expected a year such as 2024, got "${v}"`);
  return Number(v);
};
const byOption = (v: string): GroupDimension[] => {
  const dims = v.split(',').map((d) => d.trim());
  const bad = dims.filter((d) => !(GROUP_DIMENSIONS as readonly string[]).includes(d));
  if (bad.length > 0) throw new Error(`--by takes dimensions among: ${GROUP_DIMENSIONS.join(', ')}; not ${bad.join(', ')}`);
  return dims as GroupDimension[];
};

interface Common {
  unit?: string;
  component?: string;
  year?: number;
  asOf?: string;
  knownAt?: string;
  in: DisplayUnit;
  json?: boolean;
}

/** Adds `ledger balances`, `ledger progress` and `ledger results`: the read models as tables in Vietnamese notation. */
export function registerQueryCommands(program: Command): void {
  const common = (c: Command) =>
    c
      .option('--unit <code>', 'a province, district or commune, with everything under it')
      .option('--year <year>', 'budget year', yearOption)
      .option('--as-of <date>', 'valid time: what took effect by that day (YYYY-MM-DD)')
      .option('--known-at <time>', 'transaction time: what had been recorded by then')
      .option('--in <unit>', `amounts in ${UNITS.join(' | ')}`, unitOption, 'trieu' as DisplayUnit)
      .option('--json', 'print the answer as JSON (exact decimal strings)');

  common(program.command('balances').description('balances of fund lines, or rolled up (--by), as a table'))
    .option('--component <code>', 'project, sub-project or component.content')
    .option('--by <dimensions>', `roll up by: ${GROUP_DIMENSIONS.join(', ')}`, byOption)
    .option('--today', "by today's units (2025 succession) instead of the units as recorded")
    .action(async (opts: Common & { by?: GroupDimension[]; today?: boolean }) => {
      const result = await withQueries(loadConfig(), (q) =>
        q.balances({
          unit: opts.unit,
          component: opts.component,
          budgetYear: opts.year,
          asOf: opts.asOf,
          knownAt: opts.knownAt,
          groupBy: opts.by,
          units: opts.today ? 'today' : 'recorded',
          pageSize: 500,
        }),
      );
      console.log(opts.json ? JSON.stringify(result, null, 2) : balancesTable(result, opts.in));
    });

  common(program.command('progress').description('progress per sub-project: money, activities, works started, outputs against targets, as a table'))
    .option('--component <code>', 'a project or sub-project')
    .action(async (opts: Common) => {
      const result = await withQueries(loadConfig(), (q) => q.progress({ unit: opts.unit, component: opts.component, budgetYear: opts.year, asOf: opts.asOf, knownAt: opts.knownAt }));
      console.log(opts.json ? JSON.stringify(result, null, 2) : progressTable(result, opts.in));
    });

  program
    .command('results')
    .description("the results framework: each unit's targets, what the poverty reviews show, and the status, as a table")
    .option('--unit <code>', 'a province, district or commune, with the units under it')
    .option('--as-of <date>', 'valid time (YYYY-MM-DD)')
    .option('--json', 'print the answer as JSON')
    .action(async (opts: { unit?: string; asOf?: string; json?: boolean }) => {
      const result = await withQueries(loadConfig(), (q) => q.results({ unit: opts.unit, asOf: opts.asOf }));
      console.log(opts.json ? JSON.stringify(result, null, 2) : resultsTable(result));
    });
}
