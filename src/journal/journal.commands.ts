import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { Catalogue } from '../catalogue/catalogue';
import { principalOfUser } from '../identity/bootstrap';
import { requireRight } from '../identity/rights';
import { LedgerConfig, loadConfig } from '../config/ledger-config';
import { formatNumberVi, formatVnd } from '../money/money';
import { Progress, progress } from '../shared/progress';
import { openCheckedLedger } from '../audit/start-check';
import { createEventStore } from '../store/create-event-store';
import type { EventStore } from '../store/event-store.port';
import { ImportOutcome, ImportProgress, INVALID_JOURNAL, JournalImporter, problemAt } from './journal.importer';
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

export interface ImportOptions {
  /** On this machine's store: import in the name of this user, with their grants (the console holds the files). */
  readonly as?: string;
  /** Or through a running ledger: its URL, and the user's session or API token (LEDGER_TOKEN). */
  readonly server?: string;
  readonly token?: string;
  readonly dryRun?: boolean;
  readonly onProgress?: (file: string, p: ImportProgress) => void;
}

/**
 * `ledger import`: each file in turn; a rejected file stores nothing, and the files after it are still tried. Either
 * straight into the configured store in the name of a user (`--as`), whose grants must cover every entry's unit, or
 * through a ledger server (`--server`, with a token), which authorises the token's user the same way.
 */
export async function runImport(config: LedgerConfig, files: readonly string[], options: ImportOptions): Promise<ImportRun[]> {
  const texts = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  if (options.server) return importThroughServer(options.server, options.token, texts, options.dryRun ?? false);
  if (!options.as) throw new Error('say who imports: --as <user id> (on this machine), or --server <url> with LEDGER_TOKEN');
  const userId = options.as;
  return withStore(config, async (store) => {
    const importer = new JournalImporter(store, Catalogue.load(config.catalogueDir), config.journalLimitMb * 1024 * 1024);
    const principal = await principalOfUser(store, userId);
    requireRight(principal, 'import');
    const runs: ImportRun[] = [];
    for (const { file, text } of texts) {
      const outcome = await importer.importText(text, {
        principal,
        now: new Date().toISOString(),
        dryRun: options.dryRun,
        onProgress: (p) => options.onProgress?.(file, p),
      });
      runs.push({ file, outcome });
    }
    return runs;
  }, { write: !options.dryRun });
}

