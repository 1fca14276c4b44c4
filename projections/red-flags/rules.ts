import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Money } from '../../events';
import { D, amountProblem } from '../../src/money/money';
import type { FieldProblem } from '../../src/shared/errors';
import { stableStringify } from '../../src/shared/stable-json';
import { type Cents, toCents } from '../shared/cents';
// Imported (not only read from disk) so that the build copies it beside the compiled module.
import BUILT_IN_JSON from './rules.json';

/**
 * The red-flag rules and their thresholds are data: one JSON file (rules.json beside this module by default,
 * LEDGER_RED_FLAG_RULES to use another), each rule with its title and description in Vietnamese and English.
 * It is part of what the red flags are folded with: its content is in the read model's fingerprint, so a
 * changed threshold rebuilds the flags from the log instead of silently applying to new events only.
 */

export const RULE_CODES = [
  'reclassified-after-disbursement',
  'reclassified-at-year-end',
  'backdated',
  'recorded-after-stated-figure',
  'split-below-threshold',
  'carried-disbursed-after-deadline',
  'carried-unspent-after-deadline',
  'duplicate-voucher',
  'decision-after-effect',
  'disbursed-without-allocation',
  'reclassified-repeatedly',
  'reversal-rate-outlier',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export interface Text {
  readonly vi: string;
  readonly en: string;
}

export interface Threshold {
  readonly amount: Money;
  readonly label: Text;
}

/** A threshold as the fold compares amounts: [lower, amount) in cents is "just under" it. */
export interface ThresholdBand {
  readonly amount: Cents;
  readonly lower: Cents;
  readonly label: Text;
}

/** The parameters of each rule, as the file writes them. */
export interface ParamsOf {
  'reclassified-after-disbursement': Record<string, never>;
  'reclassified-at-year-end': { readonly days: number };
  backdated: { readonly days: number };
  'recorded-after-stated-figure': Record<string, never>;
  'split-below-threshold': { readonly thresholds: readonly Threshold[]; readonly band: string; readonly windowDays: number; readonly minCount: number };
  'carried-disbursed-after-deadline': Record<string, never>;
  'carried-unspent-after-deadline': { readonly graceDays: number };
  'duplicate-voucher': Record<string, never>;
  'decision-after-effect': { readonly days: number };
  'disbursed-without-allocation': Record<string, never>;
  'reclassified-repeatedly': { readonly maxReclassifications: number };
  'reversal-rate-outlier': { readonly minDisbursements: number; readonly minReversals: number; readonly minPeers: number; readonly threshold: string };
}

export interface RuleDefinition<R extends RuleCode = RuleCode> {
  readonly rule: R;
  readonly enabled: boolean;
  readonly title: Text;
  readonly description: Text;
  readonly params: ParamsOf[R];
}

/** The rules file, checked: every rule once, in the file's order. */
export class RedFlagRules {
  private readonly byCode: ReadonlyMap<RuleCode, RuleDefinition>;
  /** The split rule's thresholds with their lower bounds in cents (empty when the rule is off). */
  readonly bands: readonly ThresholdBand[];

  constructor(
    readonly definitions: readonly RuleDefinition[],
    /** Where the rules came from (a file path, or "built-in"). */
    readonly source: string,
  ) {
    this.byCode = new Map(definitions.map((d) => [d.rule, d]));
    const split = this.active('split-below-threshold');
    this.bands = split
      ? split.params.thresholds.map((t) => {
          const amount = new D(t.amount);
          // The lower bound rounds up to a whole cent: an amount below it is never "just under".
          const lower = amount.times(new D(1).minus(split.params.band)).toDecimalPlaces(2, D.ROUND_UP);
          return { amount: toCents(t.amount), lower: toCents(lower.toFixed()), label: t.label };
        })
      : [];
  }

  /** The rule's definition when it is enabled, else null. */
  active<R extends RuleCode>(rule: R): RuleDefinition<R> | null {
    const d = this.byCode.get(rule) as RuleDefinition<R> | undefined;
    return d && d.enabled ? d : null;
  }

  definition<R extends RuleCode>(rule: R): RuleDefinition<R> {
    return this.byCode.get(rule) as RuleDefinition<R>;
  }

  /** Identifies the rules: what the folds fold with. Part of the read model's fingerprint. */
  get fingerprint(): string {
    return stableStringify(this.definitions);
  }

  /** A description with its parameters in place: "{days}" → "30"; a band "0.1" reads "10 %". */
  static describe(d: RuleDefinition, lang: keyof Text): string {
    const params = d.params as Readonly<Record<string, unknown>>;
    return d.description[lang].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = params[name];
      if (name === 'band' && typeof v === 'string') return `${new D(v).times(100).toFixed()} %`;
      return v === undefined ? whole : String(v);
    });
  }
}

