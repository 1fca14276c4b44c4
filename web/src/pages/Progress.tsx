/**
 * Progress per sub-project: works by the stage of their lifecycle, activities by kind and status, beneficiaries by
 * category, outputs (by category) against targets — for a budget year, as of a day and as recorded by a time.
 */
import { FormEvent, useEffect, useState } from 'react';
import { DateField, DateText, dateTextOf, knownAtTextOf, UnitYearFields } from '../components/fields';
import { CatalogueSelect, Columns, LoadState, PageHeader, ShowButton, TableBox } from '../components/ui';
import { formatDate, formatQuantity, formatRate, knownAtForInput } from '../format';
import { useI18n } from '../i18n';
import { useQueryState } from '../router';
import { useSession } from '../session';
import { useApi, useBudgetYears, useMoney, useProgrammeCatalogue, useProgrammeCode, useProgrammeSwitch } from '../state';
import type { ActivityStatus, LifecycleCount, ProgressComponent, ProgressResult } from '../types';

const STATUSES: readonly ActivityStatus[] = ['registered', 'allocated', 'disbursing', 'completed'];

export function ProgressPage() {
  const { t } = useI18n();
  const session = useSession();
  const catalogue = useProgrammeCatalogue();
  const programme = useProgrammeCode() ?? undefined;
  const [query, setQuery] = useQueryState();
  const unit = query.get('unit') ?? session?.unit ?? '';
  const component = query.get('component') ?? '';
  const year = query.get('year') ?? '';
  const asOf = query.get('asOf') ?? '';
  const knownAt = query.get('knownAt') ?? '';
  const progress = useApi<ProgressResult>(programme ? '/progress' : null, { programme, unit, component, budgetYear: year, asOf, knownAt });
  const { years } = useBudgetYears(programme, unit);
  useProgrammeSwitch(() => setQuery({ component: null, year: null }));

  const draftOf = () => ({ unit, component, year, asOf: dateTextOf(asOf), knownAt: knownAtTextOf(knownAt) });
  const [draft, setDraft] = useState(draftOf);
  useEffect(() => setDraft(draftOf()), [unit, component, year, asOf, knownAt]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.asOf.invalid || draft.knownAt.invalid) return;
    setQuery({ unit: draft.unit, component: draft.component, year: draft.year, asOf: draft.asOf.iso, knownAt: draft.knownAt.iso }, true);
  };

  return (
    <div>
      <PageHeader title={t('progress.title')} intro={t('progress.intro')} />
      <form className="filters card" onSubmit={apply}>
        <UnitYearFields unit={draft.unit} year={draft.year} years={years} onChange={(v) => setDraft({ ...draft, ...v })} allYears={t('common.budgetYearAll')} />
        <CatalogueSelect label={t('common.component')} name="component" value={draft.component} onChange={(v) => setDraft({ ...draft, component: v })} options={catalogue?.components} first={t('common.all')} />
        <DateField label={t('common.asOf')} value={draft.asOf} onChange={(v: DateText) => setDraft({ ...draft, asOf: v })} name="asOf" help={t('common.asOfHelp')} />
        <DateField label={t('common.knownAt')} value={draft.knownAt} onChange={(v: DateText) => setDraft({ ...draft, knownAt: v })} name="knownAt" knownAt help={t('common.knownAtHelp')} />
        <ShowButton />
      </form>
      <LoadState loaded={progress} />
      {progress.data && (
        <>
          <p className="meta" data-testid="progress-slice">
            {t('progress.slice', {
              year: progress.data.budgetYear ? t('progress.sliceYear', { year: progress.data.budgetYear }) : t('progress.sliceAll'),
              asOf: progress.data.asOf ? formatDate(progress.data.asOf) : t('progress.sliceNow'),
              knownAt: progress.data.knownAt ? knownAtForInput(progress.data.knownAt) : t('progress.sliceNow'),
            })}{' '}
            · {t('common.position', { position: progress.data.position })}
          </p>
          {progress.data.components.length === 0 && <p className="notice">{t('common.none')}</p>}
          <div className="progress-grid">
            {progress.data.components.map((c) => (
              <SubProject key={c.component} c={c} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}

function SubProject({ c }: { c: ProgressComponent }) {
  const { t, name } = useI18n();
  const catalogue = useProgrammeCatalogue();
  const { money, unitName } = useMoney();
  const headingId = `progress-${c.component.replace(/\W/g, '-')}`;
  const componentName = name(catalogue?.components.find((x) => x.code === c.component), c.name);
  // Categories in the catalogue's order (poor, near-poor, newly escaped...).
  const order = (code: string) => catalogue?.beneficiaryCategories.findIndex((x) => x.code === code) ?? 0;
  const byOrder = ([a]: [string, unknown], [b]: [string, unknown]) => order(a) - order(b);
  const beneficiaries = Object.entries(c.beneficiaries).sort(byOrder);
  return (
    <section className="card sub-project" aria-labelledby={headingId} data-component={c.component}>
      <h2 id={headingId}>
        <span className="code">{c.component}</span> {componentName}
      </h2>
      <p className="meta">
        {t('progress.money', { plan: money(c.money.plan), allocated: money(c.money.allocated), disbursed: money(c.money.disbursed), rate: formatRate(c.money.disbursementRateOfPlan) })} ({unitName})
      </p>

      {(c.lifecycles ?? []).map((l) => (
        <Lifecycle key={l.lifecycle} component={c.component} l={l} />
      ))}

      <h3>{t('progress.activities')}</h3>
      {c.byKind.length === 0 ? (
        <p>{t('progress.noActivities')}</p>
      ) : (
        <TableBox label={`${c.component} ${t('progress.activities')}`}>
          <table className="figures compact">
            <Columns
              columns={[
                t('progress.kind'),
                { label: t('progress.count'), num: true },
                ...STATUSES.map((s) => ({ label: t(`status.${s}`), num: true })),
                { label: t('measure.allocated'), num: true },
                { label: t('measure.disbursed'), num: true },
              ]}
            />
            <tbody>
              {c.byKind.map((k) => (
                <tr key={k.kind}>
                  <th scope="row">{name(catalogue?.activityKinds.find((x) => x.code === k.kind), k.name)}</th>
                  <td className="num">{k.activities}</td>
                  {STATUSES.map((s) => (
                    <td key={s} className="num">
                      {k.byStatus[s] ?? 0}
                    </td>
                  ))}
                  <td className="num">{money(k.allocated)}</td>
                  <td className="num">{money(k.disbursed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}

      <h3>{t('progress.beneficiaries')}</h3>
      {beneficiaries.length === 0 ? (
        <p className="sub">{t('progress.noBeneficiaries')}</p>
      ) : (
        <>
          <TableBox label={`${c.component} ${t('progress.beneficiaries')}`}>
            <table className="figures compact">
              <Columns columns={[t('progress.category'), { label: t('progress.households'), num: true }]} />
              <tbody>
                {beneficiaries.map(([code, n]) => (
                  <tr key={code}>
                    <th scope="row">{name(catalogue?.beneficiaryCategories.find((x) => x.code === code), code)}</th>
                    <td className="num">{formatQuantity(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
        </>
      )}

      <h3>{t('progress.outputs')}</h3>
      {c.outputs.length === 0 ? (
        <p className="sub">{t('progress.noOutputs')}</p>
      ) : (
        <>
          <TableBox label={`${c.component} ${t('progress.outputs')}`}>
            <table className="figures compact">
              <Columns columns={[t('progress.indicator'), { label: t('progress.target'), num: true }, { label: t('progress.achieved'), num: true }, t('progress.rateOfTarget')]} />
              <tbody>
                {c.outputs.map((o) => {
                  const pct = o.rateOfTarget === null ? null : Math.min(100, Number(o.rateOfTarget) * 100);
                  const categories = Object.entries(o.byCategory ?? {}).sort(byOrder);
                  return [
                    <tr key={o.indicator} data-indicator={o.indicator}>
                      <th scope="row">
                        {name(catalogue?.indicators.find((x) => x.code === o.indicator), o.indicator)} ({o.unit})
                      </th>
                      <td className="num">{formatQuantity(o.target)}</td>
                      <td className="num">{formatQuantity(o.achieved)}</td>
                      <td>
                        {pct !== null && <meter className="meter" min={0} max={100} value={pct} aria-label={formatRate(o.rateOfTarget)} />} {formatRate(o.rateOfTarget)}
                      </td>
                    </tr>,
                    ...categories.map(([category, quantity]) => (
                      <tr key={`${o.indicator}|${category}`} className="sub-row" data-indicator={o.indicator} data-category={category}>
                        <th scope="row">
                          {t('progress.ofWhich')}: {name(catalogue?.beneficiaryCategories.find((x) => x.code === category), category)}
                        </th>
                        <td className="num" />
                        <td className="num">{formatQuantity(quantity)}</td>
                        <td />
                      </tr>
                    )),
                  ];
                })}
              </tbody>
            </table>
          </TableBox>
        </>
      )}
    </section>
  );
}

/** Works by the stage they have reached: "0 of 2 works started, 2 not started", then each stage's count. */
function Lifecycle({ component, l }: { component: string; l: LifecycleCount }) {
  const { t, name } = useI18n();
  const catalogue = useProgrammeCatalogue();
  const stages = catalogue?.lifecycles?.find((x) => x.code === l.lifecycle)?.stages ?? Object.keys(l.byStage).map((code) => ({ code, nameVi: code }));
  return (
    <div data-lifecycle={l.lifecycle}>
      <h3>{name(catalogue?.lifecycles?.find((x) => x.code === l.lifecycle), l.name)}</h3>
      <p className="meta" data-testid="works-summary">
        {t('progress.worksSummary', { started: l.started, total: l.activities, notStarted: l.notStarted, completed: l.completed })}
      </p>
      <TableBox label={`${component} ${t('progress.works')}`}>
        <table className="figures compact">
          <Columns columns={[t('progress.stage'), { label: t('progress.stageCount'), num: true }]} />
          <tbody>
            {stages.map((s) => (
              <tr key={s.code} data-stage={s.code}>
                <th scope="row">{name(s, s.code)}</th>
                <td className="num">{l.byStage[s.code] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </div>
  );
}
