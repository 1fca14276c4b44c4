import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Catalogue } from '../../src/catalogue/catalogue';
import { addUser } from '../../src/identity/bootstrap';
import { CredentialStore } from '../../src/identity/credentials';
import { parseApiToken } from '../../src/identity/secrets';
import { SessionTokens, TOKEN_ISSUER } from '../../src/identity/session-tokens';
import { journal, DA5_MONEY } from '../journal/support';
import { ADMIN, AUDITOR, startTestLedger, TestLedger, VIEWER } from '../support/app';

const LINE = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
const PLAN = { line: LINE, amount: '8036000000', decision: { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' } };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

/** Sign-in, tokens and sessions, end to end through the app npm start runs. */
describe('signing in and the tokens that prove it', () => {
  let ledger: TestLedger;
  /** A user made as `ledger users add` makes one: its one-time password, printed once. */
  const addAccount = async (userId: string, role: 'officer' | 'accountant' | 'importer' | 'viewer', scope = 'VN') =>
    addUser(ledger.store, ledger.app.get(CredentialStore), Catalogue.load(), { userId, displayName: `Người dùng ${userId}`, grants: [{ role, scope }] });
  const login = (userId: string, password: string) => ledger.request('POST', '/auth/login', { body: { userId, password } });

  beforeAll(async () => {
    // Generous per-address rate: the lockout, not the rate limit, is what these tests reach (the limit has its own test).
    ledger = await startTestLedger({ env: { LEDGER_SIGN_IN_PER_MINUTE: '1000' } });
  });
  afterAll(() => ledger.close());

  describe('with a one-time password', () => {
    it('lets the new user in only to change it; the new password and the new token then work, the old token not', async () => {
      const oneTime = await addAccount('ke-toan-an', 'accountant', '184');
      const first = await login('ke-toan-an', oneTime);
      expect(first).toMatchObject({
        status: 200,
        body: { tokenType: 'Bearer', user: { id: 'ke-toan-an', grants: [{ role: 'accountant', scope: '184', rights: expect.arrayContaining(['record']) }], mustChangePassword: true } },
      });
      const refused = await ledger.get('/balances', bearer(first.body.token));
      expect(refused).toMatchObject({ status: 403, body: { error: 'PASSWORD_CHANGE_REQUIRED' } });

      const weak = await ledger.post('/auth/password', { currentPassword: oneTime, newPassword: 'short' }, bearer(first.body.token));
      expect(weak).toMatchObject({ status: 400, body: { problems: [{ field: 'newPassword', problem: 'must be at least 12 characters' }] } });
      const changed = await ledger.post('/auth/password', { currentPassword: oneTime, newPassword: 'Mật khẩu mới của An 2024' }, bearer(first.body.token));
      expect(changed.status).toBe(200);
      expect((await ledger.get('/balances', bearer(changed.body.token))).status).toBe(200);
      expect(await ledger.get('/balances', bearer(first.body.token))).toMatchObject({ status: 401, body: { error: 'SESSION_ENDED' } });
      expect((await login('ke-toan-an', oneTime)).status).toBe(401);
      expect((await login('ke-toan-an', 'Mật khẩu mới của An 2024')).body.user).not.toHaveProperty('mustChangePassword');
    });

    it('records that a password was set, by whom, and never the password or its hash', async () => {
      const oneTime = await addAccount('can-bo-binh', 'officer');
      const history = await ledger.get('/users/can-bo-binh/history', AUDITOR);
      expect(history.status).toBe(200);
      expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['UserCreated', 'RoleGranted', 'PasswordSet']);
      expect(history.body.events[2]).toMatchObject({ data: { reason: 'initial', oneTime: true }, recordedBy: { role: 'admin', scope: 'VN', via: 'console' } });
      const hash = (await ledger.app.get(CredentialStore).passwordHash(history.body.events[2].data.credentialId, 'can-bo-binh')) as string;
      expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      const everything = JSON.stringify(ledger.store.db.prepare('SELECT * FROM events').all());
      expect(everything).not.toContain(oneTime);
      expect(everything).not.toContain(hash.split('$')[5]);
    });
  });

  describe('a wrong password, again and again', () => {
    it('says only that the user id or password is wrong, then locks the user id after 5 failures in a row', async () => {
      const password = await addAccount('can-bo-chi', 'officer');
      const attempts = [];
      for (let i = 0; i < 5; i++) attempts.push(await login('can-bo-chi', `sai-mat-khau-${i}`));
      expect(attempts.slice(0, 4).map((a) => [a.status, a.body.error, a.body.message])).toEqual(Array(4).fill([401, 'SIGN_IN_FAILED', 'wrong user id or password']));
      expect(attempts[4]).toMatchObject({ status: 429, body: { error: 'ACCOUNT_LOCKED' } });
      expect(Number(attempts[4].headers.get('retry-after'))).toBeGreaterThan(14 * 60);
      // Locked: even the right password is refused until the lock ends.
      expect(await login('can-bo-chi', password)).toMatchObject({ status: 429, body: { error: 'ACCOUNT_LOCKED' } });
    });

    it('answers an unknown user id exactly as a wrong password, and locks it the same way', async () => {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await login('khong-ton-tai', 'mat-khau-bat-ky'));
      expect(answers.slice(0, 4).map((a) => [a.status, a.body])).toEqual(Array(4).fill([401, { error: 'SIGN_IN_FAILED', message: 'wrong user id or password' }]));
      expect(answers[4].body.error).toBe('ACCOUNT_LOCKED');
    });
  });

  describe('tokens that must not work', () => {
    let token: string;
    beforeAll(async () => {
      token = (await login('ke-toan-an', 'Mật khẩu mới của An 2024')).body.token;
      expect((await ledger.get('/auth/me', bearer(token))).status).toBe(200);
    });

    it('refuses a token signed with another key (forged)', async () => {
      const forged = await new SignJWT({ sid: payloadOf(token).sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('ke-toan-an')
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_ISSUER)
        .setExpirationTime('10m')
        .sign(randomBytes(32));
      expect(await ledger.get('/balances', bearer(forged))).toMatchObject({ status: 401, body: { error: 'TOKEN_INVALID' } });
    });

    it('refuses a token whose claims were changed after signing (tampered)', async () => {
      const [header, , signature] = token.split('.');
      const claims = Buffer.from(JSON.stringify({ ...payloadOf(token), sub: 'quan-tri' })).toString('base64url');
      expect(await ledger.get('/balances', bearer(`${header}.${claims}.${signature}`))).toMatchObject({ status: 401, body: { error: 'TOKEN_INVALID' } });
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${claims}.`;
      expect(await ledger.get('/balances', bearer(none))).toMatchObject({ status: 401, body: { error: 'TOKEN_INVALID' } });
    });

    it('refuses an expired token, even of a session that has not ended', async () => {
      const { tokens } = SessionTokens.load(ledger.config);
      const expired = await tokens.sign({ userId: 'ke-toan-an', sessionId: payloadOf(token).sid as string, expiresAt: new Date(Date.now() - 1000).toISOString() });
      expect(await ledger.get('/balances', bearer(expired))).toMatchObject({ status: 401, body: { error: 'TOKEN_EXPIRED' } });
    });

    it('refuses the token of a session signed out (revoked)', async () => {
      const own = (await login('ke-toan-an', 'Mật khẩu mới của An 2024')).body.token;
      expect((await ledger.post('/auth/logout', {}, bearer(own))).status).toBe(200);
      expect(await ledger.get('/balances', bearer(own))).toMatchObject({ status: 401, body: { error: 'SESSION_ENDED' } });
      expect((await ledger.get('/balances', bearer(token))).status).toBe(200);
    });

    it('keeps the signing key out of the data folder, readable by its owner only', () => {
      expect(ledger.config.authKeyFile.startsWith(`${ledger.dir}/`)).toBe(false);
      expect(readFileSync(ledger.config.authKeyFile, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });
  });

  describe('a disabled user', () => {
    it('can no longer use a token it holds, nor sign in, nor use its API token', async () => {
      const password = await addAccount('can-bo-dung', 'importer');
      const token = (await login('can-bo-dung', password)).body.token;
      const issued = await ledger.post('/commands/users/can-bo-dung/api-tokens', { name: 'nhập hằng đêm' }, ADMIN);
      expect(issued).toMatchObject({ status: 201, body: { apiToken: expect.stringMatching(/^gnbv_/) } });
      // (Its one-time password still to be changed, the session opens only /auth/me; the API token reads.)
      expect((await ledger.get('/auth/me', bearer(token))).status).toBe(200);
      expect((await ledger.get('/balances', bearer(issued.body.apiToken))).status).toBe(200);

      expect((await ledger.post('/commands/users/can-bo-dung/disable', { reason: 'chuyển công tác' }, ADMIN)).status).toBe(201);
      expect(await ledger.get('/auth/me', bearer(token))).toMatchObject({ status: 401, body: { error: 'USER_DISABLED' } });
      expect(await ledger.get('/balances', bearer(issued.body.apiToken))).toMatchObject({ status: 401, body: { error: 'USER_DISABLED' } });
      expect((await login('can-bo-dung', password)).status).toBe(401);
    });
  });

  describe('API tokens for scripts', () => {
    it('import a journal with the account’s rights until revoked; the token itself is stored only as a hash', async () => {
      await addAccount('nhap-dem', 'importer', '184');
      const issued = await ledger.post('/commands/users/nhap-dem/api-tokens', { name: 'nhập nhật ký hằng đêm', expiresInDays: 30 }, ADMIN);
      const { apiToken, tokenId } = issued.body;
      const stored = await ledger.app.get(CredentialStore).apiToken(tokenId);
      expect(stored?.hash).toHaveLength(32);
      const secret = (parseApiToken(apiToken) as { secret: string }).secret;
      expect(secret).toHaveLength(43);
      expect(JSON.stringify(ledger.store.db.prepare('SELECT * FROM events').all())).not.toContain(secret);

      const imported = await ledger.post('/journal/import', journal(DA5_MONEY), { ...bearer(apiToken), 'content-type': 'application/yaml' });
      expect(imported.status).toBe(201);
      const [event] = await ledger.store.readAll(imported.body.firstPosition - 1, { maxCount: 1 });
      expect(event.metadata.actor).toEqual({ id: 'nhap-dem', role: 'importer', name: 'Người dùng nhap-dem', scope: '184', via: 'api-token' });

      expect((await ledger.post(`/commands/users/nhap-dem/api-tokens/${tokenId}/revoke`, {}, ADMIN)).status).toBe(201);
      expect(await ledger.get('/balances', bearer(apiToken))).toMatchObject({ status: 401, body: { error: 'TOKEN_REVOKED' } });
      // One character of the secret changed (to another one: a token may already end in A).
      const forged = `${apiToken.slice(0, -1)}${apiToken.endsWith('A') ? 'B' : 'A'}`;
      expect(await ledger.get('/balances', bearer(forged))).toMatchObject({ status: 401, body: { error: 'TOKEN_INVALID' } });
    });

    it('cannot be given a retry key: its secret is shown once', async () => {
      const res = await ledger.post('/commands/users/nhap-dem/api-tokens', { name: 'x' }, { ...ADMIN, 'idempotency-key': 'k-1' });
      expect(res).toMatchObject({ status: 400, body: { problems: [{ field: 'Idempotency-Key' }] } });
    });
  });

  describe('the browser’s session cookie', () => {
    it('is http-only and same-site; a change it carries must come from the ledger’s own pages', async () => {
      const res = await fetch(`${ledger.url}/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'ke-toan-an', password: 'Mật khẩu mới của An 2024' }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).not.toHaveProperty('token');
      const cookie = res.headers.get('set-cookie') as string;
      expect(cookie).toMatch(/^gnbv_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3\d{3}$/);
      const session = { cookie: cookie.split(';')[0] };
      expect((await ledger.request('GET', '/balances', { headers: session })).status).toBe(200);
      const elsewhere = await ledger.request('POST', '/commands/assign-plan', { body: PLAN, headers: { ...session, origin: 'https://evil.example' } });
      expect(elsewhere).toMatchObject({ status: 401, body: { error: 'CROSS_ORIGIN' } });
      const before = ledger.logDigest();
      const noOrigin = await ledger.request('POST', '/commands/assign-plan', { body: PLAN, headers: session });
      expect(noOrigin.status).toBe(401);
      expect(ledger.logDigest()).toBe(before);
      const own = await ledger.request('POST', '/commands/assign-plan', { body: PLAN, headers: { ...session, origin: ledger.url } });
      expect(own.status).toBe(201);
    });
  });

  describe('who may read', () => {
    it('answers only /health and the public key without credentials', async () => {
      for (const path of ['/health', '/audit/public-key']) expect((await ledger.request('GET', path)).status).toBe(200);
      for (const path of ['/balances', '/progress', '/decisions', '/adjustments', '/reconciliation', '/catalogue', '/read-models/status', '/audit/tree-heads', '/audit/bundles?activity=x', '/users/quan-tri/history']) {
        expect({ path, ...(await ledger.request('GET', path)).body }).toMatchObject({ path, error: 'UNAUTHENTICATED' });
      }
    });

    it("lets auditors read who held which right when, and not viewers", async () => {
      expect((await ledger.get('/users/ke-toan-an/history', VIEWER)).status).toBe(403);
      const history = (await ledger.get('/users/ke-toan-an/history', AUDITOR)).body;
      expect(history.events.map((e: { type: string; grantsAfter: unknown }) => [e.type, e.grantsAfter])).toEqual([
        ['UserCreated', []],
        ['RoleGranted', [{ role: 'accountant', scope: '184' }]],
        ['PasswordSet', [{ role: 'accountant', scope: '184' }]],
        ['PasswordSet', [{ role: 'accountant', scope: '184' }]],
      ]);
      expect(history.events[3]).toMatchObject({ data: { reason: 'changed', oneTime: false }, recordedBy: { id: 'ke-toan-an', role: 'own-account' } });
    });
  });
});

describe('the sign-in rate limit per address', () => {
  it('answers 429 with Retry-After beyond LEDGER_SIGN_IN_PER_MINUTE attempts', async () => {
    const ledger = await startTestLedger({ env: { LEDGER_SIGN_IN_PER_MINUTE: '3' } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await ledger.request('POST', '/auth/login', { body: { userId: `ai-do-${i}`, password: 'x' } })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await ledger.close();
    }
  });
});
