/** Small building blocks: labelled fields, loading and error states, tables that scroll on a phone. */
import { ReactNode, useId } from 'react';
import type { ApiError } from '../api';
import { formatDate } from '../format';
import { useI18n } from '../i18n';
import type { Basis, DecisionRef } from '../types';

/** A labelled control with its help and its error, wired for screen readers (aria-describedby, aria-invalid). */
export function Field({
  label,
  help,
  error,
  children,
  className,
}: {
  label: ReactNode;
  help?: ReactNode;
  error?: ReactNode;
  className?: string;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, helpId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy, ...(error ? { 'aria-invalid': true } : {}) })}
      {help && (
        <span className="help" id={helpId}>
          {help}
        </span>
      )}
      {error && (
        <span className="error-text" id={errorId} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}

export function LoadError({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="notice notice-error" role="alert">
      <p>{t('common.error', { message: error.message })}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** A wide table in a box that scrolls sideways on narrow screens, reachable with the keyboard. */
export function TableBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-box" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function PageHeader({ title, intro, children }: { title: string; intro?: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {intro && <p className="intro">{intro}</p>}
      {children}
    </header>
  );
}

/** "Quyết định 4888/QĐ-UBND ngày 22/12/2023 của UBND huyện Văn Quan" / "Chứng từ UNC-0457 ngày 20/06/2024, KBNN Văn Quan". */
export function BasisText({ basis }: { basis: Basis | (DecisionRef & { kind?: 'decision' }) }) {
  const { t } = useI18n();
  const kind = basis.kind ?? 'decision';
  const by = 'issuer' in basis ? basis.issuer : 'treasury' in basis ? basis.treasury : 'issuerOrTitle' in basis ? basis.issuerOrTitle : undefined;
  const label = kind === 'voucher' ? t('common.voucher') : kind === 'document' ? t('common.document') : t('common.decision');
  return (
    <span className="basis">
      {label} {basis.number ? `${t('common.no')} ${basis.number} ` : ''}
      {t('common.dated')} {formatDate(basis.date)}
      {by ? `, ${by}` : ''}
    </span>
  );
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={t('common.pageOf', { page, pages })}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('common.previous')}
      </button>
      <span>{t('common.pageOf', { page, pages })}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('common.next')}
      </button>
    </nav>
  );
}

/** A table's column headers; figures are right-aligned. */
export function Columns({ columns }: { columns: readonly (string | { readonly label: string; readonly num?: boolean; readonly key?: string })[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => {
          const col = typeof c === 'string' ? { label: c } : c;
          return (
            <th key={col.key ?? `${i}-${col.label}`} scope="col" className={col.num ? 'num' : undefined}>
              {col.label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

/** While an answer loads, and when it failed (with a retry). */
export function LoadState({ loaded }: { loaded: { loading: boolean; error: ApiError | null; reload: () => void } }) {
  return (
    <>
      {loaded.loading && <Loading />}
      {loaded.error && <LoadError error={loaded.error} onRetry={loaded.reload} />}
    </>
  );
}

/** The button that applies a filter form. */
export function ShowButton() {
  const { t } = useI18n();
  return (
    <div className="actions">
      <button type="submit" className="primary">
        {t('common.show')}
      </button>
    </div>
  );
}

/** A choice among catalogue entries ("DA5 – Hỗ trợ nhà ở…"), optionally with "all" or "choose" first. */
export function CatalogueSelect({
  label,
  name,
  value,
  onChange,
  options,
  first,
  error,
  showCode = true,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { code: string; nameVi: string; nameEn?: string }[] | undefined;
  /** The empty choice's text ("Tất cả", "— chọn —"), or none. */
  first?: string;
  error?: string;
  showCode?: boolean;
}) {
  const { name: nameOf } = useI18n();
  return (
    <Field label={label} error={error}>
      {(p) => (
        <select {...p} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
          {first !== undefined && <option value="">{first}</option>}
          {options?.map((o) => (
            <option key={o.code} value={o.code}>
              {showCode ? `${o.code} – ` : ''}
              {nameOf(o, o.code)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A labelled one-line text input. */
export function TextField({
  label,
  name,
  value,
  onChange,
  error,
  help,
  wide,
  placeholder,
  inputMode,
}: {
  label: string;
  name?: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  help?: string;
  wide?: boolean;
  placeholder?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
}) {
  return (
    <Field label={label} error={error} help={help} className={wide ? 'wide' : undefined}>
      {(p) => <input {...p} name={name} placeholder={placeholder} inputMode={inputMode} autoComplete="off" value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

/** An event's kind in the user's language ("Giải ngân"), with the activity it concerns under it. */
export function EventKind({ type, activityId }: { type: string; activityId?: string | null }) {
  const { t, tk } = useI18n();
  return (
    <>
      {tk('event', type)}
      {activityId && (
        <div className="sub">
          {t('common.activity')}: {activityId}
        </div>
      )}
    </>
  );
}
