import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectChromium, launchChromium } from '../../../bench/chromium';
import { DemoLedger, DESKTOP, newPage, RoleName, startDemoLedger } from '../../../bench/web-support';
import { BROWSER_WS_ENV, buildWebIfStale } from '../global-setup';

export { DESKTOP, PHONE, signIn } from '../../../bench/web-support';

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

/**
 * A describe block's ledger and browser: the demo ledger booted as `npm start` boots it (with `env` added to its
 * environment), the shared Chromium, a fresh context per page (nobody signed in), all closed after the block.
 */
export function browserSuite(env: Record<string, string> = {}) {
  let demo: DemoLedger | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemoLedger(env), openBrowser()]);
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await demo?.close();
  });
  const ready = () => {
    if (!demo || !browser) throw new Error('the suite has not started');
    return { demo, browser };
  };
  return {
    get url(): string {
      return ready().demo.url;
    },
    /** The password of a user holding `role` for the whole country, made on first use. */
    account(userId: string, role: RoleName): Promise<string> {
      return ready().demo.account(userId, role);
    },
    /** The demo's users and the passwords npm start printed. */
    get demoUsers() {
      return ready().demo.ledger.demoUsers ?? [];
    },
    async open(viewport = DESKTOP) {
      const opened = await newPage(ready().browser, viewport);
      contexts.push(opened.context);
      return opened;
    },
    /** The log's head position: unchanged after a refusal. */
    async head(): Promise<number> {
      const { url, reader } = ready().demo;
      return ((await (await fetch(`${url}/read-models/status`, { headers: reader })).json()) as { head: number }).head;
    },
  };
}

/** Waits (up to 5 s) for a locator's text to match, then asserts it. */
export async function expectText(locator: ReturnType<Page['locator']>, pattern: RegExp) {
  await locator.first().waitFor();
  for (let i = 0; i < 50 && !pattern.test(await locator.first().innerText()); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await locator.first().innerText()).toMatch(pattern);
}

/** Waits (up to 5 s) for a locator to find n elements, then asserts it. */
export async function expectCount(locator: ReturnType<Page['locator']>, n: number) {
  for (let i = 0; i < 50 && (await locator.count()) !== n; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await locator.count()).toBe(n);
}

/** The texts a control's aria-describedby points to: its error and its help, as a screen reader reads them. */
export async function describedBy(page: Page, control: ReturnType<Page['locator']>): Promise<string> {
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()));
  return texts.join(' | ');
}
