/**
 * Reconciliation: every figure the documents state that the ledger contradicts, each with the document's own words
 * and the explanations recorded against it; then the figures the ledger cannot compare, and why.
 */
import { FormEvent, useEffect, useMemo, useState } from 'react';
import type { CommandResult } from '../api';
import { CommandOutcomeView, FieldErrors, useCommand } from '../components/command-form';
import { UnitOrAll } from '../components/fields';
import { BasisText, Field, LoadState, PageHeader, ShowButton, TableBox, Columns } from '../components/ui';
import { formatDate, formatInstant, formatMoney, formatQuantity } from '../format';
import { Translate, useI18n } from '../i18n';
import { useQueryState } from '../router';
import { can, useSession } from '../session';
import { useApi, useMoney } from '../state';
import type { Finding, NotChecked, ReconciliationResult } from '../types';
import { DecisionOrDocumentFields, emptyDecisionOrDocument, readDecisionOrDocument } from './record/activity-forms';

export function ReconciliationPage() {
  const { t } = useI18n();
  const session = useSession();
  const [query, setQuery] = useQueryState();
  const unit = query.get('unit') ?? '';
  const document = query.get('document') ?? '';
  const [minPosition, setMinPosition] = useState<number | undefined>(undefined);
  const all = useApi<ReconciliationResult>('/reconciliation', {});
  const recon = useApi<ReconciliationResult>('/reconciliation', { unit, document, minPosition });
  const onExplained = (r: CommandResult) => setMinPosition(r.position);

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
            {t('recon.explainedCount', { n: recon.data.explained ?? 0 })} · {t('recon.notChecked', { n: recon.data.notChecked?.length ?? 0 })} ·{' '}
            {t('common.position', { position: recon.data.position })}
          </p>
          {recon.data.findings.length === 0 && <p className="notice">{t('recon.none')}</p>}
          {grouped.map(([id, g]) => (
            <section key={id} className="card" aria-labelledby={`doc-${id}`}>
              <h2 id={`doc-${id}`}>
                <span className="code">{id}</span> {g.title}
              </h2>
              <ol className="findings">
                {g.findings.map((f) => (
                  <FindingItem key={f.id} f={f} onExplained={onExplained} />
                ))}
              </ol>
            </section>
          ))}
          {(recon.data.notChecked?.length ?? 0) > 0 && <NotCheckedList items={recon.data.notChecked ?? []} />}
        </>
      )}
    </div>
  );
}

function FindingItem({ f, onExplained }: { f: Finding; onExplained: (r: CommandResult) => void }) {
  const { t, tk, lang } = useI18n();
  const session = useSession();
  const { money, unitName } = useMoney();
  // Rates are percentages; other figures are đồng in the unit the user picked.
  const value = (v: string | undefined) => (v === undefined ? '—' : f.unit === '%' ? `${formatQuantity(v)} %` : f.unit === 'đồng' ? money(v) : formatQuantity(v));
  const unitNote = f.unit === 'đồng' ? ` (${unitName})` : '';
  return (
    <li className={`finding severity-${f.severity}${f.explained ? ' explained' : ''}`} data-kind={f.kind} data-finding={f.id} data-explained={f.explained ? 'true' : 'false'}>
      <p className="finding-head">
        <span className="badge">{tk('recon.severity', f.severity)}</span>{' '}
        {f.explained && (
          <>
            <span className="badge explained-badge">{t('recon.explained')}</span>{' '}
          </>
        )}
        <strong>{tk('recon.kind', f.kind)}</strong> · {t('recon.section')} {f.section}
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
      {(f.explanations ?? []).map((x) => (
        <div key={x.position} className="explanation" data-testid="explanation">
          <p className="sub">
            {t('recon.explanationBy', { actor: x.recordedBy.id, role: t(`role.${x.recordedBy.role}` as 'role.officer'), at: formatInstant(x.recordedAt) })} · <BasisText basis={x.basis} />
          </p>
          <p>{x.explanation}</p>
        </div>
      ))}
      {can(session, 'record') && <ExplainForm f={f} onExplained={onExplained} />}
    </li>
  );
}

/**
 * Giải trình: why a finding is not an error, resting on a document (a report, a letter, minutes) or a correcting
 * decision. Folded under the finding; the finding stays listed, marked explained.
 */
