import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectChromium, launchChromium } from '../../../bench/chromium';
import { BROWSER_WS_ENV, buildWebIfStale } from '../global-setup';

/**
 * The suite's one Chromium (started by global-setup.ts), or one of this file's own when the run selected it in
 * a way the setup could not tell (then the web app is built here too).
 */
export async function openBrowser(): Promise<Browser> {
  const ws = process.env[BROWSER_WS_ENV];
  if (ws) return connectChromium(ws);
  buildWebIfStale();
  return launchChromium();
}

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

/** A fresh context (its own storage: nobody signed in) at a viewport, with page errors collected. */
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

/** Signs in through the sign-in page, as a user does. */
export async function signIn(page: Page, url: string, actor: string, role: keyof typeof ROLE_NAMES, next = '/'): Promise<void> {
  await page.goto(`${url}/dang-nhap?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Mã người dùng').fill(actor);
  await page.getByLabel('Vai trò').selectOption({ label: ROLE_NAMES[role] });
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByTestId('signed-in').waitFor();
}
