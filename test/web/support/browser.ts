import type { Browser } from 'playwright-core';
import { connectChromium, launchChromium } from '../../../bench/chromium';
import { BROWSER_WS_ENV, buildWebIfStale } from '../global-setup';

export { DESKTOP, PHONE, newPage, signIn, startDemoLedger } from '../../../bench/web-support';
export type { DemoLedger } from '../../../bench/web-support';

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
