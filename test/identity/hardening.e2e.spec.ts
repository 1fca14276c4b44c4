import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journal, DA5_MONEY } from '../journal/support';
import { describeWhen } from '../support/skip';
import { IMPORTER, OFFICER, READER, startTestLedger, TestLedger } from '../support/app';

const OPENSSL = ['/usr/bin/openssl', '/bin/openssl'].find((p) => existsSync(p));

describe('hardening of the HTTP API', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('sends security headers on every answer, and keeps API answers out of caches', async () => {
    for (const res of [await ledger.get('/balances'), await ledger.request('GET', '/health'), await ledger.request('GET', '/nowhere')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('answers no cross-origin request unless configured', async () => {
    const res = await ledger.request('GET', '/balances', { headers: { ...READER, origin: 'https://elsewhere.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await ledger.request('OPTIONS', '/commands/assign-plan', { headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits bodies per route: 1 MB for a command, more for a journal', async () => {
    const before = ledger.logDigest();
    const command = await ledger.post('/commands/assign-plan', { note: 'x'.repeat(1024 * 1024) }, OFFICER);
    expect(command).toMatchObject({ status: 413, body: { error: 'PAYLOAD_TOO_LARGE' } });
    // A journal of about 3 MB (its description is long) is read, checked and imported.
    const big = journal(DA5_MONEY).replace('journal: 1\n', `journal: 1\ndescription: "${'Văn Quan '.repeat(300_000)}"\n`);
    expect(Buffer.byteLength(big)).toBeGreaterThan(2 * 1024 * 1024);
    expect(ledger.logDigest()).toBe(before);
    const imported = await ledger.post('/journal/import', big, { ...IMPORTER, 'content-type': 'application/yaml' });
    expect(imported.status).toBe(201);
  });

  it('names no file and shows no stack in an error, even an unexpected one', async () => {
    const res = await ledger.request('POST', '/auth/login', { body: '{"userId": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/\/src\/|node_modules|\.ts:\d+|at \S+ \(/);
  });
});

describe('CORS when configured', () => {
  it('lets the configured origin, and only it, call the API from a browser', async () => {
    const ledger = await startTestLedger({ env: { LEDGER_CORS_ORIGINS: 'https://bao-cao.langson.gov.vn' } });
    try {
      const allowed = await ledger.request('GET', '/balances', { headers: { ...READER, origin: 'https://bao-cao.langson.gov.vn' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://bao-cao.langson.gov.vn');
      const other = await ledger.request('GET', '/balances', { headers: { ...READER, origin: 'https://elsewhere.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await ledger.close();
    }
  });
});

describeWhen(OPENSSL, 'openssl is not installed (apt-get install openssl) to make a test certificate', 'TLS with a configured certificate', () => {
  let dir: string;
  let ledger: TestLedger;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-tls-'));
    execFileSync(OPENSSL as string, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    ledger = await startTestLedger({ env: { LEDGER_TLS_CERT_FILE: join(dir, 'cert.pem'), LEDGER_TLS_KEY_FILE: join(dir, 'key.pem') } });
  });
  afterAll(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS only, with HSTS, trusting the certificate given', async () => {
    expect(ledger.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await new Promise<{ status: number; hsts: string | undefined; body: string }>((resolve, reject) => {
      const req = httpsRequest(`${ledger.url}/health`, { ca: readFileSync(join(dir, 'cert.pem')) }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'] as string | undefined, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer).toMatchObject({ status: 200, hsts: 'max-age=31536000' });
    await expect(fetch(ledger.url.replace('https:', 'http:') + '/health')).rejects.toThrow();
  });
});
