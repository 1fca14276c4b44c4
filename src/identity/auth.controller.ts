import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { CommandRunner } from '../commands/command-runner';
import { changePasswordSpec } from '../commands/users/users.slice';
import { LedgerConfig } from '../config/ledger-config';
import { InvalidRequest } from '../shared/errors';
import { AuthService, cookieValue, SESSION_COOKIE, SignedIn } from './auth.service';
import { BeforePasswordChange, Needs, PrincipalRequest, Public } from './auth.guard';
import { OidcVerifier } from './oidc';
import { OWN_ACCOUNT, type Principal, RIGHTS_OF, Unauthenticated } from './rights';
import { hashPassword, passwordProblem } from './secrets';

export class SignInDto {
  @ApiProperty({ example: 'demo-officer' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  userId: string;

  @ApiProperty({ example: 'abcde-fghij-kmnop-qrstu' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  currentPassword: string;

  @ApiProperty({ description: '12-200 characters' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  newPassword: string;
}

/** What the API says of a principal: who, which grants, and the rights they give. */
export function describePrincipal(p: Principal) {
  return {
    id: p.id,
    name: p.name,
    via: p.via,
    grants: p.grants.map((g) => ({ role: g.role, scope: g.scope, rights: RIGHTS_OF[g.role] })),
    ...(p.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

const OIDC_CHECKS_TTL_MS = 10 * 60_000;

/** Sign-in and sign-out: session tokens for scripts and curl, an http-only cookie for the browser, OpenID Connect when configured. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  private readonly pendingOidc = new Map<string, { checks: { state: string; nonce: string; verifier: string }; until: number }>();

  constructor(
    private readonly auth: AuthService,
    private readonly config: LedgerConfig,
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    private readonly oidc: OidcVerifier,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a user id and password: a short-lived session token to send as Authorization: Bearer' })
  async login(@Body() dto: SignInDto, @Req() req: PrincipalRequest) {
    return this.answer(await this.auth.signIn(dto.userId, dto.password, req.ip));
  }

  @Post('session')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: "Sign in for a browser: the session token goes into an http-only cookie, not the body" })
  async session(@Body() dto: SignInDto, @Req() req: PrincipalRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const signedIn = await this.auth.signIn(dto.userId, dto.password, req.ip);
    this.setCookie(req, reply, signedIn);
    return { expiresAt: signedIn.expiresAt, user: describePrincipal(signedIn.principal) };
  }

  @Post('logout')
  @Needs('signed-in')
  @BeforePasswordChange()
  @HttpCode(200)
  @ApiOperation({ summary: 'End this session (its token and cookie stop working)' })
  async logout(@Req() req: PrincipalRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.auth.signOut(req.principal);
    void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${req.protocol === 'https' ? '; Secure' : ''}`);
    return { signedOut: true };
  }

  @Get('me')
  @Needs('signed-in')
  @BeforePasswordChange()
  @ApiOperation({ summary: 'Who is signed in: grants (role for scope) and the rights they give' })
  me(@Req() req: PrincipalRequest) {
    return describePrincipal(req.principal);
  }

  @Post('password')
  @Needs('signed-in')
  @BeforePasswordChange()
  @HttpCode(200)
  @ApiOperation({ summary: 'Change one’s own password (required after a one-time password): a new session token' })
  async changePassword(@Body() dto: ChangePasswordDto, @Req() req: PrincipalRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const principal = req.principal;
    if (principal.via !== 'password') throw new Unauthenticated('only a user signed in with a password changes it here', 'FORBIDDEN', 403);
    const problem = passwordProblem(dto.newPassword);
    if (problem) throw InvalidRequest.field('newPassword', problem);
    if (dto.newPassword === dto.currentPassword) throw InvalidRequest.field('newPassword', 'must differ from the current password');
    if (!(await this.auth.checkPassword(principal.id, dto.currentPassword))) throw new Unauthenticated('the current password is wrong', 'SIGN_IN_FAILED');
    const now = new Date().toISOString();
    const credentialId = randomUUID();
    await this.auth.credentials.putPassword(credentialId, principal.id, await hashPassword(dto.newPassword), now);
    const commandId = randomUUID();
    const result = await this.runner.run(
      { commandId, principal, right: OWN_ACCOUNT, now, correlationId: commandId },
      { ...changePasswordSpec({ userId: principal.id, credentialId, now }), name: 'ChangePassword', body: null },
    );
    await this.auth.signOut(principal);
    const signedIn = await this.auth.startSession({ ...principal, mustChangePassword: false }, credentialId);
    if (cookieValue(req.headers.cookie as string | undefined, SESSION_COOKIE)) this.setCookie(req, reply, signedIn);
    return { ...this.answer(signedIn), position: result.position };
  }

  @Get('oidc/login')
  @Public()
  @ApiOperation({ summary: 'Browser sign-in through the configured OpenID Connect provider (redirects there)' })
  async oidcLogin(@Req() req: PrincipalRequest, @Res() reply: FastifyReply) {
    if (!this.oidc.enabled) throw new Unauthenticated('OpenID Connect is not configured (LEDGER_OIDC_ISSUER)', 'NOT_FOUND', 404);
    const { url, checks } = await this.oidc.startBrowserSignIn(this.callbackUrl(req));
    const now = Date.now();
    for (const [k, v] of this.pendingOidc) if (v.until < now) this.pendingOidc.delete(k);
    this.pendingOidc.set(checks.state, { checks, until: now + OIDC_CHECKS_TTL_MS });
    return reply.status(302).header('location', url).send();
  }

  @Get('oidc/callback')
  @Public()
  @ApiOperation({ summary: 'Where the provider sends the browser back: starts a session (cookie) and opens the web app' })
  async oidcCallback(@Req() req: PrincipalRequest & { url: string }, @Query('state') state: string | undefined, @Res() reply: FastifyReply) {
    if (!this.oidc.enabled) throw new Unauthenticated('OpenID Connect is not configured (LEDGER_OIDC_ISSUER)', 'NOT_FOUND', 404);
    const pending = state ? this.pendingOidc.get(state) : undefined;
    if (!pending || pending.until < Date.now()) throw new Unauthenticated('this sign-in was not started here, or took longer than 10 minutes: start again', 'SIGN_IN_FAILED');
    this.pendingOidc.delete(pending.checks.state);
    const current = new URL(req.url, this.callbackUrl(req));
    const principal = await this.oidc.finishBrowserSignIn(current, pending.checks);
    const signedIn = await this.auth.startSession(principal, undefined, Date.now(), true);
    this.setCookie(req, reply, signedIn);
    return reply.status(302).header('location', '/').send();
  }

  private callbackUrl(req: PrincipalRequest): string {
    const host = (this.config.trustProxy && req.headers['x-forwarded-host']) || req.headers.host;
    return `${req.protocol}://${String(host)}/auth/oidc/callback`;
  }

  private answer(s: SignedIn) {
    return { token: s.token, tokenType: 'Bearer', expiresAt: s.expiresAt, user: describePrincipal(s.principal) };
  }

  /** http-only (no script reads it), SameSite=Strict (no other site sends it), Secure over HTTPS, as long as the session. */
  private setCookie(req: PrincipalRequest, reply: FastifyReply, s: SignedIn): void {
    const maxAge = Math.max(0, Math.floor((Date.parse(s.expiresAt) - Date.now()) / 1000));
    void reply.header('set-cookie', `${SESSION_COOKIE}=${s.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${req.protocol === 'https' ? '; Secure' : ''}`);
  }
}
