/** Inspectors: adjustments by period — what changed, where, from what to what, when it was recorded and by whom. */
import { FormEvent, useEffect, useState } from 'react';
import { DateField, DateText, dateTextOf, UnitSelect } from '../components/fields';
import { BasisText, CatalogueSelect, Columns, LoadState, PageHeader, Pager, ShowButton, TableBox } from '../components/ui';
import { formatDate, formatInstant } from '../format';
import { useI18n } from '../i18n';
import { href, Link, useQueryState } from '../router';
import { useSession } from '../session';
import { useApi, useMoney, useProgrammeCatalogue, useProgrammeSwitch } from '../state';
import type { AdjustmentRow, Paged } from '../types';

const KINDS = ['plan-increase', 'plan-decrease', 'move-out', 'move-in', 'reclassification', 'disbursement-reversal', 'returned', 'cancelled'] as const;
const PAGE_SIZE = 100;

export function AdjustmentsPage() {
  const { t, tk } = useI18n();
  const session = useSession();
  const catalogue = useProgrammeCatalogue();
  const { money, unitName } = useMoney();
  const [query, setQuery] = useQueryState();
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const unit = query.get('unit') ?? session?.unit ?? '';
  const component = query.get('component') ?? '';
  const kind = query.get('kind') ?? '';
  const page = Number(query.get('page') ?? '1') || 1;
  const list = useApi<Paged<AdjustmentRow>>('/adjustments', { from, to, unit, component, kind, page, pageSize: PAGE_SIZE });
  // The component list is the programme's: another programme's code is dropped.
  useProgrammeSwitch(() => setQuery({ component: null, page: null }));

  const [draft, setDraft] = useState({ from: dateTextOf(from), to: dateTextOf(to), unit, component, kinds: kind ? kind.split(',') : [] });
  useEffect(() => setDraft({ from: dateTextOf(from), to: dateTextOf(to), unit, component, kinds: kind ? kind.split(',') : [] }), [from, to, unit, component, kind]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from.invalid || draft.to.invalid) return;
    setQuery({ from: draft.from.iso, to: draft.to.iso, unit: draft.unit, component: draft.component, kind: draft.kinds.join(','), page: null }, true);
  };

  return (
    <div>
      <PageHeader title={t('adjustments.title')} intro={t('adjustments.intro')} />
      <form className="filters card" onSubmit={apply}>
        <DateField label={t('adjustments.from')} value={draft.from} onChange={(v: DateText) => setDraft({ ...draft, from: v })} name="from" />
        <DateField label={t('adjustments.to')} value={draft.to} onChange={(v: DateText) => setDraft({ ...draft, to: v })} name="to" />
        <UnitSelect value={draft.unit} onChange={(u) => setDraft({ ...draft, unit: u })} />
        <CatalogueSelect label={t('common.component')} name="component" value={draft.component} onChange={(v) => setDraft({ ...draft, component: v })} options={catalogue?.components} first={t('common.all')} />
        <fieldset className="group wide checkboxes">
          <legend>{t('adjustments.kind')}</legend>
          {KINDS.map((k) => (
            <label key={k} className="inline">
              <input
                type="checkbox"
                name="kind"
                value={k}
                checked={draft.kinds.includes(k)}
                onChange={(e) => setDraft({ ...draft, kinds: e.target.checked ? [...draft.kinds, k] : draft.kinds.filter((x) => x !== k) })}
              />{' '}
              {t(`adjustments.kind.${k}`)}
            </label>
          ))}
        </fieldset>
        <ShowButton />
      </form>
      <LoadState loaded={list} />
      {list.data && (
        <section className="card" aria-labelledby="adjustment-list">
          <h2 id="adjustment-list">{t('adjustments.count', { n: list.data.totalRows })}</h2>
          <p className="meta">
            {t('common.unitLabel', { unit: unitName })} · {t('common.position', { position: list.data.position })}
          </p>
          {list.data.rows.length === 0 ? (
            <p>{t('adjustments.none')}</p>
          ) : (
            <TableBox label={t('adjustments.title')}>
              <table className="figures stack" data-testid="adjustments-table">
                <Columns columns={[t('common.effectiveDate'), t('adjustments.kind'), t('common.decision'), t('adjustments.where'), { label: t('common.amount'), num: true }, t('common.reason'), t('common.recordedBy'), t('common.recordedAt'), { label: t('adjustments.lag'), num: true }, { label: t('adjustments.disbursedBefore'), num: true }]} />
                <tbody>
                  {list.data.rows.map((r) => (
                    <tr key={`${r.position}-${r.kind}`}>
                      <td data-label={t('common.effectiveDate')}>{formatDate(r.effectiveDate)}</td>
                      <td data-label={t('adjustments.kind')}>
                        {tk('adjustments.kind', r.kind)}
                        {r.fromKind && r.toKind && (
                          <div className="sub">
                            {r.fromKind} → {r.toKind}
                          </div>
                        )}
                      </td>
                      <td data-label={t('common.decision')}>{r.decision ? <Link to={href('/quyet-dinh', { so: r.decision.number, coquan: r.decision.issuer, ngay: r.decision.date })}><BasisText basis={{ ...r.decision, kind: 'decision' }} /></Link> : '—'}</td>
                      <td data-label={t('adjustments.where')}>
                        {r.stream ? <Link to={href('/so-dong-von', { line: r.stream })}>{r.component}</Link> : r.component}
                        {r.otherComponent && <div className="sub">↔ {r.otherComponent}</div>}
                        {r.activityId && (
                          <div className="sub">
                            {t('common.activity')}: {r.activityId}
                          </div>
                        )}
                      </td>
                      <td data-label={t('common.amount')} className="num">{r.amount === null ? '—' : money(r.amount)}</td>
                      <td data-label={t('common.reason')}>{r.reason}</td>
                      <td data-label={t('common.recordedBy')}>
                        {r.recordedBy.id}
                        <div className="sub">{tk('role', r.recordedBy.role)}</div>
                      </td>
                      <td data-label={t('common.recordedAt')}>{formatInstant(r.recordedAt)}</td>
                      <td data-label={t('adjustments.lag')} className={`num${r.recordedDaysAfterEffect > 30 ? ' warn' : ''}`}>{t('adjustments.lagDays', { n: r.recordedDaysAfterEffect })}</td>
                      <td data-label={t('adjustments.disbursedBefore')} className="num">{r.activityDisbursedBefore === null ? '—' : money(r.activityDisbursedBefore)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          )}
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.totalRows} onPage={(p) => setQuery({ page: p }, true)} />
        </section>
      )}
    </div>
  );
}
