/**
 * Who is using the app, and what their role lets them see and do. The only module that knows how the ledger
 * learns the principal: today the X-Actor / X-Role headers that src/api/actor.guard.ts reads. When real sign-in
 * lands (accounts, tokens, roles scoped to administrative units), this file and pages/SignIn.tsx change; every
 * other module asks `useSession()`, `can()` and `authHeaders()` only.
 */
import { useSyncExternalStore } from 'react';

export const WRITER_ROLES = ['officer', 'accountant', 'admin', 'importer'] as const;
export const READER_ROLES = ['auditor', 'inspector', 'viewer'] as const;
export const ROLES = [...WRITER_ROLES, ...READER_ROLES] as const;
export type Role = (typeof ROLES)[number];

/**
 * The ledger's guard takes 1-100 letters, digits or . _ @ : - ; a header travels as Latin-1 bytes, so letters
 * without diacritics only ("can-bo-lan", not "cán-bộ-lan").
 */
export const ACTOR_ID = /^[A-Za-z0-9._@:-]{1,100}$/;

export interface Session {
  readonly actor: string;
  readonly role: Role;
  /** The administrative unit the user works for: their default scope (today chosen at sign-in). */
  readonly unit: string;
  /**
   * A day the unit was in force: which unit the code means when it names two (06253 was Thị trấn Văn Quan until
   * 30/6/2025, Xã Văn Quan since). Absent: the code's latest unit.
   */
  readonly unitDay?: string;
}

/** The app's pages. */
export type PageId = 'overview' | 'progress' | 'reconciliation' | 'record' | 'journal' | 'history' | 'decisions' | 'adjustments' | 'reports';

/** What each role sees. Auditors replay and verify lines; inspectors trace decisions; M&E staff run the programme. */
const PAGES: Readonly<Record<Role, readonly PageId[]>> = {
  officer: ['overview', 'progress', 'reconciliation', 'reports', 'record', 'journal', 'history', 'decisions', 'adjustments'],
  accountant: ['overview', 'progress', 'reports', 'record', 'history', 'reconciliation'],
  admin: ['overview', 'progress', 'reconciliation', 'reports', 'record', 'journal', 'history', 'decisions', 'adjustments'],
  importer: ['overview', 'journal', 'reconciliation'],
  auditor: ['overview', 'reports', 'history', 'decisions', 'adjustments', 'reconciliation'],
  inspector: ['overview', 'reports', 'decisions', 'adjustments', 'history', 'reconciliation'],
  viewer: ['overview', 'progress', 'reconciliation', 'reports'],
};

export type Capability = 'record' | 'import' | 'verify' | 'export-bundle';

const CAPABILITIES: Readonly<Record<Role, readonly Capability[]>> = {
  officer: ['record', 'import', 'verify'],
  accountant: ['record', 'verify'],
  admin: ['record', 'import', 'verify', 'export-bundle'],
  importer: ['import'],
  auditor: ['verify', 'export-bundle'],
  inspector: ['verify', 'export-bundle'],
  viewer: [],
};

export function pagesFor(role: Role): readonly PageId[] {
  return PAGES[role];
}

export function can(session: Session | null, capability: Capability): boolean {
  return session !== null && CAPABILITIES[session.role].includes(capability);
}

const KEY = 'gnbv.session';
const listeners = new Set<() => void>();
let cached: { raw: string | null; session: Session | null } = { raw: null, session: null };

function read(): Session | null {
  const raw = localStorage.getItem(KEY);
  if (raw === cached.raw) return cached.session;
  let session: Session | null = null;
  try {
    const value = raw ? (JSON.parse(raw) as Partial<Session>) : null;
    if (value && typeof value.actor === 'string' && ACTOR_ID.test(value.actor) && ROLES.includes(value.role as Role) && typeof value.unit === 'string') {
      const unitDay = typeof value.unitDay === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.unitDay) ? value.unitDay : undefined;
      session = { actor: value.actor, role: value.role as Role, unit: value.unit, ...(unitDay ? { unitDay } : {}) };
    }
  } catch {
    session = null;
  }
  cached = { raw, session };
  return session;
}

export function currentSession(): Session | null {
  return read();
}

export function signIn(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
  listeners.forEach((l) => l());
}

export function signOut(): void {
  localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** The session as React state: re-renders on sign-in and sign-out (in this tab and in others). */
export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      window.addEventListener('storage', listener);
      return () => {
        listeners.delete(listener);
        window.removeEventListener('storage', listener);
      };
    },
    read,
  );
}

/** What every request carries so the ledger knows who is asking (and records who wrote). */
export function authHeaders(session: Session | null): Record<string, string> {
  return session ? { 'X-Actor': session.actor, 'X-Role': session.role } : {};
}
