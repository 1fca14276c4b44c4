/** Progress per sub-project: activities by kind and status, beneficiaries by category, outputs against targets. */
import { FormEvent, useEffect, useState } from 'react';
import { DateField, DateText, dateTextOf, UnitSelect } from '../components/fields';
import { CatalogueSelect, Columns, LoadState, PageHeader, ShowButton, TableBox } from '../components/ui';
import { formatQuantity, formatRate } from '../format';
import { useI18n } from '../i18n';
import { useQueryState } from '../router';
import { useSession } from '../session';
import { useApi, useMoney, useProgrammeCatalogue, useProgrammeCode, useProgrammeSwitch } from '../state';
import type { ActivityStatus, ProgressComponent, ProgressResult } from '../types';

const STATUSES: readonly ActivityStatus[] = ['registered', 'allocated', 'disbursing', 'completed'];

export function ProgressPage() {
  const { t } = useI18n();
  const session = useSession();
  const catalogue = useProgrammeCatalogue();
  const programme = useProgrammeCode() ?? undefined;
  const [query, setQuery] = useQueryState();
  const unit = query.get('unit') ?? session?.unit ?? '';
  const component = query.get('component') ?? '';
  const asOf = query.get('asOf') ?? '';
  const progress = useApi<ProgressResult>(programme ? '/progress' : null, { programme, unit, component, asOf });
  useProgrammeSwitch(() => setQuery({ component: null }));

  const [draft, setDraft] = useState({ unit, component, asOf: dateTextOf(asOf) });
  useEffect(() => setDraft({ unit, component, asOf: dateTextOf(asOf) }), [unit, component, asOf]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.asOf.invalid) return;
    setQuery({ unit: draft.unit, component: draft.component, asOf: draft.asOf.iso }, true);
  };

  return (
    <div>
      <PageHeader title={t('progress.title')} intro={t('progress.intro')} />
      <form className="filters card" onSubmit={apply}>
        <UnitSelect value={draft.unit} onChange={(u) => setDraft({ ...draft, unit: u })} when={draft.asOf.iso ?? undefined} />
        <CatalogueSelect label={t('common.component')} name="component" value={draft.component} onChange={(v) => setDraft({ ...draft, component: v })} options={catalogue?.components} first={t('common.all')} />
        <DateField label={t('common.asOf')} value={draft.asOf} onChange={(v: DateText) => setDraft({ ...draft, asOf: v })} name="asOf" help={t('common.asOfHelp')} />
        <ShowButton />
      </form>
      <LoadState loaded={progress} />
      {progress.data && (
        <>
          <p className="meta">{t('common.position', { position: progress.data.position })}</p>
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
  const beneficiaries = Object.entries(c.beneficiaries);
  return (
    <section className="card sub-project" aria-labelledby={headingId} data-component={c.component}>
      <h2 id={headingId}>
        <span className="code">{c.component}</span> {componentName}
      </h2>
      <p className="meta">
        {t('progress.money', { plan: money(c.money.plan), allocated: money(c.money.allocated), disbursed: money(c.money.disbursed), rate: formatRate(c.money.disbursementRateOfPlan) })} ({unitName})
      </p>

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
                  return (
                    <tr key={o.indicator}>
                      <th scope="row">
                        {name(catalogue?.indicators.find((x) => x.code === o.indicator), o.indicator)} ({o.unit})
                      </th>
                      <td className="num">{formatQuantity(o.target)}</td>
                      <td className="num">{formatQuantity(o.achieved)}</td>
                      <td>
                        {pct !== null && <meter className="meter" min={0} max={100} value={pct} aria-label={formatRate(o.rateOfTarget)} />} {formatRate(o.rateOfTarget)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableBox>
        </>
      )}
    </section>
  );
}
