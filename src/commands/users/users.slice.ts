import type { Catalogue } from '../../catalogue/catalogue';
import type { UnitUse } from '../../identity/rights';
import { type UserState, userFold, userStream } from '../../identity/user.state';
import type { Load } from '../command-runner';
import { type AccountBasis, type Decision, decision } from '../decision-spec';
import { decisionBasis } from '../shared/to-input';
import type { Edge, RequestCommand } from '../slice';
import {
  ChangeGrant,
  CreateUser,
  DisableUser,
  IssueApiToken,
  RevokeApiToken,
  SetPassword,
  UserOnly,
  decideCreateUser,
  decideDisableUser,
  decideEnableUser,
  decideGrantRole,
  decideIssueApiToken,
  decideRevokeApiToken,
  decideRevokeRole,
  decideSetPassword,
} from './users.decide';
import { AccountCommandDto, ChangeGrantDto, CreateUserDto, DisableUserDto, IssueApiTokenDto, UserOnlyDto } from './users.dto';

/**
 * Account commands, each a slice of the registry like the money commands: their events go to the user's stream
 * (`user-<id>`), in the log and the Merkle log. They need the manage-users right in the scope of every grant the user
 * holds (and of the one granted): an administrator of a district manages that district's users, not a province's.
 */

/** A user's stream belongs to the scopes of the grants the user holds. */
export const loadUser = (userId: string): Load<UserState> => ({
  stream: userStream(userId),
  fold: userFold,
  units: (state) => state.grants.map((g): UnitUse => ({ code: g.scope })),
});

/** The Vietnam calendar day of an instant: account events take effect when recorded. */
export const vietnamDay = (instant: string): string => new Date(Date.parse(instant) + 7 * 3600_000).toISOString().slice(0, 10);

const accountBasis = (dto: AccountCommandDto, edge: Edge): AccountBasis => ({
  effectiveDate: vietnamDay(edge.now),
  ...(dto.decision ? { legalBasis: decisionBasis(dto.decision) } : {}),
});

type WithBasis<I> = I & { readonly basis: AccountBasis };

/** A command on one user's stream, deciding on its state; `units`: scopes named by the input (a grant). */
export function onUser(input: { userId: string; basis: AccountBasis }, decide: (user: UserState) => ReturnType<Decision['decide']>, units: readonly UnitUse[] = []): Decision {
  return decision({
    basis: input.basis,
    primaryStream: userStream(input.userId),
    loads: [loadUser(input.userId)] as const,
    units,
    decide: ([user]) => decide(user.state),
  });
}

const userId = (edge: Edge) => edge.params.userId;

export const createUserCommand: RequestCommand<CreateUserDto, WithBasis<CreateUser>> = {
  name: 'CreateUser',
  route: { path: 'users', summary: 'Create a user with roles for scopes; the answer shows a one-time password, once' },
  dto: CreateUserDto,
  right: 'manage-users',
  toInput: (dto, edge) => ({
    userId: dto.userId,
    displayName: dto.displayName,
    grants: (dto.roles ?? []).map((g) => ({ role: g.role as never, scope: g.scope })),
    credentialId: edge.newId(),
    basis: accountBasis(dto, edge),
  }),
  spec: (input, catalogue: Catalogue) =>
    onUser(input, (user) => decideCreateUser(input, user, catalogue), input.grants.map((g) => ({ code: g.scope }))),
  secret: { kind: 'password', credential: (input) => ({ credentialId: input.credentialId as string, userId: input.userId }) },
};

export const grantRoleCommand: RequestCommand<ChangeGrantDto, WithBasis<ChangeGrant>> = {
  name: 'GrantRole',
  route: { path: 'users/:userId/grant', summary: 'Grant a user a role for a scope (a unit and everything under it, or VN)' },
  dto: ChangeGrantDto,
  right: 'manage-users',
  toInput: (dto, edge) => ({ userId: userId(edge), role: dto.role, scope: dto.scope, basis: accountBasis(dto, edge) }),
  spec: (input, catalogue) => onUser(input, (user) => decideGrantRole(input, user, catalogue), [{ code: input.scope }]),
};

