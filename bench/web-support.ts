import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Catalogue } from '../src/catalogue/catalogue';
import { loadConfig } from '../src/config/ledger-config';
import { addUser } from '../src/identity/bootstrap';
import { CredentialStore } from '../src/identity/credentials';
import { LedgerApp, startLedger } from '../src/main';

/** What the browser tests, `npm run screenshots` and `npm run bench:web` share: the demo ledger, signing in, the pages. */

export interface DemoLedger {
  readonly ledger: LedgerApp;
  /** http://127.0.0.1:<port>, serving the API and the built web app. */
  readonly url: string;
  /** The demo viewer's session (Authorization header), for the API calls a test makes beside the browser. */
  readonly reader: Readonly<Record<string, string>>;
  /** The password of a user holding `role` for the whole country, created on first use (a user id of the tests' own). */
  account(userId: string, role: RoleName): Promise<string>;
  close(): Promise<void>;
}

/** The demo ledgers running in this process, by URL: signIn finds the accounts of the one a page opens. */
const RUNNING = new Map<string, DemoLedger>();

/**
 * The ledger exactly as `npm start` boots it — startLedger, the demo journals loaded into an empty store, the web
 * app from dist/web — on a temp folder and a free port, once its read models have caught up with the log.
 */
export async function startDemoLedger(env: Record<string, string> = {}): Promise<DemoLedger> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-web-'));
  // Every page of these runs signs in from this one address, dozens of times a minute: the per-address sign-in
  // rate (10 a minute by default, which test/identity/sign-in.e2e.spec.ts checks) would refuse them.
  const config = loadConfig({ LEDGER_DATA_DIR: dir, LEDGER_DEMO: '1', PORT: '0', HOST: '127.0.0.1', LEDGER_SIGN_IN_PER_MINUTE: '1000', ...env });
  const ledger = await startLedger(config, { logger: false, demo: true });
  // Signed in as the demo's viewer with the password npm start printed, as a reader would.
  const viewer = ledger.demoUsers?.find((u) => u.userId === 'demo-viewer');
  const login = await fetch(`${ledger.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'demo-viewer', password: viewer?.password }),
  });
  if (!login.ok) throw new Error(`the demo viewer could not sign in: ${await login.text()}`);
  const reader = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
  await readModelsAtHead(ledger.url, reader);
  // The demo's own users (demo-officer...) sign in with the passwords npm start printed; others are made on first use.
  const passwords = new Map<string, Promise<string>>((ledger.demoUsers ?? []).map((u) => [u.userId, Promise.resolve(u.password)]));
  const demo: DemoLedger = {
    ledger,
    url: ledger.url,
    reader,
    account: (userId, role) => {
      let password = passwords.get(userId);
      if (!password) {
        password = addUser(ledger.store, ledger.app.get(CredentialStore), ledger.app.get(Catalogue), {
          userId,
          displayName: userId,
          grants: [{ role, scope: 'VN' }],
          oneTime: false,
        });
        passwords.set(userId, password);
      }
      return password;
    },
    close: async () => {
      RUNNING.delete(ledger.url);
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
      // The sign-in key and the signing key lie beside the data folder, never in it.
      rmSync(config.authKeyFile, { force: true });
      rmSync(config.signingKeyFile, { force: true });
    },
  };
  RUNNING.set(ledger.url, demo);
  return demo;
}

/** Waits until the read models reflect the whole log, as a user opening the app a moment after start would see it. */
export async function readModelsAtHead(url: string, headers: Record<string, string>): Promise<void> {
  const { head } = (await (await fetch(`${url}/read-models/status`, { headers })).json()) as { head: number };
  for (let attempt = 0; attempt < 30; attempt++) {
    if ((await fetch(`${url}/read-models/status?minPosition=${head}`, { headers })).ok) return;
  }
  throw new Error(`the read models did not reach position ${head}`);
}

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

/** A fresh context (its own storage: nobody signed in) at a viewport, in Vietnam's locale and time zone. */
export async function newPage(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

export const ROLE_NAMES = {
  officer: 'Cán bộ chuyên trách',
  accountant: 'Kế toán',
  admin: 'Quản trị',
  importer: 'Nhập liệu',
  auditor: 'Kiểm toán viên',
  inspector: 'Thanh tra viên',
  viewer: 'Người xem',
} as const;
export type RoleName = keyof typeof ROLE_NAMES;

/**
 * Signs in through the sign-in page, as a user does, with the account `actor` (a user holding `role` for the whole
 * country, made on the ledger at `url` the first time) and its password: the unit (default 184, huyện Văn Quan,
 * whose figures the demo holds) found by typing its code and picked from the matches (its first period when the code
 * names two).
 */
export async function signIn(page: Page, url: string, actor: string, role: RoleName, next = '/', unit = '184'): Promise<void> {
  const demo = RUNNING.get(url);
  if (!demo) throw new Error(`no demo ledger of this process at ${url}`);
  const password = await demo.account(actor, role);
  await page.goto(`${url}/dang-nhap?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Mã người dùng').fill(actor);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByLabel('Đơn vị công tác').fill(unit);
  await page.locator(`[role="option"][data-code="${unit}"]`).first().click();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByTestId('signed-in').waitFor();
}

