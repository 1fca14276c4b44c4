import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Actor } from '../../events';

/** Roles that may record events. Auditors and inspectors read; they never write. */
export const WRITER_ROLES = ['officer', 'accountant', 'admin', 'importer'] as const;
export const READER_ROLES = ['auditor', 'inspector', 'viewer'] as const;
const ROLES: readonly string[] = [...WRITER_ROLES, ...READER_ROLES];
export const ACTOR_ID = /^[\p{L}\p{N}._@:-]{1,100}$/u;

/** Metadata on a command's route: the roles that may record it, when not the writer roles (an inspector's review). */
export const COMMAND_ROLES = 'ledger:command-roles';

/**
 * Who is calling. Today the actor comes from the X-Actor and X-Role headers; real authentication will
 * replace this guard alone, and everything downstream keeps reading request.actor.
 */
@Injectable()
export class ActorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; actor?: Actor }>();
    const id = request.headers['x-actor'];
    const role = request.headers['x-role'];
    if (!id || !role) throw new UnauthorizedException('X-Actor and X-Role headers are required to record a command');
    if (!ACTOR_ID.test(id)) throw new UnauthorizedException('X-Actor must be 1-100 letters, digits or . _ @ : -');
    if (!ROLES.includes(role)) throw new UnauthorizedException(`X-Role "${role}" is unknown; roles: ${ROLES.join(', ')}`);
    const allowed = (Reflect.getMetadata(COMMAND_ROLES, context.getHandler()) as readonly string[] | undefined) ?? WRITER_ROLES;
    if (!allowed.includes(role)) {
      throw new ForbiddenException(
        allowed === WRITER_ROLES ? `role ${role} reads the ledger but cannot record commands` : `role ${role} cannot record this command; roles: ${allowed.join(', ')}`,
      );
    }
    request.actor = { id, role };
    return true;
  }
}
