/** Pickers shared by the pages: units in the user's scope, dates typed dd/mm/yyyy, the bitemporal pickers. */
import { formatDate, knownAtForInput, parseDate, parseKnownAt } from '../format';
import { Translate, useI18n } from '../i18n';
import { useSession } from '../session';
import type { UnitVersion } from '../types';
import { useUnit, useUnitsUnder, UnitWhen } from '../units';
import { Field } from './ui';

/** A unit's period as people read it: "đến 30/06/2025", "từ 01/07/2025", "01/11/2024 – 30/06/2025"; '' when open at both ends. */
export function periodText(t: Translate, v: { readonly from: string | null; readonly to: string | null }): string {
  if (v.from && v.to) return t('units.period.fromTo', { from: formatDate(v.from), to: formatDate(v.to) });
  if (v.to) return t('units.period.to', { to: formatDate(v.to) });
  if (v.from) return t('units.period.from', { from: formatDate(v.from) });
  return '';
}

/** "184 · Cấp huyện · Tỉnh Lạng Sơn · đến 30/06/2025": what tells two units of one name, or of one code, apart. */
export function unitDetails(t: Translate, v: UnitVersion, withCode = true): string {
  return [withCode ? v.code : '', t(`units.level.${v.level}`), v.within.map((w) => w.nameVi).join(', '), periodText(t, v)].filter(Boolean).join(' · ');
}

/** "Huyện Văn Quan (184)": a unit as options and headings name it; the code alone until it is known. */
export const unitText = (v: UnitVersion | undefined, code: string) => (v ? `${v.nameVi} (${v.code})` : code);

/**
 * A unit among the user's unit and the units under it `when` — a budget year or a day, named as they were then —
 * or, without `when`, every unit ever under it (an ended one says until when). Each level is fetched once, as
 * needed (units.ts). A value outside the list (from the address) stays, named for the date too.
 */
export function UnitSelect({ value, onChange, label, when }: { value: string; onChange: (unit: string) => void; label?: string; when?: UnitWhen }) {
  const { t } = useI18n();
  const session = useSession();
  const rows = useUnitsUnder(session?.unit, when, session?.unitDay) ?? [];
  const chosen = useUnit(rows.some((r) => r.unit.code === value) ? null : value, when);
  return (
    <Field label={label ?? t('common.unit')}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          {!rows.some((r) => r.unit.code === value) && <option value={value}>{unitText(chosen, value)}</option>}
          {rows.map(({ unit: u, depth }) => (
            <option key={u.code} value={u.code}>
              {'\u00a0\u00a0'.repeat(depth)}
              {unitText(u, u.code)}
              {when === undefined && u.to !== null && depth > 0 ? ` · ${periodText(t, { from: null, to: u.to })}` : ''}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A unit and one of its budget years, as a filter form picks them: choosing another unit clears the year (its years differ). */
export function UnitYearFields({ unit, year, years, onChange }: { unit: string; year: string; years: readonly number[]; onChange: (value: { unit: string; year: string }) => void }) {
  const { t } = useI18n();
  return (
    <>
      <UnitSelect value={unit} onChange={(u) => onChange({ unit: u, year: '' })} when={year ? Number(year) : undefined} />
      <Field label={t('common.year')}>
        {(p) => (
          <select {...p} name="year" value={year} onChange={(e) => onChange({ unit, year: e.target.value })}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
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
