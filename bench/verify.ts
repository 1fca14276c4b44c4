/**
 * Throughput of tamper evidence: builds a temporary SQLite store of N events (default 100 000), logs them into
 * the Merkle log, signs a head, then measures leaf hashing alone and the whole `ledger verify`.
 *
 *   npm run bench:verify -- [N] [--keep DIR] [--verify-only] [--workers N]
 *
 * With --keep, the store, the audit file and the key are kept in DIR, and a later run with the same DIR and N
 * verifies them without generating again (at 10M events generating takes far longer than verifying). --verify-only
 * measures `ledger verify` alone (no separate hashing pass, no proofs). --workers is verify's (default: the cores available;
 * 1: in this thread); the CPU time printed is the process's, every thread's.
 *
 *   npx tsc bench/verify.ts --outDir .bench/verify --target ES2022 --module commonjs --esModuleInterop \
 *     --experimentalDecorators --emitDecoratorMetadata --skipLibCheck && node .bench/verify/bench/verify.js [N]
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventToAppend, FundLineKey } from '../events';
import { Audit } from '../src/audit/audit';
import { SqliteMerkleLog } from '../src/audit/sqlite-merkle-log';
import { SigningKey } from '../src/audit/signing-key';
import { eventLeafHash } from '../src/audit/verifier/formats';
import { verifyInclusion } from '../src/audit/verifier/merkle';
import { formatLogVerification, verifyLog } from '../src/audit/verify-log';
import { fundLineStream } from '../src/fund-line/fund-line.key';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-event-store';

const LINES = 200;
const EVENTS_PER_APPEND = 10;
const APPENDS_PER_BATCH = 100;

function line(n: number): FundLineKey {
  const unit = String(100 + n);
  return { programme: 'GNBV-2021-2025', component: 'DA2', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit };
}

function disbursement(i: number, key: FundLineKey): EventToAppend {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    type: 'Disbursed',
    version: 1,
    data: {
      line: key,
      activityId: `act-${i % 997}`,
      disbursementId: `d-${i}`,
      amount: `${(i % 9000) + 1000}000.50`,
    },
    metadata: {
      eventId: id,
      actor: { id: 'ketoan-vanquan', role: 'accountant' },
      recordedAt: '2024-07-01T00:00:00.000Z',
      effectiveDate: '2024-07-01',
      legalBasis: { kind: 'voucher', number: `UNC-${i}`, date: '2024-07-01', treasury: 'KBNN Văn Quan' },
      correlationId: id,
      causationId: id,
      command: 'Disburse',
    },
  };
}

const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en')} events/s`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verifyOnly = args.includes('--verify-only');
  if (verifyOnly) args.splice(args.indexOf('--verify-only'), 1);
  const workersAt = args.indexOf('--workers');
  const workers = workersAt >= 0 ? Number(args.splice(workersAt, 2)[1]) : undefined;
  const keepAt = args.indexOf('--keep');
  const kept = keepAt >= 0 ? args.splice(keepAt, 2)[1] : undefined;
  const n = Number(args[0] ?? 100_000);
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'ledger-bench-verify-'));
  const keyFile = join(dir, 'signing-key.pem');
  const reuse = kept !== undefined && existsSync(keyFile);
  mkdirSync(dir, { recursive: true });
  const store = new SqliteEventStore({ file: join(dir, 'ledger.db') });
  const log = SqliteMerkleLog.open(join(dir, 'audit.db'), store);
  // Written as the ledger writes: each event's leaf and the seal, signed with its key, in every commit (verify checks them).
  const key = reuse ? new SigningKey(createPrivateKey(readFileSync(keyFile))) : SigningKey.generate();
  const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  try {
    await store.startWriting({ signingKeyPem: key.privateKeyPem() });
    let t = performance.now();
    const audit = new Audit(store, log, key);
    let head = await log.latestTreeHead();
    if (reuse && (await store.headPosition()) === n && head?.treeSize === n) {
      console.log(`reusing the ${n.toLocaleString('en')} events kept in ${dir}`);
    } else {
      if (reuse) throw new Error(`${dir} does not hold a logged store of ${n} events: give another folder`);
      if (kept) writeFileSync(keyFile, key.privateKeyPem(), { mode: 0o600 });
      for (let next = 0; next < n; ) {
        const appends = [];
        for (let a = 0; a < APPENDS_PER_BATCH && next < n; a++) {
          const key = line(Math.floor(next / EVENTS_PER_APPEND) % LINES);
          const events = Array.from({ length: Math.min(EVENTS_PER_APPEND, n - next) }, () => disbursement(++next, key));
          appends.push(store.append([{ stream: fundLineStream(key), expectedRevision: 'any', events }]));
        }
        await Promise.all(appends);
      }
      console.log(`wrote ${n.toLocaleString('en')} events to SQLite: ${rate(n, performance.now() - t)} (${load()})`);

      t = performance.now();
      await log.catchUp();
      console.log(`built the Merkle log (leaves, subtree hashes, checkpoint): ${rate(n, performance.now() - t)} (${load()})`);
      head = await audit.produceTreeHead();
    }
    if (!head) throw new Error('no signed tree head');

    if (!verifyOnly) {
      let hashingMs = 0;
      for await (const page of store.streamAll(0, { asStored: true })) {
        const started = performance.now();
        for (const event of page) eventLeafHash(event);
        hashingMs += performance.now() - started;
      }
      console.log(`leaf hashing (RFC 8785 canonical form + SHA-256), read time excluded: ${rate(n, hashingMs)} (${load()})`);
    }

    const cpu = process.cpuUsage();
    const result = await verifyLog(store, log, audit.key.publicKey, { workers });
    const { user, system } = process.cpuUsage(cpu);
    if (!result.ok) throw new Error(`verification failed on an untouched log: ${formatLogVerification(result)}`);
    const minutes = (result.seconds / 60).toFixed(2);
    console.log(
      `ledger verify (read, hash, compare leaves, rebuild tree, check signed head): ${rate(result.events, result.seconds * 1000)}, ` +
        `${result.events.toLocaleString('en')} events in ${result.seconds.toFixed(1)} s = ${minutes} min, ${((user + system) / 1e6).toFixed(1)} s of CPU ` +
        `in ${workers ?? availableParallelism()} thread(s) (${load()})`,
    );

    if (verifyOnly) return;
    const proofs = 1000;
    t = performance.now();
    const root = Buffer.from(head.rootHash, 'hex');
    for (let i = 0; i < proofs; i++) {
      const index = (i * 7919) % head.treeSize;
      const leaf = await log.leaf(index);
      const proof = await log.inclusionProof(index, head.treeSize);
      if (!leaf || !verifyInclusion(leaf.leafHash, index, head.treeSize, proof, root)) throw new Error(`inclusion proof of leaf ${index} failed`);
    }
    console.log(`inclusion proof, generated from the audit file and verified: ${((performance.now() - t) / proofs).toFixed(3)} ms each`);
  } finally {
    await log.close();
    await store.close();
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
