/** App-wide state: the user's money unit (remembered), the programme catalogues (loaded once) and the chosen programme, and data loading. */
import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, Query } from './api';
import { formatMoney, MoneyUnit } from './format';
import { useI18n } from './i18n';
import { useSession } from './session';
import type { BalancesResult, CatalogueResult, ProgrammeCatalogue } from './types';

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

/**
 * The budget years a unit has money in (its plans' years), ascending, and the year a page starts from: the latest
 * not after this year.
 */
export function useBudgetYears(programme: string | undefined, unit: string): { loaded: Loaded<BalancesResult>; years: number[]; defaultYear: number | undefined } {
  const loaded = useApi<BalancesResult>(programme && unit ? '/balances' : null, { programme, unit, groupBy: 'budgetYear' });
  const years = useMemo(() => (loaded.data?.rows ?? []).map((r) => Number(r.group.budgetYear)).sort((a, b) => a - b), [loaded.data]);
  const thisYear = new Date().getFullYear();
  return { loaded, years, defaultYear: years.filter((y) => y <= thisYear).pop() ?? years[years.length - 1] };
}

interface CatalogueState {
  readonly loaded: Loaded<CatalogueResult>;
  /** The programme the user works on: their choice, else the first configured. */
  readonly chosen: ProgrammeCatalogue | null;
  /** Its code, known before the catalogue arrives when this browser resolved it before. */
  readonly code: string | null;
  readonly choose: (code: string) => void;
}

const CatalogueContext = createContext<CatalogueState | null>(null);
const PROGRAMME_KEY = 'gnbv.programme';
/** The programme resolved on the last visit: pages ask for its figures at once, alongside GET /catalogue. */
const LAST_PROGRAMME_KEY = 'gnbv.programme.last';

/**
 * Loads GET /catalogue once signed in (the ledger answers signed-in users only; again after another sign-in): the
 * configured programmes (the units are looked up apart, see units.ts).
 */
export function CatalogueProvider({ children }: { children: ReactNode }) {
  const signedIn = useSession() !== null;
  const loaded = useApi<CatalogueResult>(signedIn ? '/catalogue' : null);
  const [wanted, setWanted] = useState<string | null>(() => localStorage.getItem(PROGRAMME_KEY));
  const choose = useCallback((code: string) => {
    localStorage.setItem(PROGRAMME_KEY, code);
    setWanted(code);
  }, []);
  const programmes = loaded.data?.programmes;
  const chosen = programmes ? (programmes.find((p) => p.programme.code === wanted) ?? programmes[0] ?? null) : null;
  // Until the catalogue answers, the programme of the last visit (a wrong guess is asked again once it has).
  const code = programmes ? (chosen?.programme.code ?? null) : (wanted ?? localStorage.getItem(LAST_PROGRAMME_KEY));
  useEffect(() => {
    if (chosen) localStorage.setItem(LAST_PROGRAMME_KEY, chosen.programme.code);
  }, [chosen]);
  const value = useMemo(() => ({ loaded, chosen, code, choose }), [loaded, chosen, code, choose]);
  return <CatalogueContext.Provider value={value}>{children}</CatalogueContext.Provider>;
}

function useCatalogueState(): CatalogueState {
  const value = useContext(CatalogueContext);
  if (!value) throw new Error('catalogue hooks outside CatalogueProvider');
  return value;
}

/** The chosen programme's catalogue (components, sources, kinds, indicators, validity), or null while it loads. */
export function useProgrammeCatalogue(): ProgrammeCatalogue | null {
  return useCatalogueState().chosen;
}

/** The chosen programme's code, for the queries of its figures: known at once on a second visit, else with the catalogue. */
export function useProgrammeCode(): string | null {
  return useCatalogueState().code;
}

/** Runs `onSwitch` when the programme changes after a first one was known: a page drops what was the old one's. */
export function useProgrammeSwitch(onSwitch: () => void): void {
  const code = useCatalogueState().code;
  const shown = useRef(code);
  const latest = useRef(onSwitch);
  latest.current = onSwitch;
  useEffect(() => {
    if (shown.current && code && shown.current !== code) latest.current();
    shown.current = code;
  }, [code]);
}

/** The programme picker's state: the programmes, the one chosen, the choice (remembered), and the catalogue's loading. */
export function useProgrammeChoice(): { programmes: readonly ProgrammeCatalogue[]; chosen: ProgrammeCatalogue | null; choose: (code: string) => void; loaded: Loaded<CatalogueResult> } {
  const { loaded, chosen, choose } = useCatalogueState();
  return { programmes: loaded.data?.programmes ?? [], chosen, choose, loaded };
}

/** The budget years a programme's plans may take: from its validFrom year to its validTo year. */
export function programmeYears(catalogue: ProgrammeCatalogue): { first: number; last: number } {
  return { first: Number(catalogue.programme.validFrom.slice(0, 4)), last: Number(catalogue.programme.validTo.slice(0, 4)) };
}

/** An entry of one of a programme's lists by code: the chosen programme's first, else another's (events of any programme). */
export function useCatalogueEntry(): <K extends 'components' | 'activityKinds' | 'beneficiaryCategories' | 'indicators'>(list: K, code: string) => ProgrammeCatalogue[K][number] | undefined {
  const { loaded, chosen } = useCatalogueState();
  const programmes = loaded.data?.programmes;
  return useCallback(
    (list, code) => {
      const find = (p: ProgrammeCatalogue | null | undefined) => (p?.[list] as readonly { code: string }[] | undefined)?.find((x) => x.code === code);
      return (find(chosen) ?? programmes?.map(find).find((x) => x !== undefined)) as never;
    },
    [chosen, programmes],
  );
}
