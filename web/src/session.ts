/**
 * Who is using the app, and what their role lets them see and do. The only module that knows how the ledger
 * learns the principal: the user signs in with their user id and password (POST /auth/session), and the ledger
 * answers with an http-only session cookie — no script reads it; the browser sends it with every request of the app,
 * and the ledger refuses a change it carries unless it comes from the ledger's own pages. The account gives the
 * roles and their scopes; this module keeps, for the pages, who signed in, the role of their first grant and the
 * unit they chose to work on. Every other module asks `useSession()`, `can()` and `authHeaders()` only.
 */
import { useSyncExternalStore } from 'react';

export const WRITER_ROLES = ['officer', 'accountant', 'admin', 'importer'] as const;
export const READER_ROLES = ['auditor', 'inspector', 'viewer'] as const;
export const ROLES = [...WRITER_ROLES, ...READER_ROLES] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a kept session's user id may look like (letters without diacritics, digits, . _ @ : -): a session read back
 * from storage that does not match is dropped. The ledger's own rule for account ids is stricter (src/identity/user.state.ts).
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
export type PageId = 'overview' | 'progress' | 'reconciliation' | 'record' | 'journal' | 'history' | 'decisions' | 'adjustments' | 'reports' | 'redflags';

/**
 * What each role sees. Auditors replay and verify lines; inspectors trace decisions; M&E staff run the programme.
 * An administrator manages accounts (through the API and `ledger users`) and reads no figures (the ledger's rule table).
 */
const PAGES: Readonly<Record<Role, readonly PageId[]>> = {
  officer: ['overview', 'progress', 'reconciliation', 'reports', 'record', 'journal', 'history', 'decisions', 'adjustments'],
  accountant: ['overview', 'progress', 'reports', 'record', 'history', 'reconciliation'],
  admin: [],
  importer: ['overview', 'journal', 'reconciliation'],
  auditor: ['overview', 'reports', 'history', 'decisions', 'adjustments', 'redflags', 'reconciliation'],
  inspector: ['overview', 'reports', 'decisions', 'adjustments', 'redflags', 'history', 'reconciliation'],
  viewer: ['overview', 'progress', 'reconciliation', 'reports'],
};

/** review-flags: mark a red flag reviewed (the ledger lets inspectors and auditors only: those who record money do not clear its flags). */
export type Capability = 'record' | 'import' | 'verify' | 'export-bundle' | 'review-flags';

const CAPABILITIES: Readonly<Record<Role, readonly Capability[]>> = {
  officer: ['record', 'import', 'verify'],
  accountant: ['record', 'verify'],
  admin: [],
  importer: ['import'],
  auditor: ['verify', 'export-bundle', 'review-flags'],
  inspector: ['verify', 'export-bundle', 'review-flags'],
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

function remember(session: Session | null): void {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** Why a sign-in failed, in the ledger's words (wrong user id or password, locked, too many attempts...). */
export class SignInFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Who signed in, before they choose the unit to work on. */
export interface Account {
  readonly id: string;
  readonly role: Role;
  /** The scope of the grant the role comes from: a unit code, or VN. */
  readonly scope: string;
}

/**
 * Signs in with a user id and password: the ledger sets its session cookie (from then on every request of the app
 * carries it), and the account's first grant gives the role the pages follow. The unit comes next (`enter`): its
 * search asks the ledger, which answers only a signed-in user.
 */
export async function signIn(userId: string, password: string): Promise<Account> {
  const res = await fetch('/auth/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ userId, password }),
  });
  const body = (await res.json().catch(() => ({}))) as {
    error?: string;
    message?: string;
    user?: { id: string; grants: { role: string; scope: string }[]; mustChangePassword?: boolean };
  };
  if (!res.ok || !body.user) throw new SignInFailed(body.error ?? `HTTP_${res.status}`, body.message ?? `HTTP ${res.status}`);
  if (body.user.mustChangePassword) {
    throw new SignInFailed('PASSWORD_CHANGE_REQUIRED', 'this one-time password must be changed first (POST /auth/password)');
  }
  const grant = body.user.grants.find((g) => ROLES.includes(g.role as Role));
  if (!grant) throw new SignInFailed('NO_GRANT', `${body.user.id} holds no role`);
  return { id: body.user.id, role: grant.role as Role, scope: grant.scope };
}

/** Starts working, signed in, on a unit (within the grant's scope: the ledger shows no more). */
export function enter(account: Account, unit: string, unitDay?: string): void {
  remember({ actor: account.id, role: account.role, unit, ...(unitDay ? { unitDay } : {}) });
}

/** Ends the ledger's session (its cookie stops working) and forgets who was signed in. */
export function signOut(): void {
  void fetch('/auth/logout', { method: 'POST', headers: { accept: 'application/json' } }).catch(() => undefined);
  remember(null);
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

/**
 * What a request carries besides the session cookie, which the browser sends on its own: nothing. (The ledger records
 * who wrote from the session, never from what the app would claim.)
 */
export function authHeaders(_session: Session | null): Record<string, string> {
  return {};
}
