import type { Browser, BrowserContext } from 'playwright-core';
import { connectChromium, launchChromium } from '../../../bench/chromium';
import { DemoLedger, DESKTOP, newPage, startDemoLedger } from '../../../bench/web-support';
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
    async open(viewport = DESKTOP) {
      const opened = await newPage(ready().browser, viewport);
      contexts.push(opened.context);
      return opened;
    },
    /** The log's head position: unchanged after a refusal. */
    async head(): Promise<number> {
      return ((await (await fetch(`${ready().demo.url}/read-models/status`)).json()) as { head: number }).head;
    },
  };
}
