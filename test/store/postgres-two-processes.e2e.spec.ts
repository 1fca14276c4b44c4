import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { runStatement } from '../../src/store/postgres/connection';
import { buildServerIfStale } from '../support/built-server';
import { createTestDatabase, describeWithPostgres, postgres } from '../support/postgres';

/*
 * Two ledger processes, started as `npm start` starts one (node dist/src/main.js, LEDGER_STORE=postgres), serving
 * one ledger: the same PostgreSQL database (log, idempotency claims, Merkle log and tree heads, credentials), sign-in
 * secret and tree-head key, and nothing else: no shared folder. The read models are in the database too
 * (LEDGER_READ_MODELS defaults to postgres there), folded by both processes' projection threads, each batch under a
 * lock of the checkpoint row, and read by both. A race of disbursements sent to both at once
 * must let through exactly what the allocation permits, and both processes must then answer the same figures.
 */
const LINE = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
const DECISION = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
const ACTIVITY = {
  activityId: 'VQ-2024-DA5-RACE',
  name: 'Hỗ trợ nhà ở hộ nghèo năm 2024 (hai tiến trình)',
  programme: 'GNBV-2021-2025',
  component: 'DA5',
  kind: 'housing-support',
  unit: '184',
  beneficiaries: { poor: 10 },
  targets: [{ indicator: 'houses-new', quantity: '10' }],
  decision: { number: '693/QĐ-UBND', date: '2024-03-05', issuer: 'UBND huyện Văn Quan' },
};
/** 500 triệu allocated, 12 disbursements of 100 triệu raced: exactly 5 may be paid. */
const ALLOCATED = '500000000';
const EACH = '100000000';
const RACERS = 12;
const PERMITTED = 5;

interface Ledger {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  output: string;
}

