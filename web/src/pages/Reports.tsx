/**
 * Báo cáo: the resources table of the monitoring reports for a unit, a budget year and a period, as the ledger
 * computes it at one log position; the same report to download (XLSX, CSV, JSON, a Word draft, IATI), pinned to
 * the position shown; and the check of a filed report against the log.
 */
import { FormEvent, useEffect, useState } from 'react';
import { api, ApiError, withQuery } from '../api';
import { DateField, DateText, dateTextOf, knownAtTextOf, UnitYearFields } from '../components/fields';
import { Columns, Field, LoadError, LoadState, PageHeader, ShowButton, TableBox } from '../components/ui';
import { formatInstant, formatRate } from '../format';
import { useI18n } from '../i18n';
import { useQueryState } from '../router';
import { useSession } from '../session';
import { useApi, useBudgetYears, useMoney, useProgrammeCode, useProgrammeSwitch } from '../state';
import type { ReportRow, ReportVerification, ResourcesReportJson } from '../types';

const FIGURES = [
  { id: 'planTotal', label: 'measure.plan' },
  { id: 'allocated', label: 'measure.allocated' },
  { id: 'unallocated', label: 'measure.unallocated' },
  { id: 'disbursed', label: 'measure.disbursed' },
] as const;

export function ReportsPage() {
  const { t } = useI18n();
  const session = useSession();
  const programme = useProgrammeCode() ?? undefined;
  const { money, unit: moneyUnit, unitName } = useMoney();
  const [query, setQuery] = useQueryState();
  const unit = query.get('unit') ?? session?.unit ?? '';
  const { loaded: years, years: yearList, defaultYear } = useBudgetYears(programme, unit);
  const year = query.get('year') ?? (defaultYear !== undefined ? String(defaultYear) : null);
  const from = query.get('from') ?? '';
  const asOf = query.get('asOf') ?? '';
  const knownAt = query.get('knownAt') ?? '';
  useProgrammeSwitch(() => setQuery({ year: null }));

  const parameters = { programme, unit, budgetYear: year ?? undefined, from, asOf, knownAt };
  const report = useApi<ResourcesReportJson>(year && programme ? '/reports/resources' : null, parameters);

  const [draft, setDraft] = useState({ unit, year: year ?? '', from: dateTextOf(from), asOf: dateTextOf(asOf), knownAt: knownAtTextOf(knownAt) });
  // The form follows the address field by field: a parameter that changes there (a link, back and forward, the
  // default budget year once the years have loaded) resets its own field, never a date being typed in another.
  useEffect(() => setDraft((d) => ({ ...d, unit })), [unit]);
  useEffect(() => setDraft((d) => ({ ...d, year: year ?? '' })), [year]);
  useEffect(() => setDraft((d) => ({ ...d, from: dateTextOf(from) })), [from]);
  useEffect(() => setDraft((d) => ({ ...d, asOf: dateTextOf(asOf) })), [asOf]);
  useEffect(() => setDraft((d) => ({ ...d, knownAt: knownAtTextOf(knownAt) })), [knownAt]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from.invalid || draft.asOf.invalid || draft.knownAt.invalid) return;
    setQuery({ unit: draft.unit, year: draft.unit === unit ? draft.year : null, from: draft.from.iso, asOf: draft.asOf.iso, knownAt: draft.knownAt.iso }, true);
  };

  const data = report.data;
  // Every download is the report just shown: the same parameters at the same log position.
  const pinned = data ? { ...parameters, position: data.provenance.position } : null;
  const downloads = pinned
    ? [
        { key: 'xlsx', href: withQuery('/reports/resources', { ...pinned, amountUnit: moneyUnit, format: 'xlsx' }), label: t('reports.xlsx') },
        { key: 'csv', href: withQuery('/reports/resources', { ...pinned, amountUnit: moneyUnit, format: 'csv' }), label: t('reports.csv') },
        { key: 'json', href: withQuery('/reports/resources', { ...pinned, format: 'json' }), label: t('reports.json') },
        { key: 'docx', href: withQuery('/reports/resources', { ...pinned, format: 'docx' }), label: t('reports.docx') },
        { key: 'iati', href: withQuery('/reports/iati', { ...pinned, from: undefined }), label: t('reports.iati') },
      ]
    : [];

  return (
    <div>
      <PageHeader title={t('reports.title')} intro={t('reports.intro')} />
      <form className="filters card" onSubmit={apply}>
        <UnitYearFields unit={draft.unit} year={draft.year} years={yearList} onChange={(v) => setDraft((d) => ({ ...d, ...v }))} />
        <DateField label={t('reports.from')} value={draft.from} onChange={(v: DateText) => setDraft((d) => ({ ...d, from: v }))} name="from" help={t('reports.fromHelp')} />
        <DateField label={t('reports.asOf')} value={draft.asOf} onChange={(v: DateText) => setDraft((d) => ({ ...d, asOf: v }))} name="asOf" help={t('reports.asOfHelp')} />
        <DateField label={t('common.knownAt')} value={draft.knownAt} onChange={(v: DateText) => setDraft((d) => ({ ...d, knownAt: v }))} name="knownAt" knownAt help={t('common.knownAtHelp')} />
        <ShowButton />
      </form>

      {years.data && yearList.length === 0 && <p className="notice">{t('overview.noYears')}</p>}
      <LoadState loaded={report} />
      {data && (
        <>
          <section className="card" aria-labelledby="report-downloads">
            <h2 id="report-downloads">{t('reports.downloads', { position: data.provenance.position })}</h2>
            <p className="meta" data-testid="report-provenance">
              {t('reports.provenance', {
                position: data.provenance.position,
                treeSize: data.provenance.treeSize,
                root: data.provenance.rootHash.slice(0, 16),
                timestamp: formatInstant(data.provenance.treeHead.timestamp),
              })}
            </p>
            <ul className="downloads">
              {downloads.map((d) => (
                <li key={d.key}>
                  <a href={d.href} download data-format={d.key}>
                    {d.label}
                  </a>
                </li>
              ))}
            </ul>
            <p className="sub">{t('reports.estimates')}</p>
          </section>

          <section className="card" aria-labelledby="report-table">
            <h2 id="report-table">{t('reports.preview', { unit: data.unit.name, year: data.parameters.budgetYear })}</h2>
            <p className="meta">{t('common.unitLabel', { unit: unitName })}</p>
            <TableBox label={t('reports.preview', { unit: data.unit.name, year: data.parameters.budgetYear })}>
              <table className="figures stack" data-testid="report-table">
                <Columns
                  columns={[
                    t('reports.label'),
                    t('common.source'),
                    t('common.capitalType'),
                    ...FIGURES.map((f) => ({ key: f.id, label: t(f.label), num: true })),
                    { key: 'rate', label: t('measure.rate'), num: true },
                  ]}
                />
                <tbody>
                  {data.rows.map((row, i) => (
                    <ReportLine key={i} row={row} money={money} />
                  ))}
                </tbody>
              </table>
            </TableBox>
          </section>
        </>
      )}
      <VerifyReport />
    </div>
  );
}

