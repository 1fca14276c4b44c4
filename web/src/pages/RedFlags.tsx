/**
 * Inspectors and auditors: the red flags the ledger raises — each with its rule, the events that raised it (linked
 * to their decision's trail and their line's ledger), the unit, period and amount — and marking one reviewed, with
 * a note.
 */
import { FormEvent, useEffect, useState } from 'react';
import type { CommandResult } from '../api';
import { CommandOutcomeView, FieldErrors, useCommand } from '../components/command-form';
import { DateField, DateText, dateTextOf, UnitSelect } from '../components/fields';
import { BasisText, Columns, EventKind, Field, LoadState, PageHeader, Pager, ShowButton, TableBox } from '../components/ui';
import { formatDate, formatInstant } from '../format';
import { useI18n } from '../i18n';
import { href, Link, useQueryState } from '../router';
import { can, useSession } from '../session';
import { useApi, useMoney } from '../state';
import type { RedFlag, RedFlagEvidence, RedFlagList, RedFlagRule } from '../types';

const PAGE_SIZE = 20;

export function RedFlagsPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const [query, setQuery] = useQueryState();
  const unit = query.get('unit') ?? session?.unit ?? '';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const rule = query.get('rule') ?? '';
  const reviewed = query.get('reviewed') ?? '';
  const asOf = query.get('asOf') ?? '';
  const page = Number(query.get('page') ?? '1') || 1;
  const minPosition = query.get('minPosition') ?? '';
  const rules = useApi<{ rules: readonly RedFlagRule[] }>('/red-flags/rules');
  const list = useApi<RedFlagList>('/red-flags', { unit, from, to, rule, reviewed, asOf, page, pageSize: PAGE_SIZE, minPosition });

  const [draft, setDraft] = useState({ unit, from: dateTextOf(from), to: dateTextOf(to), rule, reviewed, asOf: dateTextOf(asOf) });
  useEffect(() => setDraft({ unit, from: dateTextOf(from), to: dateTextOf(to), rule, reviewed, asOf: dateTextOf(asOf) }), [unit, from, to, rule, reviewed, asOf]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from.invalid || draft.to.invalid || draft.asOf.invalid) return;
    setQuery({ unit: draft.unit, from: draft.from.iso, to: draft.to.iso, rule: draft.rule, reviewed: draft.reviewed, asOf: draft.asOf.iso, page: null, minPosition: null }, true);
  };
  const enabled = rules.data?.rules.filter((r) => r.enabled) ?? [];
  const titleOf = (code: string) => {
    const r = rules.data?.rules.find((x) => x.rule === code);
    return r ? r.title[lang] : code;
  };
  const reviewedNow = (result: CommandResult) => setQuery({ minPosition: result.position });

  return (
    <div>
      <PageHeader title={t('redflags.title')} intro={t('redflags.intro')} />
      <form className="filters card" onSubmit={apply}>
        <UnitSelect value={draft.unit} onChange={(u) => setDraft({ ...draft, unit: u })} />
        <DateField label={t('redflags.from')} value={draft.from} onChange={(v: DateText) => setDraft({ ...draft, from: v })} name="from" />
        <DateField label={t('redflags.to')} value={draft.to} onChange={(v: DateText) => setDraft({ ...draft, to: v })} name="to" />
        <Field label={t('redflags.rule')}>
          {(p) => (
            <select {...p} name="rule" value={draft.rule} onChange={(e) => setDraft({ ...draft, rule: e.target.value })}>
              <option value="">{t('common.all')}</option>
              {enabled.map((r) => (
                <option key={r.rule} value={r.rule}>
                  {r.title[lang]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('redflags.reviewed')}>
          {(p) => (
            <select {...p} name="reviewed" value={draft.reviewed} onChange={(e) => setDraft({ ...draft, reviewed: e.target.value })}>
              <option value="">{t('common.all')}</option>
              <option value="false">{t('redflags.reviewed.false')}</option>
              <option value="true">{t('redflags.reviewed.true')}</option>
            </select>
          )}
        </Field>
        <DateField label={t('redflags.asOf')} help={t('redflags.asOfHelp')} value={draft.asOf} onChange={(v: DateText) => setDraft({ ...draft, asOf: v })} name="asOf" />
        <ShowButton />
      </form>
      <LoadState loaded={list} />
      {list.data && (
        <section className="card" aria-labelledby="flag-list">
          <h2 id="flag-list" data-testid="flag-count">
            {t('redflags.count', { n: list.data.totalRows })}
          </h2>
          <p className="meta">
            {t('redflags.asOfShown', { date: formatDate(list.data.asOf) })} · {t('common.position', { position: list.data.position })}
          </p>
          <ul className="rule-counts" aria-label={t('redflags.byRule')}>
            {Object.entries(list.data.byRule)
              .filter(([, n]) => n > 0)
              .map(([code, n]) => (
                <li key={code}>
                  <Link to={href('/co-do', { unit, from, to, asOf, reviewed, rule: code })}>{titleOf(code)}</Link>: {n}
                </li>
              ))}
          </ul>
          {list.data.rows.length === 0 ? (
            <p>{t('redflags.none')}</p>
          ) : (
            <ol className="flags">
              {list.data.rows.map((f) => (
                <FlagItem key={f.id} flag={f} asOf={list.data?.asOf ?? ''} canReview={can(session, 'review-flags')} onReviewed={reviewedNow} />
              ))}
            </ol>
          )}
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.totalRows} onPage={(p) => setQuery({ page: p }, true)} />
        </section>
      )}
      {rules.data && (
        <details className="card rules">
          <summary>{t('redflags.rules')}</summary>
          <dl>
            {rules.data.rules.map((r) => (
              <div key={r.rule}>
                <dt>
                  {r.title[lang]} {!r.enabled && <span className="badge">{t('redflags.ruleOff')}</span>}
                </dt>
                <dd>{r.description[lang]}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </div>
  );
}

function FlagItem({ flag, asOf, canReview, onReviewed }: { flag: RedFlag; asOf: string; canReview: boolean; onReviewed: (r: CommandResult) => void }) {
  const { t, lang } = useI18n();
  const { money, unitName } = useMoney();
  const [all, setAll] = useState(false);
  const full = useApi<RedFlag>(all ? `/red-flags/${encodeURIComponent(flag.id)}` : null, { asOf });
  const evidence = full.data?.evidence ?? flag.evidence;
  const period = flag.period.from === flag.period.to ? formatDate(flag.period.from) : `${formatDate(flag.period.from)} – ${formatDate(flag.period.to)}`;
  const headingId = `flag-${flag.id}`;
  return (
    <li className={`flag${flag.review ? ' flag-reviewed' : ''}`} data-flag-id={flag.id} data-rule={flag.rule} aria-labelledby={headingId}>
      <h3 id={headingId}>
        <span className="badge">{flag.review ? t('redflags.reviewed.true') : t('redflags.reviewed.false')}</span> {flag.title[lang]}
      </h3>
      <p className="subject">{flag.subject}</p>
      <dl className="finding-figures">
        <dt>{t('common.unit')}</dt>
        <dd>{flag.unit || '—'}</dd>
        <dt>{t('redflags.period')}</dt>
        <dd>{period}</dd>
        <dt>{t('common.amount')}</dt>
        <dd>{flag.amount === null ? '—' : `${money(flag.amount)} (${unitName})`}</dd>
        <dt>{t('redflags.evidence')}</dt>
        <dd>{t('redflags.events', { n: flag.evidenceCount })}</dd>
      </dl>
      <TableBox label={t('redflags.evidenceOf', { title: flag.title[lang] })}>
        <table className="figures stack" data-testid="evidence">
          <Columns columns={[t('redflags.position'), t('common.type'), t('common.effectiveDate'), { label: t('common.amount'), num: true }, t('common.basis'), t('common.line')]} />
          <tbody>
            {evidence.map((e) => (
              <EvidenceRow key={e.position} e={e} />
            ))}
          </tbody>
        </table>
      </TableBox>
      {flag.evidenceCount > evidence.length && (
        <button type="button" onClick={() => setAll(true)} disabled={all}>
          {t('redflags.allEvidence', { n: flag.evidenceCount })}
        </button>
      )}
      {flag.review && (
        <div className="notice" data-testid="review">
          <p>
            {t('redflags.reviewedBy', { actor: flag.review.last.by.id, role: t(`role.${flag.review.last.by.role}` as 'role.inspector'), at: formatInstant(flag.review.last.recordedAt) })}
          </p>
          <blockquote>{flag.review.last.note}</blockquote>
          {flag.review.reviews > 1 && <p className="sub">{t('redflags.reviews', { n: flag.review.reviews })}</p>}
          {flag.review.newEvidence && <p className="warn">{t('redflags.newEvidence')}</p>}
        </div>
      )}
      {canReview && <ReviewForm flag={flag} onReviewed={onReviewed} />}
    </li>
  );
}

function EvidenceRow({ e }: { e: RedFlagEvidence }) {
  const { t } = useI18n();
  const { money } = useMoney();
  const amount = e.amount ?? e.figure?.amount ?? null;
  return (
    <tr className={e.role === 'context' ? 'context' : undefined}>
      <td data-label={t('redflags.position')}>
        #{e.position}
        {e.role === 'context' && <div className="sub">{t('redflags.context')}</div>}
      </td>
      <td data-label={t('common.type')}>
        <EventKind type={e.type} activityId={e.activityId} />
      </td>
      <td data-label={t('common.effectiveDate')}>{e.effectiveDate ? formatDate(e.effectiveDate) : e.figure ? t('redflags.figureAsOf', { date: formatDate(e.figure.asOf) }) : '—'}</td>
      <td data-label={t('common.amount')} className="num">{amount === null ? '—' : money(amount)}</td>
      <td data-label={t('common.basis')}>
        {e.decision ? (
          <Link to={href('/quyet-dinh', { so: e.decision.number, coquan: e.decision.issuer, ngay: e.decision.date })}>
            <BasisText basis={{ ...e.decision, kind: 'decision' }} />
          </Link>
        ) : e.basis ? (
          <BasisText basis={e.basis} />
        ) : e.figure ? (
          `${e.figure.documentId} · ${e.figure.section}`
        ) : (
          '—'
        )}
      </td>
      <td data-label={t('common.line')}>{e.stream?.startsWith('fundline-') ? <Link to={href('/so-dong-von', { line: e.stream })}>{t('redflags.openLine')}</Link> : '—'}</td>
    </tr>
  );
}

function ReviewForm({ flag, onReviewed }: { flag: RedFlag; onReviewed: (r: CommandResult) => void }) {
  const { t, lang } = useI18n();
  const { outcome, submit, problems } = useCommand();
  const [note, setNote] = useState('');
  const [local, setLocal] = useState<string | undefined>();
  const errors = new FieldErrors(t, problems);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (note.trim() === '') {
      setLocal(t('redflags.noteRequired'));
      return;
    }
    setLocal(undefined);
    const result = await submit(`/commands/red-flags/${encodeURIComponent(flag.id)}/review`, { note: note.trim() });
    if (result) {
      setNote('');
      onReviewed(result);
    }
  };
  return (
    <form className="review-form" onSubmit={send} aria-label={t('redflags.reviewOf', { title: flag.title[lang] })}>
      <Field label={flag.review ? t('redflags.noteMore') : t('redflags.note')} help={t('redflags.noteHelp')} error={local ?? errors.at('note')}>
        {(p) => <textarea {...p} name="note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={outcome.status === 'saving'}>
          {flag.review ? t('redflags.addReview') : t('redflags.markReviewed')}
        </button>
      </div>
      {outcome.status === 'refused' && <CommandOutcomeView outcome={outcome} />}
    </form>
  );
}
