import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthRequest, AuthService } from './auth.service';
import { type Principal, type Right, requireRight, Unauthenticated } from './rights';

const PUBLIC = 'ledger:public';
const NEEDS = 'ledger:needs';
const BEFORE_PASSWORD_CHANGE = 'ledger:before-password-change';

/** Open to anyone: /health, the public key, sign-in. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);

/**
 * The right a route needs, in some scope (the units are checked where they are known: the command loop, the
 * journal import, the queries). `signed-in`: any principal. A route that says nothing needs `read`.
 */
export const Needs = (right: Right | 'signed-in'): MethodDecorator & ClassDecorator => SetMetadata(NEEDS, right);

/** Allowed to a principal signed in with a one-time password, which must change it first. */
export const BeforePasswordChange = (): MethodDecorator => SetMetadata(BEFORE_PASSWORD_CHANGE, true);

/** The request as the guard leaves it: with its principal. */
export type PrincipalRequest = AuthRequest & { principal: Principal; ip: string };

/**
 * The one guard, on every route of the API (APP_GUARD): deny by default. It authenticates the request (AuthService),
 * refuses with 401 what proves no principal and with 403 a principal without the route's right, and leaves the
 * principal on the request for the handlers (`request.principal`). A route added later is protected without a word.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<PrincipalRequest>();
    const principal = await this.auth.authenticate(request);
    if (!principal) {
      throw new Unauthenticated('sign in first: send Authorization: Bearer <token> (POST /auth/login gives one), or an API token');
    }
    if (principal.mustChangePassword && !this.reflector.get<boolean>(BEFORE_PASSWORD_CHANGE, context.getHandler())) {
      throw new Unauthenticated('this one-time password must be changed first: POST /auth/password', 'PASSWORD_CHANGE_REQUIRED', 403);
    }
    const needs = this.reflector.getAllAndOverride<Right | 'signed-in'>(NEEDS, targets) ?? 'read';
    if (needs !== 'signed-in') requireRight(principal, needs);
    request.principal = principal;
    return true;
  }
}