const line = (stream: string) => `line=${encodeURIComponent(stream)}`;

/** The main pages: who opens them, and what shows that the page's content is there. */
export const MAIN_PAGES: readonly { readonly name: string; readonly path: string; readonly role: RoleName; readonly ready: string }[] = [
  { name: 'overview', path: '/?source=NSTW', role: 'officer', ready: '[data-testid="overview-table"] tr[data-component="total"]' },
  { name: 'overview-today', path: '/?units=today&unit=20', role: 'officer', ready: '[data-testid="overview-table"] tr[data-component="total"]' },
  { name: 'progress', path: '/tien-do', role: 'officer', ready: 'section[data-component="DA7.TDA2"]' },
  { name: 'progress-works', path: '/tien-do?component=DA1.TDA1&year=2024', role: 'officer', ready: '[data-lifecycle="works"] tbody tr' },
  { name: 'results', path: '/ket-qua', role: 'officer', ready: 'tr[data-target="sd-poverty-2021-2025"]' },
  { name: 'reconciliation', path: '/doi-soat', role: 'officer', ready: '[data-testid="not-checked"] tbody tr' },
  { name: 'record-stage', path: '/ghi-so?lenh=stage', role: 'officer', ready: 'form[aria-label="Tiến độ công trình"] select[name="stage"] option:nth-child(2)' },
  { name: 'record-disbursement', path: '/ghi-so?lenh=disburse', role: 'accountant', ready: 'form[aria-label="Giải ngân"] select[name="line"] option:nth-child(2)' },
  { name: 'journal', path: '/nhap-nhat-ky', role: 'importer', ready: 'input[type="file"]' },
  { name: 'line-history', path: `/so-dong-von?${line('fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:184')}`, role: 'auditor', ready: '[data-testid="history-table"] tbody tr' },
  { name: 'decisions', path: '/quyet-dinh', role: 'inspector', ready: '[data-testid="decisions-table"] tbody tr' },
  { name: 'decision-trail', path: `/quyet-dinh?so=${encodeURIComponent('832/QĐ-UBND')}&coquan=${encodeURIComponent('UBND huyện Văn Quan')}&ngay=2024-03-14`, role: 'inspector', ready: '[data-testid="trail"] li' },
  { name: 'adjustments', path: '/dieu-chinh', role: 'inspector', ready: 'section[aria-labelledby="adjustment-list"]' },
  { name: 'reports', path: '/bao-cao?asOf=2024-06-30', role: 'auditor', ready: '[data-testid="report-table"] tr[data-level="total"]' },
  { name: 'red-flags', path: '/co-do', role: 'inspector', ready: 'li.flag[data-rule="duplicate-voucher"] [data-testid="evidence"] tbody tr' },
];
