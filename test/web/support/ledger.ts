import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/ledger-config';
import { LedgerApp, startLedger } from '../../../src/main';

export interface DemoLedger {
  readonly ledger: LedgerApp;
  /** http://127.0.0.1:<port>, serving the API and the built web app. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The ledger exactly as `npm start` boots it — startLedger with the demo journals loaded into an empty store, and
 * the web app built into dist/web — on a temp folder and a free port. (Kept apart from test/support/app.ts, which
 * another branch reworks to boot through startLedger too; the two can merge into one helper.)
 */
export async function startDemoLedger(env: Record<string, string> = {}): Promise<DemoLedger> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-web-e2e-'));
  const ledger = await startLedger(loadConfig({ LEDGER_DATA_DIR: dir, LEDGER_DEMO: '1', PORT: '0', HOST: '127.0.0.1', ...env }), { logger: false, demo: true });
  await readModelsAtHead(ledger.url);
  return {
    ledger,
    url: ledger.url,
    close: async () => {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the read models reflect the whole log, as a user opening the app a moment after start would see it. */
export async function readModelsAtHead(url: string): Promise<void> {
  const { head } = (await (await fetch(`${url}/read-models/status`)).json()) as { head: number };
  for (let attempt = 0; attempt < 30; attempt++) {
    if ((await fetch(`${url}/read-models/status?minPosition=${head}`)).ok) return;
  }
  throw new Error(`the read models did not reach position ${head}`);
}
