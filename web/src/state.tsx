/** App-wide state: the user's money unit (remembered), the catalogue (loaded once), and data loading. */
import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, Query } from './api';
import { formatMoney, MoneyUnit } from './format';
import { useI18n } from './i18n';
import type { Catalogue } from './types';

const UNIT_KEY = 'gnbv.moneyUnit';

interface Preferences {
  readonly moneyUnit: MoneyUnit;
  readonly setMoneyUnit: (unit: MoneyUnit) => void;
}

const PreferencesContext = createContext<Preferences | null>(null);

export function PreferencesProvider({ children }: { children: ReactNode }) {
  const [moneyUnit, setState] = useState<MoneyUnit>(() => (localStorage.getItem(UNIT_KEY) === 'dong' ? 'dong' : 'trieu'));
  const setMoneyUnit = useCallback((unit: MoneyUnit) => {
    localStorage.setItem(UNIT_KEY, unit);
    setState(unit);
  }, []);
  const value = useMemo(() => ({ moneyUnit, setMoneyUnit }), [moneyUnit, setMoneyUnit]);
  return <PreferencesContext.Provider value={value}>{children}</PreferencesContext.Provider>;
}

export function usePreferences(): Preferences {
  const value = useContext(PreferencesContext);
  if (!value) throw new Error('usePreferences outside PreferencesProvider');
  return value;
}

/** Money in the user's unit: `money("98801000000")` → "98.801"; `unitName` for column headers. */
export function useMoney(): { money: (amount: string | null | undefined) => string; unit: MoneyUnit; unitName: string } {
  const { moneyUnit } = usePreferences();
  const { t } = useI18n();
  return useMemo(
    () => ({ money: (amount) => formatMoney(amount, moneyUnit), unit: moneyUnit, unitName: t(moneyUnit === 'trieu' ? 'pref.trieu' : 'pref.dong') }),
    [moneyUnit, t],
  );
}

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: ApiError | null;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** GETs `path` with `query` whenever either changes; null path loads nothing. The last answer wins. */
export function useApi<T>(path: string | null, query: Query = {}): Loaded<T> {
  const key = path === null ? null : JSON.stringify([path, query]);
  const [state, setState] = useState<{ key: string | null; data: T | null; error: ApiError | null }>({ key: null, data: null, error: null });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (path === null) return;
    const id = ++latest.current;
    api.get<T>(path, query).then(
      (data) => id === latest.current && setState({ key, data, error: null }),
      (error: unknown) => id === latest.current && setState({ key, data: null, error: error instanceof ApiError ? error : new ApiError(0, 'ERROR', String(error), [], {}, null) }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const current = state.key === key;
  return { data: current ? state.data : null, error: current ? state.error : null, loading: path !== null && !current, reload };
}

const CatalogueContext = createContext<Loaded<Catalogue> | null>(null);

export function CatalogueProvider({ children }: { children: ReactNode }) {
  const loaded = useApi<Catalogue>('/catalogue');
  return <CatalogueContext.Provider value={loaded}>{children}</CatalogueContext.Provider>;
}

/** The programme structure (components, sources, units...), or null while it loads. */
export function useCatalogue(): Catalogue | null {
  const value = useContext(CatalogueContext);
  if (!value) throw new Error('useCatalogue outside CatalogueProvider');
  return value.data;
}

/** The unit and the units under it, for scoping pickers to the user's unit. */
export function unitsUnder(catalogue: Catalogue, unit: string): Catalogue['units'] {
  const inScope = new Set([unit]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of catalogue.units) {
      if (u.parent && inScope.has(u.parent) && !inScope.has(u.code)) {
        inScope.add(u.code);
        grew = true;
      }
    }
  }
  return catalogue.units.filter((u) => inScope.has(u.code));
}