/** Posts each journal to a ledger's POST /journal/import with the token; its answer is the outcome. */
async function importThroughServer(server: string, token: string | undefined, texts: { file: string; text: string }[], dryRun: boolean): Promise<ImportRun[]> {
  if (!token) throw new Error('--server needs a token: set LEDGER_TOKEN to a session token (POST /auth/login) or an API token');
  const runs: ImportRun[] = [];
  for (const { file, text } of texts) {
    const res = await fetch(`${server.replace(/\/+$/, '')}/journal/import${dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': file.endsWith('.json') ? 'application/json' : 'application/yaml' },
      body: text,
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.ok) {
      runs.push({ file, outcome: body as unknown as ImportOutcome });
      continue;
    }
    const problems = (body.problems as { field: string; problem: string; code?: string }[] | undefined) ?? [{ field: '', problem: String(body.message) }];
    runs.push({
      file,
      outcome: { status: 'rejected', journal: '', digest: '', entries: 0, code: String(body.error), problems: problems.map((p) => ({ field: p.field, problem: p.problem, ...(p.code ? { code: p.code } : {}) })) },
    });
  }
  return runs;
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
        ...o.problems.map((p) => `  ${problemAt(p)}: ${p.code ? `${p.code}: ` : ''}${p.problem}`),
      ].join('\n');
  }
}

/** A difference as people read it: đồng in Vietnamese notation, quantities and rates with "," before decimals. */
function showDifference(f: Finding): string {
  if (f.difference === undefined) return '';
  return f.unit === 'đồng' ? formatVnd(f.difference) : `${formatNumberVi(f.difference)} ${f.unit ?? ''}`.trim();
}

function findingLine(f: Finding): string[] {
  const head = `  ${f.explained ? '✓' : f.severity === 'error' ? '✗' : '≈'} ${f.kind.padEnd(28)} ${f.section ?? f.line ?? ''}${f.assertionId ? `  [${f.assertionId}]` : ''}`;
  const lines = [head, `      ${f.message}`];
  if (f.hint) lines.push(`      hint: ${f.hint}`);
  if (f.quote) lines.push(`      « ${f.quote} »`);
  for (const x of f.explanations ?? []) {
    const basis = x.basis.kind === 'decision' ? `${x.basis.number} ngày ${x.basis.date}` : `${x.basis.kind === 'document' ? x.basis.title : x.basis.number} (${x.basis.date})`;
    lines.push(`      explained by ${x.recordedBy.id} (${x.recordedBy.role}) at ${x.recordedAt}, ${basis}: ${x.explanation}`);
  }
  lines.push(`      id: ${f.id}`);
  return lines;
}

/** The report as text: findings grouped by document, errors first, then the differences within rounding. */
export function formatReport(report: ReconciliationReport & { treeHead?: HeadedReport['treeHead'] }, options: { rounding?: boolean } = {}): string {
  const errors = report.findings.filter((f) => f.severity === 'error');
  const rounding = report.findings.filter((f) => f.severity === 'rounding');
  const explained = errors.filter((f) => f.explained).length;
  const out: string[] = [
    `Reconciliation of the log up to position ${report.position}: ${report.assertions} stated figures, ${report.checks} checks, ` +
      `${report.holding} hold; ${errors.length} finding${errors.length === 1 ? '' : 's'}${explained > 0 ? ` (${explained} explained)` : ''}` +
      `${rounding.length > 0 ? ` and ${rounding.length} difference${rounding.length === 1 ? '' : 's'} within the precision written` : ''}` +
      `${report.notChecked.length > 0 ? `; ${report.notChecked.length} not checked against the ledger` : ''}.`,
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
    else for (const f of rounding) out.push(`  ≈ ${f.kind} ${f.document?.id ?? ''} ${f.section ?? ''} [${f.assertionId ?? ''}]: ${showDifference(f)}`);
  }
  if (report.notChecked.length > 0) {
    out.push('', `Not checked against the ledger (${report.notChecked.length}): the ledger cannot compare them; each is still checked against its own document.`);
    for (const n of report.notChecked) out.push(`  – ${n.document.id} ${n.section} [${n.assertionId}]: ${n.reason}`);
  }
  const kinds = Object.entries(report.counts).filter(([, n]) => n > 0);
  if (kinds.length > 0) out.push('', `By kind: ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  return out.join('\n');
}

/** Progress of an import on stderr, file by file: entries decided, then events stored (src/shared/progress.ts). */
function importProgress(): { update: (file: string, p: ImportProgress) => void; done: () => void } {
  let current: { file: string; phase: ImportProgress['phase']; shown: Progress } | null = null;
  const done = () => {
    current?.shown.finish();
    current = null;
  };
  return {
    update: (file, p) => {
      if (current?.file !== file || current.phase !== p.phase) {
        done();
        current = { file, phase: p.phase, shown: progress(`${file}: ${p.phase === 'deciding' ? 'deciding' : 'storing'}`, { unit: p.phase === 'deciding' ? 'entries' : 'events' }) };
      }
      current.shown.update(p.done, p.total);
    },
    done,
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
    .option('--as <user>', "on this machine's store: import in the name of this user, with their grants")
    .option('--server <url>', 'through a running ledger (e.g. https://ledger.example): the token in LEDGER_TOKEN')
    .option('--dry-run', 'validate every entry and store nothing')
    .option('--json', 'print the outcomes as JSON')
    .action(async (files: string[], opts: { as?: string; server?: string; dryRun?: boolean; json?: boolean }) => {
      const bar = importProgress();
      const runs = await runImport(opts.server ? ({} as LedgerConfig) : loadConfig(), files, {
        ...opts,
        token: process.env.LEDGER_TOKEN,
        onProgress: (file, p) => bar.update(file, p),
      });
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
