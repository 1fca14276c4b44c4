/** Inspectors: the decisions recorded, and for one decision its trail — before → after for each line and activity. */
import { FormEvent, useEffect, useState } from 'react';
import { DateField, DateText, dateTextOf } from '../components/fields';
import { BasisText, Columns, Field, LoadState, PageHeader, Pager, ShowButton, TableBox } from '../components/ui';
import { formatDate, formatInstant } from '../format';
import { useI18n } from '../i18n';
import { href, Link, useQueryState } from '../router';
import { useApi, useCatalogueEntry, useMoney } from '../state';
import type { ActivityView, BalanceFigures, DecisionSummary, Paged, TrailEvent, TrailResult } from '../types';

const PAGE_SIZE = 50;

export function DecisionsPage() {
  const [query] = useQueryState();
  const number = query.get('so');
  return number ? <Trail number={number} issuer={query.get('coquan') ?? ''} date={query.get('ngay') ?? ''} /> : <DecisionList />;
}

function DecisionList() {
  const { t, tk } = useI18n();
  const [query, setQuery] = useQueryState();
  const number = query.get('number') ?? '';
  const issuer = query.get('issuer') ?? '';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const page = Number(query.get('page') ?? '1') || 1;
  const list = useApi<Paged<DecisionSummary>>('/decisions', { number, issuer, from, to, page, pageSize: PAGE_SIZE });
  const [draft, setDraft] = useState({ number, issuer, from: dateTextOf(from), to: dateTextOf(to) });
  useEffect(() => setDraft({ number, issuer, from: dateTextOf(from), to: dateTextOf(to) }), [number, issuer, from, to]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from.invalid || draft.to.invalid) return;
    setQuery({ number: draft.number.trim(), issuer: draft.issuer.trim(), from: draft.from.iso, to: draft.to.iso, page: null }, true);
  };
  return (
    <div>
      <PageHeader title={t('decisions.title')} intro={t('decisions.intro')} />
      <form className="filters card" onSubmit={apply}>
        <Field label={t('decisions.number')}>{(p) => <input {...p} name="number" value={draft.number} onChange={(e) => setDraft({ ...draft, number: e.target.value })} />}</Field>
        <Field label={t('decisions.issuer')}>{(p) => <input {...p} name="issuer" value={draft.issuer} onChange={(e) => setDraft({ ...draft, issuer: e.target.value })} />}</Field>
        <DateField label={t('decisions.from')} value={draft.from} onChange={(v: DateText) => setDraft({ ...draft, from: v })} name="from" />
        <DateField label={t('decisions.to')} value={draft.to} onChange={(v: DateText) => setDraft({ ...draft, to: v })} name="to" />
        <ShowButton />
      </form>
      <LoadState loaded={list} />
      {list.data && (
        <section className="card" aria-labelledby="decision-list">
          <h2 id="decision-list">{t('decisions.count', { n: list.data.totalRows })}</h2>
          <TableBox label={t('decisions.title')}>
            <table className="figures stack" data-testid="decisions-table">
              <Columns columns={[t('decisions.number'), t('decisions.date'), t('decisions.issuer'), { label: t('decisions.events'), num: true }, t('decisions.byType'), t('decisions.recorded')]} />
              <tbody>
                {list.data.rows.map((d) => (
                  <tr key={`${d.number}|${d.issuer}|${d.date}`}>
                    <th scope="row">
                      <Link to={href('/quyet-dinh', { so: d.number, coquan: d.issuer, ngay: d.date })}>{d.number}</Link>
                    </th>
                    <td data-label={t('decisions.date')}>{formatDate(d.date)}</td>
                    <td data-label={t('decisions.issuer')}>{d.issuer}</td>
                    <td className="num" data-label={t('decisions.events')}>
                      {d.events}
                    </td>
                    <td data-label={t('decisions.byType')}>
                      {Object.entries(d.byType)
                        .map(([type, n]) => `${tk('event', type)}: ${n}`)
                        .join(' · ')}
                    </td>
                    <td data-label={t('decisions.recorded')}>
                      {formatInstant(d.firstRecordedAt)}
                      {d.lastRecordedAt !== d.firstRecordedAt ? ` – ${formatInstant(d.lastRecordedAt)}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.totalRows} onPage={(p) => setQuery({ page: p }, true)} />
        </section>
      )}
    </div>
  );
}

function Trail({ number, issuer, date }: { number: string; issuer: string; date: string }) {
  const { t } = useI18n();
  const [query, setQuery] = useQueryState();
  const page = Number(query.get('page') ?? '1') || 1;
  const trail = useApi<TrailResult>('/decisions/trail', { number, issuer, date, page, pageSize: PAGE_SIZE });
  return (
    <div>
      <PageHeader title={t('decisions.trailTitle', { number })}>
        <Link to="/quyet-dinh">← {t('decisions.back')}</Link>
      </PageHeader>
      <LoadState loaded={trail} />
      {trail.data && (
        <>
          {trail.data.decisions.map((d) => (
            <p key={`${d.number}|${d.issuer}|${d.date}`} className="meta">
              <BasisText basis={{ ...d, kind: 'decision' }} /> · {t('decisions.events')}: {d.events} · {t('common.position', { position: trail.data?.position ?? 0 })}
            </p>
          ))}
          <ol className="trail" data-testid="trail">
            {trail.data.events.map((e) => (
              <TrailItem key={e.position} e={e} />
            ))}
          </ol>
          <Pager page={trail.data.page} pageSize={trail.data.pageSize} total={trail.data.totalEvents} onPage={(p) => setQuery({ page: p }, true)} />
        </>
      )}
    </div>
  );
}

const LINE_FIGURES = ['plan', 'allocated', 'unallocated', 'disbursed', 'available'] as const satisfies readonly (keyof BalanceFigures)[];

function TrailItem({ e }: { e: TrailEvent }) {
  const { t, tk, name } = useI18n();
  const entry = useCatalogueEntry();
  const { money, unitName } = useMoney();
  const changed = e.line ? LINE_FIGURES.filter((k) => e.line?.before[k] !== e.line?.after[k]) : [];
  const activity = e.activity;
  const view = (a: ActivityView | null) =>
    a ? `${t('decisions.kind')} ${name(entry('activityKinds', a.kind), a.kind)} (${a.component}), ${t('decisions.status')} ${tk('status', a.status)}, ${t('measure.allocated')} ${money(a.allocated)}, ${t('measure.disbursed')} ${money(a.disbursed)}` : t('decisions.activityNew');
  return (
    <li className="card trail-item" data-position={e.position}>
      <p className="trail-head">
        <strong>{tk('event', e.type)}</strong>
        {e.amount !== undefined && (
          <>
            {' '}
            · {money(e.amount)} {unitName}
          </>
        )}{' '}
        · {t('common.effectiveDate')} {formatDate(e.effectiveDate)} · {t('common.recordedBy')} {e.recordedBy.id} ({tk('role', e.recordedBy.role)}) · {formatInstant(e.recordedAt)}
      </p>
      {e.line && (
        <div>
          <p>{t('decisions.lineChange', { label: e.line.label })}</p>
          <TableBox label={e.line.label}>
            <table className="figures compact before-after">
              <Columns columns={['', ...changed.map((k) => ({ label: t(`measure.${k}`), num: true, key: k }))]} />
              <tbody>
                <tr>
                  <th scope="row">{t('common.before')}</th>
                  {changed.map((k) => (
                    <td key={k} className="num">
                      {money(e.line?.before[k] as string)}
                    </td>
                  ))}
                </tr>
                <tr>
                  <th scope="row">{t('common.after')}</th>
                  {changed.map((k) => (
                    <td key={k} className="num">
                      {money(e.line?.after[k] as string)}
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          </TableBox>
        </div>
      )}
      {activity && (
        <div>
          <p>{t('decisions.activityChange', { id: activity.activityId })}</p>
          <p className="sub">
            {t('common.before')}: {view(activity.before)}
          </p>
          <p className="sub">
            {t('common.after')}: {view(activity.after)}
          </p>
        </div>
      )}
    </li>
  );
}
