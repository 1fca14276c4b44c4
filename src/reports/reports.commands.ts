import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { Audit } from '../audit/audit';
import { openMerkleLog } from '../audit/merkle-log';
import { loadSigningKey } from '../audit/signing-key';
import { Catalogue } from '../catalogue/catalogue';
import { LedgerConfig, loadConfig } from '../config/ledger-config';
import { formatPercent, formatTrieu } from '../money/money';
import { openProjections } from '../projections/standalone';
import { progress } from '../shared/progress';
import { createEventStore } from '../store/create-event-store';
import { ResourcesDocument } from './layout';
import { formatDifference, REPORT_FORMATS, ReportFormat, renderReport, reportFileName } from './report-files';
import { ReportRequest } from './report-params';
import { ALL_UNITS, ReportService, ReportVerification } from './reports.service';
import { vnDate } from './resources';

const ONE_HOUR = 3_600_000;

/** Opens the store, the read models (caught up with the log) and the audit log, runs `work`, and closes them all. */
async function withReports<T>(config: LedgerConfig, work: (reports: ReportService) => Promise<T>): Promise<T> {
  const store = await createEventStore(config);
  const catalogue = Catalogue.load(config.catalogueDir);
  const projections = openProjections(store, config.readModelLocation, catalogue);
  const log = await openMerkleLog(config, store);
  try {
    projections.runner.start();
    // A province-scale report may first bring the read models up to the log: shown as progress.
    const head = await store.headPosition();
    const shown = progress('read models', { unit: 'events' });
    const ticking = setInterval(() => shown.update(projections.runner.position, head), 250);
    try {
      await projections.runner.catchUp(ONE_HOUR);
    } finally {
      clearInterval(ticking);
      shown.update(projections.runner.position, head);
      shown.finish();
    }
    const audit = new Audit(store, log, loadSigningKey(config).key);
    const reports = new ReportService(
      {
        queries: projections.readQueries,
        catalogue,
        ctx: projections.context,
        position: () => projections.runner.position,
        waitFor: (p, ms) => projections.runner.waitFor(p, ms),
        head: () => store.headPosition(),
      },
      {
        treeHeadCovering: async (p) => {
          await log.catchUp();
          return audit.treeHeadCoveringPosition(p);
        },
        treeAt: async (p) => {
          await log.catchUp();
          return audit.treeAt(p);
        },
        checkTreeHead: async (h) => {
          await log.catchUp();
          return audit.checkTreeHead(h);
        },
      },
    );
    return await work(reports);
  } finally {
    await log.close();
    await projections.close();
    await store.close();
  }
}

export async function runReport(config: LedgerConfig, request: ReportRequest, format: ReportFormat, out?: string): Promise<{ file: string; doc: ResourcesDocument }> {
  return withReports(config, async (reports) => {
    const doc = await reports.resources(request, ALL_UNITS);
    const file = out ?? reportFileName(doc, format);
    writeFileSync(file, await renderReport(doc, format));
    return { file, doc };
  });
}

export function runReportVerify(config: LedgerConfig, file: string): Promise<ReportVerification> {
  const bytes = readFileSync(file);
  return withReports(config, (reports) => reports.verify(bytes, ALL_UNITS));
}

/** What a report says in one line, in Vietnamese amounts. */
export function reportSummary(file: string, doc: ResourcesDocument): string {
  const r = doc.report;
  const total = r.rows.find((x) => x.level === 'total');
  const money = total
    ? `kế hoạch ${formatTrieu(total.cells.planTotal.value ?? '0')} triệu đồng, đã phân bổ ${formatTrieu(total.cells.allocated.value ?? '0')}, ` +
      `đã giải ngân ${formatTrieu(total.cells.disbursed.value ?? '0')} triệu đồng${total.cells.rate.value ? ` = ${formatPercent(total.cells.rate.value)}% KH` : ''}`
    : 'no money in the ledger for this unit and year';
  return (
    `wrote ${file}: ${r.unitName} (${r.params.unit}), ${r.params.budgetYear}, ${vnDate(r.params.from)}-${vnDate(r.params.asOf)}: ${money}\n` +
    `  computed at log position ${doc.provenance.position} (Merkle tree of ${doc.provenance.treeSize} events, root ${doc.provenance.rootHash}; ` +
    `signed tree head of ${doc.provenance.treeHead.treeSize} events at ${doc.provenance.treeHead.timestamp})`
  );
}

