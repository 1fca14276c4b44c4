import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Type, applyDecorators } from '@nestjs/common';
import { PARAMTYPES_METADATA } from '@nestjs/common/constants';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../commands/command';
import type { CommandResult } from '../commands/command-runner';
import { COMMANDS } from '../commands/registry';
import { RunCommand } from '../commands/run-command';
import type { CommandBodyDto } from '../commands/shared/common.dto';
import { type RequestCommand, isRequestCommand } from '../commands/slice';
import { Needs } from '../identity/auth.guard';
import { CredentialStore } from '../identity/credentials';
import { type Principal, rolesWith } from '../identity/rights';
import { apiToken, hashPassword, oneTimePassword } from '../identity/secrets';
import { InvalidCommand } from '../shared/errors';

type CommandRequest = { principal: Principal; params?: Record<string, string> };
type CommandHeaders = Record<string, string | undefined>;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** What every command route documents: its summary, route parameters, the actor headers and the answers. */
function CommandRoute({ route, right = 'record' }: RequestCommand): MethodDecorator {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  return applyDecorators(
    Post(route.path),
    Needs(right),
    HttpCode(201),
    ApiOperation({ summary: route.summary }),
    ...params.map((name) => ApiParam({ name, type: String, required: true })),
    ApiResponse({ status: 201, description: 'recorded; the body gives the global position of its last event' }),
    ApiResponse({ status: 400, description: 'invalid fields, each named with the reason' }),
    ApiResponse({ status: 401, description: 'not signed in, or the token is expired, revoked or not valid' }),
    ApiResponse({ status: 403, description: `the ${right} right (roles: ${rolesWith(right).join(', ')}) is missing for a unit the command touches` }),
    ApiResponse({ status: 409, description: 'refused by a business rule: machine code and reason' }),
    ApiResponse({ status: 412, description: 'the expected revision does not match' }),
    ApiResponse({ status: 422, description: 'the Idempotency-Key was used for a different command' }),
    ApiHeader({ name: 'Authorization', required: true, description: 'Bearer <session token from POST /auth/login, or an API token>' }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retried command with the same key returns the first result' }),
    ApiHeader({ name: 'If-Match', required: false, description: "expected revision of the command's primary stream" }),
  );
}

/** "ReclassifyActivity" → "reclassifyActivity": the route's method name (and its OpenAPI operationId). */
const methodName = (slice: RequestCommand) => slice.name[0].toLowerCase() + slice.name.slice(1);

/**
 * One POST per command of the registry: validate the body with the command's DTO (the global pipe reads
 * the DTO class from `design:paramtypes`), map it to the decider's input, and send it on the CommandBus.
 */
function commandsController(slices: readonly RequestCommand[]): Type {
  @ApiTags('commands')
  @Controller('commands')
  class CommandsController {
    constructor(
      @Inject(CommandBus) readonly bus: CommandBus,
      @Inject(CredentialStore) readonly credentials: CredentialStore,
    ) {}
  }
  const prototype = CommandsController.prototype as unknown as Record<string, unknown>;
  for (const slice of slices) {
    const name = methodName(slice);
    const route = {
      async [name](this: CommandsController, req: CommandRequest, headers: CommandHeaders, dto: CommandBodyDto): Promise<CommandResult> {
        const params = req.params ?? {};
        const ctx = context(req, headers, dto, slice);
        const input = slice.toInput(dto, { params, newId: randomUUID, now: ctx.now });
        const body = Object.keys(params).length > 0 ? { ...params, ...dto } : dto;
        const shown = slice.secret ? await makeSecret(this.credentials, slice, input, ctx.now) : {};
        const result = await this.bus.execute<RunCommand, CommandResult>(new RunCommand(slice, ctx, input, body));
        return { ...result, ...shown };
      },
    }[name];
    prototype[name] = route;
    Req()(prototype, name, 0);
    Headers()(prototype, name, 1);
    Body()(prototype, name, 2);
    Reflect.defineMetadata(PARAMTYPES_METADATA, [Object, Object, slice.dto], prototype, name);
    CommandRoute(slice)(prototype, name, Object.getOwnPropertyDescriptor(prototype, name) as PropertyDescriptor);
  }
  return CommandsController;
}

export const CommandsController = commandsController(COMMANDS.filter(isRequestCommand));

/**
 * The secret of a command that makes one: a one-time password or an API token, its hash stored in the credentials
 * store under the id the command's event names. The row is written first: if the command is then refused, the row is
 * named by no event and never matches anything.
 */
async function makeSecret<I>(credentials: CredentialStore, slice: RequestCommand<object, I>, input: I, now: string): Promise<Record<string, string>> {
  const spec = slice.secret as NonNullable<RequestCommand<object, I>['secret']>;
  const { credentialId, userId, expiresAt } = spec.credential(input);
  if (spec.kind === 'password') {
    const password = oneTimePassword();
    await credentials.putPassword(credentialId, userId, await hashPassword(password), now);
    return { oneTimePassword: password };
  }
  const { token, hash } = apiToken(credentialId);
  await credentials.putApiToken(credentialId, userId, hash, expiresAt ?? null, now);
  return { tokenId: credentialId, apiToken: token };
}

function context(req: CommandRequest, headers: CommandHeaders, dto: CommandBodyDto, slice: RequestCommand): CommandContext {
  const key = headers['idempotency-key'];
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw InvalidCommand.field('Idempotency-Key', 'must be 1-200 visible ASCII characters');
  }
  if (key !== undefined && slice.secret) {
    throw InvalidCommand.field('Idempotency-Key', `${slice.name} shows a secret once and cannot be replayed: send it without Idempotency-Key`);
  }
  const ifMatch = headers['if-match'];
  let expectedRevision = dto.expectedRevision;
  if (ifMatch !== undefined) {
    // A revision is a whole number from -1 (no stream yet): "1e400", "3.5", "-0" or 400 digits are not one.
    const m = /^(?:W\/)?"?(-1|0|[1-9][0-9]{0,14})"?$/.exec(ifMatch.trim());
    if (!m) throw InvalidCommand.field('If-Match', 'must be the revision number of the stream, a whole number such as "3" (or "-1": no stream yet)');
    expectedRevision = Number(m[1]);
  }
  const commandId = randomUUID();
  return {
    commandId,
    principal: req.principal,
    right: slice.right ?? 'record',
    now: new Date().toISOString(),
    correlationId: headers['x-correlation-id']?.slice(0, 200) ?? commandId,
    ...(key ? { idempotencyKey: key } : {}),
    ...(expectedRevision !== undefined ? { expectedRevision } : {}),
  };
}
