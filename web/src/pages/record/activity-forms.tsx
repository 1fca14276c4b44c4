/** Forms of the commands about activities: register one, reclassify it, record its outputs. */
import { FormEvent, useState } from 'react';
import {
  BasisAndDate,
  BasisFields,
  BasisValue,
  CommandForm,
  EffectiveDateField,
  emptyBasis,
  FieldErrors,
  lineKeyOf,
  LineSelect,
  readAmount,
  readBasis,
  readBasisAndDate,
  readDate,
  useCommandForm,
} from '../../components/command-form';
import { UnitSelect } from '../../components/fields';
import { CatalogueSelect, Field, TextField } from '../../components/ui';
import { useI18n } from '../../i18n';
import { parseDate } from '../../format';
import { useProgrammeCatalogue } from '../../state';
import { ActivityField, FormProps } from './money-forms';

/** Rows of indicator + quantity (targets or outputs). */
function QuantityRows({ legend, rows, onChange, errors, path }: { legend: string; rows: { indicator: string; quantity: string }[]; onChange: (rows: { indicator: string; quantity: string }[]) => void; errors: FieldErrors; path: string }) {
  const { t, name } = useI18n();
  const catalogue = useProgrammeCatalogue();
  return (
    <fieldset className="group wide">
      <legend>{legend}</legend>
      {rows.map((r, i) => (
        <div className="row-fields" key={i}>
          <Field label={`${t('record.indicator')} ${i + 1}`} error={errors.at(`${path}[${i}].indicator`)}>
            {(p) => (
              <select {...p} value={r.indicator} onChange={(e) => onChange(rows.map((x, j) => (j === i ? { ...x, indicator: e.target.value } : x)))}>
                <option value="">{t('record.choose')}</option>
                {catalogue?.indicators.map((ind) => (
                  <option key={ind.code} value={ind.code}>
                    {name(ind, ind.code)} ({ind.unit})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField label={`${t('record.quantity')} ${i + 1}`} error={errors.at(`${path}[${i}].quantity`)} inputMode="decimal" value={r.quantity} onChange={(quantity) => onChange(rows.map((row, j) => (j === i ? { ...row, quantity } : row)))} />
          <button type="button" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            {t('record.remove')}
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, { indicator: '', quantity: '' }])}>
        {t('record.addOutput')}
      </button>
    </fieldset>
  );
}

/** Households or people per beneficiary category; empty categories are left out. */
function Beneficiaries({ value, onChange, errors }: { value: Record<string, string>; onChange: (v: Record<string, string>) => void; errors: FieldErrors }) {
  const { t, name } = useI18n();
  const catalogue = useProgrammeCatalogue();
  return (
    <fieldset className="group wide">
      <legend>{t('record.beneficiaries')}</legend>
      {catalogue?.beneficiaryCategories.map((c) => (
        <Field key={c.code} label={name(c, c.code)} error={errors.at(`beneficiaries.${c.code}`)}>
          {(p) => <input {...p} type="number" min={0} step={1} value={value[c.code] ?? ''} onChange={(e) => onChange({ ...value, [c.code]: e.target.value })} />}
        </Field>
      ))}
    </fieldset>
  );
}

const readQuantities = (t: ReturnType<typeof useI18n>['t'], errors: FieldErrors, path: string, rows: { indicator: string; quantity: string }[]) =>
  rows.map((r, i) => ({ indicator: r.indicator, quantity: readAmount(t, errors, `${path}[${i}].quantity`, r.quantity, 'dong') }));

const readBeneficiaries = (value: Record<string, string>) => {
  const entries = Object.entries(value).filter(([, n]) => n.trim() !== '');
  return entries.length ? { beneficiaries: Object.fromEntries(entries.map(([k, n]) => [k, Number(n)])) } : {};
};

export function RegisterActivityForm(props: FormProps) {
  const { t } = useI18n();
  const catalogue = useProgrammeCatalogue();
  const { outcome, errors, run } = useCommandForm(props.onSaved);
  const [v, setV] = useState({
    activityId: '',
    name: '',
    component: '',
    kind: '',
    unit: props.unit,
    investor: '',
    beneficiaries: {} as Record<string, string>,
    targets: [] as { indicator: string; quantity: string }[],
    decision: emptyBasis as BasisValue,
    effectiveDate: '',
  });
  const kinds = catalogue?.activityKinds.filter((k) => !v.component || k.components.includes(v.component)) ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(
      '/commands/register-activity',
      (local) => ({
        ...(v.activityId.trim() ? { activityId: v.activityId.trim() } : {}),
        name: v.name.trim(),
        programme: catalogue?.programme.code,
        component: v.component,
        kind: v.kind,
        unit: v.unit,
        ...(v.investor.trim() ? { investor: v.investor.trim() } : {}),
        ...readBeneficiaries(v.beneficiaries),
        ...(v.targets.length ? { targets: readQuantities(t, local, 'targets', v.targets) } : {}),
        ...readBasisAndDate(t, local, 'decision', v.decision, v.effectiveDate),
      }),
    );
  };
  return (
    <CommandForm label={t('record.cmd.register-activity')} onSubmit={submit} outcome={outcome}>
      <TextField label={t('record.activityId')} help={t('record.activityIdHelp')} error={errors.at('activityId')} name="activityId" value={v.activityId} onChange={(x) => setV({ ...v, activityId: x })} />
      <TextField label={t('record.activityName')} error={errors.at('name')} wide name="name" value={v.name} onChange={(x) => setV({ ...v, name: x })} />
      <CatalogueSelect label={t('common.component')} name="component" value={v.component} onChange={(x) => setV({ ...v, component: x, kind: '' })} options={catalogue?.components} first={t('record.choose')} error={errors.at('component')} />
      <CatalogueSelect label={t('record.kind')} name="kind" value={v.kind} onChange={(x) => setV({ ...v, kind: x })} options={kinds} first={t('record.choose')} error={errors.at('kind')} showCode={false} />
      {/* The ledger checks the unit on the decision's effective date: the units of that day. */}
      <UnitSelect value={v.unit} onChange={(u) => setV({ ...v, unit: u })} when={parseDate(v.effectiveDate) ?? parseDate(v.decision.date) ?? undefined} />
      <TextField label={t('record.investor')} error={errors.at('investor')} name="investor" value={v.investor} onChange={(x) => setV({ ...v, investor: x })} />
      <Beneficiaries value={v.beneficiaries} onChange={(b) => setV({ ...v, beneficiaries: b })} errors={errors} />
      <QuantityRows legend={t('record.targets')} rows={v.targets} onChange={(r) => setV({ ...v, targets: r })} errors={errors} path="targets" />
      <BasisAndDate kind="decision" value={v.decision} onChange={(x) => setV({ ...v, decision: x })} date={v.effectiveDate} onDate={(x) => setV({ ...v, effectiveDate: x })} errors={errors} />
    </CommandForm>
  );
}

export function ReclassifyForm(props: FormProps) {
  const { t } = useI18n();
  const catalogue = useProgrammeCatalogue();
  const { moneyUnit, outcome, errors, run } = useCommandForm(props.onSaved);
  const [v, setV] = useState({
    activityId: '',
    toKind: '',
    toComponent: '',
    reason: '',
    moves: [] as { from: string; to: string; amount: string }[],
    decision: emptyBasis as BasisValue,
    effectiveDate: '',
  });
  const key = (stream: string) => lineKeyOf(props.lines.find((l) => l.stream === stream));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(
      (local) => {
        if (!v.activityId.trim()) local.add('activityId', t('problem.required'));
        return v.activityId.trim() ? `/commands/activities/${encodeURIComponent(v.activityId.trim())}/reclassify` : null;
      },
      (local) => ({
        toKind: v.toKind,
        ...(v.toComponent ? { toComponent: v.toComponent } : {}),
        reason: v.reason.trim(),
        ...(v.moves.length ? { moves: v.moves.map((m, i) => ({ from: key(m.from), to: key(m.to), amount: readAmount(t, local, `moves[${i}].amount`, m.amount, moneyUnit) })) } : {}),
        ...readBasisAndDate(t, local, 'decision', v.decision, v.effectiveDate),
      }),
    );
  };
  return (
    <CommandForm label={t('record.cmd.reclassify')} onSubmit={submit} outcome={outcome}>
      <ActivityField label={t('record.activityId')} value={v.activityId} onChange={(x) => setV({ ...v, activityId: x })} options={props.activities} error={errors.at('activityId')} />
      <CatalogueSelect label={t('record.toKind')} name="toKind" value={v.toKind} onChange={(x) => setV({ ...v, toKind: x })} options={catalogue?.activityKinds} first={t('record.choose')} error={errors.at('toKind')} showCode={false} />
      <CatalogueSelect label={t('record.toComponent')} name="toComponent" value={v.toComponent} onChange={(x) => setV({ ...v, toComponent: x })} options={catalogue?.components} first={t('record.sameComponent')} error={errors.at('toComponent')} />
      <TextField label={t('record.reason')} error={errors.at('reason')} wide name="reason" value={v.reason} onChange={(x) => setV({ ...v, reason: x })} />
      <fieldset className="group wide">
        <legend>{t('record.moves')}</legend>
        {v.moves.map((m, i) => (
          <div className="row-fields" key={i}>
            <LineSelect lines={props.lines} value={m.from} label={`${t('record.fromLine')} ${i + 1}`} error={errors.at(`moves[${i}].from`)} onChange={(x) => setV({ ...v, moves: v.moves.map((y, j) => (j === i ? { ...y, from: x } : y)) })} name={`moves-${i}-from`} />
            <LineSelect lines={props.lines} value={m.to} label={`${t('record.toLine')} ${i + 1}`} error={errors.at(`moves[${i}].to`)} onChange={(x) => setV({ ...v, moves: v.moves.map((y, j) => (j === i ? { ...y, to: x } : y)) })} name={`moves-${i}-to`} />
            <TextField label={`${t('common.amount')} ${i + 1}`} error={errors.at(`moves[${i}].amount`)} inputMode="decimal" value={m.amount} onChange={(x) => setV({ ...v, moves: v.moves.map((y, j) => (j === i ? { ...y, amount: x } : y)) })} />
            <button type="button" onClick={() => setV({ ...v, moves: v.moves.filter((_, j) => j !== i) })}>
              {t('record.remove')}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setV({ ...v, moves: [...v.moves, { from: '', to: '', amount: '' }] })}>
          {t('record.addMove')}
        </button>
      </fieldset>
      <BasisAndDate kind="decision" value={v.decision} onChange={(x) => setV({ ...v, decision: x })} date={v.effectiveDate} onDate={(x) => setV({ ...v, effectiveDate: x })} errors={errors} />
    </CommandForm>
  );
}

export function OutputsForm(props: FormProps) {
  const { t } = useI18n();
  const { outcome, errors, run } = useCommandForm(props.onSaved);
  const [v, setV] = useState({
    activityId: '',
    basisKind: 'document' as 'decision' | 'document',
    decision: emptyBasis as BasisValue,
    document: { title: '', number: '', date: '', issuer: '' },
    outputs: [{ indicator: '', quantity: '' }],
    beneficiaries: {} as Record<string, string>,
    completed: false,
    effectiveDate: '',
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(
      (local) => {
        if (!v.activityId.trim()) local.add('activityId', t('problem.required'));
        return v.activityId.trim() ? `/commands/activities/${encodeURIComponent(v.activityId.trim())}/outputs` : null;
      },
      (local) => ({
        ...(v.basisKind === 'decision'
          ? { decision: readBasis(t, local, 'decision', v.decision) }
          : {
              document: {
                title: v.document.title.trim(),
                ...(v.document.number.trim() ? { number: v.document.number.trim() } : {}),
                date: readDate(t, local, 'document.date', v.document.date) ?? '',
                ...(v.document.issuer.trim() ? { issuer: v.document.issuer.trim() } : {}),
              },
            }),
        outputs: readQuantities(t, local, 'outputs', v.outputs),
        ...readBeneficiaries(v.beneficiaries),
        ...(v.completed ? { completed: true } : {}),
        effectiveDate: readDate(t, local, 'effectiveDate', v.effectiveDate),
      }),
    );
  };
  return (
    <CommandForm label={t('record.cmd.outputs')} onSubmit={submit} outcome={outcome}>
      <ActivityField label={t('record.activityId')} value={v.activityId} onChange={(x) => setV({ ...v, activityId: x })} options={props.activities} error={errors.at('activityId')} />
      <QuantityRows legend={t('record.outputs')} rows={v.outputs} onChange={(r) => setV({ ...v, outputs: r })} errors={errors} path="outputs" />
      <Beneficiaries value={v.beneficiaries} onChange={(b) => setV({ ...v, beneficiaries: b })} errors={errors} />
      <div className="field">
        <label className="inline">
          <input type="checkbox" name="completed" checked={v.completed} onChange={(e) => setV({ ...v, completed: e.target.checked })} /> {t('record.completed')}
        </label>
      </div>
      <Field label={t('record.basisKind')}>
        {(p) => (
          <select {...p} name="basisKind" value={v.basisKind} onChange={(e) => setV({ ...v, basisKind: e.target.value === 'decision' ? 'decision' : 'document' })}>
            <option value="document">{t('common.document')}</option>
            <option value="decision">{t('common.decision')}</option>
          </select>
        )}
      </Field>
      {v.basisKind === 'decision' ? (
        <BasisFields kind="decision" value={v.decision} onChange={(x) => setV({ ...v, decision: x })} errors={errors} />
      ) : (
        <fieldset className="group">
          <legend>{t('common.document')}</legend>
          <TextField label={t('record.documentTitle')} error={errors.at('document.title')} name="document.title" value={v.document.title} onChange={(x) => setV({ ...v, document: { ...v.document, title: x } })} />
          <TextField label={t('record.documentNumber')} error={errors.at('document.number')} name="document.number" value={v.document.number} onChange={(x) => setV({ ...v, document: { ...v.document, number: x } })} />
          <TextField label={t('record.documentDate')} help={t('record.dateHelp')} error={errors.at('document.date')} name="document.date" placeholder="dd/mm/yyyy" value={v.document.date} onChange={(x) => setV({ ...v, document: { ...v.document, date: x } })} />
          <TextField label={t('record.decisionIssuer')} error={errors.at('document.issuer')} name="document.issuer" value={v.document.issuer} onChange={(x) => setV({ ...v, document: { ...v.document, issuer: x } })} />
        </fieldset>
      )}
      <EffectiveDateField value={v.effectiveDate} onChange={(x) => setV({ ...v, effectiveDate: x })} errors={errors} />
    </CommandForm>
  );
}
