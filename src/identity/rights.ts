import type { Actor } from '../../events';

/**
 * The rule table: which role holds which right. A grant is a role for a scope (a unit and everything under it, or
 * VN, the whole country); a right is exercised only inside the scope of a grant that holds it. This table and
 * `authorize` below are the whole of the ledger's authorisation: routes say which right they need, commands and
 * journal entries which units they touch, queries filter by the scopes of `read`.
 */
export const ROLES = ['officer', 'accountant', 'importer', 'admin', 'auditor', 'inspector', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const RIGHTS = ['read', 'record', 'import', 'note', 'manage-users', 'read-users', 'sign-tree-head'] as const;
export type Right = (typeof RIGHTS)[number];

export const RIGHTS_OF: Readonly<Record<Role, readonly Right[]>> = {
  /** Cán bộ (M&E staff of the unit): record plans, activities, allocations, adjustments, outputs; import journals; read. */
  officer: ['read', 'record', 'import', 'sign-tree-head'],
  /** Kế toán: the same as an officer (disbursements, reversals, returns by treasury voucher). */
  accountant: ['read', 'record', 'import', 'sign-tree-head'],
  /** A script's account (nightly import): journals only, and read what it imported. */
  importer: ['read', 'import', 'sign-tree-head'],
  /** Quản trị: accounts and grants within its scope. Reads no figures: an admin who must also read holds a second grant. */
  admin: ['manage-users', 'read-users', 'sign-tree-head'],
  /** Kiểm toán: read everything in scope, who held which right, and record their own notes. */
  auditor: ['read', 'note', 'read-users', 'sign-tree-head'],
  /** Thanh tra: as an auditor. */
  inspector: ['read', 'note', 'read-users', 'sign-tree-head'],
  /** Read only. */
  viewer: ['read'],
};

/** What each right lets one do, for messages. */
export const RIGHT_MEANING: Readonly<Record<Right, string>> = {
  read: 'read the ledger',
  record: 'record commands',
  import: 'import journals',
  note: 'record notes and red-flag reviews',
  'manage-users': 'manage users',
  'read-users': "read users' rights and their history",
  'sign-tree-head': 'sign a tree head',
};

/** The whole country: a scope above every unit. */
export const COUNTRY = 'VN';

export const isRole = (r: unknown): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r);

export const rolesWith = (right: Right): Role[] => ROLES.filter((r) => RIGHTS_OF[r].includes(right));

export interface Grant {
  readonly role: Role;
  readonly scope: string;
}

/** Who is asking, as the authentication established it. Its grants come from its account (or its provider's claims) now. */
export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly grants: readonly Grant[];
  readonly via: 'password' | 'api-token' | 'oidc' | 'console';
  /** The session (password or OIDC sign-in) or API token the request carried. */
  readonly sessionId?: string;
  readonly tokenId?: string;
  /** A one-time password was used: only changing it is allowed. */
  readonly mustChangePassword?: boolean;
}

/** A unit a command or a row is about, and when (a budget year or a day): codes are reused, the date decides. */
export interface UnitUse {
  readonly code: string;
  readonly when?: number | string;
}

/** Where a unit sits: the codes above it (at a time), and its name for messages. */
export interface UnitTree {
  unitAncestors(code: string, when?: number | string): string[];
  unitName?(code: string): string | undefined;
}

/** A scope covers a unit when it is the unit, one above it, or the whole country. A scope as a use: it covers it. */
export function covers(scope: string, use: UnitUse, tree: UnitTree): boolean {
  if (scope === COUNTRY || scope === use.code) return true;
  if (use.code === COUNTRY) return false;
  return tree.unitAncestors(use.code, use.when).includes(scope);
}

/** The request is not authenticated (HTTP 401, UNAUTHENTICATED). */
export class Unauthenticated extends Error {
  override readonly name = 'Unauthenticated';
  constructor(
    message: string,
    /** A more specific code: ACCOUNT_LOCKED, PASSWORD_CHANGE_REQUIRED... */
    readonly code = 'UNAUTHENTICATED',
    readonly status = 401,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The principal lacks a right (HTTP 403, FORBIDDEN). Nothing was stored; the message names the right and the scope. */
export class Forbidden extends Error {
  override readonly name = 'Forbidden';
  constructor(
    message: string,
    readonly details: { readonly right: Right; readonly roles: readonly Role[]; readonly units?: readonly string[]; readonly held: readonly Grant[] },
  ) {
    super(message);
  }
}

const held = (p: Principal) => (p.grants.length === 0 ? 'no grant' : p.grants.map((g) => `${g.role} for ${g.scope}`).join(', '));

/** The grants of a principal that hold a right. */
export const grantsWith = (p: Principal, right: Right): Grant[] => p.grants.filter((g) => RIGHTS_OF[g.role].includes(right));

/** Refuses a principal that holds a right in no scope at all (the route-level check, before anything is read). */
export function requireRight(p: Principal, right: Right): void {
  if (grantsWith(p, right).length > 0) return;
  const roles = rolesWith(right);
  throw new Forbidden(`to ${RIGHT_MEANING[right]} needs the ${right} right (roles: ${roles.join(', ')}); ${p.id} holds ${held(p)}`, {
    right,
    roles,
    held: p.grants,
  });
}

/**
 * The grant that lets a principal exercise a right on every unit given (none: any scope will do), as the actor its
 * events record; or Forbidden naming the right, the units outside and what the principal holds.
 */
export function authorize(p: Principal, right: Right, units: readonly UnitUse[], tree: UnitTree): Actor {
  requireRight(p, right);
  const grant = grantsWith(p, right).find((g) => units.every((u) => covers(g.scope, u, tree)));
  if (!grant) {
    const outside = [...new Set(units.filter((u) => !grantsWith(p, right).some((g) => covers(g.scope, u, tree))).map((u) => u.code))];
    const named = (outside.length > 0 ? outside : [...new Set(units.map((u) => u.code))]).map((c) => {
      const name = tree.unitName?.(c);
      return name ? `${c} (${name})` : c;
    });
    const roles = rolesWith(right);
    throw new Forbidden(
      outside.length > 0
        ? `to ${RIGHT_MEANING[right]} on unit ${named.join(', ')} needs the ${right} right (roles: ${roles.join(', ')}) for a scope covering it; ${p.id} holds ${held(p)}`
        : `to ${RIGHT_MEANING[right]} on units ${named.join(', ')} together needs one grant of the ${right} right covering them all; ${p.id} holds ${held(p)}`,
      { right, roles, units: outside.length > 0 ? outside : units.map((u) => u.code), held: p.grants },
    );
  }
  return actorOf(p, grant);
}

/** What events record of a principal acting under a grant. */
export function actorOf(p: Principal, grant: Grant): Actor {
  return { id: p.id, role: grant.role, name: p.name, scope: grant.scope, via: p.via };
}

/** A user acting on their own account (changing their password): no grant needed, none recorded. */
export const OWN_ACCOUNT = 'own-account' as const;

export function ownAccountActor(p: Principal): Actor {
  return { id: p.id, role: OWN_ACCOUNT, name: p.name, via: p.via };
}

/** The scopes in which a principal may read, or 'all' when one of them is the whole country. */
export function readScopes(p: Principal, right: Right = 'read'): readonly string[] | 'all' {
  const scopes = [...new Set(grantsWith(p, right).map((g) => g.scope))];
  return scopes.includes(COUNTRY) ? 'all' : scopes;
}
