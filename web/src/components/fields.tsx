/** Pickers shared by the pages: units in the user's scope, dates typed dd/mm/yyyy, the bitemporal pickers. */
import { formatDate, knownAtForInput, parseDate, parseKnownAt } from '../format';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { unitsUnder, useCatalogue } from '../state';
import { Field } from './ui';

export function UnitSelect({ value, onChange, label }: { value: string; onChange: (unit: string) => void; label?: string }) {
  const { t, name } = useI18n();
  const catalogue = useCatalogue();
  const session = useSession();
  const units = catalogue && session ? unitsUnder(catalogue, session.unit) : [];
  return (
    <Field label={label ?? t('common.unit')}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          {units.length === 0 && <option value={value}>{value}</option>}
          {units.map((u) => (
            <option key={u.code} value={u.code}>
              {name(u, u.code)} ({u.code})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The text of a date field and what it means: a valid "YYYY-MM-DD", empty, or not a date. */
export interface DateText {
  readonly text: string;
  readonly iso: string | null;
  readonly invalid: boolean;
}

export const dateText = (text: string): DateText => {
  const iso = text.trim() === '' ? null : parseDate(text);
  return { text, iso, invalid: text.trim() !== '' && iso === null };
};

export const dateTextOf = (iso: string | null | undefined): DateText => ({ text: iso ? formatDate(iso) : '', iso: iso ?? null, invalid: false });

export const knownAtText = (text: string): DateText => {
  const iso = text.trim() === '' ? null : parseKnownAt(text);
  return { text, iso, invalid: text.trim() !== '' && iso === null };
};

export const knownAtTextOf = (value: string | null | undefined): DateText => ({ text: value ? knownAtForInput(value) : '', iso: value ?? null, invalid: false });

/** A date typed as dd/mm/yyyy, whatever the browser's locale (a native date input would show the locale's order). */
export function DateField({
  label,
  value,
  onChange,
  help,
  error,
  name,
  knownAt,
}: {
  label: string;
  value: DateText;
  onChange: (value: DateText) => void;
  help?: string;
  error?: string;
  name?: string;
  /** Also accept a time: "dd/mm/yyyy hh:mm". */
  knownAt?: boolean;
}) {
  const { t } = useI18n();
  const shapeError = value.invalid ? t(knownAt ? 'common.knownAtInvalid' : 'common.dateInvalid') : undefined;
  return (
    <Field label={label} help={help ?? (knownAt ? undefined : 'dd/mm/yyyy')} error={shapeError ?? error}>
      {(p) => (
        <input
          {...p}
          type="text"
          name={name}
          inputMode="numeric"
          autoComplete="off"
          placeholder={knownAt ? 'dd/mm/yyyy hh:mm' : 'dd/mm/yyyy'}
          value={value.text}
          onChange={(e) => onChange((knownAt ? knownAtText : dateText)(e.target.value))}
        />
      )}
    </Field>
  );
}
