/**
 * Khung kết quả: the programme's outcome indicators per unit and year (poverty and near-poverty rates, households
 * escaped, re-fallen, newly poor), each measured by the annual poverty review, and progress against each target.
 * M&E staff record a review's figure here (POST /commands/outcomes/measure).
 */
import { FormEvent, useEffect, useState } from 'react';
import type { CommandResult } from '../api';
import { CommandForm, EffectiveDateField, FieldErrors, readDate, useCommandForm, withDetails } from '../components/command-form';
import { DateField, DateText, dateTextOf, knownAtTextOf, UnitOrAll, UnitSelect } from '../components/fields';
import { BasisText, Columns, Field, LoadState, PageHeader, ShowButton, TableBox, TextField } from '../components/ui';
import { formatInstant, formatQuantity, parseDecimal } from '../format';
import { Translate, useI18n } from '../i18n';
import { useQueryState } from '../router';
import { can, useSession } from '../session';
import { useApi, useProgrammeCatalogue, useProgrammeCode } from '../state';
import type { OutcomeTarget, ResultsResult, ResultsUnit } from '../types';
import { DecisionOrDocumentFields, emptyDecisionOrDocument, readDecisionOrDocument } from './record/activity-forms';

export function ResultsPage() {
  const { t } = useI18n();
  const session = useSession();
  const programme = useProgrammeCode() ?? undefined;
  const [query, setQuery] = useQueryState();
  const unit = query.get('unit') ?? '';
  const asOf = query.get('asOf') ?? '';
  const knownAt = query.get('knownAt') ?? '';
  const [minPosition, setMinPosition] = useState<number | undefined>(undefined);
  const results = useApi<ResultsResult>('/results', { programme, unit, asOf, knownAt, minPosition });

  const draftOf = () => ({ unit, asOf: dateTextOf(asOf), knownAt: knownAtTextOf(knownAt) });
  const [draft, setDraft] = useState(draftOf);
  useEffect(() => setDraft(draftOf()), [unit, asOf, knownAt]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.asOf.invalid || draft.knownAt.invalid) return;
    setQuery({ unit: draft.unit, asOf: draft.asOf.iso, knownAt: draft.knownAt.iso }, true);
  };

  return (
    <div>
      <PageHeader title={t('results.title')} intro={t('results.intro')} />
      <form className="filters card" onSubmit={apply}>
        {session && <UnitOrAll value={draft.unit} fallback={session.unit} onChange={(u) => setDraft({ ...draft, unit: u })} />}
        <DateField label={t('common.asOf')} value={draft.asOf} onChange={(v: DateText) => setDraft({ ...draft, asOf: v })} name="asOf" help={t('common.asOfHelp')} />
        <DateField label={t('common.knownAt')} value={draft.knownAt} onChange={(v: DateText) => setDraft({ ...draft, knownAt: v })} name="knownAt" knownAt help={t('common.knownAtHelp')} />
        <ShowButton />
      </form>
      <LoadState loaded={results} />
      {results.data && (
        <>
          <p className="meta">{t('common.position', { position: results.data.position })}</p>
          {results.data.units.length === 0 && <p className="notice">{t('results.none')}</p>}
          {results.data.units.map((u) => (
            <UnitResults key={u.unit} u={u} />
          ))}
        </>
      )}
      {can(session, 'record') && <MeasureForm unit={unit || session?.unit || ''} onSaved={(r: CommandResult) => setMinPosition(r.position)} />}
    </div>
  );
}

/** "Giảm bình quân từ 3 %/năm, 2021–2025", "dưới 5 % đến năm 2025". */
function targetText(t: Translate, target: OutcomeTarget): string {
  const value = formatQuantity(target.value);
  const comparator = t(`results.cmp.${target.comparator}`);
  return target.kind === 'average-annual-change'
    ? t('results.changeTarget', { direction: t(target.direction === 'increase' ? 'results.increase' : 'results.decrease'), comparator, value, unit: target.unit, from: target.fromYear, to: target.toYear })
    : t('results.levelTarget', { comparator, value, unit: target.unit, to: target.toYear });
}

