/** Forms of the commands that move money on fund lines. Each sends exactly the body the README documents. */
import { FormEvent, useId, useState } from 'react';
import type { CommandResult } from '../../api';
import {
  AmountField,
  BasisAndDate,
  BasisValue,
  CommandForm,
  emptyBasis,
  lineKeyOf,
  LineSelect,
  readAmount,
  readBasisAndDate,
  readDate,
  useCommandForm,
} from '../../components/command-form';
import { UnitSelect } from '../../components/fields';
import { CatalogueSelect, Field, TextField } from '../../components/ui';
import { formatDate } from '../../format';
import { useI18n } from '../../i18n';
import { programmeYears, useMoney, useProgrammeCatalogue } from '../../state';
import type { BalanceRow } from '../../types';
import { useLineDetails } from './data';

export interface FormProps {
  readonly unit: string;
  readonly lines: readonly BalanceRow[];
  readonly activities: readonly string[];
  readonly minPosition?: number;
  readonly onSaved: (result: CommandResult) => void;
}

/** The shared state of a form: its fields, a setter, and the errors of the last attempt. */
function useForm<T extends object>(initial: T) {
  const [values, setValues] = useState(initial);
  const set = <K extends keyof T>(key: K, value: T[K]) => setValues((v) => ({ ...v, [key]: value }));
  return { values, set, setValues };
}

