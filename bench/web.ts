/**
 * `npm run bench:web`: how long each main page takes to show its content on the demo data, in Debian's headless
 * Chromium on this machine: from navigation start to the page's content in the DOM (MAIN_PAGES' `ready`), cold
 * (a fresh browser profile: assets downloaded) and warm (assets cached, as on a user's second visit). Prints figures;
 * asserts nothing.
 */
import { launchChromium } from './chromium';
import { fmt, percentile } from './support';
import { DESKTOP, MAIN_PAGES, newPage, signIn, startDemoLedger } from './web-support';

const RUNS = Number(process.argv[2] ?? 7);

async function main() {
  const [demo, browser] = await Promise.all([startDemoLedger(), launchChromium()]);
  const rows: string[][] = [];
  try {
    for (const p of MAIN_PAGES) {
      const cold: number[] = [];
      const warm: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const { context, page } = await newPage(browser, DESKTOP);
        await signIn(page, demo.url, `bench-${p.role}`, p.role, '/nhap-nhat-ky');
        // Cold: this profile has the app's assets from signing in; clear the cache so they are fetched again.
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.clearBrowserCache');
        for (const [list, label] of [
          [cold, 'cold'],
          [warm, 'warm'],
        ] as const) {
          const started = performance.now();
          await page.goto(`${demo.url}${p.path}`, { waitUntil: 'commit' });
          await page.locator(p.ready).first().waitFor({ state: 'attached' });
          list.push(performance.now() - started);
          void label;
        }
        await context.close();
      }
      cold.sort((a, b) => a - b);
      warm.sort((a, b) => a - b);
      rows.push([p.name, fmt(percentile(cold, 50)), fmt(cold[cold.length - 1]), fmt(percentile(warm, 50)), fmt(warm[warm.length - 1])]);
    }
    // The auditor's in-browser check of a line's proofs (fetch bundle + key, hash, walk, verify signatures).
    const verify: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { context, page } = await newPage(browser, DESKTOP);
      const history = MAIN_PAGES.find((x) => x.name === 'line-history');
      if (!history) throw new Error('no line-history page');
      await signIn(page, demo.url, 'bench-auditor', 'auditor', history.path);
      await page.locator(history.ready).first().waitFor();
      const started = performance.now();
      await page.getByRole('button', { name: 'Kiểm tra bằng chứng trong trình duyệt' }).click();
      await page.locator('[data-testid="verification"][data-ok="true"]').waitFor();
      verify.push(performance.now() - started);
      await context.close();
    }
    verify.sort((a, b) => a - b);
    rows.push(['verify line in browser', fmt(percentile(verify, 50)), fmt(verify[verify.length - 1]), '', '']);
  } finally {
    await browser.close();
    await demo.close();
  }
  const header = ['page (1366×768, demo data)', 'cold p50 ms', 'cold max ms', 'warm p50 ms', 'warm max ms'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`Page load: navigation start → content in the page, ${RUNS} runs each, Debian Chromium headless, same machine as the ledger`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