function ExplainForm({ f, onExplained }: { f: Finding; onExplained: (r: CommandResult) => void }) {
  const { t, tk } = useI18n();
  const { outcome, submit, problems } = useCommand();
  const [explanation, setExplanation] = useState('');
  const [basis, setBasis] = useState(emptyDecisionOrDocument('document'));
  const [local, setLocal] = useState<FieldErrors | null>(null);
  const errors = local ?? new FieldErrors(t, problems);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const found = new FieldErrors(t, []);
    if (explanation.trim() === '') found.add('explanation', t('recon.explanationRequired'));
    const body = { findingId: f.id, explanation: explanation.trim(), ...readDecisionOrDocument(t, found, basis) };
    if (!found.empty) {
      setLocal(found);
      return;
    }
    setLocal(null);
    const result = await submit('/commands/findings/explain', body);
    if (result) {
      setExplanation('');
      onExplained(result);
    }
  };
  return (
    <details className="explain">
      <summary>{t('recon.explain')}</summary>
      <form className="form-grid" noValidate onSubmit={send} aria-label={t('recon.explainOf', { finding: `${tk('recon.kind', f.kind)} · ${f.section}` })}>
        <Field label={t('recon.explanation')} help={t('recon.explanationHelp')} error={errors.at('explanation')} className="wide">
          {(p) => <textarea {...p} name="explanation" rows={3} maxLength={4000} value={explanation} onChange={(e) => setExplanation(e.target.value)} />}
        </Field>
        <DecisionOrDocumentFields value={basis} onChange={setBasis} errors={errors} />
        {outcome.status === 'refused' && <CommandOutcomeView outcome={outcome} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={outcome.status === 'saving'}>
            {t('recon.record')}
          </button>
        </div>
      </form>
    </details>
  );
}

/** The reason a figure was not checked, in the user's language when it is one the ledger gives. */
function reasonText(t: Translate, reason: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^the ledger does not divide (.+)'s money by "(.+)":/.exec(reason))) return t('recon.reason.category', { scope: m[1] === 'the programme' ? t('recon.reason.programme') : m[1], category: m[2] });
  if ((m = /^the ledger holds no (.*?)money for (.+): nothing to compare/.exec(reason))) return t('recon.reason.noMoney', { sources: m[1].trim() ? m[1].replace(/ $/, '') : t('recon.reason.anySource'), scope: m[2] });
  if ((m = /^the ledger's activities do not record (\S+) by "(.+)":/.exec(reason))) return t('recon.reason.outputCategory', { indicator: m[1], category: m[2] });
  if ((m = /^no activity of the ledger in (.+) records(?: or targets)? (\S+): nothing to compare/.exec(reason))) return t('recon.reason.noActivity', { scope: m[1], indicator: m[2] });
  return reason;
}

/** Stated figures the ledger has nothing to compare with: listed with why, never counted as mismatches. */
function NotCheckedList({ items }: { items: readonly NotChecked[] }) {
  const { t, lang } = useI18n();
  const { money, unitName } = useMoney();
  return (
    <section className="card" aria-labelledby="not-checked">
      <h2 id="not-checked">{t('recon.notChecked', { n: items.length })}</h2>
      <p className="sub">{t('recon.notCheckedIntro')}</p>
      <TableBox label={t('recon.notChecked', { n: items.length })}>
        <table className="figures stack" data-testid="not-checked">
          <Columns columns={[t('recon.document'), t('recon.quote'), { label: `${t('recon.stated')} (${unitName})`, num: true }, t('recon.why')]} />
          <tbody>
            {items.map((n) => (
              <tr key={`${n.document.id}|${n.assertionId}`} data-assertion={n.assertionId}>
                <th scope="row">
                  <span className="code">{n.document.id}</span> · {t('recon.section')} {n.section}
                  <div className="sub">{t('recon.asOf', { date: formatDate(n.asOf) })}</div>
                </th>
                <td data-label={t('recon.quote')} lang="vi">
                  {n.quote ? `“${n.quote}”` : '—'}
                </td>
                <td className="num" data-label={t('recon.stated')}>
                  {n.stated === undefined ? '—' : n.measure === 'output' ? formatQuantity(n.stated) : money(n.stated)}
                </td>
                <td data-label={t('recon.why')} lang={lang === 'vi' && reasonText(t, n.reason) === n.reason ? 'en' : undefined}>
                  {lang === 'vi' ? reasonText(t, n.reason) : n.reason}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </section>
  );
}