/** A text field with suggestions (the activities known on the line or in the unit); any id can be typed. */
export function ActivityField({
  label,
  value,
  onChange,
  options,
  error,
  name = 'activityId',
  help,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: readonly string[];
  error?: string;
  name?: string;
  help?: string;
}) {
  const listId = useId();
  return (
    <Field label={label} error={error} help={help}>
      {(p) => (
        <>
          <input {...p} name={name} list={listId} autoComplete="off" value={value} onChange={(e) => onChange(e.target.value)} />
          <datalist id={listId}>
            {options.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}

export function AssignPlanForm(props: FormProps) {
  const { t } = useI18n();
  const catalogue = useProgrammeCatalogue();
  const { moneyUnit, outcome, errors, run } = useCommandForm(props.onSaved);
  const years = catalogue ? programmeYears(catalogue) : null;
  // This year, within the programme's years (a plan's budget year must be).
  const year = years ? Math.min(Math.max(new Date().getFullYear(), years.first), years.last) : new Date().getFullYear();
  const { values: v, set, setValues } = useForm({
    component: '',
    content: '',
    budgetYear: String(year),
    originYear: String(year),
    source: 'NSTW',
    capitalType: 'SN',
    unit: props.unit,
    amount: '',
    note: '',
    decision: emptyBasis as BasisValue,
    effectiveDate: '',
  });
  const component = catalogue?.components.find((c) => c.code === v.component);
  const fromLine = (stream: string) => {
    const k = lineKeyOf(props.lines.find((l) => l.stream === stream));
    if (k) setValues({ ...v, component: k.component, content: k.content ?? '', budgetYear: String(k.budgetYear), originYear: String(k.originYear), source: k.source, capitalType: k.capitalType, unit: k.unit });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('/commands/assign-plan', (local) => ({
      line: {
        programme: catalogue?.programme.code,
        component: v.component,
        ...(v.content ? { content: v.content } : {}),
        budgetYear: Number(v.budgetYear),
        originYear: Number(v.originYear),
        source: v.source,
        capitalType: v.capitalType,
        unit: v.unit,
      },
      amount: readAmount(t, local, 'amount', v.amount, moneyUnit),
      ...(v.note.trim() ? { note: v.note.trim() } : {}),
      ...readBasisAndDate(t, local, 'decision', v.decision, v.effectiveDate),
    }));
  };
  return (
    <CommandForm label={t('record.cmd.assign-plan')} onSubmit={submit} outcome={outcome}>
      <LineSelect lines={props.lines} value="" onChange={fromLine} label={`${t('common.line')} (${t('record.choose')})`} name="prefill" />
      <fieldset className="group">
        <legend>{t('record.newLine')}</legend>
        <CatalogueSelect label={t('common.component')} name="component" value={v.component} onChange={(x) => setValues({ ...v, component: x, content: '' })} options={catalogue?.components} first={t('record.choose')} error={errors.at('line.component')} />
        {component?.contents && (
          <CatalogueSelect label={t('record.content')} name="content" value={v.content} onChange={(x) => set('content', x)} options={component.contents} first={t('record.noContent')} error={errors.at('line.content')} />
        )}
        <TextField
          label={t('common.year')}
          help={catalogue && years ? t('record.yearHelp', { programme: catalogue.programme.code, first: years.first, last: years.last }) : undefined}
          error={errors.at('line.budgetYear')}
          name="budgetYear"
          inputMode="numeric"
          value={v.budgetYear}
          onChange={(x) => setValues({ ...v, budgetYear: x, originYear: x })}
        />
        <TextField label={t('record.originYear')} error={errors.at('line.originYear')} name="originYear" inputMode="numeric" value={v.originYear} onChange={(x) => set('originYear', x)} />
        <CatalogueSelect label={t('common.source')} name="source" value={v.source} onChange={(x) => set('source', x)} options={catalogue?.sources} error={errors.at('line.source')} />
        <CatalogueSelect label={t('common.capitalType')} name="capitalType" value={v.capitalType} onChange={(x) => set('capitalType', x)} options={catalogue?.capitalTypes} error={errors.at('line.capitalType')} />
        <UnitSelect value={v.unit} onChange={(u) => set('unit', u)} when={/^\d{4}$/.test(v.budgetYear) ? Number(v.budgetYear) : undefined} />
      </fieldset>
      <AmountField value={v.amount} onChange={(x) => set('amount', x)} error={errors.at('amount')} />
      <TextField label={t('record.note')} error={errors.at('note')} name="note" value={v.note} onChange={(x) => set('note', x)} />
      <BasisAndDate kind="decision" value={v.decision} onChange={(x) => set('decision', x)} date={v.effectiveDate} onDate={(x) => set('effectiveDate', x)} errors={errors} />
    </CommandForm>
  );
}

export function AllocateForm(props: FormProps) {
  const { moneyUnit, outcome, errors, run, t } = useCommandForm(props.onSaved);
  const { values: v, set } = useForm({ line: '', activityId: '', amount: '', decision: emptyBasis as BasisValue, effectiveDate: '' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('/commands/allocate', (local) => ({
      line: lineKeyOf(props.lines.find((l) => l.stream === v.line)),
      activityId: v.activityId.trim(),
      amount: readAmount(t, local, 'amount', v.amount, moneyUnit),
      ...readBasisAndDate(t, local, 'decision', v.decision, v.effectiveDate),
    }));
  };
  return (
    <CommandForm label={t('record.cmd.allocate')} onSubmit={submit} outcome={outcome}>
      <LineSelect lines={props.lines} value={v.line} onChange={(x) => set('line', x)} error={errors.at('line')} />
      <ActivityField label={t('record.activityId')} value={v.activityId} onChange={(x) => set('activityId', x)} options={props.activities} error={errors.at('activityId')} />
      <AmountField value={v.amount} onChange={(x) => set('amount', x)} error={errors.at('amount')} />
      <BasisAndDate kind="decision" value={v.decision} onChange={(x) => set('decision', x)} date={v.effectiveDate} onDate={(x) => set('effectiveDate', x)} errors={errors} />
    </CommandForm>
  );
}

export function DisburseForm(props: FormProps) {
  const { moneyUnit, outcome, errors, run, t } = useCommandForm(props.onSaved);
  const { values: v, set } = useForm({ line: '', activityId: '', disbursementId: '', amount: '', voucher: emptyBasis as BasisValue, effectiveDate: '' });
  const details = useLineDetails(v.line, props.minPosition);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('/commands/disburse', (local) => ({
      line: lineKeyOf(props.lines.find((l) => l.stream === v.line)),
      activityId: v.activityId.trim(),
      ...(v.disbursementId.trim() ? { disbursementId: v.disbursementId.trim() } : {}),
      amount: readAmount(t, local, 'amount', v.amount, moneyUnit),
      ...readBasisAndDate(t, local, 'voucher', v.voucher, v.effectiveDate),
    }));
  };
  return (
    <CommandForm label={t('record.cmd.disburse')} onSubmit={submit} outcome={outcome}>
      <LineSelect lines={props.lines} value={v.line} onChange={(x) => set('line', x)} error={errors.at('line')} />
      <ActivityField label={t('record.activityId')} value={v.activityId} onChange={(x) => set('activityId', x)} options={details.activities} error={errors.at('activityId')} />
      <TextField label={t('record.disbursementId')} help={t('record.disbursementIdHelp')} error={errors.at('disbursementId')} name="disbursementId" value={v.disbursementId} onChange={(x) => set('disbursementId', x)} />
      <AmountField value={v.amount} onChange={(x) => set('amount', x)} error={errors.at('amount')} />
      <BasisAndDate kind="voucher" value={v.voucher} onChange={(x) => set('voucher', x)} date={v.effectiveDate} onDate={(x) => set('effectiveDate', x)} errors={errors} />
    </CommandForm>
  );
}

export function ReverseForm(props: FormProps) {
  const { outcome, errors, run, t } = useCommandForm(props.onSaved);
  const { money, unitName } = useMoney();
  const { values: v, set } = useForm({ line: '', disbursementId: '', reason: '', voucher: emptyBasis as BasisValue, effectiveDate: '' });
  const details = useLineDetails(v.line, props.minPosition);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('/commands/reverse-disbursement', (local) => ({
      line: lineKeyOf(props.lines.find((l) => l.stream === v.line)),
      disbursementId: v.disbursementId,
      reason: v.reason.trim(),
      ...readBasisAndDate(t, local, 'voucher', v.voucher, v.effectiveDate),
    }));
  };
  return (
    <CommandForm label={t('record.cmd.reverse-disbursement')} onSubmit={submit} outcome={outcome}>
      <LineSelect lines={props.lines} value={v.line} onChange={(x) => set('line', x)} error={errors.at('line')} />
      <Field label={t('record.disbursement')} error={errors.at('disbursementId')} className="wide">
        {(p) => (
          <select {...p} name="disbursementId" value={v.disbursementId} onChange={(e) => set('disbursementId', e.target.value)}>
            <option value="">{t('record.chooseDisbursement')}</option>
            {details.disbursements.map((d) => (
              <option key={d.reference} value={d.reference}>
                {d.reference} · {d.activityId} · {money(d.amount)} {unitName} · {formatDate(d.effectiveDate)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TextField label={t('record.reason')} error={errors.at('reason')} wide name="reason" value={v.reason} onChange={(x) => set('reason', x)} />
      <BasisAndDate kind="voucher" value={v.voucher} onChange={(x) => set('voucher', x)} date={v.effectiveDate} onDate={(x) => set('effectiveDate', x)} errors={errors} />
    </CommandForm>
  );
}

export function ReturnFundsForm(props: FormProps) {
  const { moneyUnit, outcome, errors, run, t } = useCommandForm(props.onSaved);
  const { values: v, set } = useForm({ line: '', mode: 'returned' as 'returned' | 'cancelled', activityId: '', amount: '', reason: '', decision: emptyBasis as BasisValue, effectiveDate: '' });
  const details = useLineDetails(v.line, props.minPosition);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('/commands/return-funds', (local) => ({
      line: lineKeyOf(props.lines.find((l) => l.stream === v.line)),
      mode: v.mode,
      amount: readAmount(t, local, 'amount', v.amount, moneyUnit),
      ...(v.activityId.trim() ? { activityId: v.activityId.trim() } : {}),
      reason: v.reason.trim(),
      ...readBasisAndDate(t, local, 'decision', v.decision, v.effectiveDate),
    }));
  };
  return (
    <CommandForm label={t('record.cmd.return-funds')} onSubmit={submit} outcome={outcome}>
      <LineSelect lines={props.lines} value={v.line} onChange={(x) => set('line', x)} error={errors.at('line')} />
      <Field label={t('record.mode')} error={errors.at('mode')}>
        {(p) => (
          <select {...p} name="mode" value={v.mode} onChange={(e) => set('mode', e.target.value === 'cancelled' ? 'cancelled' : 'returned')}>
            <option value="returned">{t('record.mode.returned')}</option>
            <option value="cancelled">{t('record.mode.cancelled')}</option>
          </select>
        )}
      </Field>
      <ActivityField label={t('record.fromActivity')} value={v.activityId} onChange={(x) => set('activityId', x)} options={details.activities} error={errors.at('activityId')} />
      <AmountField value={v.amount} onChange={(x) => set('amount', x)} error={errors.at('amount')} />
      <TextField label={t('record.reason')} error={errors.at('reason')} wide name="reason" value={v.reason} onChange={(x) => set('reason', x)} />
      <BasisAndDate kind="decision" value={v.decision} onChange={(x) => set('decision', x)} date={v.effectiveDate} onDate={(x) => set('effectiveDate', x)} errors={errors} />
    </CommandForm>
  );
}

export function CarryOverForm(props: FormProps) {
  const { moneyUnit, outcome, errors, run, t } = useCommandForm(props.onSaved);
  const { values: v, set } = useForm({ line: '', activityId: '', amount: '', deadline: '', decision: emptyBasis as BasisValue, effectiveDate: '' });
  const details = useLineDetails(v.line, props.minPosition);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('/commands/carry-over', (local) => ({
      from: lineKeyOf(props.lines.find((l) => l.stream === v.line)),
      amount: readAmount(t, local, 'amount', v.amount, moneyUnit),
      ...(v.activityId.trim() ? { activityId: v.activityId.trim() } : {}),
      deadline: readDate(t, local, 'deadline', v.deadline),
      ...readBasisAndDate(t, local, 'decision', v.decision, v.effectiveDate),
    }));
  };
  return (
    <CommandForm label={t('record.cmd.carry-over')} onSubmit={submit} outcome={outcome}>
      <LineSelect lines={props.lines} value={v.line} onChange={(x) => set('line', x)} error={errors.at('from')} label={t('record.fromLine')} />
      <ActivityField label={t('record.fromActivity')} value={v.activityId} onChange={(x) => set('activityId', x)} options={details.activities} error={errors.at('activityId')} />
      <AmountField value={v.amount} onChange={(x) => set('amount', x)} error={errors.at('amount')} />
      <TextField label={t('record.deadline')} help={t('record.dateHelp')} error={errors.at('deadline')} name="deadline" placeholder="dd/mm/yyyy" inputMode="numeric" value={v.deadline} onChange={(x) => set('deadline', x)} />
      <BasisAndDate kind="decision" value={v.decision} onChange={(x) => set('decision', x)} date={v.effectiveDate} onDate={(x) => set('effectiveDate', x)} errors={errors} />
    </CommandForm>
  );
}

export function AdjustForm(props: FormProps) {
  const { moneyUnit, outcome, errors, run, t } = useCommandForm(props.onSaved);
  const { values: v, set } = useForm({
    kind: 'increase' as 'increase' | 'decrease' | 'move',
    line: '',
    toLine: '',
    fromActivity: '',
    toActivity: '',
    amount: '',
    reason: '',
    decision: emptyBasis as BasisValue,
    effectiveDate: '',
  });
  const from = useLineDetails(v.line, props.minPosition);
  const to = useLineDetails(v.kind === 'move' ? v.toLine : '', props.minPosition);
  const key = (stream: string) => lineKeyOf(props.lines.find((l) => l.stream === stream));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('/commands/adjust', (local) => ({
      kind: v.kind,
      ...(v.kind === 'move'
        ? {
            from: { line: key(v.line), ...(v.fromActivity.trim() ? { activityId: v.fromActivity.trim() } : {}) },
            to: { line: key(v.toLine), ...(v.toActivity.trim() ? { activityId: v.toActivity.trim() } : {}) },
          }
        : { line: key(v.line) }),
      amount: readAmount(t, local, 'amount', v.amount, moneyUnit),
      reason: v.reason.trim(),
      ...readBasisAndDate(t, local, 'decision', v.decision, v.effectiveDate),
    }));
  };
  const move = v.kind === 'move';
  return (
    <CommandForm label={t('record.cmd.adjust')} onSubmit={submit} outcome={outcome}>
      <Field label={t('record.adjustKind')} error={errors.at('kind')}>
        {(p) => (
          <select {...p} name="kind" value={v.kind} onChange={(e) => set('kind', e.target.value as 'increase' | 'decrease' | 'move')}>
            {(['increase', 'decrease', 'move'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`record.adjust.${k}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <LineSelect lines={props.lines} value={v.line} onChange={(x) => set('line', x)} error={errors.at(move ? 'from' : 'line')} label={move ? t('record.fromLine') : undefined} />
      {move && (
        <>
          <ActivityField label={t('record.fromActivity')} value={v.fromActivity} onChange={(x) => set('fromActivity', x)} options={from.activities} error={errors.at('from.activityId')} name="fromActivity" />
          <LineSelect lines={props.lines} value={v.toLine} onChange={(x) => set('toLine', x)} error={errors.at('to')} label={t('record.toLine')} name="toLine" />
          <ActivityField label={t('record.toActivity')} value={v.toActivity} onChange={(x) => set('toActivity', x)} options={[...new Set([...to.activities, ...props.activities])]} error={errors.at('to.activityId')} name="toActivity" />
        </>
      )}
      <AmountField value={v.amount} onChange={(x) => set('amount', x)} error={errors.at('amount')} />
      <TextField label={t('record.reason')} error={errors.at('reason')} wide name="reason" value={v.reason} onChange={(x) => set('reason', x)} />
      <BasisAndDate kind="decision" value={v.decision} onChange={(x) => set('decision', x)} date={v.effectiveDate} onDate={(x) => set('effectiveDate', x)} errors={errors} />
    </CommandForm>
  );
}
