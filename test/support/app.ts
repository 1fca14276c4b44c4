import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LedgerConfig, loadConfig } from '../../src/config/ledger-config';
import { startLedger } from '../../src/main';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

export interface TestResponse {
  readonly status: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  readonly body: any;
  readonly headers: Headers;
}

export interface TestLedger {
  readonly app: NestFastifyApplication;
  readonly store: SqliteEventStore;
  readonly config: LedgerConfig;
  readonly dir: string;
  /** Where the ledger listens: http://127.0.0.1:<port>. */
  readonly url: string;
  /** POST over HTTP: an object goes as JSON, a string as it is (set its content-type in the headers). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  get(path: string, headers?: Record<string, string>): Promise<TestResponse>;
  request(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<TestResponse>;
  /** SHA-256 over every byte of every row of the log and of the idempotency claims, in order. */
  logDigest(): string;
  close(): Promise<void>;
}

export interface TestLedgerOptions {
  /** Load the demo journals (demo/*.yaml) into the empty store first, exactly as `npm start` does. */
  readonly demo?: boolean;
  /** More configuration, as environment variables (e.g. LEDGER_TREE_HEAD_INTERVAL_SECONDS). */
  readonly env?: Readonly<Record<string, string>>;
}

export const OFFICER = { 'x-actor': 'can-bo-lan', 'x-role': 'officer' };

/**
 * The ledger booted exactly as `npm start` boots it — `startLedger` from src/main.ts: the configured store
 * from `createEventStore`, the application from `createApp` with its global pipe, filter and OpenAPI — on a
 * real SQLite file in a temp folder, listening on 127.0.0.1 at a free port. Requests go over real HTTP.
 */
export async function startTestLedger(options: TestLedgerOptions = {}): Promise<TestLedger> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  const config = loadConfig({
    LEDGER_DATA_DIR: dir,
    LEDGER_DEMO: options.demo ? '1' : '0',
    PORT: '0',
    HOST: '127.0.0.1',
    ...options.env,
  });
  const ledger = await startLedger(config, { logger: false, demo: true });
  if (!(ledger.store instanceof SqliteEventStore)) {
    await ledger.close();
    throw new Error('the test ledger runs on the embedded SQLite store');
  }
  const store = ledger.store;
  if (options.demo) await readModelsAt(ledger.url, await store.headPosition());

  const request: TestLedger['request'] = async (method, path, { body, headers = {} } = {}) => {
    const json = body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body);
    const res = await fetch(`${ledger.url}${path}`, {
      method,
      headers: json ? { 'content-type': 'application/json', ...headers } : headers,
      body: body === undefined ? undefined : json ? JSON.stringify(body) : (body as string | Buffer),
    });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, headers: res.headers };
  };

  return {
    app: ledger.app,
    store,
    config,
    dir,
    url: ledger.url,
    request,
    post: (path, body, headers = OFFICER) => request('POST', path, { body, headers }),
    get: (path, headers = {}) => request('GET', path, { headers }),
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
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(config.signingKeyFile, { force: true });
    },
  };
}

/**
 * npm start serves at once while the read models still fold the demo in the background: wait, through the API as
 * a client would (minPosition), until they reflect the whole log, so that every test sees the same figures.
 */
async function readModelsAt(url: string, position: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/read-models/status?minPosition=${position}`);
    if (res.status === 200) return;
    if (attempt >= 15) throw new Error(`the read models did not reach position ${position}: ${res.status} ${await res.text()}`);
  }
}
