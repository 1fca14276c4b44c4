import { existsSync } from 'node:fs';
import { chromium, Browser, BrowserServer, LaunchOptions } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`), driven by playwright-core: no browser is ever downloaded.
 * Shared by the browser tests (test/web), `npm run screenshots` and `npm run bench:web`.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const OPTIONS: LaunchOptions = {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium; .ci/run does it) or set CHROMIUM_PATH`);
  }
}

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch(OPTIONS);
}

/** One browser for a whole test run; test files connect to it over its WebSocket. */
export async function launchChromiumServer(): Promise<BrowserServer> {
  requireChromium();
  return chromium.launchServer(OPTIONS);
}

export function connectChromium(wsEndpoint: string): Promise<Browser> {
  return chromium.connect(wsEndpoint);
}
