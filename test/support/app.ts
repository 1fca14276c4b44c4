import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Catalogue } from '../../src/catalogue/catalogue';
import { LedgerConfig, loadConfig } from '../../src/config/ledger-config';
import { AuthService } from '../../src/identity/auth.service';
import { addAccountWithoutPassword } from '../../src/identity/bootstrap';
import { COUNTRY, ROLES, type Role } from '../../src/identity/rights';
import type { DemoCredentials } from '../../src/identity/bootstrap';
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
  /**
   * POST over HTTP: an object goes as JSON, a string as it is (set its content-type in the headers). Sent as the
   * officer (OFFICER) unless the headers say otherwise: a role's marker (AUDITOR...), or `await ledger.as(role, scope)`.
   */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** GET over HTTP, as the viewer (READER) unless the headers say otherwise. */
  get(path: string, headers?: Record<string, string>): Promise<TestResponse>;
  /** Any request; headers as they are, but for a role's marker, which becomes that user's token. No marker: no credentials. */
  request(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<TestResponse>;
  /**
   * Headers carrying a session token of a user holding `role` for `scope` (default: the whole country), created on
   * first use (test-<role>-<scope>); the whole-country users exist from the start.
   */
  as(role: Role, scope?: string): Promise<Record<string, string>>;
  /** A session token of an existing user, as a sign-in would give (without a password). */
  tokenOf(userId: string): Promise<string>;
  /** The log positions the harness's own users took before the test began (their account events). */
  readonly basePosition: number;
  /** With the demo: the demo's users and passwords, as npm start printed them. */
  readonly demoUsers?: readonly DemoCredentials[];
  /** SHA-256 over every byte of every row of the log and of the idempotency claims, in order. */
  logDigest(): string;
  close(): Promise<void>;
}

export interface TestLedgerOptions {
  /** Load the demo journals (demo/*.yaml) into the empty store first, exactly as `npm start` does. */
  readonly demo?: boolean;
  /** More configuration, as environment variables (e.g. LEDGER_TREE_HEAD_INTERVAL_SECONDS). */
  readonly env?: Readonly<Record<string, string>>;
  /** This data folder, kept when the ledger is closed with the keys beside it: a ledger started again on the same files. */
  readonly dir?: string;
}

/**
 * Who a test request is from: a marker the harness turns into that user's session token before sending (it never
 * reaches the ledger). Each is a user of the whole country, created when the ledger starts; spread them with other
 * headers as before: `{ ...OFFICER, 'idempotency-key': 'k1' }`.
 */
const MARKER = 'x-test-as';
export const OFFICER = { [MARKER]: 'officer' };
export const ACCOUNTANT = { [MARKER]: 'accountant' };
export const IMPORTER = { [MARKER]: 'importer' };
export const ADMIN = { [MARKER]: 'admin' };
export const AUDITOR = { [MARKER]: 'auditor' };
export const INSPECTOR = { [MARKER]: 'inspector' };
export const VIEWER = { [MARKER]: 'viewer' };
/** The default reader of `ledger.get`. */
export const READER = VIEWER;

/** The harness's whole-country users, by role, on a ledger without the demo (with it: demo-<role>): the ids events record. */
export const TEST_USERS: Readonly<Record<Role, string>> = {
  officer: 'can-bo-lan',
  accountant: 'ke-toan-hoa',
  importer: 'can-bo-nhap',
  admin: 'quan-tri',
  auditor: 'kiem-toan',
  inspector: 'thanh-tra',
  viewer: 'nguoi-xem',
};

/**
 * The ledger booted exactly as `npm start` boots it — `startLedger` from src/main.ts: the configured store
 * from `createEventStore`, the application from `createApp` with its global pipe, filter and OpenAPI — on a
 * real SQLite file in a temp folder, listening on 127.0.0.1 at a free port. Requests go over real HTTP.
 */
export async function startTestLedger(options: TestLedgerOptions = {}): Promise<TestLedger> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
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
  const catalogue = Catalogue.load(config.catalogueDir);
  const auth = ledger.app.get(AuthService);
  // A user per role for the whole country: the demo's own (demo-officer...) on the demo, as npm start made them; else
  // TEST_USERS, without password (sign-in has its own tests). Their sessions are minted directly.
  const users = new Map<string, string>();
  for (const role of ROLES) {
    if (ledger.demoUsers) {
      users.set(`${role}@${COUNTRY}`, `demo-${role}`);
      continue;
    }
    const userId = TEST_USERS[role];
    await addAccountWithoutPassword(store, catalogue, { userId, displayName: `Test ${role}`, grants: [{ role, scope: COUNTRY }] });
    users.set(`${role}@${COUNTRY}`, userId);
  }
  const basePosition = await store.headPosition();
  const tokens = new Map<string, string>();
  const tokenOf = async (userId: string): Promise<string> => {
    let token = tokens.get(userId);
    if (!token) {
      const state = await auth.user(userId);
      if (state.userId === null) throw new Error(`no user ${userId}`);
      token = (await auth.startSession({ id: userId, name: state.displayName, grants: state.grants, via: 'password' }, state.credentialId ?? undefined)).token;
      tokens.set(userId, token);
    }
    return token;
  };
  const as: TestLedger['as'] = async (role, scope = COUNTRY) => {
    const key = `${role}@${scope}`;
    let userId = users.get(key);
    if (!userId) {
      userId = `test-${role}-${scope.toLowerCase()}`;
      await addAccountWithoutPassword(store, catalogue, { userId, displayName: `Test ${role} of ${scope}`, grants: [{ role, scope }] });
      users.set(key, userId);
    }
    return { authorization: `Bearer ${await tokenOf(userId)}` };
  };

  if (options.demo) await readModelsAt(ledger.url, basePosition, (await as('viewer')).authorization);

  const request: TestLedger['request'] = async (method, path, { body, headers: given = {} } = {}) => {
    const { [MARKER]: role, ...rest } = given;
    const headers = role ? { ...(await as(role as Role)), ...rest } : rest;
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
    as,
    tokenOf,
    basePosition,
    ...(ledger.demoUsers ? { demoUsers: ledger.demoUsers } : {}),
    post: (path, body, headers = OFFICER) => request('POST', path, { body, headers }),
    get: (path, headers = READER) => request('GET', path, { headers }),
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
      if (options.dir) return;
      rmSync(dir, { recursive: true, force: true });
      // The sign-in key and the signing key lie beside the data folder, never in it.
      rmSync(config.authKeyFile, { force: true });
      rmSync(config.signingKeyFile, { force: true });
    },
  };
}

/**
 * npm start serves at once while the read models still fold the demo in the background: wait, through the API as
 * a client would (minPosition), until they reflect the whole log, so that every test sees the same figures.
 */
async function readModelsAt(url: string, position: number, authorization: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/read-models/status?minPosition=${position}`, { headers: { authorization } });
    if (res.status === 200) return;
    if (attempt >= 15) throw new Error(`the read models did not reach position ${position}: ${res.status} ${await res.text()}`);
  }
}
