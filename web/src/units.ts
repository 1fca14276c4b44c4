/**
 * Administrative units, as the app needs them: looked up through GET /catalogue/units a few at a time and kept for
 * the session. Three kinds of request, each small: a code (its periods: one or two rows), the units directly under
 * one (every period: a district has ~20, a province under 200), a search by name or code (one page of 20). The
 * 15,000 unit periods of the country are never downloaded, and nothing is asked twice.
 *
 * A code may name two units in two periods (a commune of 1/7/2025 often keeps an old code): every lookup takes a
 * date — a budget year (2024: any day of it, as the ledger checks a line's unit) or a day — and the same rule as the
 * ledger's (src/catalogue/units/unit-period.ts).
 */
import { useEffect, useSyncExternalStore } from 'react';
import { inForce, UnitWhen } from '../../src/catalogue/units/unit-period';
import { api, Query } from './api';
import type { UnitLevel, UnitPage, UnitVersion } from './types';

export type { UnitWhen };

/** Codes are 2, 3 or 5 digits by level: with the level, a code asks for that unit only, not the codes it starts. */
const LEVEL_BY_LENGTH: Readonly<Record<number, UnitLevel>> = { 2: 'province', 3: 'district', 5: 'commune' };
const MAX_PAGE = 500;
const SEARCH_PAGE = 20;
const SEARCHES_KEPT = 50;
/** A failed request is not repeated by every render: only once this long has passed. */
const RETRY_AFTER_MS = 10_000;

const byPeriod = (a: UnitVersion, b: UnitVersion) => (a.from ?? '').localeCompare(b.from ?? '');
const byCode = (a: UnitVersion, b: UnitVersion) => a.code.localeCompare(b.code) || byPeriod(a, b);
const firstDay = (when: UnitWhen) => (typeof when === 'number' ? `${when}-01-01` : when);

/** A day the version was in force: tells which unit a reused code meant (undefined: it always was). */
export const dayOf = (v: UnitVersion): string | undefined => v.to ?? v.from ?? undefined;

export class UnitDirectory {
  /** Code → the versions seen in any answer, earliest first. */
  private readonly known = new Map<string, UnitVersion[]>();
  /** Codes whose every period is known. */
  private readonly complete = new Set<string>();
  /** Parent code → every version ever directly under it. */
  private readonly under = new Map<string, readonly UnitVersion[]>();
  private readonly pending = new Set<string>();
  private readonly failed = new Map<string, number>();
  private readonly searches = new Map<string, Promise<UnitPage>>();
  private readonly listeners = new Set<() => void>();
  private revision = 0;

  constructor(private readonly get: <T>(path: string, query: Query) => Promise<T>) {}

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** Changes whenever something new was learnt (for useSyncExternalStore). */
  readonly snapshot = () => this.revision;

  /** The version of a code in force `when`; without `when`, its latest period once every period is known. */
  at(code: string, when?: UnitWhen): UnitVersion | undefined {
    const list = this.known.get(code) ?? [];
    if (when === undefined) return this.complete.has(code) ? list[list.length - 1] : undefined;
    return list.find((v) => inForce(v, when));
  }

  /** The version to name a code by `when`: in force then, else the period nearest before it (else the first); its latest without `when`. */
  nearest(code: string, when?: UnitWhen): UnitVersion | undefined {
    const list = this.known.get(code) ?? [];
    if (when === undefined) return list[list.length - 1];
    return this.at(code, when) ?? [...list].reverse().find((v) => (v.from ?? '') <= firstDay(when)) ?? list[0];
  }

  /** Whether naming the code `when` needs its periods fetched. */
  needs(code: string, when?: UnitWhen): boolean {
    return !this.complete.has(code) && (when === undefined || this.at(code, when) === undefined);
  }

  /** The units directly under a code `when` (without: every unit ever under it, in its latest period), by code; undefined until fetched. */
  children(parent: string, when?: UnitWhen): UnitVersion[] | undefined {
    const all = this.under.get(parent);
    if (!all) return undefined;
    if (when !== undefined) return all.filter((v) => inForce(v, when));
    const latest = new Map<string, UnitVersion>();
    for (const v of all) latest.set(v.code, v);
    return [...latest.values()];
  }

  /** Fetches every period of a code (once). */
  loadCode(code: string): Promise<void> {
    if (this.complete.has(code)) return Promise.resolve();
    const level = LEVEL_BY_LENGTH[code.length];
    return this.once(`code:${code}`, async () => {
      const page = await this.get<UnitPage>('/catalogue/units', { code, ...(level ? { level } : {}), pageSize: MAX_PAGE });
      this.learn(page.units.filter((v) => v.code === code));
      this.complete.add(code);
    });
  }