describeWithPostgres('two ledger processes on one PostgreSQL database', () => {
  const shared = mkdtempSync(join(tmpdir(), 'ledger-two-'));
  const env = {
    LEDGER_STORE: 'postgres',
    HOST: '127.0.0.1',
    PORT: '0',
    LEDGER_AUTH_KEY: randomBytes(32).toString('base64url'),
    LEDGER_SIGNING_KEY_FILE: join(shared, 'signing-key.pem'),
    LEDGER_SIGN_IN_PER_MINUTE: '100',
    LEDGER_LOCKOUT_FAILURES: '4',
  };
  const ledgers: Ledger[] = [];
  let drop: (() => Promise<void>) | undefined;
  let main: string;

  beforeAll(async () => {
    main = buildServerIfStale();
    // One tree-head key for both processes, kept outside their data folders as an operator would.
    writeFileSync(env.LEDGER_SIGNING_KEY_FILE, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const db = await createTestDatabase(postgres.url as string);
    drop = db.drop;
    Object.assign(env, { DATABASE_URL: db.url });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(ledgers.map(stop));
    await drop?.();
    rmSync(shared, { recursive: true, force: true });
  });

  function start(name: string, demo: boolean): Promise<Ledger> {
    const dataDir = join(shared, name);
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, ...env, LEDGER_DATA_DIR: dataDir, LEDGER_DEMO: demo ? '1' : '0', NO_COLOR: '1', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ledger: Ledger = { name, url: '', child, output: '' };
    ledgers.push(ledger);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s:\n${ledger.output}`)), 120_000);
      const read = (chunk: Buffer) => {
        ledger.output += chunk.toString();
        const listening = /listening on (http:\/\/\S+)/.exec(ledger.output);
        if (listening && !ledger.url) {
          clearTimeout(timer);
          resolve(Object.assign(ledger, { url: listening[1].replace(/\/$/, '') }));
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.on('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${ledger.output}`)));
    });
  }

  async function stop(ledger: Ledger): Promise<void> {
    if (ledger.child.exitCode !== null) return;
    const exited = new Promise((resolve) => ledger.child.once('exit', resolve));
    ledger.child.kill('SIGTERM');
    await exited;
  }

  async function call(ledger: Ledger, method: 'GET' | 'POST', path: string, token?: string, body?: unknown) {
    const res = await fetch(`${ledger.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function signIn(ledger: Ledger, userId: string, password: string): Promise<string> {
    const res = await call(ledger, 'POST', '/auth/login', undefined, { userId, password });
    expect(res.status).toBe(200);
    return res.body.token as string;
  }

  it('lets exactly the permitted disbursements through, and both processes answer the same figures', async () => {
    // The first process creates the demo's users (their passwords printed once) and loads the demo journals;
    // the second starts on the same database without the demo.
    const a = await start('a', true);
    const password = /demo-officer\s+(\S+)/.exec(a.output)?.[1];
    expect(password).toBeDefined();
    const b = await start('b', false);

    const tokenA = await signIn(a, 'demo-officer', password as string);
    const tokenB = await signIn(b, 'demo-officer', password as string);
    for (const [path, body] of [
      ['/commands/assign-plan', { line: LINE, amount: ALLOCATED, decision: DECISION }],
      ['/commands/register-activity', ACTIVITY],
      ['/commands/allocate', { line: LINE, activityId: ACTIVITY.activityId, amount: ALLOCATED, decision: { number: '832/QĐ-UBND', date: '2024-03-14', issuer: 'UBND huyện Văn Quan' } }],
    ] as const) {
      const res = await call(a, 'POST', path, tokenA, body);
      expect({ path, status: res.status, body: res.body }).toMatchObject({ status: 201 });
    }

    const raced = await Promise.all(
      Array.from({ length: RACERS }, (_, i) => {
        const [ledger, token] = i % 2 === 0 ? [a, tokenA] : [b, tokenB];
        return call(ledger, 'POST', '/commands/disburse', token, {
          line: LINE,
          activityId: ACTIVITY.activityId,
          amount: EACH,
          voucher: { number: `UNC-RACE-${String(i + 1).padStart(2, '0')}`, date: '2024-06-20', treasury: 'KBNN Văn Quan' },
        }).then((res) => ({ ...res, via: ledger.name }));
      }),
    );
    if (process.env.DEBUG_RACE) console.log(JSON.stringify(raced.filter((r) => r.body.error !== 'INSUFFICIENT_ALLOCATION').map((r) => [r.via, r.status, r.body.error, r.body.message])));
    const paid = raced.filter((r) => r.status === 201);
    const refused = raced.filter((r) => r.status !== 201);
    expect(paid).toHaveLength(PERMITTED);
    // The requests alternate between the two processes: the race crosses them.
    expect(new Set(raced.map((r) => r.via))).toEqual(new Set(['a', 'b']));
    expect(refused.map((r) => [r.status, r.body.error])).toEqual(Array(RACERS - PERMITTED).fill([409, 'INSUFFICIENT_ALLOCATION']));

    // Each paid disbursement has its own position; the log ends at the last of them or later.
    const positions = paid.map((r) => r.body.position as number);
    expect(new Set(positions).size).toBe(PERMITTED);
    const head = Math.max(...positions);
    const healthA = await call(a, 'GET', '/health');
    const healthB = await call(b, 'GET', '/health');
    expect(healthA.body.position).toBe(healthB.body.position);

    // One set of read models, in the database: neither process keeps a file of its own, and both read one generation.
    for (const name of ['a', 'b']) expect(existsSync(join(shared, name, 'read-models.db'))).toBe(false);
    const [statusA, statusB] = [await call(a, 'GET', `/read-models/status?minPosition=${head}`, tokenA), await call(b, 'GET', `/read-models/status?minPosition=${head}`, tokenB)];
    expect(statusB.body.generation).toBe(statusA.body.generation);
    const folded = await runStatement<{ n: string }>((env as Record<string, string>).DATABASE_URL, `SELECT count(*) AS n FROM g${statusA.body.generation}.entries WHERE activity_id = $1 AND type = 'Disbursed'`, [ACTIVITY.activityId]);
    expect(Number(folded[0].n)).toBe(PERMITTED);

    // Asked at the same position, both processes answer the same.
    const stream = fundLineStream(LINE);
    for (const path of [
      `/balances?budgetYear=2024&groupBy=subProject&minPosition=${head}`,
      `/fund-lines/${encodeURIComponent(stream)}/history?minPosition=${head}`,
      `/progress?minPosition=${head}`,
    ]) {
      const [fromA, fromB] = [await call(a, 'GET', path, tokenA), await call(b, 'GET', path, tokenB)];
      expect({ path, status: fromA.status }).toEqual({ path, status: 200 });
      expect(fromB.body).toEqual(fromA.body);
    }
    // The line's ledger, from the second process: the five payments, each a row, 500 triệu paid in all.
    const history = (await call(b, 'GET', `/fund-lines/${encodeURIComponent(stream)}/history?minPosition=${head}&pageSize=100`, tokenB)).body;
    const payments = (history.entries as Array<{ type: string; activityId?: string; position: number }>).filter((e) => e.type === 'Disbursed' && e.activityId === ACTIVITY.activityId);
    expect(payments.map((e) => e.position).sort((x, y) => x - y)).toEqual([...positions].sort((x, y) => x - y));

    // One Merkle log in the database: a tree head signed at one process is published at the other, and both
    // prove the same consistency from the first event to it.
    const signed = await call(a, 'POST', '/audit/tree-heads', tokenA);
    expect(signed.status).toBe(201);
    const heads = await call(b, 'GET', '/audit/tree-heads', tokenB);
    expect(heads.body.items).toContainEqual(signed.body);
    const proof = `/audit/proofs/consistency?first=1&second=${signed.body.treeSize}`;
    const [proofA, proofB] = [await call(a, 'GET', proof, tokenA), await call(b, 'GET', proof, tokenB)];
    expect(proofA.status).toBe(200);
    expect(proofB.body).toEqual(proofA.body);

    // One credentials store in the database: a session begun at one process is known at the other, and ended
    // there it is ended everywhere.
    expect((await call(b, 'GET', '/auth/me', tokenA)).status).toBe(200);
    expect((await call(b, 'POST', '/auth/logout', tokenA)).status).toBe(200);
    expect(await call(a, 'GET', '/auth/me', tokenA)).toMatchObject({ status: 401, body: { error: 'SESSION_ENDED' } });
  }, 300_000);

  it('counts failed sign-ins at both processes together towards one lockout', async () => {
    const [a, b] = ledgers;
    const tries = Number(env.LEDGER_LOCKOUT_FAILURES);
    const answers: number[] = [];
    for (let i = 0; i < tries; i++) answers.push((await call(i % 2 === 0 ? a : b, 'POST', '/auth/login', undefined, { userId: 'demo-viewer', password: `wrong-${i}` })).status);
    expect(answers).toEqual([...Array(tries - 1).fill(401), 429]);
    // Locked at both, even with the right password (the demo's, printed by the first process).
    const password = /demo-viewer\s+(\S+)/.exec(a.output)?.[1] as string;
    for (const ledger of [a, b]) expect(await call(ledger, 'POST', '/auth/login', undefined, { userId: 'demo-viewer', password })).toMatchObject({ status: 429, body: { error: 'ACCOUNT_LOCKED' } });
  }, 60_000);
});
