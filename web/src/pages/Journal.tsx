/** Journal upload: the ledger checks the whole file first (dry run) and lists every problem with its entry; then imports it. */
import { ChangeEvent, useState } from 'react';
import { api, ApiError } from '../api';
import { problemMessage, refusalText } from '../components/command-form';
import { Columns, Field, PageHeader, TableBox } from '../components/ui';
import { useI18n } from '../i18n';
import type { JournalOutcome } from '../types';

interface Located {
  readonly entry: string;
  readonly id: string;
  readonly line: string;
  readonly field: string;
  readonly code: string;
  readonly problem: string;
}

/** The API names a problem's place as "entries[12] alloc-da5 (line 130) allocate.amount"; a refused entry carries its rule's code. */
export function locate(place: string, problem: string, ruleCode?: string): Located {
  const m = /^(?:entries\[(\d+)\](?: ([^\s(]+))?(?: \(line (\d+)\))?|line (\d+))?\s*(.*)$/.exec(place) ?? [];
  const code = ruleCode ? null : /^([A-Z][A-Z_]+): /.exec(problem);
  return {
    entry: m[1] !== undefined ? String(Number(m[1]) + 1) : '',
    id: m[2] ?? '',
    line: m[3] ?? m[4] ?? '',
    field: m[5] ?? '',
    code: ruleCode ?? (code ? code[1] : ''),
    problem: code ? problem.slice(code[0].length) : problem,
  };
}

type State =
  | { readonly status: 'idle' | 'busy' }
  | { readonly status: 'done'; readonly dryRun: boolean; readonly outcome: JournalOutcome }
  | { readonly status: 'rejected'; readonly problems: readonly Located[] }
  | { readonly status: 'failed'; readonly error: ApiError };

export function JournalPage() {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [state, setState] = useState<State>({ status: 'idle' });
  const [checked, setChecked] = useState<string | null>(null);

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
    setState({ status: 'idle' });
    setChecked(null);
  };

  const send = async (dryRun: boolean) => {
    if (!text.trim()) return;
    setState({ status: 'busy' });
    const json = /^\s*[{[]/.test(text);
    try {
      const outcome = await api.postText<JournalOutcome>('/journal/import', text, json ? 'application/json' : 'application/yaml', dryRun ? { dryRun: 'true' } : {});
      setState({ status: 'done', dryRun, outcome });
      setChecked(dryRun && outcome.status === 'valid' ? text : null);
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(0, 'NETWORK', String(error), [], {}, null);
      // 400: malformed entries; 409: entries a business rule refused, each with its rule's code. Either way, every one.
      if ((e.status === 400 || e.status === 409) && e.problems.length > 0) setState({ status: 'rejected', problems: e.problems.map((p) => locate(p.field, p.problem, p.code)) });
      else setState({ status: 'failed', error: e });
      setChecked(null);
    }
  };

  return (
    <div>
      <PageHeader title={t('journal.title')} intro={t('journal.intro')} />
      <div className="card form-grid">
        <Field label={t('journal.file')} help={fileName || undefined}>
          {(p) => <input {...p} type="file" name="journal" accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml" onChange={(e) => void onFile(e)} />}
        </Field>
        <Field label={t('journal.text')} className="wide">
          {(p) => <textarea {...p} name="text" rows={8} spellCheck={false} value={text} onChange={(e) => (setText(e.target.value), setChecked(null))} />}
        </Field>
        <div className="actions">
          <button type="button" className="primary" disabled={!text.trim() || state.status === 'busy'} onClick={() => void send(true)}>
            {state.status === 'busy' ? t('journal.checking') : t('journal.check')}
          </button>
          <button type="button" disabled={checked !== text || state.status === 'busy'} onClick={() => void send(false)}>
            {t('journal.import')}
          </button>
        </div>
        {!text.trim() && <p className="help">{t('journal.empty')}</p>}
      </div>

      <div aria-live="polite">
        {state.status === 'done' && (
          <div className="notice notice-ok" role="status" data-testid="journal-outcome" data-status={state.outcome.status}>
            {state.outcome.status === 'valid' && <p>{t('journal.valid', { entries: state.outcome.entries, events: state.outcome.events })}</p>}
            {state.outcome.status === 'imported' && <p>{t('journal.imported', { events: state.outcome.events, first: state.outcome.firstPosition ?? '', last: state.outcome.lastPosition ?? '' })}</p>}
            {state.outcome.status === 'already-imported' && <p>{t('journal.already')}</p>}
          </div>
        )}
        {state.status === 'failed' && (
          <div className="notice notice-error" role="alert" data-testid="journal-outcome" data-status="failed">
            <p>{refusalText(t, state.error)}</p>
          </div>
        )}
        {state.status === 'rejected' && (
          <section className="card" data-testid="journal-outcome" data-status="rejected">
            <div className="notice notice-error" role="alert">
              <p>{t('journal.rejected', { n: state.problems.length })}</p>
            </div>
            <TableBox label={t('journal.rejected', { n: state.problems.length })}>
              <table className="figures" data-testid="journal-problems">
                <Columns columns={[t('journal.entry'), t('journal.entryId'), t('journal.lineNo'), t('journal.field'), t('journal.problem')]} />
                <tbody>
                  {state.problems.map((p, i) => (
                    <tr key={i}>
                      <td>{p.entry || t('journal.header')}</td>
                      <td className="mono">{p.id}</td>
                      <td>{p.line}</td>
                      <td className="mono">{p.field}</td>
                      <td>
                        {p.code && <span className="badge">{p.code}</span>} {problemMessage(t, { field: p.field, problem: p.problem })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          </section>
        )}
      </div>
    </div>
  );
}
