import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../../src/config/ledger-config';
import { createApp } from '../../src/main';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

export interface TestLedger {
  readonly app: NestFastifyApplication;
  readonly store: SqliteEventStore;
  readonly dir: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** SHA-256 over every byte of every row of the log and of the idempotency claims, in order. */
  logDigest(): string;
  close(): Promise<void>;
}

export const OFFICER = { 'x-actor': 'can-bo-lan', 'x-role': 'officer' };

/**
 * The real application on a real SQLite file in a temp folder, driven through Fastify's inject. `env`: more
 * configuration variables, as `npm start` would read them (e.g. LEDGER_CATALOGUE_DIR).
 */
export async function startTestLedger(env: NodeJS.ProcessEnv = {}): Promise<TestLedger> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  const config = loadConfig({ LEDGER_DATA_DIR: dir, PORT: '0', ...env });
  const store = new SqliteEventStore({ file: config.dbFile });
  const app = await createApp(config, store, { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const inject = async (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.inject({ method, url, payload: payload as object, headers: { ...headers } });
    let body: unknown = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body };
  };
  return {
    app,
    store,
    dir,
    post: (path, body, headers = OFFICER) => inject('POST', path, body, headers),
    get: (path, headers = {}) => inject('GET', path, undefined, headers),
    logDigest: () => {
      const hash = createHash('sha256');
      for (const table of ['events', 'idempotency']) {
        for (const row of store.db.prepare(`SELECT * FROM ${table} ORDER BY 1`).raw().iterate()) {
          hash.update(JSON.stringify(row));
        }
      }
      return hash.digest('hex');
    },
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
