/**
 * Finding a unit among the country's 15,000 unit periods by typing: a name (accents and case ignored) or the start
 * of a code. Each search asks the ledger for one page (units.ts keeps the answers); each match shows its name, code,
 * level, the units it lies within and its period, since a code may name two units in two periods. An ARIA 1.2
 * combobox: arrows move, Enter picks, Escape closes.
 */
import { KeyboardEvent, useEffect, useId, useState } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import type { UnitPage, UnitVersion } from '../types';
import { unitDirectory } from '../units';
import { unitDetails, unitText } from './fields';
import { Field } from './ui';

const DEBOUNCE_MS = 200;
const MIN_LENGTH = 2;

type Search = { readonly status: 'idle' } | { readonly status: 'searching'; readonly text: string } | { readonly status: 'found'; readonly text: string; readonly page: UnitPage } | { readonly status: 'failed'; readonly text: string; readonly message: string };

export function UnitSearch({
  label,
  value,
  onChange,
  error,
  help,
  name,
}: {
  label: string;
  /** The unit chosen, or null. */
  value: UnitVersion | null;
  onChange: (unit: UnitVersion | null) => void;
  error?: string;
  help?: string;
  name?: string;
}) {
  const { t } = useI18n();
  const listId = useId();
  const [text, setText] = useState(value ? unitText(value, value.code) : '');
  const [search, setSearch] = useState<Search>({ status: 'idle' });
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  // Search once typing pauses; only the answer to the latest text is shown.
  useEffect(() => {
    const query = text.trim();
    if (value || query.length < MIN_LENGTH) {
      setSearch({ status: 'idle' });
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      setSearch({ status: 'searching', text: query });
      unitDirectory.search(query).then(
        (page) => current && (setSearch({ status: 'found', text: query, page }), setActive(page.units.length > 0 ? 0 : -1)),
        (e: unknown) => current && setSearch({ status: 'failed', text: query, message: e instanceof ApiError ? e.message : String(e) }),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, value]);

  const units = search.status === 'found' ? search.page.units : [];
  const expanded = open && search.status !== 'idle';
  const choose = (u: UnitVersion) => {
    onChange(u);
    setText(unitText(u, u.code));
    setOpen(false);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      if (units.length > 0) setActive((i) => (e.key === 'ArrowDown' ? (i + 1) % units.length : (i - 1 + units.length) % units.length));
    } else if (e.key === 'Enter' && expanded && units[active]) {
      e.preventDefault();
      choose(units[active]);
    } else if (e.key === 'Escape' && expanded) {
      e.preventDefault();
      setOpen(false);
    }
  };
  const optionId = (i: number) => `${listId}-option-${i}`;

  return (
    <Field label={label} error={error} help={help} className="unit-search">
      {(p) => (
        <div className="combo">
          <input
            {...p}
            name={name}
            type="text"
            role="combobox"
            autoComplete="off"
            spellCheck={false}
            aria-autocomplete="list"
            aria-expanded={expanded}
            aria-controls={listId}
            aria-activedescendant={expanded && units[active] ? optionId(active) : undefined}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setOpen(true);
              if (value) onChange(null);
            }}
            onFocus={() => setOpen(true)}
            onBlur={() => setOpen(false)}
            onKeyDown={onKeyDown}
          />
          <div className="combo-popup" hidden={!expanded}>
            <ul id={listId} role="listbox" aria-label={t('units.matches')}>
              {units.map((u, i) => (
                <li
                  key={`${u.code}|${u.from ?? ''}`}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === active}
                  data-code={u.code}
                  className={i === active ? 'active' : undefined}
                  // mousedown, not click: the input keeps its focus and its blur does not close the list first.
                  onMouseDown={(e) => (e.preventDefault(), choose(u))}
                  onMouseMove={() => setActive(i)}
                >
                  <span className="unit-name">{u.nameVi}</span>
                  <span className="unit-meta">{unitDetails(t, u)}</span>
                </li>
              ))}
            </ul>
            <p className="combo-status" role="status">
              {search.status === 'searching' && t('units.searching')}
              {search.status === 'failed' && t('units.error', { message: search.message })}
              {search.status === 'found' && search.page.total === 0 && t('units.none', { text: search.text })}
              {search.status === 'found' && search.page.total > units.length && t('units.more', { shown: units.length, n: search.page.total })}
              {search.status === 'found' && search.page.total > 0 && search.page.total <= units.length && t('units.count', { n: search.page.total })}
            </p>
          </div>
          {value && (
            <p className="combo-chosen" data-testid="unit-chosen">
              {t('units.chosen', { unit: `${unitText(value, value.code)} · ${unitDetails(t, value, false)}` })}
            </p>
          )}
        </div>
      )}
    </Field>
  );
}
