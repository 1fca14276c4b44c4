import type { UserEvent } from '../../../events';
import { catalogue } from '../../../test/support/fixtures';
import { evolveUser, initialUserState, type UserState } from '../../identity/user.state';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { StreamEvents } from '../command';
import {
  decideCreateUser,
  decideDisableUser,
  decideEnableUser,
  decideGrantRole,
  decideIssueApiToken,
  decideRevokeApiToken,
  decideRevokeRole,
  decideSetPassword,
} from './users.decide';

const USER = 'ke-toan-hoa';
const STREAM = 'user-ke-toan-hoa';
const e = <T extends UserEvent>(type: T['type'], data: T['data']): UserEvent => ({ type, version: 1, data }) as UserEvent;
const created = e('UserCreated', { userId: USER, displayName: 'Nguyễn Thị Hoa' });
const accountant184 = e('RoleGranted', { userId: USER, role: 'accountant', scope: '184' });
const given = (events: readonly UserEvent[]): UserState => events.reduce(evolveUser, initialUserState());
const refusedWith = (code: string, run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CommandRefused);
    expect((error as CommandRefused).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
};
const on = (...events: UserEvent[]): StreamEvents[] => [{ stream: STREAM, events }];

describe('account commands', () => {
  describe('CreateUser', () => {
    it('creates the user, grants each role once, and records that a one-time password was set (its id, never the secret)', () => {
      const grants = [
        { role: 'accountant' as const, scope: '184' },
        { role: 'accountant' as const, scope: '184' },
        { role: 'viewer' as const, scope: 'VN' },
      ];
      expect(decideCreateUser({ userId: USER, displayName: 'Nguyễn Thị Hoa', grants, credentialId: 'c-1' }, given([]), catalogue)).toEqual(
        on(created, accountant184, e('RoleGranted', { userId: USER, role: 'viewer', scope: 'VN' }), e('PasswordSet', { userId: USER, credentialId: 'c-1', reason: 'initial', oneTime: true })),
      );
    });

    it('creates an account without password for a script (API tokens only)', () => {
      expect(decideCreateUser({ userId: USER, displayName: 'Nhập hằng đêm', grants: [] }, given([]), catalogue)).toEqual(on(e('UserCreated', { userId: USER, displayName: 'Nhập hằng đêm' })));
    });

    it('refuses a user that exists', () => {
      refusedWith('USER_EXISTS', () => decideCreateUser({ userId: USER, displayName: 'x', grants: [], credentialId: 'c' }, given([created]), catalogue));
    });

    it('refuses an unknown role and a scope that is no unit, naming each field', () => {
      try {
        decideCreateUser({ userId: USER, displayName: 'x', grants: [{ role: 'boss' as never, scope: '99999' }], credentialId: 'c' }, given([]), catalogue);
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidCommand);
        expect((error as InvalidCommand).problems.map((p) => p.field)).toEqual(['roles[0].role', 'roles[0].scope']);
      }
    });
  });

  describe('GrantRole and RevokeRole', () => {
    it('grants a role for a scope, once', () => {
      const grant = { userId: USER, role: 'viewer', scope: '20' };
      expect(decideGrantRole(grant, given([created]), catalogue)).toEqual(on(e('RoleGranted', grant)));
      refusedWith('ALREADY_GRANTED', () => decideGrantRole({ userId: USER, role: 'accountant', scope: '184' }, given([created, accountant184]), catalogue));
      refusedWith('USER_NOT_FOUND', () => decideGrantRole(grant, given([]), catalogue));
    });

    it('revokes only a grant held', () => {
      expect(decideRevokeRole({ userId: USER, role: 'accountant', scope: '184', reason: 'chuyển công tác' }, given([created, accountant184]))).toEqual(
        on(e('RoleRevoked', { userId: USER, role: 'accountant', scope: '184', reason: 'chuyển công tác' })),
      );
      refusedWith('GRANT_NOT_HELD', () => decideRevokeRole({ userId: USER, role: 'accountant', scope: '20' }, given([created, accountant184])));
    });
  });

  describe('DisableUser and EnableUser', () => {
    it('disables an enabled user and enables a disabled one, each once', () => {
      const disabled = e('UserDisabled', { userId: USER, reason: 'nghỉ hưu' });
      expect(decideDisableUser({ userId: USER, reason: 'nghỉ hưu' }, given([created]))).toEqual(on(disabled));
      refusedWith('USER_DISABLED', () => decideDisableUser({ userId: USER, reason: 'x' }, given([created, disabled])));
      expect(decideEnableUser({ userId: USER }, given([created, disabled]))).toEqual(on(e('UserEnabled', { userId: USER })));
      refusedWith('USER_ENABLED', () => decideEnableUser({ userId: USER }, given([created])));
    });
  });

  describe('passwords and API tokens', () => {
    it('makes a reset one-time and a change by the user lasting', () => {
      expect(decideSetPassword({ userId: USER, credentialId: 'c-2', reason: 'reset' }, given([created]))).toEqual(
        on(e('PasswordSet', { userId: USER, credentialId: 'c-2', reason: 'reset', oneTime: true })),
      );
      expect(decideSetPassword({ userId: USER, credentialId: 'c-3', reason: 'changed' }, given([created]))).toEqual(
        on(e('PasswordSet', { userId: USER, credentialId: 'c-3', reason: 'changed', oneTime: false })),
      );
    });

    it('issues tokens to enabled users only, and revokes a token once', () => {
      const issued = e('ApiTokenIssued', { userId: USER, tokenId: 't-1', name: 'nhập hằng đêm', expiresAt: '2027-01-01T00:00:00.000Z' });
      expect(decideIssueApiToken({ userId: USER, tokenId: 't-1', name: 'nhập hằng đêm', expiresAt: '2027-01-01T00:00:00.000Z' }, given([created]))).toEqual(on(issued));
      refusedWith('USER_DISABLED', () => decideIssueApiToken({ userId: USER, tokenId: 't-2', name: 'x', expiresAt: null }, given([created, e('UserDisabled', { userId: USER, reason: 'x' })])));
      const revoked = e('ApiTokenRevoked', { userId: USER, tokenId: 't-1' });
      expect(decideRevokeApiToken({ userId: USER, tokenId: 't-1' }, given([created, issued]))).toEqual(on(revoked));
      refusedWith('TOKEN_REVOKED', () => decideRevokeApiToken({ userId: USER, tokenId: 't-1' }, given([created, issued, revoked])));
      refusedWith('TOKEN_NOT_FOUND', () => decideRevokeApiToken({ userId: USER, tokenId: 't-9' }, given([created])));
    });
  });

  describe('the account as its stream tells it', () => {
    it('holds the grants, the current credential and the tokens', () => {
      const state = given([
        created,
        accountant184,
        e('RoleGranted', { userId: USER, role: 'viewer', scope: 'VN' }),
        e('RoleRevoked', { userId: USER, role: 'accountant', scope: '184' }),
        e('PasswordSet', { userId: USER, credentialId: 'c-1', reason: 'initial', oneTime: true }),
        e('PasswordSet', { userId: USER, credentialId: 'c-2', reason: 'changed', oneTime: false }),
      ]);
      expect(state).toMatchObject({ userId: USER, enabled: true, grants: [{ role: 'viewer', scope: 'VN' }], credentialId: 'c-2', mustChangePassword: false });
    });
  });
});
