import type { DomainEvent, UserEvent } from '../../events';
import type { Fold } from '../commands/aggregate-cache';
import { type Grant, type Role, isRole } from './rights';

export const USER_STREAM_PREFIX = 'user-';

/** The one place a user's stream is named: "user-can-bo-lan". Stream names are stored forever. */
export const userStream = (userId: string): string => USER_STREAM_PREFIX + userId;

/** A user id: what one types to sign in. Letters without diacritics, digits, . _ @ - ; 2-64 characters. */
export const USER_ID = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

export interface ApiTokenState {
  readonly name: string;
  readonly expiresAt: string | null;
  readonly revoked: boolean;
}

/** A user as its stream tells it. */
export interface UserState {
  readonly userId: string | null;
  readonly displayName: string;
  readonly enabled: boolean;
  readonly grants: readonly Grant[];
  /** The credentials-store row of the current password; null: no password (an API-token-only account). */
  readonly credentialId: string | null;
  /** The current password is a one-time one (set at creation or by a reset): it must be changed first. */
  readonly mustChangePassword: boolean;
  readonly apiTokens: Readonly<Record<string, ApiTokenState>>;
}

export const initialUserState = (): UserState => ({
  userId: null,
  displayName: '',
  enabled: false,
  grants: [],
  credentialId: null,
  mustChangePassword: false,
  apiTokens: {},
});

const sameGrant = (a: Grant, b: { role: string; scope: string }) => a.role === b.role && a.scope === b.scope;

export function evolveUser(s: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserCreated':
      return { ...s, userId: event.data.userId, displayName: event.data.displayName, enabled: true };
    case 'RoleGranted': {
      const { role, scope } = event.data;
      if (!isRole(role) || s.grants.some((g) => sameGrant(g, event.data))) return s;
      return { ...s, grants: [...s.grants, { role: role as Role, scope }] };
    }
    case 'RoleRevoked':
      return { ...s, grants: s.grants.filter((g) => !sameGrant(g, event.data)) };
    case 'UserDisabled':
      return { ...s, enabled: false };
    case 'UserEnabled':
      return { ...s, enabled: true };
    case 'PasswordSet':
      return { ...s, credentialId: event.data.credentialId, mustChangePassword: event.data.oneTime };
    case 'ApiTokenIssued':
      return { ...s, apiTokens: { ...s.apiTokens, [event.data.tokenId]: { name: event.data.name, expiresAt: event.data.expiresAt, revoked: false } } };
    case 'ApiTokenRevoked': {
      const token = s.apiTokens[event.data.tokenId];
      return token ? { ...s, apiTokens: { ...s.apiTokens, [event.data.tokenId]: { ...token, revoked: true } } } : s;
    }
    default:
      return s;
  }
}

export const userFold: Fold<UserState, DomainEvent> = {
  initial: initialUserState,
  evolve: evolveUser as Fold<UserState, DomainEvent>['evolve'],
};
