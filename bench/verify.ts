/**
 * Throughput of tamper evidence: builds a temporary SQLite store of N events (default 100 000), logs them into
 * the Merkle log, signs a head, then measures leaf hashing alone and the whole `ledger verify`.
 *
 *   npx tsc bench/verify.ts --outDir .bench/verify --target ES2022 --module commonjs --esModuleInterop \
 *     --experimentalDecorators --emitDecoratorMetadata --skipLibCheck && node .bench/verify/bench/verify.js [N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  const n = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-verify-'));
  const store = new SqliteEventStore({ file: join(dir, 'ledger.db') });
  const log = SqliteMerkleLog.open(join(dir, 'audit.db'), store);
  // Written as the ledger writes: each event's leaf and the seal, signed with its key, in every commit (verify checks them).
  const key = SigningKey.generate();
  try {
    await store.startWriting({ signingKeyPem: key.privateKeyPem() });
    let t = performance.now();
    for (let next = 0; next < n; ) {
      const appends = [];
      for (let a = 0; a < APPENDS_PER_BATCH && next < n; a++) {
        const key = line(Math.floor(next / EVENTS_PER_APPEND) % LINES);
        const events = Array.from({ length: Math.min(EVENTS_PER_APPEND, n - next) }, () => disbursement(++next, key));
        appends.push(store.append([{ stream: fundLineStream(key), expectedRevision: 'any', events }]));
      }
      await Promise.all(appends);
    }
    console.log(`wrote ${n.toLocaleString('en')} events to SQLite: ${rate(n, performance.now() - t)}`);

    t = performance.now();
    await log.catchUp();
    console.log(`built the Merkle log (leaves, subtree hashes, checkpoint): ${rate(n, performance.now() - t)}`);
    const audit = new Audit(store, log, key);
    const head = await audit.produceTreeHead();

    let hashingMs = 0;
    for await (const page of store.streamAll(0, { asStored: true })) {
      const started = performance.now();
      for (const event of page) eventLeafHash(event);
      hashingMs += performance.now() - started;
    }
    console.log(`leaf hashing (RFC 8785 canonical form + SHA-256), read time excluded: ${rate(n, hashingMs)}`);

    const result = await verifyLog(store, log, audit.key.publicKey);
    if (!result.ok) throw new Error(`verification failed on an untouched log: ${formatLogVerification(result)}`);
    console.log(`ledger verify (read, hash, compare leaves, rebuild tree, check signed head): ${rate(result.events, result.seconds * 1000)}`);

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
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