function UnitResults({ u }: { u: ResultsUnit }) {
  const { t, tk, name } = useI18n();
  const catalogue = useProgrammeCatalogue();
  const indicatorName = (code: string, fallback: string) => name(catalogue?.outcomeIndicators?.find((i) => i.code === code), fallback);
  const headingId = `results-${u.unit}`;
  const measurements = u.indicators.flatMap((i) => i.years.map((y) => ({ ...y, indicator: i.indicator, name: i.name, unit: i.unit })));
  return (
    <section className="card" aria-labelledby={headingId} data-unit={u.unit}>
      <h2 id={headingId}>
        {u.name} <span className="code">({u.unit})</span>
      </h2>
      <h3>{t('results.targets')}</h3>
      {u.targets.length === 0 ? (
        <p className="sub">{t('results.noTargets')}</p>
      ) : (
        <TableBox label={`${u.name} ${t('results.targets')}`}>
          <table className="figures stack" data-testid="targets">
            <Columns
              columns={[
                t('results.indicator'),
                t('results.target'),
                { label: t('results.baseline'), num: true },
                { label: t('results.latest'), num: true },
                { label: t('results.achieved'), num: true },
                t('results.status'),
              ]}
            />
            <tbody>
              {u.targets.map((target) => {
                const p = target.progress;
                const perYear = target.kind === 'average-annual-change';
                return (
                  <tr key={target.targetId} data-target={target.targetId} data-status={p.status}>
                    <th scope="row">{indicatorName(target.indicator, target.name)}</th>
                    <td data-label={t('results.target')}>
                      {targetText(t, target)}
                      {target.note && <div className="sub">{target.note}</div>}
                    </td>
                    <td className="num" data-label={t('results.baseline')}>
                      {p.baseline ? `${formatQuantity(p.baseline.value)} ${target.unit} (${p.baseline.year})` : '—'}
                    </td>
                    <td className="num" data-label={t('results.latest')}>
                      {p.latest ? `${formatQuantity(p.latest.value)} ${target.unit} (${p.latest.year})` : '—'}
                    </td>
                    <td className="num" data-label={t('results.achieved')}>
                      {p.achieved === null ? '—' : perYear ? t('results.perYear', { value: formatQuantity(p.achieved), unit: target.unit }) : `${formatQuantity(p.achieved)} ${target.unit}`}
                    </td>
                    <td data-label={t('results.status')}>
                      <span className={`badge status-${p.status}`}>{tk('results.status', p.status)}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableBox>
      )}
      <h3>{t('results.measurements')}</h3>
      {measurements.length === 0 ? (
        <p className="sub">{t('results.noMeasurements')}</p>
      ) : (
        <TableBox label={`${u.name} ${t('results.measurements')}`}>
          <table className="figures stack" data-testid="measurements">
            <Columns columns={[t('results.indicator'), { label: t('results.year'), num: true }, { label: t('results.value'), num: true }, t('results.basis'), t('common.recordedAt')]} />
            <tbody>
              {measurements.map((m) => (
                <tr key={`${m.indicator}|${m.year}`} data-indicator={m.indicator} data-year={m.year}>
                  <th scope="row">{indicatorName(m.indicator, m.name)}</th>
                  <td className="num" data-label={t('results.year')}>
                    {m.year}
                  </td>
                  <td className="num" data-label={t('results.value')}>
                    {formatQuantity(m.value)} {m.unit}
                    {m.corrected.length > 0 && <div className="sub">{t('results.corrected', { values: m.corrected.map((c) => formatQuantity(c)).join(', ') })}</div>}
                  </td>
                  <td data-label={t('results.basis')}>
                    <BasisText basis={m.basis} />
                  </td>
                  <td data-label={t('common.recordedAt')}>{formatInstant(m.recordedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}

/** Kết quả rà soát: one figure of a unit's annual review (a correction says why). */
function MeasureForm({ unit, onSaved }: { unit: string; onSaved: (r: CommandResult) => void }) {
  const { t, name } = useI18n();
  const catalogue = useProgrammeCatalogue();
  const { outcome, errors, run } = useCommandForm(onSaved);
  const [v, setV] = useState({ unit, indicator: '', year: '', value: '', corrects: false, reason: '', basis: emptyDecisionOrDocument('decision'), effectiveDate: '' });
  const indicator = catalogue?.outcomeIndicators?.find((i) => i.code === v.indicator);
  // A refusal names the indicator by code and the figure as a decimal string: shown as people read them.
  const indicatorName = (code: unknown) => {
    const found = catalogue?.outcomeIndicators?.find((i) => i.code === code);
    return found ? name(found, found.code) : code;
  };
  const shown = withDetails(
    withDetails(outcome, 'OUTCOME_ALREADY_MEASURED', (d) => ({ indicator: indicatorName(d.indicator), recorded: formatQuantity(String(d.recorded)) })),
    'NOTHING_TO_CORRECT',
    (d) => ({ indicator: indicatorName(d.indicator) }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('/commands/outcomes/measure', (local: FieldErrors) => {
      const value = v.value.trim() === '' ? '' : parseDecimal(v.value);
      if (value === null) local.add('value', t('record.amountFormat'));
      const year = /^\d{4}$/.test(v.year.trim()) ? Number(v.year.trim()) : undefined;
      if (year === undefined) local.add('year', t('problem.required'));
      return {
        programme: catalogue?.programme.code,
        unit: v.unit,
        indicator: v.indicator,
        year,
        value: value ?? '',
        ...(v.corrects ? { corrects: { reason: v.reason.trim() } } : {}),
        ...readDecisionOrDocument(t, local, v.basis),
        effectiveDate: readDate(t, local, 'effectiveDate', v.effectiveDate),
      };
    });
  };
  return (
    <section className="card" aria-labelledby="measure-heading">
      <h2 id="measure-heading">{t('results.measure')}</h2>
      <p className="sub">{t('results.measureHelp')}</p>
      <CommandForm label={t('results.measure')} onSubmit={submit} outcome={shown}>
        <UnitSelect value={v.unit} onChange={(u) => setV({ ...v, unit: u })} />
        <Field label={t('results.indicator')} error={errors.at('indicator')}>
          {(p) => (
            <select {...p} name="indicator" value={v.indicator} onChange={(e) => setV({ ...v, indicator: e.target.value })}>
              <option value="">{t('record.choose')}</option>
              {catalogue?.outcomeIndicators?.map((i) => (
                <option key={i.code} value={i.code}>
                  {name(i, i.code)} ({i.unit})
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField label={t('results.year')} error={errors.at('year')} name="year" inputMode="numeric" value={v.year} onChange={(x) => setV({ ...v, year: x })} />
        <TextField
          label={indicator ? `${t('results.value')} (${indicator.unit})` : t('results.value')}
          help={t('results.valueHelp')}
          error={errors.at('value')}
          name="value"
          inputMode="decimal"
          value={v.value}
          onChange={(x) => setV({ ...v, value: x })}
        />
        <div className="field">
          <label className="inline">
            <input type="checkbox" name="corrects" checked={v.corrects} onChange={(e) => setV({ ...v, corrects: e.target.checked })} /> {t('results.corrects')}
          </label>
        </div>
        {v.corrects && <TextField label={t('results.correctsReason')} error={errors.at('corrects.reason')} wide name="corrects.reason" value={v.reason} onChange={(x) => setV({ ...v, reason: x })} />}
        <DecisionOrDocumentFields value={v.basis} onChange={(x) => setV({ ...v, basis: x })} errors={errors} />
        <EffectiveDateField value={v.effectiveDate} onChange={(x) => setV({ ...v, effectiveDate: x })} errors={errors} />
      </CommandForm>
    </section>
  );
}