function ReportLine({ row, money }: { row: ReportRow; money: (amount: string | null | undefined) => string }) {
  const { t } = useI18n();
  const head = row.level === 'total' || row.level === 'project';
  return (
    <tr className={head ? 'project-row' : undefined} data-level={row.level}>
      <th scope="row">
        {row.stt && <span className="code">{row.stt}</span>} {row.label}
      </th>
      <td data-label={t('common.source')}>{row.sourceLabel}</td>
      <td data-label={t('common.capitalType')}>{row.capitalTypeLabel}</td>
      {FIGURES.map((f) => (
        <td key={f.id} className="num" data-label={t(f.label)} title={row.cells[f.id]?.query?.get?.join('\n')}>
          {money(row.cells[f.id]?.value)}
        </td>
      ))}
      <td className="num" data-label={t('measure.rate')}>
        {formatRate(row.cells.rate?.value ?? null)}
      </td>
    </tr>
  );
}

/** Upload a filed report; the ledger recomputes every cell at its position and names those that differ. */
function VerifyReport() {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState(false);
  const [result, setResult] = useState<ReportVerification | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const check = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    setError(null);
    if (!file) return setMissing(true);
    setBusy(true);
    try {
      setResult(await api.postFile<ReportVerification>('/reports/verify', file, file.name.endsWith('.json') ? 'application/json' : file.name.endsWith('.csv') ? 'text/csv' : 'application/octet-stream'));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err), [], {}, null));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="report-verify">
      <h2 id="report-verify">{t('reports.verify')}</h2>
      <p className="sub">{t('reports.verifyIntro')}</p>
      <form className="filters" onSubmit={check}>
        <Field label={t('reports.file')} error={missing ? t('reports.fileRequired') : undefined}>
          {(p) => <input {...p} type="file" name="report" accept=".xlsx,.csv,.json" onChange={(e) => (setFile(e.target.files?.[0] ?? null), setMissing(false))} />}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('reports.check')}
          </button>
        </div>
      </form>
      {error && <LoadError error={error} />}
      {result && (
        <div role="status" data-testid="verify-result">
          <p className={result.differences.length === 0 ? 'ok-text' : 'error-text'}>
            {result.differences.length === 0
              ? t('reports.verified', { cells: result.cellsCompared, position: result.params.position })
              : t('reports.notVerified', { n: result.differences.length, position: result.params.position })}
          </p>
          <p className={result.tree.matches && result.treeHead.signed && result.treeHead.rootMatches && result.treeHead.coversPosition ? 'ok-text' : 'error-text'}>
            {result.tree.matches && result.treeHead.signed && result.treeHead.rootMatches && result.treeHead.coversPosition ? t('reports.treeOk') : t('reports.treeBad')}
          </p>
          {result.differences.length > 0 && (
            <TableBox label={t('reports.verify')}>
              <table className="figures compact" data-testid="verify-differences">
                <Columns columns={[t('reports.where'), t('reports.what'), t('reports.inFile'), t('reports.inLedger')]} />
                <tbody>
                  {result.differences.map((d) => (
                    <tr key={d.where}>
                      <th scope="row">{d.where}</th>
                      <td>{d.name ?? ''}</td>
                      <td className="num">{d.file ?? '—'}</td>
                      <td className="num">{d.ledger ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          )}
        </div>
      )}
    </section>
  );
}
