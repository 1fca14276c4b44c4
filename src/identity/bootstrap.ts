import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Catalogue } from '../catalogue/catalogue';
import { CommandRunner } from '../commands/command-runner';
import { type RequestCommand, specOf } from '../commands/slice';
import { createUserCommand, disableUserCommand, resetPasswordCommand, vietnamDay } from '../commands/users/users.slice';
import type { EventStore } from '../store/event-store.port';
import type { CredentialStore } from './credentials';
import { COUNTRY, type Grant, type Principal, ROLES } from './rights';
import { hashPassword, oneTimePassword } from './secrets';
import { userFold, userStream, type UserState } from './user.state';

/**
 * The operator at the server's console: whoever runs `ledger users …` has the database files in hand, so these
 * commands run as the console, an administrator of the whole country, and the events say so
 * (`console:<os user>@<host>`, via console). Bootstrapping the first administrator needs nothing else.
 */
export function consolePrincipal(): Principal {
  let who = 'operator';
  try {
    who = userInfo().username;
  } catch {
    // no user name on this system
  }
  return { id: `console:${who}@${hostname()}`, name: `ledger command on ${hostname()}`, grants: [{ role: 'admin', scope: COUNTRY }], via: 'console' };
}

/** Runs an account command as a principal on a store, outside the HTTP API (the console, the demo). */
async function run<I>(store: EventStore, catalogue: Catalogue, principal: Principal, slice: RequestCommand<object, I>, input: I, now: string) {
  const commandId = randomUUID();
  return new CommandRunner(store, catalogue).run(
    { commandId, principal, right: slice.right ?? 'record', now, correlationId: commandId },
    { ...specOf(slice, input, catalogue), body: null },
  );
}

export interface NewUser {
  readonly userId: string;
  readonly displayName: string;
  readonly grants: readonly Grant[];
  /** false for the demo's users: `npm start` prints their passwords once, to be used as they are. */
  readonly oneTime?: boolean;
}

/** Creates a user with a fresh password (hashed into the credentials store) and returns the password, shown once. */
export async function addUser(store: EventStore, credentials: CredentialStore, catalogue: Catalogue, user: NewUser, principal = consolePrincipal()): Promise<string> {
  const now = new Date().toISOString();
  const credentialId = randomUUID();
  const password = oneTimePassword();
  await credentials.putPassword(credentialId, user.userId, await hashPassword(password), now);
  await run(store, catalogue, principal, createUserCommand, { ...user, credentialId, basis: { effectiveDate: vietnamDay(now) } }, now);
  return password;
}

/** Creates a user without a password: an account that acts through API tokens only (a nightly import's). */
export async function addAccountWithoutPassword(store: EventStore, catalogue: Catalogue, user: NewUser, principal = consolePrincipal()): Promise<void> {
  const now = new Date().toISOString();
  await run(store, catalogue, principal, createUserCommand, { ...user, basis: { effectiveDate: vietnamDay(now) } }, now);
}

/** A new one-time password for a user (their sessions end: they sign in with it and change it). */
export async function resetPassword(store: EventStore, credentials: CredentialStore, catalogue: Catalogue, userId: string, principal = consolePrincipal()): Promise<string> {
  const now = new Date().toISOString();
  const credentialId = randomUUID();
  const password = oneTimePassword();
  await credentials.putPassword(credentialId, userId, await hashPassword(password), now);
  await run(store, catalogue, principal, resetPasswordCommand, { userId, credentialId, reason: 'reset' as const, basis: { effectiveDate: vietnamDay(now) } }, now);
  return password;
}

export async function disableUser(store: EventStore, catalogue: Catalogue, userId: string, reason: string, principal = consolePrincipal()): Promise<void> {
  const now = new Date().toISOString();
  await run(store, catalogue, principal, disableUserCommand, { userId, reason, basis: { effectiveDate: vietnamDay(now) } }, now);
}

export async function readUser(store: EventStore, userId: string): Promise<UserState> {
  let state = userFold.initial();
  for (const e of await store.readStream(userStream(userId))) state = userFold.evolve(state, e);
  return state;
}

/** A user's principal as their account stands now, for work done at the console in their name (`ledger import --as`). */
export async function principalOfUser(store: EventStore, userId: string): Promise<Principal> {
  const state = await readUser(store, userId);
  if (state.userId === null) throw new Error(`there is no user ${userId} (create one: ledger users add ${userId} --name … --role importer)`);
  if (!state.enabled) throw new Error(`user ${userId} is disabled`);
  return { id: state.userId, name: state.displayName, grants: state.grants, via: 'console' };
}

/** The demo's users: one per role, for the whole country, as `npm start` creates them on an empty store. */
export const DEMO_USERS: readonly NewUser[] = ROLES.map((role) => ({
  userId: `demo-${role}`,
  displayName: `Demo ${role}`,
  grants: [{ role, scope: COUNTRY }],
  oneTime: false,
}));

export interface DemoCredentials {
  readonly userId: string;
  readonly role: string;
  readonly password: string;
}

/** Creates the demo's users; their passwords are returned (and printed by `npm start`) this once only. */
export async function addDemoUsers(store: EventStore, credentials: CredentialStore, catalogue: Catalogue): Promise<DemoCredentials[]> {
  const out: DemoCredentials[] = [];
  for (const user of DEMO_USERS) {
    out.push({ userId: user.userId, role: user.grants[0].role, password: await addUser(store, credentials, catalogue, user) });
  }
  return out;
}
