import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { startTestLedger, TestLedger } from '../support/app';

const AUDIENCE = 'gnbv-ledger';
const DECISION = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
const plan = (unit: string) => ({ line: { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit }, amount: '1000000', decision: DECISION });

/**
 * A small OpenID Connect provider run by the test, with a key pair it generates: discovery, its key set (JWKS), an
 * authorization endpoint that signs in "chi-lan" at once, and a token endpoint that checks the PKCE verifier and
 * returns an ID token it signs. Nothing accepts anything: the ledger checks every signature against the published key.
 */
async function testProvider() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = 'test-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; nonce: string; redirect: string }>();
  let issuer = '';
  let claims: Record<string, unknown> = {};
  const sign = (payload: JWTPayload, key = privateKey, audience = AUDIENCE, expires: string | number = '5m') =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime(expires).sign(key);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const code = randomUUID();
      const p = url.searchParams;
      if (p.get('client_id') !== AUDIENCE || p.get('code_challenge_method') !== 'S256') return json(400, { error: 'invalid_request' });
      codes.set(code, { challenge: p.get('code_challenge') as string, nonce: p.get('nonce') as string, redirect: p.get('redirect_uri') as string });
      return res.writeHead(302, { location: `${p.get('redirect_uri')}?code=${code}&state=${p.get('state')}&iss=${encodeURIComponent(issuer)}` }).end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!grant || createHash('sha256').update(verifier).digest('base64url') !== grant.challenge || form.get('redirect_uri') !== grant.redirect) {
          return json(400, { error: 'invalid_grant' });
        }
        codes.delete(form.get('code') as string);
        void sign({ sub: 'chi-lan', nonce: grant.nonce, ...claims }).then((idToken) => json(200, { access_token: randomUUID(), token_type: 'Bearer', expires_in: 300, id_token: idToken }));
      });
      return undefined;
    }
    return json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    sign,
    setClaims: (c: Record<string, unknown>) => (claims = c),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('OpenID Connect: a province’s Keycloak (or any provider) signs its users in', () => {
  let idp: Awaited<ReturnType<typeof testProvider>>;
  let ledger: TestLedger;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    idp = await testProvider();
    ledger = await startTestLedger({
      env: {
        LEDGER_OIDC_ISSUER: idp.issuer,
        LEDGER_OIDC_AUDIENCE: AUDIENCE,
        LEDGER_OIDC_ALLOW_HTTP: '1',
        LEDGER_OIDC_ROLES_CLAIM: 'realm_access.roles',
        LEDGER_OIDC_UNIT_CLAIM: 'don_vi',
      },
    });
  });
  afterAll(async () => {
    await ledger.close();
    await idp.close();
  });

  describe('a bearer token the provider signed', () => {
    it('records with the roles and unit its claims carry, in that unit only; the event says so', async () => {
      const token = await idp.sign({ sub: 'chi-lan', name: 'Trần Thị Lan', realm_access: { roles: ['officer', 'offline_access'] }, don_vi: '184' });
      const inside = await ledger.post('/commands/assign-plan', plan('184'), bearer(token));
      expect(inside.status).toBe(201);
      const [event] = await ledger.store.readAll(inside.body.position - 1, { maxCount: 1 });
      expect(event.metadata.actor).toEqual({ id: 'oidc:chi-lan', role: 'officer', name: 'Trần Thị Lan', scope: '184', via: 'oidc' });
      const before = ledger.logDigest();
      expect(await ledger.post('/commands/assign-plan', plan('849'), bearer(token))).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
      expect(ledger.logDigest()).toBe(before);
    });

    it('refuses a token signed with a key the provider does not publish', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const forged = await idp.sign({ sub: 'chi-lan', realm_access: { roles: ['officer'] }, don_vi: 'VN' }, privateKey);
      expect(await ledger.get('/balances', bearer(forged))).toMatchObject({ status: 401, body: { error: 'TOKEN_INVALID' } });
    });

    it('refuses a token for another audience, and an expired one', async () => {
      const other = await idp.sign({ sub: 'chi-lan', realm_access: { roles: ['viewer'] }, don_vi: 'VN' }, undefined, 'another-app');
      expect(await ledger.get('/balances', bearer(other))).toMatchObject({ status: 401, body: { error: 'TOKEN_INVALID' } });
      const expired = await idp.sign({ sub: 'chi-lan', realm_access: { roles: ['viewer'] }, don_vi: 'VN' }, undefined, AUDIENCE, Math.floor(Date.now() / 1000) - 60);
      expect(await ledger.get('/balances', bearer(expired))).toMatchObject({ status: 401, body: { error: 'TOKEN_EXPIRED' } });
    });

    it('refuses a user the claims give no ledger role, or no unit it knows, saying which claim', async () => {
      const noRole = await idp.sign({ sub: 'chi-lan', realm_access: { roles: ['offline_access'] }, don_vi: '184' });
      expect(await ledger.get('/balances', bearer(noRole))).toMatchObject({ status: 403, body: { error: 'NO_GRANT', message: expect.stringContaining('"realm_access.roles"') } });
      const noUnit = await idp.sign({ sub: 'chi-lan', realm_access: { roles: ['viewer'] }, don_vi: '99999' });
      expect(await ledger.get('/balances', bearer(noUnit))).toMatchObject({ status: 403, body: { error: 'NO_GRANT', message: expect.stringContaining('"don_vi"') } });
    });
  });

  describe('the browser’s sign-in through the provider', () => {
    it('goes there with PKCE, comes back with a code, and holds a session cookie of the ledger', async () => {
      idp.setClaims({ name: 'Trần Thị Lan', realm_access: { roles: ['auditor'] }, don_vi: '20' });
      const start = await fetch(`${ledger.url}/auth/oidc/login`, { redirect: 'manual' });
      expect(start.status).toBe(302);
      const authorize = new URL(start.headers.get('location') as string);
      expect(authorize.origin).toBe(idp.issuer);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      const back = await fetch(authorize, { redirect: 'manual' });
      const callback = new URL(back.headers.get('location') as string);
      expect(callback.pathname).toBe('/auth/oidc/callback');
      const done = await fetch(callback, { redirect: 'manual' });
      expect([done.status, done.headers.get('location')]).toEqual([302, '/']);
      const cookie = (done.headers.get('set-cookie') as string).split(';')[0];
      const me = await ledger.request('GET', '/auth/me', { headers: { cookie } });
      expect(me.body).toMatchObject({ id: 'oidc:chi-lan', via: 'oidc', grants: [{ role: 'auditor', scope: '20' }] });
      // A code is good once: the same callback again is refused.
      expect((await fetch(callback, { redirect: 'manual' })).status).toBe(401);
    });
  });
});
