/**
 * `npm run screenshots`: the sign-in page (its unit search open) and the main pages on the demo data, at 1366×768
 * and at phone width, as PNGs in screenshots/ (git-ignored). The ledger boots as `npm start` boots it; Chromium is
 * Debian's.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './chromium';
import { DESKTOP, MAIN_PAGES, newPage, PHONE, signIn, startDemoLedger } from './web-support';

async function main() {
  const out = join(__dirname, '..', '..', 'screenshots');
  mkdirSync(out, { recursive: true });
  const [demo, browser] = await Promise.all([startDemoLedger(), launchChromium()]);
  try {
    for (const [size, viewport] of [
      ['1366x768', DESKTOP],
      ['390x844', PHONE],
    ] as const) {
      {
        // The sign-in page once the password is accepted: the unit to work on, its search open on a name typed without accents.
        const { context, page, errors } = await newPage(browser, viewport);
        await page.goto(`${demo.url}/dang-nhap`);
        await page.getByLabel('Mã người dùng').fill('demo-officer');
        await page.getByLabel('Mật khẩu').fill(await demo.account('demo-officer', 'officer'));
        await page.getByRole('button', { name: 'Đăng nhập' }).click();
        await page.getByLabel('Đơn vị công tác').fill('van quan');
        await page.locator('[role="option"]').first().waitFor();
        const file = join(out, `sign-in-${size}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`${file}${errors.length ? `  (page errors: ${errors.join('; ')})` : ''}`);
        await context.close();
      }
      for (const p of MAIN_PAGES) {
        const { context, page, errors } = await newPage(browser, viewport);
        await signIn(page, demo.url, `demo-${p.role}`, p.role, p.path);
        await page.locator(p.ready).first().waitFor({ state: 'attached' });
        if (p.name === 'line-history') {
          await page.getByRole('button', { name: 'Kiểm tra bằng chứng trong trình duyệt' }).click();
          await page.getByTestId('verification').waitFor();
        }
        if (p.name === 'overview') await page.locator('.chart canvas').waitFor();
        await page.waitForLoadState('networkidle');
        const file = join(out, `${p.name}-${size}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`${file}${errors.length ? `  (page errors: ${errors.join('; ')})` : ''}`);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await demo.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
