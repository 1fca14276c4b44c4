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
    /** The ledger itself (its store: an event appended as an earlier version stored it). */
    get ledger() {
      return ready().demo.ledger;
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

/** Opens a page of the app and waits until it has its heading and no request is in flight. */
export async function openPage(page: Page, url: string, path: string) {
  await page.goto(`${url}${path}`);
  await page.locator('main h1').waitFor();
  await page.waitForLoadState('networkidle');
}

/** Asserts that the page does not scroll sideways; if it does, names the outermost elements and the texts that stick out. */
export async function expectNoOverflow(page: Page, path: string) {
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
  // (Browser-side code as text: the tests compile without the DOM's types.)
  const sticksOut =
    overflow === 0
      ? []
      : await page.evaluate(`(() => {
    const past = (rect) => rect.right > window.innerWidth + 0.5;
    const elements = [...document.querySelectorAll('body *')]
      .filter((el) => past(el.getBoundingClientRect()) && !(el.parentElement && past(el.parentElement.getBoundingClientRect())))
      .map((el) => el.outerHTML.slice(0, 160));
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      if (past(range.getBoundingClientRect()) && !past(node.parentElement.getBoundingClientRect())) texts.push(node.textContent.slice(0, 160));
    }
    return [...elements, ...texts];
  })()`);
  expect({ path, overflow, sticksOut }).toEqual({ path, overflow: 0, sticksOut: [] });
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
