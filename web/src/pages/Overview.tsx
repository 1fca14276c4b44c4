/**
 * M&E overview: for a unit and a budget year, per project and sub-project, the plan, money carried in by origin
 * year, allocated, unallocated, disbursed and the disbursement rate, with a chart. Drill down to the fund lines
 * of a sub-project and on to each line's ledger. Roll-ups by unit as recorded, or by today's unit (after the 2025
 * reform: a 2024 district's money under today's province).
 */
import { FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { MoneyChart } from '../components/chart';
import { DateField, DateText, dateTextOf, knownAtTextOf, UnitYearFields } from '../components/fields';
import { CatalogueSelect, Columns, Field, Loading, LoadError, LoadState, PageHeader, ShowButton, TableBox } from '../components/ui';
import { chartValue, formatRate } from '../format';
import { useI18n } from '../i18n';
import { href, Link, useQueryState } from '../router';
import { useSession } from '../session';
import { useApi, useBudgetYears, useMoney, useProgrammeCatalogue, useProgrammeCode, useProgrammeSwitch } from '../state';
import type { BalanceRow, BalancesResult, Figures, UnitsToday } from '../types';
import { useUnit } from '../units';

const COLORS = { plan: '#1f5fa8', allocated: '#6aa0d8', disbursed: '#1b8a5a', rate: '#c2571a' };

export function OverviewPage() {
  const { t, name } = useI18n();
  const session = useSession();
  const catalogue = useProgrammeCatalogue();
  const programme = useProgrammeCode() ?? undefined;
  const { money, unit: moneyUnit, unitName } = useMoney();
  const [query, setQuery] = useQueryState();
  const unit = query.get('unit') ?? session?.unit ?? '';
  const source = query.get('source') ?? '';
  const capitalType = query.get('capitalType') ?? '';
  const asOf = query.get('asOf') ?? '';
  const knownAt = query.get('knownAt') ?? '';
  const component = query.get('component') ?? '';
  const units = query.get('units') === 'today' ? 'today' : undefined;

  // Every figure is of the programme chosen: nothing is asked before its code is known.
  const { loaded: years, years: yearList, defaultYear } = useBudgetYears(programme, unit, units);
  const year = query.get('year') ?? (defaultYear !== undefined ? String(defaultYear) : null);

  // Another programme has other years and components: its overview starts from its own.
  useProgrammeSwitch(() => setQuery({ year: null, component: null }));

  const filter = { programme, unit, units, budgetYear: year ?? undefined, source, capitalType, asOf, knownAt };
  // A unit of today is named as it is today; a unit as recorded, as it was in the year.
  const unitThen = useUnit(unit, units ? new Date().toISOString().slice(0, 10) : year ? Number(year) : undefined);
  const projects = useApi<BalancesResult>(year ? '/balances' : null, { ...filter, groupBy: 'project', pageSize: 500 });
  const subProjects = useApi<BalancesResult>(year ? '/balances' : null, { ...filter, groupBy: 'project,subProject', pageSize: 500 });
  const lines = useApi<BalancesResult>(year && component ? '/balances' : null, { ...filter, component, pageSize: 500 });

  // The filter form edits a draft; "Xem" applies it to the URL.
  const draftOf = () => ({ unit, units: units ?? '', year: year ?? '', source, capitalType, asOf: dateTextOf(asOf), knownAt: knownAtTextOf(knownAt) });
  const [draft, setDraft] = useState(draftOf);
  // When what is applied changes (the URL, or the default year once the years are known), the draft follows it in
  // those fields only: a choice the user made meanwhile, not yet applied, is kept.
  const applied = useRef(draftOf());
  useEffect(() => {
    const before = applied.current;
    const now = draftOf();
    applied.current = now;
    setDraft((d) => {
      const next: Record<string, unknown> = { ...d };
      for (const key of Object.keys(now) as (keyof typeof now)[]) if (JSON.stringify(now[key]) !== JSON.stringify(before[key])) next[key] = now[key];
      return next as typeof d;
    });
  }, [unit, units, year, source, capitalType, asOf, knownAt]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.asOf.invalid || draft.knownAt.invalid) return;
    setQuery(
      { unit: draft.unit, units: draft.units, year: draft.unit === unit ? draft.year : null, source: draft.source, capitalType: draft.capitalType, asOf: draft.asOf.iso, knownAt: draft.knownAt.iso, component: null },
      true,
    );
  };
  // Today's units are the heirs of the user's unit (its province, the units that took it over): asked only once
  // the user reads by today's units. Switching starts from the user's unit, as recorded or as it is today.
  const today = useApi<Succession>(session && draft.units === 'today' ? '/catalogue/units/succession' : null, { code: session?.unit });
  const todayHeirs = today.data?.heirs ?? [];
  const todayDefault = today.data ? (today.data.today.unit ?? today.data.today.province ?? '') : '';
  const chooseUnits = (next: string) => setDraft({ ...draft, units: next, unit: next === 'today' ? todayDefault : (session?.unit ?? '') });
  useEffect(() => {
    if (draft.units === 'today' && draft.unit === '' && todayDefault) setDraft((d) => ({ ...d, unit: todayDefault }));
  }, [draft.units, draft.unit, todayDefault]);

  const componentName = (code: string) => name(catalogue?.components.find((c) => c.code === code), code);
  const origins = useMemo(() => {
    const all = new Set<string>();
    for (const r of [...(projects.data?.rows ?? []), ...(subProjects.data?.rows ?? [])]) Object.keys(r.carriedInByOriginYear).forEach((y) => all.add(y));
    Object.keys(projects.data?.total.carriedInByOriginYear ?? {}).forEach((y) => all.add(y));
    return [...all].sort();
  }, [projects.data, subProjects.data]);
  // Money carried in is shown by origin year; with none, one column says so (0).
  const carriedHeaders = origins.length ? origins.map((y) => ({ key: y, label: t('measure.carriedInFrom', { year: y }) })) : [{ key: '', label: t('measure.carriedIn') }];
  const carried = (f: Figures, key: string) => (key === '' ? f.carriedIn : (f.carriedInByOriginYear[key] ?? '0'));

  const chartProps = useMemo(() => {
    const rows = subProjects.data?.rows ?? [];
    if (rows.length === 0) return null;
    const fmt = (v: number) => v.toLocaleString('vi-VN', { maximumFractionDigits: 2 });
    return {
      labels: rows.map((r) => String(r.group.subProject)),
      bars: [
        { label: t('measure.plan'), values: rows.map((r) => chartValue(r.plan, moneyUnit)), color: COLORS.plan },
        { label: t('measure.allocated'), values: rows.map((r) => chartValue(r.allocated, moneyUnit)), color: COLORS.allocated },
        { label: t('measure.disbursed'), values: rows.map((r) => chartValue(r.disbursed, moneyUnit)), color: COLORS.disbursed },
      ],
      rate: { label: t('overview.chartRate'), values: rows.map((r) => (r.disbursementRateOfPlan === null ? 0 : chartValue(r.disbursementRateOfPlan, 'dong') * 100)), color: COLORS.rate },
      moneyAxis: unitName,
      rateAxis: '%',
      description: t('overview.chart', { unit: unitName }),
      formatMoney: fmt,
    };
  }, [subProjects.data, moneyUnit, unitName, t]);

  // The figure columns, shared by the components' table and the lines' table.
  const columns: readonly { key: string; label: string; value: (f: Figures) => string }[] = [
    { key: 'plan', label: t('measure.plan'), value: (f) => money(f.plan) },
    ...carriedHeaders.map((c) => ({ key: `carried-${c.key}`, label: c.label, value: (f: Figures) => money(carried(f, c.key)) })),
    { key: 'allocated', label: t('measure.allocated'), value: (f) => money(f.allocated) },
    { key: 'unallocated', label: t('measure.unallocated'), value: (f) => money(f.unallocated) },
    { key: 'disbursed', label: t('measure.disbursed'), value: (f) => money(f.disbursed) },
    { key: 'rate', label: t('measure.rate'), value: (f) => formatRate(f.disbursementRateOfPlan) },
  ];
  const header = (first: string) => <Columns columns={[first, ...columns.map((c) => ({ key: c.key, label: c.label, num: true }))]} />;
  const figureCells = (f: Figures) =>
    columns.map((c) => (
      <td key={c.key} className="num" data-label={c.label}>
        {c.value(f)}
      </td>
    ));

  const subsOf = (project: string): BalanceRow[] => (subProjects.data?.rows ?? []).filter((r) => r.group.project === project && r.group.subProject !== project);
  const loadError = years.error ?? projects.error ?? subProjects.error;

  return (
    <div>
      <PageHeader title={t('overview.title')} intro={t('overview.intro')} />
      <form className="filters card" onSubmit={apply}>
        {draft.units === 'today' ? (
          <>
            <Field label={t('overview.todayUnit')}>
              {(p) => (
                <select {...p} name="todayUnit" value={draft.unit} onChange={(e) => setDraft({ ...draft, unit: e.target.value })}>
                  {!todayHeirs.some((h) => h.code === draft.unit) && <option value={draft.unit}>{draft.unit}</option>}
                  {todayHeirs.map((h) => (
                    <option key={h.code} value={h.code}>
                      {h.nameVi} ({h.code})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <UnitYearFields unit={draft.unit} year={draft.year} years={yearList} onChange={(v) => setDraft({ ...draft, ...v })} yearOnly />
          </>
        ) : (
          <UnitYearFields unit={draft.unit} year={draft.year} years={yearList} onChange={(v) => setDraft({ ...draft, ...v })} />
        )}
        <Field label={t('overview.unitsBy')} help={t('overview.unitsHelp')}>
          {(p) => (
            <select {...p} name="units" value={draft.units} onChange={(e) => chooseUnits(e.target.value)}>
              <option value="">{t('overview.unitsRecorded')}</option>
              <option value="today">{t('overview.unitsToday')}</option>
            </select>
          )}
        </Field>
        <CatalogueSelect label={t('common.source')} name="source" value={draft.source} onChange={(v) => setDraft({ ...draft, source: v })} options={catalogue?.sources} first={t('common.all')} />
        <CatalogueSelect label={t('common.capitalType')} name="capitalType" value={draft.capitalType} onChange={(v) => setDraft({ ...draft, capitalType: v })} options={catalogue?.capitalTypes} first={t('common.all')} />
        <DateField label={t('common.asOf')} value={draft.asOf} onChange={(v: DateText) => setDraft({ ...draft, asOf: v })} name="asOf" help={t('common.asOfHelp')} />
        <DateField label={t('common.knownAt')} value={draft.knownAt} onChange={(v: DateText) => setDraft({ ...draft, knownAt: v })} name="knownAt" knownAt help={t('common.knownAtHelp')} />
        <ShowButton />
      </form>

      {loadError && <LoadError error={loadError} onRetry={() => (years.reload(), projects.reload(), subProjects.reload())} />}
      {years.data && yearList.length === 0 && <p className="notice">{t('overview.noYears')}</p>}
      {(years.loading || projects.loading || subProjects.loading) && <Loading />}
      {projects.data?.unitsToday && <Unresolved unitsToday={projects.data.unitsToday} />}

      {projects.data && subProjects.data && (
        <>
          <section aria-labelledby="overview-table" className="card">
            <h2 id="overview-table">
              {t('overview.table')} — {unitThen?.nameVi ?? unit}, {year}
              {units ? ` (${t('overview.unitsToday')})` : ''}
              {source ? `, ${source}` : ''}
              {capitalType ? `, ${capitalType}` : ''}
            </h2>
            <p className="meta">
              {t('common.unitLabel', { unit: unitName })} · {t('common.position', { position: projects.data.position })}
            </p>
            <TableBox label={t('overview.table')}>
              <table className="figures stack" data-testid="overview-table">
                {header(t('common.component'))}
                <tbody>
                  {projects.data.rows.map((p) => {
                    const code = String(p.group.project);
                    return [
                      <tr key={code} className="project-row" data-component={code}>
                        <th scope="row">
                          <span className="code">{code}</span> {componentName(code)}
                          {subsOf(code).length === 0 && (
                            <>
                              {' '}
                              <Link className="drill" to={href('/', { ...Object.fromEntries(query), component: code })}>
                                {t('overview.showLines')}
                              </Link>
                            </>
                          )}
                        </th>
                        {figureCells(p)}
                      </tr>,
                      ...subsOf(code).map((s) => {
                        const sub = String(s.group.subProject);
                        return (
                          <tr key={sub} className="sub-row" data-component={sub}>
                            <th scope="row">
                              <span className="code">{sub}</span> {componentName(sub)}{' '}
                              <Link className="drill" to={href('/', { ...Object.fromEntries(query), component: sub })}>
                                {t('overview.showLines')}
                              </Link>
                            </th>
                            {figureCells(s)}
                          </tr>
                        );
                      }),
                    ];
                  })}
                </tbody>
                <tfoot>
                  <tr className="total-row" data-component="total">
                    <th scope="row">{t('common.total')}</th>
                    {figureCells(projects.data.total)}
                  </tr>
                </tfoot>
              </table>
            </TableBox>
          </section>

          {chartProps && (
            <section aria-labelledby="overview-chart" className="card">
              <h2 id="overview-chart">{t('overview.chart', { unit: unitName })}</h2>
              <MoneyChart {...chartProps} />
            </section>
          )}
        </>
      )}

      {component && (
        <section aria-labelledby="overview-lines" className="card">
          <h2 id="overview-lines">{t('overview.linesOf', { component: `${component} ${componentName(component)}` })}</h2>
          <LoadState loaded={lines} />
          {lines.data && (
            <TableBox label={t('overview.lines')}>
              <table className="figures stack" data-testid="lines-table">
                {header(t('common.line'))}
                <tbody>
                  {lines.data.rows.map((l) => (
                    <tr key={l.stream}>
                      <th scope="row">
                        <Link to={href('/so-dong-von', { line: l.stream })}>{l.label}</Link>
                      </th>
                      {figureCells(l)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          )}
        </section>
      )}
    </div>
  );
}

/** GET /catalogue/units/succession: a unit's heirs today (its province, the units that took it over). */
interface Succession {
  readonly today: { readonly unit: string | null; readonly province: string | null };
  readonly heirs: readonly { readonly code: string; readonly nameVi: string; readonly level: string }[];
}

/** Units of the roll-up with several successors: their figures keep the old code at the unit level. */
function Unresolved({ unitsToday }: { unitsToday: UnitsToday }) {
  const { t } = useI18n();
  if (unitsToday.unresolved.length === 0) return null;
  return (
    <div className="notice" data-testid="units-unresolved">
      {unitsToday.unresolved.map((u) => (
        <p key={`${u.recorded}|${u.budgetYear}`}>
          {t('overview.unresolved', { unit: u.recorded, year: u.budgetYear, successors: u.successors.map((s) => `${s.name} (${s.code})`).join(', '), province: u.province ?? '—' })}
        </p>
      ))}
    </div>
  );
}
