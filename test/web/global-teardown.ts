import type { BrowserServer } from 'playwright-core';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __ledgerBrowser?: BrowserServer }).__ledgerBrowser;
  if (server) await server.close();
}
