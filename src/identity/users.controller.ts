import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { UserEvent } from '../../events';
import { Catalogue } from '../catalogue/catalogue';
import { NotInReadModel } from '../projections/read-model-queries';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { Needs, PrincipalRequest } from './auth.guard';
import { covers, Forbidden, type Grant, grantsWith, type Principal, rolesWith } from './rights';
import { type UserState, USER_ID, userFold, userStream } from './user.state';

/** Who held which right when: a user's account and the history of its grants, from its stream in the log. */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalogue: Catalogue,
  ) {}

  @Get(':userId')
  @Needs('read-users')
  @ApiOperation({ summary: 'A user: name, enabled, current grants, API tokens (never secrets)' })
  async user(@Param('userId') userId: string, @Req() req: PrincipalRequest) {
    const { state, events } = await this.read(userId, req.principal);
    return { ...this.view(state), revision: events.length - 1 };
  }

  @Get(':userId/history')
  @Needs('read-users')
  @ApiParam({ name: 'userId', example: 'demo-accountant' })
  @ApiOperation({
    summary: "A user's history: every account event (created, role granted or revoked for a scope, disabled, password set, token issued or revoked) with who recorded it and when, and the grants held after each",
  })
  async history(@Param('userId') userId: string, @Req() req: PrincipalRequest) {
    const { state, events } = await this.read(userId, req.principal);
    let after = userFold.initial();
    return {
      user: this.view(state),
      events: events.map((e) => {
        after = userFold.evolve(after, e);
        return {
          position: e.position,
          revision: e.revision,
          eventId: e.metadata.eventId,
          type: e.type,
          data: e.data as UserEvent['data'],
          recordedAt: e.metadata.recordedAt,
          recordedBy: e.metadata.actor,
          ...(e.metadata.legalBasis ? { legalBasis: e.metadata.legalBasis } : {}),
          grantsAfter: after.grants,
          enabledAfter: after.enabled,
        };
      }),
    };
  }

  /**
   * A user's stream, if the principal may read it: their own, or one who held a grant in a scope the principal's
   * read-users right covers (whole-country readers see every user).
   */
  private async read(userId: string, principal: Principal) {
    const events = USER_ID.test(userId) ? await this.store.readStream(userStream(userId)) : [];
    if (events.length === 0) throw new NotInReadModel(`there is no user ${userId}`);
    let state = userFold.initial();
    const everHeld: Grant[] = [];
    for (const e of events) {
      state = userFold.evolve(state, e);
      for (const g of state.grants) if (!everHeld.some((h) => h.role === g.role && h.scope === g.scope)) everHeld.push(g);
    }
    const scopes = grantsWith(principal, 'read-users').map((g) => g.scope);
    const visible = userId === principal.id || scopes.some((s) => s === 'VN' || everHeld.some((g) => covers(s, { code: g.scope }, this.catalogue)));
    if (!visible) {
      throw new Forbidden(`to read user ${userId} needs the read-users right (roles: ${rolesWith('read-users').join(', ')}) for a scope covering one of the scopes they held`, {
        right: 'read-users',
        roles: rolesWith('read-users'),
        units: everHeld.map((g) => g.scope),
        held: principal.grants,
      });
    }
    return { state, events };
  }

  private view(s: UserState) {
    return {
      userId: s.userId,
      displayName: s.displayName,
      enabled: s.enabled,
      grants: s.grants,
      mustChangePassword: s.mustChangePassword,
      apiTokens: Object.entries(s.apiTokens).map(([tokenId, t]) => ({ tokenId, ...t })),
    };
  }
}