export function formatVerification(file: string, v: ReportVerification): string {
  const lines = v.differences.map(formatDifference);
  lines.push(
    `${v.tree.matches ? '✓' : '✗'} the log up to position ${v.params.position}: Merkle tree of ${v.tree.log.treeSize} events, root ${v.tree.log.rootHash}` +
      (v.tree.matches ? ', as the file says' : `; the file says ${v.tree.file.treeSize} events, root ${v.tree.file.rootHash}`),
    `${v.treeHead.signed ? '✓' : '✗'} signed tree head of ${v.treeHead.head.treeSize} events: ${v.treeHead.signed ? "signed by this ledger's key" : "its signature is not this ledger's"}` +
      `${v.treeHead.rootMatches ? ', and still the log’s root' : ', but the log no longer has that root at that size'}${v.treeHead.coversPosition ? '' : ', and it does not cover the position'}`,
    v.ok
      ? `${file}: verified: ${v.cellsCompared} cells recomputed from the log at position ${v.params.position}, none differs`
      : `${file}: NOT verified: ${v.differences.length} of ${v.cellsCompared} cells differ from the log at position ${v.params.position}`,
  );
  return lines.join('\n');
}

const FORMAT_BY_EXTENSION = (file: string): ReportFormat | undefined => REPORT_FORMATS.find((f) => file.toLowerCase().endsWith(`.${f}`));

/** `ledger report resources …` and `ledger report verify FILE`. */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('Report tables computed from the log at one position, and the check of a filed report against the log');

  report
    .command('resources')
    .description('Kết quả phân bổ, sử dụng nguồn lực: the report table of the 6-month and annual monitoring reports (XLSX, CSV, JSON or a Word draft)')
    .requiredOption('--unit <code>', 'unit code: a province, district or commune, with everything under it')
    .requiredOption('--year <year>', 'budget year')
    .option('--programme <code>', 'programme (default: the one running that year)')
    .option('--from <YYYY-MM-DD>', 'first day of the period (default 1 January)')
    .option('--as-of <YYYY-MM-DD>', 'the day the figures are as of, the end of the period (default 31 December)')
    .option('--known-at <date|instant>', 'count only what had been recorded by then')
    .option('--position <n>', 'log position to compute at (default: the head of the log)')
    .option('--amount-unit <trieu|dong>', 'amounts in triệu đồng or đồng (XLSX, CSV)', 'trieu')
    .option('--format <xlsx|csv|json|docx>', 'output format (default: from the file name, else xlsx)')
    .option('-o, --out <file>', 'where to write it (default: a name from the parameters)')
    .action(async (o: { unit: string; year: string; programme?: string; from?: string; asOf?: string; knownAt?: string; position?: string; amountUnit: string; format?: string; out?: string }) => {
      const format = (o.format ?? (o.out ? FORMAT_BY_EXTENSION(o.out) : undefined) ?? 'xlsx') as ReportFormat;
      if (!REPORT_FORMATS.includes(format)) throw new Error(`--format must be one of ${REPORT_FORMATS.join(', ')}, not "${o.format}"`);
      const { file, doc } = await runReport(
        loadConfig(),
        { unit: o.unit, budgetYear: o.year, programme: o.programme, from: o.from, asOf: o.asOf, knownAt: o.knownAt, position: o.position, amountUnit: o.amountUnit },
        format,
        o.out,
      );
      console.log(reportSummary(file, doc));
    });

  report
    .command('iati')
    .description('IATI 2.03 activity XML of a unit’s programme activities in a budget year (budgets, commitments, disbursements, results)')
    .requiredOption('--unit <code>', 'unit code')
    .requiredOption('--year <year>', 'budget year')
    .option('--programme <code>', 'programme (default: the one running that year)')
    .option('--as-of <YYYY-MM-DD>', 'figures as of this day (default 31 December)')
    .option('--known-at <date|instant>', 'count only what had been recorded by then')
    .option('--position <n>', 'log position to compute at (default: the head of the log)')
    .option('-o, --out <file>', 'where to write it', undefined)
    .action(async (o: { unit: string; year: string; programme?: string; asOf?: string; knownAt?: string; position?: string; out?: string }) => {
      const { params, xml } = await withReports(loadConfig(), (reports) =>
        reports.iati({ unit: o.unit, budgetYear: o.year, programme: o.programme, asOf: o.asOf, knownAt: o.knownAt, position: o.position }, ALL_UNITS),
      );
      const file = o.out ?? `iati-${params.unit}-${params.budgetYear}-vt${params.position}.xml`;
      writeFileSync(file, xml);
      console.log(`wrote ${file}: IATI ${params.unit} ${params.budgetYear}, as of ${vnDate(params.asOf)}, log position ${params.position}`);
    });

  report
    .command('verify <file>')
    .description('recompute every cell of a filed report (XLSX, CSV or JSON) from the log at the report’s position; name each cell that differs')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const result = await runReportVerify(loadConfig(), file);
      console.log(o.json ? JSON.stringify(result, null, 2) : formatVerification(file, result));
      if (!result.ok) process.exitCode = 1;
    });
}
