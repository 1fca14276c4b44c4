import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { launchChromiumServer } from '../../bench/chromium';
import { newest } from '../support/built-server';

/**
 * Before the browser tests (test/web/*.e2e.spec.ts that drive Chromium), and only when the run includes them:
 * build the web app if its sources are newer than dist/web, and start the one Chromium the test files share.
 * `npm test` on a fresh clone thus needs no other step (besides Debian's chromium, which .ci/run installs).
 */
const ROOT = join(__dirname, '../..');
export const BROWSER_TESTS = ['journeys.e2e.spec.ts', 'pages.e2e.spec.ts'].map((f) => join(ROOT, 'test/web', f));
export const BROWSER_WS_ENV = 'LEDGER_TEST_BROWSER_WS';


/** Rebuilds dist/web when any of its inputs changed since the last build. */
export function buildWebIfStale(): void {
  const index = join(ROOT, 'dist/web/index.html');
  const inputs = ['web/src', 'web/index.html', 'web/vite.config.mts', 'src/audit/verifier/portable.ts', 'src/audit/verifier/canonical-json.ts', 'src/catalogue/units/unit-period.ts', 'package-lock.json'];
  const stale = !existsSync(index) || Math.max(...inputs.map((p) => newest(join(ROOT, p)))) > statSync(index).mtimeMs;
  if (!stale) return;
  // Jest sets NODE_ENV=test, which would give a development build of React: build what `npm start` serves.
  const run = spawnSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (run.status !== 0) throw new Error(`npm run build:web failed (exit ${run.status})`);
}

export default async function globalSetup(globalConfig: { testPathPattern?: string; rootDir: string }): Promise<void> {
  const pattern = globalConfig.testPathPattern ?? '';
  const selected = pattern === '' || BROWSER_TESTS.some((file) => new RegExp(pattern, 'i').test(file) || new RegExp(pattern, 'i').test(relative(ROOT, file)));
  if (!selected) return;
  buildWebIfStale();
  const server = await launchChromiumServer();
  (globalThis as { __ledgerBrowser?: unknown }).__ledgerBrowser = server;
  process.env[BROWSER_WS_ENV] = server.wsEndpoint();
}
