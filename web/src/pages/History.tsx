/**
 * The auditor's page: choose a fund line and replay its history (running balance, the decision or voucher behind
 * each row, who recorded it and when), as of a date and as known at a time; export its audit bundle; and verify in
 * this browser that the rows shown are in the ledger's signed Merkle log (audit/verify.ts).
 */
import { FormEvent, useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../api';
import { verifyRows, Verification } from '../audit/verify';
import { WitnessResult, witnessInBrowser } from '../audit/witness';
import { DateField, DateText, dateTextOf, knownAtTextOf } from '../components/fields';
import { BasisText, Columns, EventKind, Field, LoadState, PageHeader, Pager, ShowButton, TableBox } from '../components/ui';
import { formatDate, formatInstant, formatMoney } from '../format';
import { useI18n } from '../i18n';
import { useQueryState } from '../router';
import { can, useSession } from '../session';
import { useApi, useMoney } from '../state';
import type { BalancesResult, HistoryResult } from '../types';

const PAGE_SIZE = 100;
const PIN_KEY = 'gnbv.pinnedKeyFingerprint';

export function HistoryPage() {
  const { t, tk } = useI18n();
  const session = useSession();
  const { money, unitName } = useMoney();
  const [query, setQuery] = useQueryState();
  const line = query.get('line') ?? '';
  const asOf = query.get('asOf') ?? '';
  const knownAt = query.get('knownAt') ?? '';
  const order = query.get('order') === 'effective' ? 'effective' : 'recorded';
  const page = Number(query.get('page') ?? '1') || 1;
  // Set by the recording forms' link: wait until the read model has the command just recorded.
  const minPosition = query.get('minPosition') ?? undefined;

  const lines = useApi<BalancesResult>('/balances', { unit: session?.unit, pageSize: 500 });
  const history = useApi<HistoryResult>(line ? `/fund-lines/${encodeURIComponent(line)}/history` : null, { asOf, knownAt, order, page, pageSize: PAGE_SIZE, minPosition });

  const [draft, setDraft] = useState({ line, asOf: dateTextOf(asOf), knownAt: knownAtTextOf(knownAt), order });
  useEffect(() => setDraft({ line, asOf: dateTextOf(asOf), knownAt: knownAtTextOf(knownAt), order }), [line, asOf, knownAt, order]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.asOf.invalid || draft.knownAt.invalid) return;
    setQuery({ line: draft.line, asOf: draft.asOf.iso, knownAt: draft.knownAt.iso, order: draft.order === 'effective' ? 'effective' : null, page: null, minPosition: null }, true);
  };

  const [verification, setVerification] = useState<Verification | { error: string } | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [pinned, setPinned] = useState(() => localStorage.getItem(PIN_KEY));
  // What is verified is what is on screen: a new answer clears the old verdict.
  useEffect(() => setVerification(null), [history.data]);

  const verify = async () => {
    if (!history.data) return;
    setVerifying(true);
    try {
      const [bundle, key] = await Promise.all([api.get<unknown>('/audit/bundles', { line }), api.get<{ ed25519: string }>('/audit/public-key')]);
      setVerification(await verifyRows(history.data.entries, line, bundle, { publishedKey: key.ed25519, firstRowNumber: (history.data.page - 1) * history.data.pageSize + 1 }));
    } catch (error) {
      setVerification({ error: error instanceof ApiError ? error.message : String(error) });
    } finally {
      setVerifying(false);
    }
  };

  const exportBundle = async () => {
    const bundle = await api.get<unknown>('/audit/bundles', { line });
    const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `audit-bundle-${(history.data?.label ?? line).replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  const lineOptions = useMemo(() => {
    const rows = [...(lines.data?.rows ?? [])].sort((a, b) => Number(b.group.budgetYear) - Number(a.group.budgetYear) || String(a.label).localeCompare(String(b.label)));
    const byYear = new Map<string, typeof rows>();
    for (const r of rows) byYear.set(String(r.group.budgetYear), [...(byYear.get(String(r.group.budgetYear)) ?? []), r]);
    return [...byYear.entries()];
  }, [lines.data]);

  const detailText = (k: string, v: string) =>
    k === 'deadline'
      ? `${t('field.deadline')}: ${formatDate(v)}`
      : k === 'direction'
        ? tk('record.adjust', v)
        : k === 'mode'
          ? tk('record.mode', v)
          : k === 'toLine' || k === 'toActivityId'
            ? `→ ${v}`
            : k === 'fromLine' || k === 'fromActivityId'
              ? `← ${v}`
              : v;

  const h = history.data;
  const firstRow = h ? (h.page - 1) * h.pageSize + 1 : 1;
  const result = verification && 'ok' in verification ? verification : null;
  // Rows are named as the table names them: their number, their operation, their log position; amounts as shown.
  const problemText = (p: { key: Parameters<typeof t>[0]; params?: Record<string, string | number> }) => {
    if (!p.params) return t(p.key);
    const params = { ...p.params };
    if (params.type !== undefined) params.type = tk('event', String(params.type));
    if (params.field === 'amount') {
      params.shown = `${formatMoney(String(params.shown), 'dong')} đ`;
      params.signed = `${formatMoney(String(params.signed), 'dong')} đ`;
    }
    if (params.field !== undefined) params.field = tk('verify.field', String(params.field));
    return t(p.key, params);
  };

  return (
    <div>
      <PageHeader title={t('history.title')} intro={t('history.intro')} />
      <form className="filters card" onSubmit={apply}>
        <Field label={t('history.line')} className="wide">
          {(p) => (
            <select {...p} name="line" value={draft.line} onChange={(e) => setDraft({ ...draft, line: e.target.value })}>
              <option value="">{t('history.chooseLine')}</option>
              {line && !lines.data?.rows.some((r) => r.stream === line) && <option value={line}>{line}</option>}
              {lineOptions.map(([year, rows]) => (
                <optgroup key={year} label={year}>
                  {rows.map((r) => (
                    <option key={r.stream} value={r.stream}>
                      {r.label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          )}
        </Field>
        <DateField label={t('common.asOf')} value={draft.asOf} onChange={(v: DateText) => setDraft({ ...draft, asOf: v })} name="asOf" help={t('common.asOfHelp')} />
        <DateField label={t('common.knownAt')} value={draft.knownAt} onChange={(v: DateText) => setDraft({ ...draft, knownAt: v })} name="knownAt" knownAt help={t('common.knownAtHelp')} />
        <Field label={t('history.order')}>
          {(p) => (
            <select {...p} name="order" value={draft.order} onChange={(e) => setDraft({ ...draft, order: e.target.value === 'effective' ? 'effective' : 'recorded' })}>
              <option value="recorded">{t('history.order.recorded')}</option>
              <option value="effective">{t('history.order.effective')}</option>
            </select>
          )}
        </Field>
        <ShowButton />
      </form>

      <LoadState loaded={history} />
      {h && (
        <section className="card" aria-labelledby="history-heading">
          <h2 id="history-heading">{h.label}</h2>
          <p className="meta">
            {t('history.entries', { n: h.totalEntries })} · {t('common.unitLabel', { unit: unitName })} · {t('common.position', { position: h.position })}
            {h.asOf ? ` · ${t('common.asOf')}: ${formatDate(h.asOf)}` : ''}
            {h.knownAt ? ` · ${t('common.knownAt')}: ${h.knownAt.length > 10 ? formatInstant(h.knownAt) : formatDate(h.knownAt)}` : ''}
          </p>
          <p className="balance-line">
            {t('history.balance', { plan: money(h.balance.plan), allocated: money(h.balance.allocated), disbursed: money(h.balance.disbursed), available: money(h.balance.available) })}
          </p>
          <div className="actions">
            {can(session, 'verify') && (
              <button type="button" className="primary" onClick={() => void verify()} disabled={verifying || h.entries.length === 0}>
                {verifying ? t('history.verifying') : t('history.verify')}
              </button>
            )}
            {can(session, 'export-bundle') && (
              <button type="button" onClick={() => void exportBundle()} disabled={h.entries.length === 0}>
                {t('history.export')}
              </button>
            )}
          </div>

          {can(session, 'verify') && <WitnessBox />}

          <div aria-live="polite">
            {verification && 'error' in verification && (
              <div className="verdict verdict-failed" role="alert" data-testid="verification">
                <p className="verdict-title">{t('verify.failed')}</p>
                <p>{t('verify.p.fetch', { message: verification.error })}</p>
              </div>
            )}
            {result && (
              <div className={`verdict ${result.ok ? 'verdict-ok' : 'verdict-failed'}`} role={result.ok ? 'status' : 'alert'} data-testid="verification" data-ok={result.ok}>
                <p className="verdict-title">{result.ok ? `✓ ${t('verify.ok', { n: h.entries.length })}` : `✗ ${t('verify.failed')}`}</p>
                {!result.ok && (
                  <>
                    <p>{t('verify.problems')}:</p>
                    <ul className="problems">
                      {result.problems.map((p, i) => (
                        <li key={i}>{problemText(p)}</li>
                      ))}
                    </ul>
                  </>
                )}
                {result.treeHead && <p className="mono">{t('verify.treeHead', { size: result.treeHead.treeSize, root: result.treeHead.rootHash, time: formatInstant(result.treeHead.timestamp) })}</p>}
                {result.keyFingerprint && (
                  <p className="mono">
                    {t('verify.key', { fingerprint: result.keyFingerprint })}{' '}
                    {pinned === result.keyFingerprint ? (
                      <span>{t('verify.pinned')}</span>
                    ) : pinned ? (
                      <strong className="error-text">{t('verify.pinMismatch', { pinned })}</strong>
                    ) : (
                      <button type="button" onClick={() => (localStorage.setItem(PIN_KEY, result.keyFingerprint as string), setPinned(result.keyFingerprint as string))}>
                        {t('verify.pin')}
                      </button>
                    )}
                  </p>
                )}
                <p className="help">{t('verify.how')}</p>
              </div>
            )}
          </div>

          <TableBox label={h.label}>
            <table className="figures history stack" data-testid="history-table">
              <Columns
                columns={[
                  t('history.no'),
                  t('common.effectiveDate'),
                  t('common.type'),
                  t('common.basis'),
                  ...(['common.amount', 'measure.plan', 'measure.allocated', 'measure.disbursed', 'measure.available'] as const).map((k) => ({ label: t(k), num: true })),
                  t('common.recordedBy'),
                  t('common.recordedAt'),
                  ...(result ? [t('history.verifiedCol')] : []),
                ]}
              />
              <tbody>
                {h.entries.map((e, i) => {
                  const status = result?.rows.get(e.position);
                  return (
                    <tr key={e.position} data-position={e.position} className={status === false ? 'row-failed' : undefined}>
                      <td data-label={t('history.no')}>{firstRow + i}</td>
                      <td data-label={t('common.effectiveDate')}>{formatDate(e.effectiveDate)}</td>
                      <td data-label={t('common.type')}>
                        <EventKind type={e.type} activityId={e.activityId} />
                        {e.reference && <div className="sub mono">{e.reference}</div>}
                        {e.details &&
                          Object.entries(e.details).map(([k, v]) => (
                            <div key={k} className="sub">
                              {detailText(k, v)}
                            </div>
                          ))}
                      </td>
                      <td data-label={t('common.basis')}>
                        <BasisText basis={e.basis} />
                      </td>
                      <td data-label={t('common.amount')} className="num">{money(e.amount)}</td>
                      <td data-label={t('measure.plan')} className="num">{money(e.balanceAfter.plan)}</td>
                      <td data-label={t('measure.allocated')} className="num">{money(e.balanceAfter.allocated)}</td>
                      <td data-label={t('measure.disbursed')} className="num">{money(e.balanceAfter.disbursed)}</td>
                      <td data-label={t('measure.available')} className="num">{money(e.balanceAfter.available)}</td>
                      <td data-label={t('common.recordedBy')}>
                        {e.recordedBy.id}
                        <div className="sub">{tk('role', e.recordedBy.role)}</div>
                      </td>
                      <td data-label={t('common.recordedAt')}>{formatInstant(e.recordedAt)}</td>
                      {result && <td data-label={t('history.verifiedCol')} className={status ? 'ok-text' : 'error-text'}>{status ? `✓ ${t('history.rowVerified')}` : `✗ ${t('history.rowFailed')}`}</td>}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableBox>
          <Pager page={h.page} pageSize={h.pageSize} total={h.totalEntries} onPage={(p) => setQuery({ page: p }, true)} />
        </section>
      )}
    </div>
  );
}

/**
 * This browser as a witness of the ledger's history (audit/witness.ts): once per visit of the auditor's view, the
 * latest signed tree head is checked against the one this browser kept, and kept if it extends it.
 */
function WitnessBox() {
  const { t } = useI18n();
  const [result, setResult] = useState<WitnessResult | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    witnessInBrowser((path) => api.get<unknown>(path), localStorage)
      .then((r) => live && setResult(r))
      .catch((error: unknown) => live && setResult({ error: error instanceof ApiError ? error.message : String(error) }));
    return () => {
      live = false;
    };
  }, []);
  const short = (root: string) => `${root.slice(0, 16)}…`;
  let text = t('witness.checking');
  let alarm = false;
  if (result && 'error' in result) text = t('verify.p.fetch', { message: result.error });
  else if (result?.status === 'unavailable') text = t('witness.unavailable');
  else if (result?.status === 'trusted-first') text = t('witness.trusted', { size: result.head.treeSize, root: short(result.head.rootHash), fingerprint: result.fingerprint });
  else if (result?.status === 'unchanged') text = t('witness.unchanged', { size: result.head.treeSize });
  else if (result?.status === 'extended') text = t('witness.extended', { from: result.from.treeSize, size: result.head.treeSize });
  else if (result?.status === 'alarm') {
    alarm = true;
    text = t('witness.alarm', { reason: t(result.alarm), size: result.kept?.treeSize ?? '–', root: result.kept ? short(result.kept.rootHash) : '–' });
  }
  return (
    <div className={`verdict ${alarm ? 'verdict-failed' : 'verdict-ok'}`} role={alarm ? 'alert' : 'status'} data-testid="witness" data-status={result && !('error' in result) ? result.status : 'pending'}>
      <p className="verdict-title">{t('witness.title')}</p>
      <p>{text}</p>
    </div>
  );
}
