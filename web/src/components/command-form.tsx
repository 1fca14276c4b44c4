/**
 * What every recording form shares: sending a command with an idempotency key, showing the ledger's answer
 * (the position, or each refusal inline at its field and in Vietnamese), and the fields every command has:
 * amounts typed the Vietnamese way, dates as dd/mm/yyyy, the decision or voucher behind it.
 */
import { FormEvent, ReactNode, useCallback, useRef, useState } from 'react';
import { api, ApiError, CommandResult, FieldProblem } from '../api';
import { formatMoney, parseAmount, parseDate } from '../format';
import { hasKey, Translate, useI18n } from '../i18n';
import { href, Link } from '../router';
import { useMoney } from '../state';
import type { BalanceRow } from '../types';
import { Field, TextField } from './ui';

/** A random id without crypto.randomUUID, which browsers withhold from plain-HTTP pages on a LAN. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export type Outcome =
  | { readonly status: 'idle' }
  | { readonly status: 'saving' }
  | { readonly status: 'saved'; readonly result: CommandResult }
  | { readonly status: 'refused'; readonly error: ApiError };

/** What is wrong with a field, in the user's language: "“2024-02-30” không phải ngày có thật trên lịch". */
export function problemMessage(t: Translate, problem: FieldProblem): string {
  const p = problem.problem;
  let m: RegExpExecArray | null;
  if (/should not be empty|must not be empty/.test(p)) return t('problem.empty');
  if ((m = /^"([^"]*)" is not a real date/.exec(p))) return t('problem.notDate', { value: m[1] });
  if ((m = /^"([^"]*)" is not an exact amount/.exec(p))) return t('problem.amountFormat', { value: m[1] });
  if (/must be greater than 0/.test(p)) return t('problem.positive');
  if (/must be 1-100 characters of letters/.test(p)) return t('problem.idFormat');
  if ((m = /unknown [^"]*"([^"]*)"/.exec(p))) return `${t('problem.unknownCode', { value: m[1] })} (${p})`;
  if (/is required|should not be null or undefined|must be defined/.test(p)) return t('problem.required');
  return p;
}

/** The problem with its field named: "Ngày chứng từ: …". */
export function problemText(t: Translate, problem: FieldProblem): string {
  return `${fieldLabel(t, problem.field)}: ${problemMessage(t, problem)}`;
}

export function fieldLabel(t: Translate, field: string): string {
  const key = `field.${field}`;
  if (hasKey(key)) return t(key);
  const head = field.split(/[.[]/)[0];
  return hasKey(`field.${head}`) ? `${t(`field.${head}` as 'field.line')} (${field.slice(head.length + 1)})` : field;
}

/** A business refusal (409) in the user's language, from its code and details; the API's own sentence otherwise. */
export function refusalText(t: Translate, error: ApiError): string {
  const key = `error.${error.code}`;
  if (!hasKey(key)) return error.status === 0 ? t('error.network') : `${t('error.generic', { code: error.code })} ${error.message}`;
  const d = error.details;
  const line = d.line && typeof d.line === 'object' ? lineLabel(d.line as Record<string, unknown>) : '';
  const params: Record<string, string> = { line };
  for (const [k, v] of Object.entries(d)) if (typeof v === 'string' || typeof v === 'number') params[k] = String(v);
  for (const k of ['available', 'requested']) if (typeof d[k] === 'string') params[k] = formatMoney(d[k] as string, 'dong');
  return t(key, params);
}

/** DA5/NSTW/SN/2024@184, as the ledger labels lines (with the origin year when it differs). */
export function lineLabel(l: Record<string, unknown>): string {
  const comp = l.content ? `${String(l.component)}.${String(l.content)}` : String(l.component);
  const origin = l.originYear !== undefined && l.originYear !== l.budgetYear ? `(${String(l.originYear)})` : '';
  return `${comp}/${String(l.source)}/${String(l.capitalType)}/${String(l.budgetYear)}${origin}@${String(l.unit)}`;
}

/**
 * Sends commands. A retry of the very same body reuses its idempotency key (a lost answer never records twice);
 * any change makes a new command with a new key.
 */
export function useCommand() {
  const [outcome, setOutcome] = useState<Outcome>({ status: 'idle' });
  const last = useRef<{ body: string; key: string } | null>(null);
  const submit = useCallback(async (path: string, body: unknown): Promise<CommandResult | null> => {
    const text = JSON.stringify([path, body]);
    const key = last.current?.body === text ? last.current.key : randomId();
    last.current = { body: text, key };
    setOutcome({ status: 'saving' });
    try {
      const result = await api.post<CommandResult>(path, body, { 'Idempotency-Key': key });
      last.current = null;
      setOutcome({ status: 'saved', result });
      return result;
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(0, 'NETWORK', String(error), [], {}, null);
      // A refusal stored nothing: the next attempt is a new command.
      if (e.status !== 0) last.current = null;
      setOutcome({ status: 'refused', error: e });
      return null;
    }
  }, []);
  const reset = useCallback(() => setOutcome({ status: 'idle' }), []);
  const problems = outcome.status === 'refused' ? outcome.error.problems : [];
  return { outcome, submit, reset, problems };
}

/**
 * A refusal of one code with some of its details shown otherwise (catalogue codes by their names, decimal strings
 * the Vietnamese way): what refusalText puts in its sentence. Any other outcome as it is.
 */
export function withDetails(outcome: Outcome, code: string, shown: (details: Readonly<Record<string, unknown>>) => Record<string, unknown>): Outcome {
  if (outcome.status !== 'refused' || outcome.error.code !== code) return outcome;
  const e = outcome.error;
  return { status: 'refused', error: new ApiError(e.status, e.code, e.message, e.problems, { ...e.details, ...shown(e.details) }, e.body) };
}

/** Local checks (amount and date shapes) and the API's problems, by field path. */
export class FieldErrors {
  private readonly local = new Map<string, string>();
  constructor(
    private readonly t: Translate,
    private readonly api: readonly FieldProblem[],
  ) {}
  add(path: string, message: string): void {
    this.local.set(path, message);
  }
  get empty(): boolean {
    return this.local.size === 0;
  }
  /** Errors at this path or below it (line.budgetYear belongs to the line picker). */
  at(path: string): string | undefined {
    const mine = this.api.filter((p) => p.field === path || p.field.startsWith(`${path}.`) || p.field.startsWith(`${path}[`));
    const texts = [
      ...(this.local.has(path) ? [this.local.get(path) as string] : []),
      ...mine.map((p) => (p.field === path ? '' : `${p.field.slice(path.length + 1)}: `) + problemMessage(this.t, p)),
    ];
    return texts.length ? texts.join('; ') : undefined;
  }
}

export function CommandOutcomeView({ outcome }: { outcome: Outcome }) {
  const { t } = useI18n();
  if (outcome.status === 'saved') {
    const stream = outcome.result.events.find((e) => e.stream.startsWith('fundline-'))?.stream;
    return (
      <div className="notice notice-ok" role="status" data-testid="command-outcome" data-status="saved">
        <p>{t(outcome.result.replayed ? 'record.replayed' : 'record.saved', { position: outcome.result.position })}</p>
        {stream && <Link to={href('/so-dong-von', { line: stream, minPosition: outcome.result.position })}>{t('record.openHistory')}</Link>}
      </div>
    );
  }
  if (outcome.status === 'refused') {
    const e = outcome.error;
    const invalid = e.problems.length > 0;
    return (
      <div className="notice notice-error" role="alert" data-testid="command-outcome" data-status="refused" data-code={e.code}>
        <p>{invalid ? t('record.invalid') : t('record.refused')}</p>
        {invalid ? (
          <ul>
            {e.problems.map((p, i) => (
              <li key={i}>{problemText(t, p)}</li>
            ))}
          </ul>
        ) : (
          <p className="refusal">{e.status === 401 || e.status === 403 ? t(`error.HTTP_${e.status}`) : refusalText(t, e)}</p>
        )}
      </div>
    );
  }
  return null;
}

/** The amount in the unit the user picked; the API receives exact đồng. */
export function AmountField({ value, onChange, error, label }: { value: string; onChange: (v: string) => void; error?: string; label?: string }) {
  const { t } = useI18n();
  const { unitName } = useMoney();
  return (
    <Field label={`${label ?? t('common.amount')} (${unitName})`} help={t('record.amountHelp', { unit: unitName })} error={error}>
      {(p) => <input {...p} name="amount" inputMode="decimal" autoComplete="off" value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

/** Reads the amount field: exact đồng, or a local error at `path`. */
export function readAmount(t: Translate, errors: FieldErrors, path: string, text: string, unit: 'dong' | 'trieu'): string | undefined {
  const r = parseAmount(text, unit);
  if (r.ok) return r.dong;
  errors.add(path, t(r.problem === 'format' ? 'record.amountFormat' : r.problem === 'precision' ? 'record.amountPrecision' : 'record.amountPositive'));
  return undefined;
}

/** Reads a dd/mm/yyyy field: "YYYY-MM-DD", undefined when empty, or a local error at `path`. */
export function readDate(t: Translate, errors: FieldErrors, path: string, text: string): string | undefined {
  if (text.trim() === '') return undefined;
  const iso = parseDate(text);
  if (iso === null) errors.add(path, t('common.dateInvalid'));
  return iso ?? undefined;
}

export interface BasisValue {
  readonly number: string;
  readonly date: string;
  readonly by: string;
}

export const emptyBasis: BasisValue = { number: '', date: '', by: '' };

/** Số quyết định, ngày, cơ quan ban hành — or số chứng từ, ngày, kho bạc. */
export function BasisFields({ kind, value, onChange, errors }: { kind: 'decision' | 'voucher'; value: BasisValue; onChange: (v: BasisValue) => void; errors: FieldErrors }) {
  const { t } = useI18n();
  const d = kind === 'decision';
  return (
    <fieldset className="group">
      <legend>{d ? t('common.decision') : t('common.voucher')}</legend>
      <TextField label={d ? t('record.decisionNumber') : t('record.voucherNumber')} error={errors.at(`${kind}.number`)} name={`${kind}.number`} value={value.number} onChange={(x) => onChange({ ...value, number: x })} />
      <TextField label={d ? t('record.decisionDate') : t('record.voucherDate')} help={t('record.dateHelp')} error={errors.at(`${kind}.date`)} name={`${kind}.date`} placeholder="dd/mm/yyyy" inputMode="numeric" value={value.date} onChange={(x) => onChange({ ...value, date: x })} />
      <TextField label={d ? t('record.decisionIssuer') : t('record.voucherTreasury')} error={errors.at(d ? 'decision.issuer' : 'voucher.treasury')} name={d ? 'decision.issuer' : 'voucher.treasury'} value={value.by} onChange={(x) => onChange({ ...value, by: x })} />
    </fieldset>
  );
}

/** The basis as the API takes it; its date read from dd/mm/yyyy. */
export function readBasis(t: Translate, errors: FieldErrors, kind: 'decision' | 'voucher', v: BasisValue) {
  const date = readDate(t, errors, `${kind}.date`, v.date) ?? '';
  return kind === 'decision' ? { number: v.number.trim(), date, issuer: v.by.trim() } : { number: v.number.trim(), date, treasury: v.by.trim() };
}

/** The basis read from its fields with the effective date, as every command body carries them. */
export function readBasisAndDate(t: Translate, errors: FieldErrors, kind: 'decision' | 'voucher', basis: BasisValue, effectiveDate: string) {
  return { [kind]: readBasis(t, errors, kind, basis), effectiveDate: readDate(t, errors, 'effectiveDate', effectiveDate) };
}

/** The decision or voucher behind a command, then the date it takes effect. */
export function BasisAndDate({
  kind,
  value,
  onChange,
  date,
  onDate,
  errors,
}: {
  kind: 'decision' | 'voucher';
  value: BasisValue;
  onChange: (v: BasisValue) => void;
  date: string;
  onDate: (v: string) => void;
  errors: FieldErrors;
}) {
  return (
    <>
      <BasisFields kind={kind} value={value} onChange={onChange} errors={errors} />
      <EffectiveDateField value={date} onChange={onDate} errors={errors} />
    </>
  );
}

/** A recording form: its fields, then the ledger's answer and the button. */
export function CommandForm({ label, onSubmit, outcome, children }: { label: string; onSubmit: (e: FormEvent) => void; outcome: Outcome; children: ReactNode }) {
  return (
    <form onSubmit={onSubmit} noValidate className="form-grid" aria-label={label}>
      {children}
      <CommandOutcomeView outcome={outcome} />
      <SubmitRow outcome={outcome} />
    </form>
  );
}

export function EffectiveDateField({ value, onChange, errors }: { value: string; onChange: (v: string) => void; errors: FieldErrors }) {
  const { t } = useI18n();
  return (
    <TextField label={t('record.effectiveDate')} help={t('record.dateHelp')} error={errors.at('effectiveDate')} name="effectiveDate" placeholder="dd/mm/yyyy" inputMode="numeric" value={value} onChange={(x) => onChange(x)} />
  );
}

/** An existing fund line of the unit, with what it has left. */
export function LineSelect({
  lines,
  value,
  onChange,
  label,
  error,
  name = 'line',
}: {
  lines: readonly BalanceRow[];
  value: string;
  onChange: (stream: string) => void;
  label?: string;
  error?: string;
  name?: string;
}) {
  const { t } = useI18n();
  const { money } = useMoney();
  const chosen = lines.find((l) => l.stream === value);
  return (
    <Field
      label={label ?? t('common.line')}
      error={error}
      help={chosen ? t('record.balanceHint', { unallocated: money(chosen.unallocated), available: money(chosen.available) }) : undefined}
      className="wide"
    >
      {(p) => (
        <select {...p} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('record.chooseLine')}</option>
          {lines.map((l) => (
            <option key={l.stream} value={l.stream}>
              {l.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The line's key, as commands take it, from a balance row's dimensions. */
export function lineKeyOf(row: BalanceRow | undefined) {
  if (!row) return undefined;
  const g = row.group;
  return {
    programme: String(g.programme),
    component: String(g.component),
    ...(g.content ? { content: String(g.content) } : {}),
    budgetYear: Number(g.budgetYear),
    originYear: Number(g.originYear),
    source: String(g.source),
    capitalType: String(g.capitalType),
    unit: String(g.unit),
  };
}

/**
 * A recording form's sending: `run(path, build)` builds the body while reading the typed amounts and dates,
 * shows what it could not read at its field, and otherwise sends the command; the ledger's problems then show
 * at their fields. `path` may depend on the fields (an activity's id in the route).
 */
export function useCommandForm(onSaved: (result: CommandResult) => void) {
  const { t } = useI18n();
  const { unit: moneyUnit } = useMoney();
  const command = useCommand();
  const [local, setLocal] = useState<FieldErrors | null>(null);
  const errors = local ?? new FieldErrors(t, command.problems);
  const run = async (path: string | ((errors: FieldErrors) => string | null), build: (errors: FieldErrors) => unknown) => {
    const found = new FieldErrors(t, []);
    const body = build(found);
    const target = typeof path === 'string' ? path : path(found);
    if (!found.empty || target === null) {
      setLocal(found);
      command.reset();
      return;
    }
    setLocal(null);
    const result = await command.submit(target, body);
    if (result) onSaved(result);
  };
  return { t, moneyUnit, outcome: command.outcome, errors, run };
}

export function SubmitRow({ outcome, children }: { outcome: Outcome; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="actions">
      <button type="submit" className="primary" disabled={outcome.status === 'saving'}>
        {outcome.status === 'saving' ? t('record.saving') : t('record.submit')}
      </button>
      {children}
    </div>
  );
}