  /** Fetches every unit ever directly under a code (once). */
  loadChildren(parent: string): Promise<void> {
    if (this.under.has(parent)) return Promise.resolve();
    return this.once(`under:${parent}`, async () => {
      const units: UnitVersion[] = [];
      for (let page = 1; ; page++) {
        const answer = await this.get<UnitPage>('/catalogue/units', { parent, page, pageSize: MAX_PAGE });
        units.push(...answer.units);
        if (page * MAX_PAGE >= answer.total) break;
      }
      this.learn(units);
      this.under.set(parent, [...units].sort(byCode));
    });
  }

  /**
   * Units whose name (accents and case ignored; the ledger ranks the best matches first) or code starts with the
   * text: one page. Answers are kept, so typing back and forth asks nothing again.
   */
  search(text: string): Promise<UnitPage> {
    const trimmed = text.trim().replace(/\s+/g, ' ');
    const query = /^\d+$/.test(trimmed) ? { code: trimmed } : { name: trimmed };
    const key = JSON.stringify(query);
    let answer = this.searches.get(key);
    if (!answer) {
      answer = this.get<UnitPage>('/catalogue/units', { ...query, pageSize: SEARCH_PAGE }).then((page) => {
        this.learn(page.units);
        return page;
      });
      answer.catch(() => this.searches.delete(key));
      if (this.searches.size >= SEARCHES_KEPT) this.searches.delete(this.searches.keys().next().value as string);
      this.searches.set(key, answer);
    }
    return answer;
  }

  private async once(key: string, load: () => Promise<void>): Promise<void> {
    if (this.pending.has(key) || Date.now() - (this.failed.get(key) ?? -Infinity) < RETRY_AFTER_MS) return;
    this.pending.add(key);
    try {
      await load();
      this.failed.delete(key);
    } catch {
      // The label keeps showing the code; a later render asks again.
      this.failed.set(key, Date.now());
    } finally {
      this.pending.delete(key);
      this.changed();
    }
  }

  private learn(units: readonly UnitVersion[]): void {
    for (const u of units) {
      const list = this.known.get(u.code) ?? [];
      if (list.some((v) => v.from === u.from)) continue;
      this.known.set(u.code, [...list, u].sort(byPeriod));
    }
  }

  private changed(): void {
    this.revision++;
    this.listeners.forEach((l) => l());
  }
}

/** The app's one directory, shared by every page for the session. */
export const unitDirectory = new UnitDirectory((path, query) => api.get(path, query));

function useDirectory(): number {
  return useSyncExternalStore(unitDirectory.subscribe, unitDirectory.snapshot);
}

/** The unit a code names `when` (in force then, else its nearest period), fetched when not known; undefined until then. */
export function useUnit(code: string | null | undefined, when?: UnitWhen): UnitVersion | undefined {
  const revision = useDirectory();
  useEffect(() => {
    if (code && unitDirectory.needs(code, when)) void unitDirectory.loadCode(code);
  }, [code, when, revision]);
  return code ? unitDirectory.nearest(code, when) : undefined;
}

export interface UnitRow {
  readonly unit: UnitVersion;
  /** 0 for the unit itself, 1 for those directly under it, 2 below them. */
  readonly depth: number;
}

/**
 * A unit and the units under it `when` (communes under districts under a province; without `when`, every unit ever
 * under it), each level fetched once as it is needed: a district asks once, a province of 2024 once and once per
 * district. `rootDay` tells which unit the code means when no `when` does (a reused code). Null until it is known.
 */
export function useUnitsUnder(root: string | null | undefined, when?: UnitWhen, rootDay?: string): readonly UnitRow[] | null {
  const revision = useDirectory();
  const rootWhen = when ?? rootDay;
  const top = root ? unitDirectory.nearest(root, rootWhen) : undefined;
  const rows: UnitRow[] = [];
  const missing: string[] = [];
  const walk = (v: UnitVersion, depth: number) => {
    rows.push({ unit: v, depth });
    if (v.level === 'commune' || depth >= 2) return;
    const under = unitDirectory.children(v.code, when);
    if (under === undefined) missing.push(v.code);
    else for (const c of under) walk(c, depth + 1);
  };
  if (top) walk(top, 0);
  const wanted = missing.join('|');
  useEffect(() => {
    if (root && unitDirectory.needs(root, rootWhen)) void unitDirectory.loadCode(root);
    for (const code of wanted ? wanted.split('|') : []) void unitDirectory.loadChildren(code);
  }, [root, rootWhen, wanted, revision]);
  return top ? rows : null;
}