export const BUILT_IN_RULES_FILE = join(__dirname, 'rules.json');

/** Reads and checks a rules file; a bad file is refused with the file, the field and why. */
export function loadRedFlagRules(file: string = BUILT_IN_RULES_FILE): RedFlagRules {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`red-flag rules file ${file} cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`red-flag rules file ${file} is not JSON: ${(error as Error).message}`);
  }
  return parseRedFlagRules(json, file);
}

let builtIn: RedFlagRules | undefined;

/** The rules shipped with the ledger (rules.json beside this module), checked once. */
export function builtInRedFlagRules(): RedFlagRules {
  builtIn ??= parseRedFlagRules(BUILT_IN_JSON, BUILT_IN_RULES_FILE);
  return builtIn;
}

type Check = (value: unknown, field: string, problems: FieldProblem[]) => unknown;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const wholeNumber =
  (min: number): Check =>
  (v, field, problems) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) problems.push({ field, problem: `must be a whole number, ${min} or more` });
    return v;
  };

const fraction: Check = (v, field, problems) => {
  if (typeof v !== 'string' || !/^0\.\d+$/.test(v) || new D(v).isZero()) {
    problems.push({ field, problem: 'must be a decimal string between 0 and 1, e.g. "0.1" for 10 %' });
  }
  return v;
};

const positiveDecimal: Check = (v, field, problems) => {
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v) || new D(v).isZero()) problems.push({ field, problem: 'must be a positive decimal string, e.g. "3.5"' });
  return v;
};

function text(v: unknown, field: string, problems: FieldProblem[]): Text {
  if (!isObject(v) || typeof v.vi !== 'string' || typeof v.en !== 'string' || !v.vi.trim() || !v.en.trim()) {
    problems.push({ field, problem: 'must be { "vi": "...", "en": "..." }, both non-empty' });
  } else {
    const extra = Object.keys(v).filter((k) => k !== 'vi' && k !== 'en');
    if (extra.length > 0) problems.push({ field, problem: `unknown keys ${extra.join(', ')}; only vi and en` });
  }
  return v as Text;
}

const thresholds: Check = (v, field, problems) => {
  if (!Array.isArray(v) || v.length === 0) {
    problems.push({ field, problem: 'must be a non-empty list of { "amount": "<đồng>", "label": { "vi", "en" } }' });
    return v;
  }
  v.forEach((t, i) => {
    if (!isObject(t)) return problems.push({ field: `${field}[${i}]`, problem: 'must be { "amount", "label" }' });
    const problem = amountProblem(t.amount);
    if (problem) problems.push({ field: `${field}[${i}].amount`, problem });
    text(t.label, `${field}[${i}].label`, problems);
  });
  return v;
};

/** Each rule's parameters and how each is checked. */
const PARAMS: { readonly [R in RuleCode]: Readonly<Record<keyof ParamsOf[R] & string, Check>> } = {
  'reclassified-after-disbursement': {},
  'reclassified-at-year-end': { days: wholeNumber(1) },
  backdated: { days: wholeNumber(0) },
  'recorded-after-stated-figure': {},
  'split-below-threshold': { thresholds, band: fraction, windowDays: wholeNumber(0), minCount: wholeNumber(2) },
  'carried-disbursed-after-deadline': {},
  'carried-unspent-after-deadline': { graceDays: wholeNumber(0) },
  'duplicate-voucher': {},
  'decision-after-effect': { days: wholeNumber(0) },
  'disbursed-without-allocation': {},
  'reclassified-repeatedly': { maxReclassifications: wholeNumber(1) },
  'reversal-rate-outlier': { minDisbursements: wholeNumber(1), minReversals: wholeNumber(1), minPeers: wholeNumber(2), threshold: positiveDecimal },
};

/** Checks a parsed rules file: every rule of RULE_CODES exactly once, each parameter of the right kind. */
export function parseRedFlagRules(json: unknown, source: string): RedFlagRules {
  const problems: FieldProblem[] = [];
  const definitions: RuleDefinition[] = [];
  if (!isObject(json)) {
    problems.push({ field: '(file)', problem: 'must be an object { "version": 1, "rules": [...] }' });
  } else {
    if (json.version !== 1) problems.push({ field: 'version', problem: 'must be 1' });
    const extra = Object.keys(json).filter((k) => !['version', 'note', 'rules'].includes(k));
    if (extra.length > 0) problems.push({ field: '(file)', problem: `unknown keys ${extra.join(', ')}; allowed: version, note, rules` });
    if (!Array.isArray(json.rules)) {
      problems.push({ field: 'rules', problem: 'must be a list of rules' });
    } else {
      const seen = new Set<string>();
      json.rules.forEach((r, i) => {
        const at = `rules[${i}]`;
        if (!isObject(r)) return problems.push({ field: at, problem: 'must be { "rule", "enabled", "title", "description", "params" }' });
        const code = r.rule as RuleCode;
        if (!(RULE_CODES as readonly unknown[]).includes(code)) {
          return problems.push({ field: `${at}.rule`, problem: `unknown rule ${JSON.stringify(r.rule)}; rules: ${RULE_CODES.join(', ')}` });
        }
        if (seen.has(code)) problems.push({ field: `${at}.rule`, problem: `rule ${code} is listed twice` });
        seen.add(code);
        const extraKeys = Object.keys(r).filter((k) => !['rule', 'enabled', 'title', 'description', 'params'].includes(k));
        if (extraKeys.length > 0) problems.push({ field: at, problem: `unknown keys ${extraKeys.join(', ')}` });
        if (typeof r.enabled !== 'boolean') problems.push({ field: `${at}.enabled`, problem: 'must be true or false' });
        text(r.title, `${at}.title`, problems);
        text(r.description, `${at}.description`, problems);
        const spec = PARAMS[code] as Readonly<Record<string, Check>>;
        const params = r.params === undefined ? {} : r.params;
        if (!isObject(params)) {
          problems.push({ field: `${at}.params`, problem: 'must be an object' });
        } else {
          for (const [name, check] of Object.entries(spec)) check(params[name], `${at}.params.${name}`, problems);
          const unknown = Object.keys(params).filter((k) => !(k in spec));
          if (unknown.length > 0) {
            const known = Object.keys(spec);
            problems.push({ field: `${at}.params`, problem: `unknown parameters ${unknown.join(', ')}; ${code} takes ${known.length ? known.join(', ') : 'none'}` });
          }
        }
        definitions.push({ rule: code, enabled: r.enabled as boolean, title: r.title as Text, description: r.description as Text, params: params as never });
      });
      const missing = RULE_CODES.filter((c) => !seen.has(c));
      if (missing.length > 0) problems.push({ field: 'rules', problem: `every rule must be listed (set "enabled": false to turn one off); missing: ${missing.join(', ')}` });
    }
  }
  if (problems.length > 0) {
    throw new Error(`red-flag rules file ${source} is invalid: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`);
  }
  return new RedFlagRules(definitions, source);
}
