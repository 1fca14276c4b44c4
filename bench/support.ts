import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { request, Agent } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Catalogue } from '../src/catalogue/catalogue';
import { loadConfig } from '../src/config/ledger-config';
import { addUser } from '../src/identity/bootstrap';
import { openCredentialStore } from '../src/identity/credentials';
import type { Role } from '../src/identity/rights';
import { openLedgerStore } from '../src/store/create-event-store';

/** Percentile of sorted latencies in ms. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** One request of a load: its method and path, and the body of a POST (JSON text). */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

/** What a load measured: each answer's latency (ms), the answers that were not `status` plus failed requests, its length, and this process's CPU per answer. */
export interface LoadFigures {
  readonly latencies: number[];
  readonly errors: number;
  readonly seconds: number;
  readonly clientCpuMs: number;
}

/**
 * A load on the server: `connections` keep-alive HTTP/1.1 connections, each sending its next request (`next()`) once
 * its last is answered, or with `rate` all of them together at that many requests/s, for `seconds`. Sent through
 * autocannon, a load generator made for this: its client costs this machine about half the CPU of Node's http.request
 * (0.04 against 0.08 ms per request for an answer of 600 bytes, 0.08 against 0.17 ms for 75 KB), CPU the server
 * measured shares on 2 cores. Every answer is read whole; its latency is kept to the microsecond (sorted, for percentile).
 */
export async function httpLoad(options: {
  url: string;
  connections: number;
  seconds: number;
  rate?: number | null;
  headers: Record<string, string>;
  status: number;
  next: () => LoadRequest;
}): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const run = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.seconds,
        ...(options.rate ? { overallRate: options.rate } : {}),
        requests: [{ method: 'GET', headers: options.headers, setupRequest: (request) => ({ ...request, ...options.next() }) }],
      },
      (error) => (error ? reject(error) : resolve()),
    );
    run.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      if (status !== options.status) errors++;
    });
    run.on('reqError', () => errors++);
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return { latencies, errors, seconds, clientCpuMs: (cpu.user + cpu.system) / 1000 / latencies.length };
}

/** A minimal keep-alive JSON client, for the requests around a load (setting it up, polling): not the load itself. */
export function jsonClient(baseUrl: string, sockets: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return {
    post(path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: string }> {
      const payload = Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const req = request({ agent, host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

/** Starts the built server (dist/src/main.js, as `npm start` runs it) on a free port with these settings. */
export async function startServer(env: Record<string, string>, execArgv: readonly string[] = []): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = fork(join(__dirname, '..', 'src', 'main.js'), [], {
    // e.g. ['--cpu-prof', '--cpu-prof-dir', dir]: a profile of the measured server (not allowed in NODE_OPTIONS).
    execArgv: [...execArgv],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LEDGER_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { url, pid: child.pid as number, stop: () => child.kill('SIGTERM') };
}

/** A bench user (`bench-<role>`, that role over the whole country): created in the store before the server starts; returns its password. */
export async function benchUser(env: Record<string, string>, role: Role): Promise<string> {
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LEDGER_DEMO: '0', ...env });
  // As `ledger users add` does: the store opened as the ledger's writer, with its key.
  const { store } = await openLedgerStore(config);
  const credentials = await openCredentialStore(config);
  try {
    return await addUser(store, credentials, Catalogue.load(), { userId: `bench-${role}`, displayName: `Bench ${role}`, grants: [{ role, scope: 'VN' }], oneTime: false });
  } finally {
    await credentials.close();
    await store.close();
  }
}

/** Signs in over HTTP like any user; returns the header that carries the session token. */
export async function signIn(client: ReturnType<typeof jsonClient>, userId: string, password: string): Promise<Record<string, string>> {
  const login = await client.post('/auth/login', { userId, password }, {});
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.body}`);
  return { authorization: `Bearer ${(JSON.parse(login.body) as { token: string }).token}` };
}

/**
 * CPU time a process has used so far, all its threads (user + system), in ms: Linux's /proc, else NaN. `mainThread`:
 * its main thread's only (the event loop that answers requests).
 */
export function processCpuMs(pid: number, mainThread = false): number {
  try {
    return statCpuMs(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`);
  } catch {
    return NaN;
  }
}

/** The CPU time (user + system, ms) a /proc stat file gives for its process or thread. */
function statCpuMs(file: string): number {
  const fields = readFileSync(file, 'utf8').replace(/^.*\) /, '').split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name, in clock ticks (100 per second).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * CPU time each thread of a process has used so far, in ms, summed by thread name (Linux's /proc): "event loop" for
 * the main thread; the ledger names its workers ("projection", "reader", "sqlite-writer"...); V8's and libuv's are "node".
 * Empty where there is no /proc.
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const name = Number(tid) === pid ? 'event loop' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      byName.set(name, (byName.get(name) ?? 0) + statCpuMs(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}
