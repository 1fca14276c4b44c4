import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { LedgerConfig, loadConfig } from '../config/ledger-config';
import { progress } from '../shared/progress';
import { createEventStore } from '../store/create-event-store';
import type { EventStore } from '../store/event-store.port';
import { Audit, ConsistencyProof, InclusionProof } from './audit';
import { BundleQuery, BundleQueryInput, parseBundleQuery } from './bundle-selection';
import { MerkleLog, openMerkleLog } from './merkle-log';
import { loadPublicKey, loadSigningKey } from './signing-key';
import type { AuditBundle, SignedTreeHead } from './verifier/formats';
import { BundleVerification, formatVerification, parsePublicKey, verifyBundleFile } from './verifier/verify-bundle';
import { formatLogVerification, LogVerification, PARALLEL_FROM, verifyLog, VerifyOptions } from './verify-log';
import { defaultWitnessFile, formatWitness, witness } from './witness';

/** Opens the store and the Merkle log, runs `work`, and closes both whatever happens. */
async function withLog<T>(config: LedgerConfig, work: (log: MerkleLog, store: EventStore) => Promise<T>): Promise<T> {
  const store = await createEventStore(config);
  try {
    const log = await openMerkleLog(config, store);
    try {
      return await work(log, store);
    } finally {
      await log.close();
    }
  } finally {
    await store.close();
  }
}

/** Like withLog, with the signing key (generated only for an empty log, as at the first start of the server). */
function withAudit<T>(config: LedgerConfig, work: (audit: Audit) => Promise<T> | T): Promise<T> {
  return withLog(config, async (log, store) => work(new Audit(store, log, loadSigningKey(config, { logIsEmpty: (await store.headPosition()) === 0 }).key)));
}

/**
 * `ledger verify`: recomputes every leaf and signed root from the store. Adds nothing to the log. Signatures are
 * checked with `publicKey` (PEM, base64 raw, or a file holding either) or else the configured signing key.
 */
export function runVerify(config: LedgerConfig, publicKey?: string, options: Pick<VerifyOptions, 'workers' | 'parallelFrom' | 'block'> = {}): Promise<LogVerification> {
  const key = publicKey === undefined ? loadPublicKey(config) : parsePublicKey(publicKey);
  return withLog(config, async (log, store) => {
    const total = await store.headPosition();
    const shown = progress('verify', { unit: 'events' });
    try {
      return await verifyLog(store, log, key, { ...options, onProgress: (events) => shown.update(events, Math.max(total, events)) });
    } finally {
      shown.finish();
    }
  });
}

/** `ledger tree-head`: logs the events recorded since the last run, then signs a head over the whole log. */
export function runTreeHead(config: LedgerConfig): Promise<SignedTreeHead> {
  return withAudit(config, async (audit) => {
    await audit.log.catchUp();
    return audit.produceTreeHead();
  });
}

export function runInclusionProof(config: LedgerConfig, eventId: string, treeSize?: number): Promise<InclusionProof> {
  return withAudit(config, async (audit) => {
    await audit.log.catchUp();
    return audit.inclusionProof(eventId, treeSize);
  });
}

export function runConsistencyProof(config: LedgerConfig, first: number, second?: number): Promise<ConsistencyProof> {
  return withAudit(config, async (audit) => {
    await audit.log.catchUp();
    return audit.consistencyProof(first, second);
  });
}

/** `ledger export`: writes the bundle to `file` (default: a name from the selection in the working folder). */
export async function runExport(
  config: LedgerConfig,
  query: BundleQuery,
  file?: string,
): Promise<{ file: string; bundle: AuditBundle }> {
  const bundle = await withAudit(config, (audit) => audit.exportBundle(query));
  const out = file ?? defaultBundleFile(query);
  writeFileSync(out, `${JSON.stringify(bundle, null, 2)}\n`);
  return { file: out, bundle };
}

export function runVerifyBundle(file: string, publicKey?: string): BundleVerification {
  return verifyBundleFile(file, publicKey);
}

