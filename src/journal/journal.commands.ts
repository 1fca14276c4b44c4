import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ACTOR_ID, WRITER_ROLES } from '../actor/actor.guard';
import { Catalogue } from '../catalogue/catalogue';
import { LedgerConfig, loadConfig } from '../config/ledger-config';
import { formatVnd } from '../money/money';
import { openCheckedLedger } from '../audit/start-check';
import { createEventStore } from '../store/create-event-store';
import type { EventStore } from '../store/event-store.port';
import { ImportOutcome, ImportProgress, INVALID_JOURNAL, JournalImporter, problemPlace } from './journal.importer';
import { Finding, ReconcileFilter, ReconciliationReport } from './reconciliation';
import { HeadedReport, reconcileStore } from './journal.service';

/** Opens the store to read, or (`write`) as a writer of the ledger, checked as the server checks it at start. */
async function withStore<T>(config: LedgerConfig, work: (store: EventStore) => Promise<T>, options: { write?: boolean } = {}): Promise<T> {
  const store = options.write
    ? (await openCheckedLedger(config, { warn: (m) => console.error(`warning: ${m}`), error: (m) => console.error(m) })).store
    : await createEventStore(config);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export interface ImportRun {
  readonly file: string;
  readonly outcome: ImportOutcome;
}

/** `ledger import`: each file in turn; a rejected file stores nothing, and the files after it are still tried. */
export async function runImport(
  config: LedgerConfig,
  files: readonly string[],
  options: { actor: string; role: string; dryRun?: boolean; onProgress?: (file: string, p: ImportProgress) => void },
): Promise<ImportRun[]> {
  if (!ACTOR_ID.test(options.actor)) throw new Error('--actor must be 1-100 letters, digits or . _ @ : -');
  if (!(WRITER_ROLES as readonly string[]).includes(options.role)) {
    throw new Error(`--role must be a role that records events: ${WRITER_ROLES.join(', ')}`);
  }
  const texts = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  return withStore(config, async (store) => {
    const importer = new JournalImporter(store, Catalogue.load(config.catalogueDir));
    const runs: ImportRun[] = [];
    for (const { file, text } of texts) {
      const outcome = await importer.importText(text, {
        actor: { id: options.actor, role: options.role },
        now: new Date().toISOString(),
        dryRun: options.dryRun,
        onProgress: (p) => options.onProgress?.(file, p),
      });
      runs.push({ file, outcome });
    }
    return runs;
  }, { write: !options.dryRun });
}

/** `ledger check`: the reconciliation of the whole log. */
export function runCheck(config: LedgerConfig, filter: ReconcileFilter = {}): Promise<HeadedReport> {
  return withStore(config, (store) => reconcileStore(store, Catalogue.load(config.catalogueDir), filter));
}

export function formatOutcome(run: ImportRun): string {
  const o = run.outcome;
  switch (o.status) {
    case 'imported':
      return `${run.file}: imported ${o.entries} entries as ${o.events} events (positions ${o.firstPosition}-${o.lastPosition})`;
    case 'already-imported':
      return `${run.file}: already imported at positions ${o.firstPosition}-${o.lastPosition} (${o.events} events); nothing stored`;
    case 'valid':
      return `${run.file}: valid: ${o.entries} entries would be stored as ${o.events} events (dry run, nothing stored)`;
    case 'rejected':
      return [
        `${run.file}: ${o.code === INVALID_JOURNAL ? 'rejected' : 'refused by a business rule'} (${o.code}), nothing stored: ${o.problems.length} problem${o.problems.length === 1 ? '' : 's'}`,
        ...o.problems.map((p) => `  ${problemPlace(p)}: ${p.code ? `${p.code}: ` : ''}${p.problem}`),
      ].join('\n');
  }
}

function findingLine(f: Finding): string[] {
  const head = `  ${f.severity === 'error' ? '✗' : '≈'} ${f.kind.padEnd(28)} ${f.section ?? f.line ?? ''}${f.assertionId ? `  [${f.assertionId}]` : ''}`;
  const lines = [head, `      ${f.message}`];
  if (f.hint) lines.push(`      hint: ${f.hint}`);
  if (f.quote) lines.push(`      « ${f.quote} »`);
  return lines;
}

/** The report as text: findings grouped by document, errors first, then the differences within rounding. */
export function formatReport(report: ReconciliationReport & { treeHead?: HeadedReport['treeHead'] }, options: { rounding?: boolean } = {}): string {
  const errors = report.findings.filter((f) => f.severity === 'error');
  const rounding = report.findings.filter((f) => f.severity === 'rounding');
  const out: string[] = [
    `Reconciliation of the log up to position ${report.position}: ${report.assertions} stated figures, ${report.checks} checks, ` +
      `${report.holding} hold; ${errors.length} finding${errors.length === 1 ? '' : 's'}` +
      `${rounding.length > 0 ? ` and ${rounding.length} difference${rounding.length === 1 ? '' : 's'} within the precision written` : ''}.`,
  ];
  if (report.treeHead) {
    const h = report.treeHead;
    out.push(`Made at the signed tree head of ${h.treeSize} events, root ${h.rootHash}, signed ${h.timestamp}.`);
  }
  const byDocument = new Map<string, Finding[]>();
  for (const f of errors) {
    const k = f.document ? `${f.document.id} — ${f.document.title}` : 'The ledger';
    byDocument.set(k, [...(byDocument.get(k) ?? []), f]);
  }
  for (const [doc, list] of byDocument) {
    out.push('', doc);
    for (const f of list) out.push(...findingLine(f));
  }
  if (rounding.length > 0) {
    out.push('', `Within the precision the figures are written with (${rounding.length}):`);
    if (options.rounding) for (const f of rounding) out.push(...findingLine(f));
    else for (const f of rounding) out.push(`  ≈ ${f.kind} ${f.document?.id ?? ''} ${f.section ?? ''} [${f.assertionId ?? ''}]: ${f.difference !== undefined && f.unit === 'đồng' ? formatVnd(f.difference) : `${f.difference ?? ''} ${f.unit ?? ''}`}`);
  }
  const kinds = Object.entries(report.counts).filter(([, n]) => n > 0);
  if (kinds.length > 0) out.push('', `By kind: ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  return out.join('\n');
}

/** A one-line progress bar on stderr, when stderr is a terminal. */
function progressBar(stream: NodeJS.WriteStream = process.stderr): { update: (file: string, p: ImportProgress) => void; done: () => void } {
  let last = 0;
  let shown = false;
  return {
    update: (file, p) => {
      if (!stream.isTTY || p.total === 0) return;
      const now = Date.now();
      if (p.done !== p.total && now - last < 50) return;
      last = now;
      const width = 30;
      const filled = Math.round((p.done / p.total) * width);
      const label = p.phase === 'deciding' ? 'entries' : 'events stored';
      stream.write(`\r\x1b[2K${file} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${label}   `);
      shown = true;
    },
    done: () => {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

/** Adds `ledger import FILE...` and `ledger check`. */
export function registerJournalCommands(program: Command): void {
  program
    .command('import')
    .description(
      'import journal files (YAML or JSON; see demo/README.md): each file is validated whole, every problem listed with its entry, ' +
        'then stored in one atomic append or not at all; importing the same file again stores nothing',
    )
    .argument('<files...>', 'journal files, imported in the order given')
    .option('--actor <id>', 'who records the events', 'importer')
    .option('--role <role>', `role of the actor (${WRITER_ROLES.join(', ')})`, 'importer')
    .option('--dry-run', 'validate every entry and store nothing')
    .option('--json', 'print the outcomes as JSON')
    .action(async (files: string[], opts: { actor: string; role: string; dryRun?: boolean; json?: boolean }) => {
      const bar = progressBar();
      const runs = await runImport(loadConfig(), files, { ...opts, onProgress: (file, p) => bar.update(file, p) });
      bar.done();
      console.log(opts.json ? JSON.stringify(runs, null, 2) : runs.map(formatOutcome).join('\n'));
      if (runs.some((r) => r.outcome.status === 'rejected')) process.exitCode = 1;
    });

  program
    .command('check')
    .description(
      'reconcile: stated figures that do not hold against the ledger, stated totals that are not the sum of their parts, ' +
        'stated rates that do not match their amounts, disbursements beyond allocation; each with its document and section',
    )
    .option('--document <id>', 'only the figures of this document')
    .option('--unit <code>', 'only figures about this unit and the units under it')
    .option('--rounding', 'also describe in full the differences within the precision written')
    .option('--json', 'print the report as JSON')
    .option('--fail-on-findings', 'exit with status 2 when there is a finding (for CI)')
    .action(async (opts: { document?: string; unit?: string; rounding?: boolean; json?: boolean; failOnFindings?: boolean }) => {
      const report = await runCheck(loadConfig(), { ...(opts.document ? { document: opts.document } : {}), ...(opts.unit ? { unit: opts.unit } : {}) });
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatReport(report, { rounding: opts.rounding }));
      if (opts.failOnFindings && report.findings.some((f) => f.severity === 'error')) process.exitCode = 2;
    });
}
