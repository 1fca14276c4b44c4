import type { Command } from 'commander';
import { dmy, vietnamDate } from '../../projections/red-flags/red-flags.fold';
import type { RedFlagView } from '../../projections/red-flags/red-flags.queries';
import { RULE_CODES, RuleCode } from '../../projections/red-flags/rules';
import { Catalogue } from '../catalogue/catalogue';
import type { LedgerConfig } from '../config/ledger-config';
import { loadConfig } from '../config/ledger-config';
import { formatVnd } from '../money/money';
import { calendarDateProblem } from '../shared/validation/validators';
import { createEventStore } from '../store/create-event-store';
import { redFlagRulesOf } from './context';
import { MAX_PAGE_SIZE } from './read-model-queries';
import { openProjections } from './standalone';

export interface RedFlagsOptions {
  readonly unit?: string;
  readonly from?: string;
  readonly to?: string;
  readonly rule?: readonly RuleCode[];
  readonly reviewed?: boolean;
  /** Default: today in Vietnam. */
  readonly asOf?: string;
}

export interface RedFlagsReport {
  readonly position: number;
  readonly asOf: string;
  readonly totalRows: number;
  readonly byRule: Readonly<Record<string, number>>;
  readonly rows: readonly RedFlagView[];
}

/**
 * `ledger red-flags`: the red flags of the read models, brought up to the head of the log first (the read-model
 * file is shared with a running server, which follows the same generation).
 */
export async function runRedFlags(config: LedgerConfig, options: RedFlagsOptions = {}): Promise<RedFlagsReport> {
  const store = await createEventStore(config);
  const projections = openProjections(store, config.readModelLocation, Catalogue.load(config.catalogueDir), {}, redFlagRulesOf(config));
  try {
    projections.runner.start();
    await projections.runner.catchUp();
    const asOf = options.asOf ?? vietnamDate(new Date().toISOString());
    const rows: RedFlagView[] = [];
    for (let page = 1; ; page++) {
      const result = await projections.readQueries.redFlags({ ...options, asOf, page, pageSize: MAX_PAGE_SIZE });
      rows.push(...result.rows);
      if (rows.length >= result.totalRows || result.rows.length === 0) return { position: result.position, asOf, totalRows: result.totalRows, byRule: result.byRule, rows };
    }
  } finally {
    await projections.close();
    await store.close();
  }
}

/** The report as text: one block per flag, its evidence (at most five lines), and whether it was reviewed. */
export function formatRedFlags(report: RedFlagsReport): string {
  const reviewed = report.rows.filter((r) => r.review !== null).length;
  const counts = Object.entries(report.byRule).filter(([, n]) => n > 0);
  const out = [
    `Red flags as of ${dmy(report.asOf)} (log position ${report.position}): ${report.totalRows} flag${report.totalRows === 1 ? '' : 's'}, ${reviewed} reviewed`,
  ];
  if (counts.length > 0) out.push(`By rule: ${counts.map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  for (const f of report.rows) {
    const period = f.period.from === f.period.to ? dmy(f.period.from) : `${dmy(f.period.from)} – ${dmy(f.period.to)}`;
    out.push(
      '',
      `${f.review ? '✓' : '✗'} ${f.id}  ${f.title.vi} / ${f.title.en}`,
      `    ${f.subject}`,
      `    unit ${f.unit || '(several provinces)'} · ${period}${f.amount !== null ? ` · ${formatVnd(f.amount)}` : ''} · ${f.evidenceCount} evidence event${f.evidenceCount === 1 ? '' : 's'}${f.computed ? ' · computed for the day asked' : ''}`,
    );
    for (const e of f.evidence.slice(0, 5)) {
      const basis = e.decision ? `QĐ ${e.decision.number} (${e.decision.issuer}, ${dmy(e.decision.date)})` : e.basis?.number ? `${e.basis.kind} ${e.basis.number}` : (e.figure ? `${e.figure.documentId} ${e.figure.section}` : '');
      out.push(
        `    ${e.role === 'subject' ? '•' : '◦'} #${e.position} ${e.type}${e.effectiveDate ? ` ${dmy(e.effectiveDate)}` : ''}${e.amount ? ` ${formatVnd(e.amount)}` : e.figure?.amount ? ` ${formatVnd(e.figure.amount)}` : ''}${basis ? ` · ${basis}` : ''}${e.activityId ? ` · ${e.activityId}` : ''}`,
      );
    }
    if (f.evidence.length > 5 || f.evidenceCount > f.evidence.length) out.push(`    … ${f.evidenceCount - Math.min(5, f.evidence.length)} more: GET /red-flags/${f.id}`);
    if (f.review) {
      const r = f.review.last;
      out.push(`    reviewed ${dmy(vietnamDate(r.recordedAt))} by ${r.by.id} (${r.by.role}): ${r.note}${f.review.newEvidence ? ' — new evidence since' : ''}`);
    }
  }
  return out.join('\n');
}

function dateOption(name: string) {
  return (v: string) => {
    const problem = calendarDateProblem(v);
    if (problem) throw new Error(`--${name}: ${problem}`);
    return v;
  };
}

/** `ledger red-flags [--unit U] [--from D] [--to D] [--rule R,...] [--reviewed | --not-reviewed] [--as-of D] [--json]`. */
export function registerRedFlagCommands(program: Command): void {
  program
    .command('red-flags')
    .description('Red flags for inspectors: patterns in the log (rules and thresholds: projections/red-flags/rules.json or LEDGER_RED_FLAG_RULES)')
    .option('--unit <code>', 'a province, district or commune: its flags and those of every unit under it')
    .option('--from <date>', 'flags whose evidence takes effect on or after this day (YYYY-MM-DD)', dateOption('from'))
    .option('--to <date>', 'flags whose evidence takes effect on or before this day (YYYY-MM-DD)', dateOption('to'))
    .option('--rule <rules>', `comma-separated: ${RULE_CODES.join(', ')}`, (v: string) => {
      const rules = v.split(',').map((r) => r.trim()).filter(Boolean);
      const unknown = rules.filter((r) => !(RULE_CODES as readonly string[]).includes(r));
      if (unknown.length > 0) throw new Error(`--rule: unknown rule ${unknown.join(', ')}; rules: ${RULE_CODES.join(', ')}`);
      return rules as RuleCode[];
    })
    .option('--reviewed', 'only flags an inspector has reviewed')
    .option('--not-reviewed', 'only flags not yet reviewed')
    .option('--as-of <date>', 'the day carried-over money past its deadline is judged on (default today)', dateOption('as-of'))
    .option('--json', 'the report as JSON')
    .action(async (opts: { unit?: string; from?: string; to?: string; rule?: RuleCode[]; reviewed?: boolean; notReviewed?: boolean; asOf?: string; json?: boolean }) => {
      if (opts.reviewed && opts.notReviewed) throw new Error('give --reviewed or --not-reviewed, not both');
      const report = await runRedFlags(loadConfig(), {
        unit: opts.unit,
        from: opts.from,
        to: opts.to,
        rule: opts.rule,
        reviewed: opts.reviewed ? true : opts.notReviewed ? false : undefined,
        asOf: opts.asOf,
      });
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatRedFlags(report));
    });
}
