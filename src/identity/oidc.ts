import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as client from 'openid-client';
import type { Catalogue } from '../catalogue/catalogue';
import type { LedgerConfig } from '../config/ledger-config';
import { COUNTRY, type Grant, isRole, type Principal, ROLES, Unauthenticated } from './rights';

/** A claim by its dotted path: `realm_access.roles` in a Keycloak token. */
function claim(payload: Record<string, unknown>, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/**
 * OpenID Connect, optional: a province that runs Keycloak (or any OIDC provider) lets its users in. The ledger
 * discovers the provider (openid-client), then accepts
 * - bearer tokens the provider signed (JWT), checked against the provider's published key set (JWKS), its issuer, the
 *   configured audience and the expiry;
 * - a browser sign-in through the provider (authorization code flow with PKCE, state and nonce), which becomes a
 *   session of the ledger.
 * The claims LEDGER_OIDC_ROLES_CLAIM (ledger role names; others are ignored) and LEDGER_OIDC_UNIT_CLAIM (a unit code, or
 * VN) give the grants: each role for that unit. Such a user has no account stream here: each event they record carries
 * their id (`oidc:<subject>`), name, role and scope as the provider stated them at that moment.
 */
export class OidcVerifier {
  private readonly logger = new Logger('OIDC');
  private discovered?: Promise<{ configuration: client.Configuration; jwks: JWTVerifyGetKey }>;

  constructor(
    private readonly config: Pick<
      LedgerConfig,
      'oidcIssuer' | 'oidcAudience' | 'oidcClientSecret' | 'oidcRolesClaim' | 'oidcUnitClaim' | 'oidcNameClaim' | 'oidcAllowHttp'
    >,
    private readonly catalogue: Catalogue,
  ) {
    if (this.enabled && config.oidcAllowHttp) this.logger.warn(`LEDGER_OIDC_ALLOW_HTTP is on: the provider ${config.oidcIssuer} may be reached over plain HTTP (development only)`);
  }

  get enabled(): boolean {
    return this.config.oidcIssuer !== undefined;
  }

  get issuer(): string | undefined {
    return this.config.oidcIssuer;
  }

  /** The provider's metadata and key set, discovered once (again after a failure). */
  private discover(): Promise<{ configuration: client.Configuration; jwks: JWTVerifyGetKey }> {
    this.discovered ??= (async () => {
      const { oidcIssuer, oidcAudience, oidcClientSecret, oidcAllowHttp } = this.config;
      const configuration = await client.discovery(
        new URL(oidcIssuer as string),
        oidcAudience as string,
        oidcClientSecret,
        undefined,
        oidcAllowHttp ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      const jwksUri = configuration.serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error(`the provider ${oidcIssuer} publishes no jwks_uri`);
      return { configuration, jwks: createRemoteJWKSet(new URL(jwksUri)) };
    })().catch((error: unknown) => {
      this.discovered = undefined;
      this.logger.error(`discovery of ${this.config.oidcIssuer} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new Unauthenticated('the OpenID Connect provider cannot be reached: try again later', 'OIDC_UNAVAILABLE', 503);
    });
    return this.discovered;
  }

  /** The principal of a bearer token the provider signed, or Unauthenticated saying why not. */
  async principal(token: string): Promise<Principal> {
    const { jwks } = await this.discover();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, { issuer: this.config.oidcIssuer, audience: this.config.oidcAudience }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new Unauthenticated('the provider token has expired', 'TOKEN_EXPIRED');
      if (error instanceof errors.JWTClaimValidationFailed) throw new Unauthenticated(`the provider token is not for this ledger: ${error.claim} ${error.reason}`, 'TOKEN_INVALID');
      if (error instanceof errors.JOSEError) throw new Unauthenticated(`the provider token is not valid: ${error.code}`, 'TOKEN_INVALID');
      throw error;
    }
    return this.fromClaims(payload as Record<string, unknown>);
  }

  /** Grants from the configured claims; a principal with none is refused here, saying which claim is missing. */
  fromClaims(payload: Record<string, unknown>): Principal {
    const { oidcRolesClaim, oidcUnitClaim, oidcNameClaim } = this.config;
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Unauthenticated('the provider token has no subject', 'TOKEN_INVALID');
    const rawRoles = claim(payload, oidcRolesClaim);
    const roles = (Array.isArray(rawRoles) ? rawRoles : [rawRoles]).filter(isRole);
    const unit = claim(payload, oidcUnitClaim);
    if (roles.length === 0) {
      throw new Unauthenticated(`the provider token names no ledger role in its claim "${oidcRolesClaim}" (roles: ${ROLES.join(', ')})`, 'NO_GRANT', 403);
    }
    if (typeof unit !== 'string' || (unit !== COUNTRY && !this.catalogue.units.has(unit))) {
      throw new Unauthenticated(`the provider token's claim "${oidcUnitClaim}" must be a unit code or ${COUNTRY}, not ${JSON.stringify(unit ?? null)}`, 'NO_GRANT', 403);
    }
    const name = claim(payload, oidcNameClaim);
    const grants: Grant[] = roles.map((role) => ({ role, scope: unit }));
    return { id: `oidc:${payload.sub}`, name: typeof name === 'string' ? name : payload.sub, grants, via: 'oidc' };
  }

  /** Where to send a browser to sign in, with the checks to keep until it comes back. */
  async startBrowserSignIn(redirectUri: string): Promise<{ url: string; checks: { state: string; nonce: string; verifier: string } }> {
    const { configuration } = await this.discover();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, checks: { state, nonce, verifier } };
  }

  /**
   * The principal of a browser coming back from the provider with its code, checked against what was kept (state,
   * nonce, PKCE verifier; openid-client), and its ID token's signature against the provider's key set (jose), as a
   * bearer token's is.
   */
  async finishBrowserSignIn(currentUrl: URL, checks: { state: string; nonce: string; verifier: string }): Promise<Principal> {
    const { configuration } = await this.discover();
    let idToken: string | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (error) {
      throw new Unauthenticated(`the provider sign-in failed: ${error instanceof Error ? error.message : String(error)}`, 'SIGN_IN_FAILED');
    }
    if (!idToken) throw new Unauthenticated('the provider returned no ID token', 'SIGN_IN_FAILED');
    return this.principal(idToken);
  }
}
