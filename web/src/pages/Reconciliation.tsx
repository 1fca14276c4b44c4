/** Reconciliation: every figure the documents state that the ledger contradicts, each with the document's own words. */
import { FormEvent, useEffect, useMemo, useState } from 'react';
import { UnitSelect } from '../components/fields';
import { Field, LoadState, PageHeader, ShowButton } from '../components/ui';
import { formatDate, formatMoney, formatQuantity } from '../format';
import { useI18n } from '../i18n';
import { useQueryState } from '../router';
import { useSession } from '../session';
import { useApi, useMoney } from '../state';
import type { Finding, ReconciliationResult } from '../types';

export function ReconciliationPage() {
  const { t } = useI18n();
  const session = useSession();
  const [query, setQuery] = useQueryState();
  const unit = query.get('unit') ?? '';
  const document = query.get('document') ?? '';
  const all = useApi<ReconciliationResult>('/reconciliation', {});
  const recon = useApi<ReconciliationResult>('/reconciliation', { unit, document });

  const [draft, setDraft] = useState({ unit, document });
  useEffect(() => setDraft({ unit, document }), [unit, document]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ unit: draft.unit, document: draft.document }, true);
  };
  const documents = useMemo(() => {
    const seen = new Map<string, string>();
    for (const f of all.data?.findings ?? []) seen.set(f.document.id, f.document.title);
    return [...seen.entries()];
  }, [all.data]);
  const grouped = useMemo(() => {
    const byDoc = new Map<string, { title: string; findings: Finding[] }>();
    for (const f of recon.data?.findings ?? []) {
      const g = byDoc.get(f.document.id) ?? { title: f.document.title, findings: [] };
      g.findings.push(f);
      byDoc.set(f.document.id, g);
    }
    return [...byDoc.entries()];
  }, [recon.data]);

  return (
    <div>
      <PageHeader title={t('recon.title')} intro={t('recon.intro')} />
      <form className="filters card" onSubmit={apply}>
        <Field label={t('recon.filterDocument')} className="wide">
          {(p) => (
            <select {...p} name="document" value={draft.document} onChange={(e) => setDraft({ ...draft, document: e.target.value })}>
              <option value="">{t('common.all')}</option>
              {documents.map(([id, title]) => (
                <option key={id} value={id}>
                  {id} – {title}
                </option>
              ))}
            </select>
          )}
        </Field>
        {session && <UnitOrAll value={draft.unit} fallback={session.unit} onChange={(u) => setDraft({ ...draft, unit: u })} />}
        <ShowButton />
      </form>
      <LoadState loaded={recon} />
      {recon.data && (
        <>
          <p className="summary" data-testid="recon-summary">
            {t('recon.summary', { assertions: recon.data.assertions, checks: recon.data.checks, holding: recon.data.holding, findings: recon.data.findings.length })} ·{' '}
            {t('common.position', { position: recon.data.position })}
          </p>
          {recon.data.findings.length === 0 && <p className="notice">{t('recon.none')}</p>}
          {grouped.map(([id, g]) => (
            <section key={id} className="card" aria-labelledby={`doc-${id}`}>
              <h2 id={`doc-${id}`}>
                <span className="code">{id}</span> {g.title}
              </h2>
              <ol className="findings">
                {g.findings.map((f, i) => (
                  <FindingItem key={i} f={f} />
                ))}
              </ol>
            </section>
          ))}
        </>
      )}
    </div>
  );
}

/** The unit filter, with "all units" first. */
function UnitOrAll({ value, fallback, onChange }: { value: string; fallback: string; onChange: (unit: string) => void }) {
  const { t } = useI18n();
  return (
    <div className="unit-or-all">
      <label className="inline">
        <input type="checkbox" checked={value === ''} onChange={(e) => onChange(e.target.checked ? '' : fallback)} /> {t('common.all')} ({t('common.unit').toLowerCase()})
      </label>
      {value !== '' && <UnitSelect value={value} onChange={onChange} />}
    </div>
  );
}

function FindingItem({ f }: { f: Finding }) {
  const { t, tk, lang } = useI18n();
  const { money, unitName } = useMoney();
  // Rates are percentages; other figures are đồng in the unit the user picked.
  const value = (v: string | undefined) => (v === undefined ? '—' : f.unit === '%' ? `${formatQuantity(v)} %` : f.unit === 'đồng' ? money(v) : formatQuantity(v));
  const unitNote = f.unit === 'đồng' ? ` (${unitName})` : '';
  return (
    <li className={`finding severity-${f.severity}`} data-kind={f.kind}>
      <p className="finding-head">
        <span className="badge">{tk('recon.severity', f.severity)}</span> <strong>{tk('recon.kind', f.kind)}</strong> · {t('recon.section')} {f.section}
        {f.asOf ? ` · ${t('recon.asOf', { date: formatDate(f.asOf) })}` : ''}
      </p>
      {f.quote && (
        <blockquote lang="vi" cite={f.document.id}>
          “{f.quote}”
        </blockquote>
      )}
      <dl className="finding-figures">
        {f.scope && (
          <>
            <dt>{t('recon.scope')}</dt>
            <dd>{f.scope}</dd>
          </>
        )}
        {f.stated !== undefined && (
          <>
            <dt>{t('recon.stated')}</dt>
            <dd className="num">
              {value(f.stated)}
              {unitNote}
            </dd>
          </>
        )}
        {f.ledger !== undefined && (
          <>
            <dt>{f.parts ? `${t('recon.parts')} (Σ)` : t('recon.ledger')}</dt>
            <dd className="num">
              {value(f.ledger)}
              {unitNote}
            </dd>
          </>
        )}
        {f.difference !== undefined && (
          <>
            <dt>{t('recon.difference')}</dt>
            <dd className="num">
              {value(f.difference)}
              {unitNote}
            </dd>
          </>
        )}
      </dl>
      {f.parts && (
        <p className="sub">
          {t('recon.parts')}: {f.parts.map((p) => `${p.assertionId} = ${f.unit === 'đồng' ? formatMoney(p.stated, 'dong') + ' đ' : value(p.stated)}`).join(' + ')}
        </p>
      )}
      {f.related && (
        <ul className="sub">
          {f.related.map((r) => (
            <li key={r.assertionId}>
              {r.section}: {value(r.stated)}
              {unitNote}
            </li>
          ))}
        </ul>
      )}
      {f.hint && (
        <p className="sub" lang="en">
          {t('recon.hint')}: {f.hint}
        </p>
      )}
      {lang === 'en' && <p className="sub">{f.message}</p>}
    </li>
  );
}