function defaultBundleFile(query: BundleQuery): string {
  const [kind, value] = Object.entries(query)[0] as [string, string];
  return `audit-bundle-${kind}-${value.replace(/[^\p{L}\p{N}.-]+/gu, '_')}.json`;
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new Error(`"${value}" is not a whole number`);
  return Number(value);
}

function positiveWhole(option: string, value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) throw new Error(`${option}: "${value}" is not a whole number of at least 1`);
  return Number(value);
}

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

export function registerAuditCommands(program: Command): void {
  program
    .command('verify')
    .description('recompute the Merkle log from the stored events; name the first event that no longer matches')
    .option('--public-key <key>', 'check tree head signatures with this key (PEM, base64 raw, or a file) instead of the configured one')
    .option(
      '--workers <n>',
      `threads to check ranges of the log in (default: the cores available; 1: this thread only); SQLite only, from ${PARALLEL_FROM.toLocaleString('en')} events`,
    )
    .action(async (options: { publicKey?: string; workers?: string }) => {
      const workers = options.workers === undefined ? undefined : positiveWhole('--workers', options.workers);
      const result = await runVerify(loadConfig(), options.publicKey, { workers });
      console.log(formatLogVerification(result));
      if (!result.ok) process.exitCode = 1;
    });

  program
    .command('export')
    .description('write an audit bundle: selected events, their inclusion proofs, a signed tree head and the public key')
    .option('--line <line>', 'fund line: its stream name, or its label like "DA5/NSTW/SN/2024@183"')
    .option('--activity <id>', 'an activity: its own events and the fund-line events that concern it')
    .option('--decision <number>', 'events recorded under a decision, e.g. "4888/QĐ-UBND"')
    .option('--issuer <issuer>', 'narrows --decision by its issuer')
    .option('--date <YYYY-MM-DD>', 'narrows --decision by its date')
    .option('-o, --out <file>', 'where to write the bundle')
    .action(async (options: BundleQueryInput & { out?: string }) => {
      const { file, bundle } = await runExport(loadConfig(), parseBundleQuery(options), options.out);
      console.log(`wrote ${file}: ${bundle.events.length} events, tree head of ${bundle.treeHead.treeSize} events`);
    });

  program
    .command('verify-bundle <file>')
    .description('check an audit bundle offline: no database, no network')
    .option('--public-key <key>', "the ledger's public key (PEM, base64 raw, or a file holding either) the bundle must be signed with")
    .action((file: string, options: { publicKey?: string }) => {
      const result = runVerifyBundle(file, options.publicKey);
      console.log(formatVerification(result));
      if (!result.ok) process.exitCode = 1;
    });

  program
    .command('tree-head')
    .description('log the events recorded since the last run and sign a tree head now; prints it')
    .action(async () => print(await runTreeHead(loadConfig())));

  program
    .command('witness <url>')
    .description("an auditor's check that the ledger's history only grows: fetch its latest signed tree head, check it extends the last one kept, keep it (signed in: a session or API token in LEDGER_TOKEN)")
    .option('--state <file>', 'where the last accepted head is kept (default: ~/.config/gnbv-ledger/witness/<host>.json)')
    .action(async (url: string, options: { state?: string }) => {
      const file = options.state ?? defaultWitnessFile(url);
      const outcome = await witness(url, file, { token: process.env.LEDGER_TOKEN });
      console.log(formatWitness(outcome, file));
      if (outcome.status === 'alarm') process.exitCode = 2;
    });

  const proof = program.command('proof').description('Merkle proofs against the log (RFC 6962)');
  proof
    .command('inclusion <eventId>')
    .description('inclusion proof of an event')
    .option('--tree-size <n>', 'size of the tree to prove against (default: a signed tree head that covers the event)')
    .action(async (eventId: string, options: { treeSize?: string }) => {
      const treeSize = options.treeSize === undefined ? undefined : wholeNumber(options.treeSize);
      print(await runInclusionProof(loadConfig(), eventId, treeSize));
    });
  proof
    .command('consistency <first> [second]')
    .description('consistency proof that the tree of <second> leaves (default: the latest signed head) extends the tree of <first>')
    .action(async (first: string, second?: string) =>
      print(await runConsistencyProof(loadConfig(), wholeNumber(first), second === undefined ? undefined : wholeNumber(second))),
    );
}
