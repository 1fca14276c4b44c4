import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../src/config/ledger-config';
import { LedgerApp, startLedger } from '../../src/main';

/** The ledger as `npm start` boots it (startLedger), serving a web app from LEDGER_WEB_DIR. */
async function boot(webDir: string): Promise<{ ledger: LedgerApp; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-web-'));
  const ledger = await startLedger(loadConfig({ LEDGER_DATA_DIR: dir, LEDGER_DEMO: '0', PORT: '0', HOST: '127.0.0.1', LEDGER_WEB_DIR: webDir }), { logger: false, demo: true });
  return { ledger, dir };
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', cache: res.headers.get('cache-control'), encoding: res.headers.get('content-encoding'), text: await res.text() };
}

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the ledger serves the web app on its own port', () => {
  const web = mkdtempSync(join(tmpdir(), 'ledger-webapp-'));
  let ledger: LedgerApp;
  let dataDir: string;

  beforeAll(async () => {
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>app</title><div id="root"></div>');
    const script = `console.log(${JSON.stringify('x'.repeat(2000))})`;
    writeFileSync(join(web, 'assets', 'index-abc123.js'), script);
    writeFileSync(join(web, 'assets', 'index-abc123.js.gz'), gzipSync(script));
    ({ ledger, dir: dataDir } = await boot(web));
  });
  afterAll(async () => {
    await ledger.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.auth-key`, { force: true });
    rmSync(web, { recursive: true, force: true });
  });

  it('answers / with the app, revalidated on every load', async () => {
    const res = await get(`${ledger.url}/`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/html');
    expect(res.cache).toBe('no-cache');
    expect(res.text).toContain('<div id="root">');
  });

  it('serves hashed assets for a year, compressed when the browser accepts it', async () => {
    const res = await get(`${ledger.url}/assets/index-abc123.js`, { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.type).toContain('javascript');
    expect(res.cache).toBe('public, max-age=31536000, immutable');
    expect(res.encoding).toBe('gzip');
    expect(res.text).toContain('console.log');
    expect((await get(`${ledger.url}/assets/missing.js`)).status).toBe(404);
  });

  it('answers any page a browser opens with the app (client routing)', async () => {
    const res = await get(`${ledger.url}/so-dong-von?line=x`, HTML);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="root">');
  });

  it('keeps the API first: its routes answer JSON, and an unknown path asked by a program is a JSON 404', async () => {
    // An API route answers JSON even to a browser: here, that it needs a signed-in user.
    const balances = await get(`${ledger.url}/balances`, HTML);
    expect(balances.status).toBe(401);
    expect(JSON.parse(balances.text)).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect((await get(`${ledger.url}/docs-json`)).type).toContain('json');
    const unknown = await get(`${ledger.url}/no-such-thing`, { accept: 'application/json' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ error: 'NOT_FOUND' });
    const history = await get(`${ledger.url}/fund-lines/nope/history`, HTML);
    expect(history.status).toBe(401);
    expect(history.type).toContain('json');
  });
});

describe('when the web app is not built', () => {
  it('still serves the API, and / says how to build the app', async () => {
    const { ledger, dir } = await boot(join(tmpdir(), 'no-such-web-app-folder'));
    try {
      const home = await get(`${ledger.url}/`);
      expect(home.status).toBe(503);
      expect(home.text).toContain('npm run build');
      expect((await get(`${ledger.url}/health`)).status).toBe(200);
      expect((await get(`${ledger.url}/balances`)).status).toBe(401);
    } finally {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.auth-key`, { force: true });
    }
  });
});
