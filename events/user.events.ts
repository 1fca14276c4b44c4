import type { DomainEvent } from './metadata';

/**
 * Accounts and rights. One stream per user (`user-<id>`, see src/identity/user.state.ts), in the log and so in the
 * Merkle log: an auditor reads who held which right when. No secret is ever in an event (events are kept forever
 * and handed to auditors in bundles): a password or API token event records that one was set or issued, by whom,
 * and the id of its row in the credentials store, where only its hash lives.
 */

/** A scope: an administrative unit code (province, district or commune: that unit and everything under it), or VN, the whole country. */
export type Scope = string;

/** Tài khoản: a user of the ledger. */
export type UserCreated = DomainEvent<'UserCreated', {
  readonly userId: string;
  readonly displayName: string;
}>;

/** A role for a scope, from this event on: e.g. accountant for 184 (Huyện Văn Quan and its communes). */
export type RoleGranted = DomainEvent<'RoleGranted', {
  readonly userId: string;
  readonly role: string;
  readonly scope: Scope;
}>;

export type RoleRevoked = DomainEvent<'RoleRevoked', {
  readonly userId: string;
  readonly role: string;
  readonly scope: Scope;
  readonly reason?: string;
}>;

/** The user can no longer sign in; their sessions and API tokens stop working at once. */
export type UserDisabled = DomainEvent<'UserDisabled', {
  readonly userId: string;
  readonly reason: string;
}>;

export type UserEnabled = DomainEvent<'UserEnabled', {
  readonly userId: string;
}>;

/**
 * A password was set: at creation or reset by an administrator (one-time: to be changed at the first sign-in), or
 * changed by the user. `credentialId` names the row of the credentials store holding its hash; the hash is not here.
 */
export type PasswordSet = DomainEvent<'PasswordSet', {
  readonly userId: string;
  readonly credentialId: string;
  readonly reason: 'initial' | 'reset' | 'changed';
  readonly oneTime: boolean;
}>;

/** An API token for a script (a nightly import): it acts with the user's rights until it expires or is revoked. */
export type ApiTokenIssued = DomainEvent<'ApiTokenIssued', {
  readonly userId: string;
  readonly tokenId: string;
  readonly name: string;
  /** ISO instant, or null: no expiry. */
  readonly expiresAt: string | null;
}>;

export type ApiTokenRevoked = DomainEvent<'ApiTokenRevoked', {
  readonly userId: string;
  readonly tokenId: string;
}>;

export type UserEvent =
  | UserCreated
  | RoleGranted
  | RoleRevoked
  | UserDisabled
  | UserEnabled
  | PasswordSet
  | ApiTokenIssued
  | ApiTokenRevoked;

export const USER_EVENT_TYPES: readonly UserEvent['type'][] = [
  'UserCreated',
  'RoleGranted',
  'RoleRevoked',
  'UserDisabled',
  'UserEnabled',
  'PasswordSet',
  'ApiTokenIssued',
  'ApiTokenRevoked',
];
