import type { UserEvent } from '../../../events';
import type { Catalogue } from '../../catalogue/catalogue';
import { COUNTRY, type Grant, isRole, ROLES } from '../../identity/rights';
import { type UserState, userStream } from '../../identity/user.state';
import { CommandRefused, InvalidCommand, InvalidRequest } from '../../shared/errors';
import type { StreamEvents } from '../command';
import { event } from '../rules';

/** Account commands: pure deciders on one user's state. Secrets never reach them: only the credential ids. */

export interface CreateUser {
  readonly userId: string;
  readonly displayName: string;
  readonly grants: readonly Grant[];
  /** The credentials-store row of the password made for the new user; none for an account of API tokens only (a script). */
  readonly credentialId?: string;
  /** To be changed at the first sign-in (always, but for the demo's users, whose passwords `npm start` prints). */
  readonly oneTime?: boolean;
}
export interface ChangeGrant {
  readonly userId: string;
  readonly role: string;
  readonly scope: string;
  readonly reason?: string;
}
export interface DisableUser {
  readonly userId: string;
  readonly reason: string;
}
export interface UserOnly {
  readonly userId: string;
}
export interface SetPassword {
  readonly userId: string;
  readonly credentialId: string;
  readonly reason: 'reset' | 'changed';
}
export interface IssueApiToken {
  readonly userId: string;
  readonly tokenId: string;
  readonly name: string;
  readonly expiresAt: string | null;
}
export interface RevokeApiToken {
  readonly userId: string;
  readonly tokenId: string;
}

const on = (userId: string, ...events: UserEvent[]): StreamEvents[] => [{ stream: userStream(userId), events }];

/** A role name and a scope (VN or a unit code the catalogue knows in some period), each refused at its field. */
export function checkGrant(catalogue: Catalogue, grant: { role: string; scope: string }, field: string): Grant {
  const problems: { field: string; problem: string }[] = [];
  if (!isRole(grant.role)) problems.push({ field: `${field}role`, problem: `unknown role "${grant.role}"; roles: ${ROLES.join(', ')}` });
  if (grant.scope !== COUNTRY) {
    try {
      catalogue.requireUnitCode(`${field}scope`, grant.scope);
    } catch (error) {
      if (!(error instanceof InvalidRequest)) throw error;
      problems.push(...error.problems.map((p) => ({ field: p.field, problem: `${p.problem} (a scope is ${COUNTRY}, the whole country, or a unit code)` })));
    }
  }
  if (problems.length > 0) throw new InvalidCommand(problems);
  return { role: grant.role as Grant['role'], scope: grant.scope };
}

function requireUser(state: UserState, userId: string): void {
  if (state.userId === null) throw new CommandRefused('USER_NOT_FOUND', `there is no user ${userId}`, { userId });
}

export function decideCreateUser(input: CreateUser, state: UserState, catalogue: Catalogue): StreamEvents[] {
  if (state.userId !== null) throw new CommandRefused('USER_EXISTS', `user ${input.userId} exists already`, { userId: input.userId });
  const grants = input.grants.map((g, i) => checkGrant(catalogue, g, `roles[${i}].`));
  const unique = grants.filter((g, i) => grants.findIndex((x) => x.role === g.role && x.scope === g.scope) === i);
  return on(
    input.userId,
    event('UserCreated', { userId: input.userId, displayName: input.displayName }),
    ...unique.map((g) => event<UserEvent>('RoleGranted', { userId: input.userId, role: g.role, scope: g.scope })),
    ...(input.credentialId === undefined
      ? []
      : [event<UserEvent>('PasswordSet', { userId: input.userId, credentialId: input.credentialId, reason: 'initial', oneTime: input.oneTime ?? true })]),
  );
}

export function decideGrantRole(input: ChangeGrant, state: UserState, catalogue: Catalogue): StreamEvents[] {
  const grant = checkGrant(catalogue, input, '');
  requireUser(state, input.userId);
  if (state.grants.some((g) => g.role === grant.role && g.scope === grant.scope)) {
    throw new CommandRefused('ALREADY_GRANTED', `${input.userId} already holds ${grant.role} for ${grant.scope}`, { userId: input.userId, ...grant });
  }
  return on(input.userId, event('RoleGranted', { userId: input.userId, role: grant.role, scope: grant.scope }));
}

export function decideRevokeRole(input: ChangeGrant, state: UserState): StreamEvents[] {
  requireUser(state, input.userId);
  if (!state.grants.some((g) => g.role === input.role && g.scope === input.scope)) {
    const held = state.grants.map((g) => `${g.role} for ${g.scope}`).join(', ') || 'no grant';
    throw new CommandRefused('GRANT_NOT_HELD', `${input.userId} does not hold ${input.role} for ${input.scope}; holds ${held}`, {
      userId: input.userId,
      role: input.role,
      scope: input.scope,
    });
  }
  return on(
    input.userId,
    event('RoleRevoked', { userId: input.userId, role: input.role, scope: input.scope, ...(input.reason ? { reason: input.reason } : {}) }),
  );
}

export function decideDisableUser(input: DisableUser, state: UserState): StreamEvents[] {
  requireUser(state, input.userId);
  if (!state.enabled) throw new CommandRefused('USER_DISABLED', `user ${input.userId} is disabled already`, { userId: input.userId });
  return on(input.userId, event('UserDisabled', { userId: input.userId, reason: input.reason }));
}

export function decideEnableUser(input: UserOnly, state: UserState): StreamEvents[] {
  requireUser(state, input.userId);
  if (state.enabled) throw new CommandRefused('USER_ENABLED', `user ${input.userId} is not disabled`, { userId: input.userId });
  return on(input.userId, event('UserEnabled', { userId: input.userId }));
}

/** A reset by an administrator sets a one-time password; a change by the user a lasting one. */
export function decideSetPassword(input: SetPassword, state: UserState): StreamEvents[] {
  requireUser(state, input.userId);
  return on(
    input.userId,
    event('PasswordSet', { userId: input.userId, credentialId: input.credentialId, reason: input.reason, oneTime: input.reason === 'reset' }),
  );
}

export function decideIssueApiToken(input: IssueApiToken, state: UserState): StreamEvents[] {
  requireUser(state, input.userId);
  if (!state.enabled) throw new CommandRefused('USER_DISABLED', `user ${input.userId} is disabled: enable it before issuing a token`, { userId: input.userId });
  return on(input.userId, event('ApiTokenIssued', { userId: input.userId, tokenId: input.tokenId, name: input.name, expiresAt: input.expiresAt }));
}

export function decideRevokeApiToken(input: RevokeApiToken, state: UserState): StreamEvents[] {
  requireUser(state, input.userId);
  const token = state.apiTokens[input.tokenId];
  if (!token) throw new CommandRefused('TOKEN_NOT_FOUND', `user ${input.userId} has no API token ${input.tokenId}`, { userId: input.userId, tokenId: input.tokenId });
  if (token.revoked) throw new CommandRefused('TOKEN_REVOKED', `API token ${input.tokenId} of ${input.userId} is revoked already`, { userId: input.userId, tokenId: input.tokenId });
  return on(input.userId, event('ApiTokenRevoked', { userId: input.userId, tokenId: input.tokenId }));
}