export const revokeRoleCommand: RequestCommand<ChangeGrantDto, WithBasis<ChangeGrant>> = {
  name: 'RevokeRole',
  route: { path: 'users/:userId/revoke', summary: "Revoke one of a user's grants" },
  dto: ChangeGrantDto,
  right: 'manage-users',
  toInput: (dto, edge) => ({
    userId: userId(edge),
    role: dto.role,
    scope: dto.scope,
    ...(dto.reason ? { reason: dto.reason } : {}),
    basis: accountBasis(dto, edge),
  }),
  spec: (input) => onUser(input, (user) => decideRevokeRole(input, user)),
};

export const disableUserCommand: RequestCommand<DisableUserDto, WithBasis<DisableUser>> = {
  name: 'DisableUser',
  route: { path: 'users/:userId/disable', summary: 'Disable a user: sign-in, sessions and API tokens stop working at once' },
  dto: DisableUserDto,
  right: 'manage-users',
  toInput: (dto, edge) => ({ userId: userId(edge), reason: dto.reason, basis: accountBasis(dto, edge) }),
  spec: (input) => onUser(input, (user) => decideDisableUser(input, user)),
};

export const enableUserCommand: RequestCommand<UserOnlyDto, WithBasis<UserOnly>> = {
  name: 'EnableUser',
  route: { path: 'users/:userId/enable', summary: 'Enable a disabled user again' },
  dto: UserOnlyDto,
  right: 'manage-users',
  toInput: (dto, edge) => ({ userId: userId(edge), basis: accountBasis(dto, edge) }),
  spec: (input) => onUser(input, (user) => decideEnableUser(input, user)),
};

export const resetPasswordCommand: RequestCommand<UserOnlyDto, WithBasis<SetPassword>> = {
  name: 'ResetPassword',
  route: { path: 'users/:userId/reset-password', summary: "Reset a user's password: the answer shows a one-time password, once; their sessions end" },
  dto: UserOnlyDto,
  right: 'manage-users',
  toInput: (dto, edge) => ({ userId: userId(edge), credentialId: edge.newId(), reason: 'reset', basis: accountBasis(dto, edge) }),
  spec: (input) => onUser(input, (user) => decideSetPassword(input, user)),
  secret: { kind: 'password', credential: (input) => ({ credentialId: input.credentialId, userId: input.userId }) },
};

const DEFAULT_TOKEN_DAYS = 365;

export const issueApiTokenCommand: RequestCommand<IssueApiTokenDto, WithBasis<IssueApiToken>> = {
  name: 'IssueApiToken',
  route: { path: 'users/:userId/api-tokens', summary: "Issue an API token for a script, acting with the user's rights: the answer shows it once" },
  dto: IssueApiTokenDto,
  right: 'manage-users',
  toInput: (dto, edge) => ({
    userId: userId(edge),
    tokenId: edge.newId(),
    name: dto.name,
    expiresAt: new Date(Date.parse(edge.now) + (dto.expiresInDays ?? DEFAULT_TOKEN_DAYS) * 86_400_000).toISOString(),
    basis: accountBasis(dto, edge),
  }),
  spec: (input) => onUser(input, (user) => decideIssueApiToken(input, user)),
  secret: { kind: 'api-token', credential: (input) => ({ credentialId: input.tokenId, userId: input.userId, expiresAt: input.expiresAt }) },
};

export const revokeApiTokenCommand: RequestCommand<UserOnlyDto, WithBasis<RevokeApiToken>> = {
  name: 'RevokeApiToken',
  route: { path: 'users/:userId/api-tokens/:tokenId/revoke', summary: 'Revoke an API token: it stops working at once' },
  dto: UserOnlyDto,
  right: 'manage-users',
  toInput: (dto, edge) => ({ userId: userId(edge), tokenId: edge.params.tokenId, basis: accountBasis(dto, edge) }),
  spec: (input) => onUser(input, (user) => decideRevokeApiToken(input, user)),
};

/**
 * A user changes their own password (POST /auth/password, after proving the current one): not a registry route, as
 * its body holds passwords, which must not be fingerprinted for idempotency.
 */
export function changePasswordSpec(input: { userId: string; credentialId: string; now: string }): Decision {
  const full: WithBasis<SetPassword> = { userId: input.userId, credentialId: input.credentialId, reason: 'changed', basis: { effectiveDate: vietnamDay(input.now) } };
  return onUser(full, (user) => decideSetPassword(full, user));
}

export const USER_COMMANDS = [
  createUserCommand,
  grantRoleCommand,
  revokeRoleCommand,
  disableUserCommand,
  enableUserCommand,
  resetPasswordCommand,
  issueApiTokenCommand,
  revokeApiTokenCommand,
] as const;
