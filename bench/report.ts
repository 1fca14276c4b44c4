/**
 * npm run bench:report [-- <events>] — default 1 000 000 events.
 *
 * A province-wide report (all its districts and communes, one budget year) on the synthetic programme-shaped log
 * of bench:rebuild (generated once into .bench/, shared with it): the read models are built from the log (or
 * reused when they already reflect it), the Merkle log follows the log, then the report is computed N times at the
 * head of the log through the same ReportService the API and the CLI use:
 *   - the report itself (every figure of the resources table, outputs and beneficiaries, with its query), and the
 *     signed tree head covering its position;
 *   - the same, rendered as XLSX (what an office downloads);
 *   - `report verify` of that XLSX (read back, recompute at its position, compare every cell).
 * Prints p50 / max per step. The target: a province-wide report under 2 s.
 *
 * Options: --dir <folder> (default .bench), --seed <n>, --iterations <n> (default 7).
 */
import { join } from 'node:path';
import { catalogueContext } from '../projections/shared/context';
import { Audit } from '../src/audit/audit';
import { SqliteMerkleLog } from '../src/audit/sqlite-merkle-log';
import { loadSigningKey } from '../src/audit/signing-key';
import { ReadModelDb, tablesOf } from '../src/projections/read-model-db';
import { ReadModelQueries } from '../src/projections/read-model-queries';
import { InProcessQueries } from '../src/projections/read-queries';
import { rebuildReadModels } from '../src/projections/rebuild';
import { renderReport } from '../src/reports/report-files';
import { ALL_UNITS, ReportService } from '../src/reports/reports.service';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';
import { percentile } from './support';
import { shapeFor, syntheticCatalogue } from './synthetic-log';
import { benchArgs, ensureSyntheticLog, generate, logFile } from './synthetic-store';

const fmt = (n: number) => n.toLocaleString('en-US');

async function main() {
  const a = benchArgs({ iterations: 7 });
  const shape = shapeFor(a.events, a.seed);
  if (a.generate) {
    generate(logFile(a.dir, shape), shape);
    process.exit(0);
  }
  const file = ensureSyntheticLog(__filename, a, shape);
  const catalogue = syntheticCatalogue(shape);
  const ctx = catalogueContext(catalogue);
  const store = new SqliteEventStore({ file });
  const head = await store.headPosition();

  // Read models at the head of the log: reused from an earlier run when they reflect it, else rebuilt.
  const readModels = ReadModelDb.open(join(a.dir, `read-models-report-${shape.events}.db`));
  const live = readModels.liveGeneration();
  if (live === null || readModels.checkpoint(live).position !== head) {
    console.log(`building the read models of ${fmt(head)} events…`);
    const r = await rebuildReadModels(store, readModels, ctx);
    console.log(`  ${fmt(r.events)} events in ${(r.milliseconds / 1000).toFixed(1)} s`);
  }
  const queries = new ReadModelQueries(readModels, catalogue, ctx);
  const position = queries.status().position;

  // The Merkle log of the same events (its own file, kept for the next run), and a key to sign tree heads with.
  const log = SqliteMerkleLog.open(join(a.dir, `audit-report-${shape.events}.db`), store);
  let started = performance.now();
  const logged = await log.catchUp();
  if (logged > 0) console.log(`Merkle log: ${fmt(logged)} events logged in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // The key is kept beside the Merkle log: heads signed by an earlier run stay this ledger's.
  const audit = new Audit(store, log, loadSigningKey({ signingKeyFile: join(a.dir, `report-signing-key-${shape.events}.pem`), dataDir: a.dir }).key);
  // A head over the whole log signed now with this run's key: reports carry the latest head covering their position.
  await audit.produceTreeHead();
  const reports = new ReportService(
    { queries: new InProcessQueries(queries), catalogue, ctx, position: () => position, waitFor: async (p) => p <= position, head: async () => head },
    {
      treeHeadCovering: async (p) => audit.treeHeadCoveringPosition(p),
      treeAt: async (p) => audit.treeAt(p),
      checkTreeHead: async (h) => audit.checkTreeHead(h),
    },
  );

  // The year with the most fund lines (a whole year of the log), and its province with the most.
  const lines = tablesOf(readModels.liveGeneration() as number).lines;
  const busiest = readModels.db
    .prepare(
      `SELECT province, budget_year AS year, count(*) AS lines, sum(event_count) AS events FROM ${lines}
       WHERE budget_year = (SELECT budget_year FROM ${lines} GROUP BY budget_year ORDER BY count(*) DESC LIMIT 1)
       GROUP BY province ORDER BY lines DESC LIMIT 1`,
    )
    .get() as { province: string; year: number; lines: number; events: number };
  const year = Number(busiest.year);
  const districts = (readModels.db.prepare(`SELECT count(DISTINCT district) AS n FROM ${lines} WHERE province = ? AND budget_year = ?`).get(busiest.province, year) as { n: number }).n;
  const request = { unit: busiest.province, budgetYear: String(year), from: `${year}-01-01`, asOf: `${year}-12-31` };
  console.log(
    `\nprovince ${busiest.province}, ${year}: ${districts} districts, ${fmt(busiest.lines)} fund lines, ${fmt(busiest.events)} of their events; log of ${fmt(head)} events; ` +
      `${a.iterations} runs each after one warm-up (2 shared cores)`,
  );

  const steps: Array<{ name: string; run: () => Promise<unknown> }> = [];
  let xlsx: Buffer = Buffer.alloc(0);
  steps.push({ name: 'report (every figure and its query) + tree head', run: () => reports.resources(request, ALL_UNITS) });
  steps.push({
    name: 'report rendered as XLSX',
    run: async () => {
      xlsx = await renderReport(await reports.resources(request, ALL_UNITS), 'xlsx');
      return xlsx;
    },
  });
  steps.push({
    name: 'report verify of that XLSX',
    run: async () => {
      const v = await reports.verify(xlsx, ALL_UNITS);
      if (!v.ok) throw new Error(`the report does not verify: ${JSON.stringify({ differences: v.differences.slice(0, 3), tree: v.tree, treeHead: v.treeHead })}`);
      return v;
    },
  });
  console.log(`${'step'.padEnd(52)} ${'p50 ms'.padStart(9)} ${'max ms'.padStart(9)}`);
  const p50s: number[] = [];
  for (const step of steps) {
    await step.run();
    const times: number[] = [];
    for (let i = 0; i < a.iterations; i++) {
      started = performance.now();
      await step.run();
      times.push(performance.now() - started);
    }
    times.sort((x, y) => x - y);
    p50s.push(percentile(times, 50));
    console.log(`${step.name.padEnd(52)} ${percentile(times, 50).toFixed(0).padStart(9)} ${times[times.length - 1].toFixed(0).padStart(9)}`);
  }
  const doc = await reports.resources(request, ALL_UNITS);
  console.log(`\nthe report: ${doc.report.rows.length} rows × ${doc.report.columns.length} figure columns, ${doc.report.outputs.length} output rows; XLSX ${fmt(xlsx.length)} bytes`);
  console.log(`target: province-wide report under 2 s: ${p50s[0] < 2000 ? 'met' : 'NOT met'} (${p50s[0].toFixed(0)} ms; as XLSX ${p50s[1].toFixed(0)} ms)`);
  await log.close();
  readModels.close();
  await store.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
