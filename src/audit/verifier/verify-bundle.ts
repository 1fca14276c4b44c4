/**
 * Offline verifier of an audit bundle (`ledger verify-bundle FILE`, or `node verify-bundle.js FILE` on its own).
 * It needs Node and the four files beside it: no database, no network, no other ledger code.
 *
 * A bundle that verifies proves that each event it contains, exactly as shown, is the leaf at its index in the
 * ledger's Merkle log of treeHead.treeSize events, that the ledger signed that tree head, and that the ledger
 * signed the bundle. Two things remain for the auditor: that the key is the ledger's (compare the fingerprint
 * with the one the ledger publishes, or pass --public-key), and that the tree head is one the ledger showed
 * everybody (check a consistency proof from the heads you already hold to this one: `ledger proof consistency`).
 */
import { createPublicKey, KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  AuditBundle,
  BUNDLE_FORMAT,
  BundleSelection,
  bundleMessage,
  decodeBase64,
  decodeHash,
  eventLeafHash,
  keyFingerprint,
  LoggedEvent,
  publicKeyFromRaw,
  rawPublicKey,
  TreeHead,
  treeHeadMessage,
  verifySignature,
} from './formats';
import { verifyInclusion } from './merkle';

export interface BundleVerification {
  readonly ok: boolean;
  /** Every reason the bundle is rejected; empty when ok. */
  readonly problems: readonly string[];
  /** Events whose inclusion proof verified. */
  readonly verifiedEvents: number;
  readonly selection?: BundleSelection;
  readonly treeHead?: TreeHead;
  readonly keyFingerprint?: string;
}

export function verifyBundle(input: unknown, options: { trustedKey?: KeyObject } = {}): BundleVerification {
  const problems: string[] = [];
  if (!isRecord(input) || input.format !== BUNDLE_FORMAT) {
    return { ok: false, problems: [`not an audit bundle of format ${BUNDLE_FORMAT}`], verifiedEvents: 0 };
  }
  const bundle = input as unknown as AuditBundle;

  // 1. The key. Both encodings must be the same key, and the one the auditor trusts when they named one.
  const key = bundleKey(bundle.publicKey);
  if (typeof key === 'string') return { ok: false, problems: [key], verifiedEvents: 0 };
  if (options.trustedKey && !rawPublicKey(options.trustedKey).equals(rawPublicKey(key))) {
    problems.push(`the bundle is signed by key ${keyFingerprint(key)}, not by the trusted key ${keyFingerprint(options.trustedKey)}`);
  }

  // 2. The tree head: well formed and signed by that key.
  const head = bundle.treeHead;
  const root = isRecord(head) ? decodeHash(head.rootHash) : null;
  if (!isRecord(head) || !isCount(head.treeSize) || root === null || typeof head.timestamp !== 'string') {
    return { ok: false, problems: [...problems, 'the tree head is malformed'], verifiedEvents: 0 };
  }
  if (!verifySignature(treeHeadMessage(head), head.signature, key)) {
    problems.push('the tree head signature does not verify');
  }

  // 3. Each event: its leaf hash, recomputed from its content, and its audit path must lead to the signed root.
  let verifiedEvents = 0;
  const events: unknown[] = Array.isArray(bundle.events) ? bundle.events : [];
  if (!Array.isArray(bundle.events) || events.length === 0) problems.push('the bundle contains no events');
  events.forEach((entry, i) => {
    const proof = isRecord(entry) && Array.isArray(entry.inclusionProof) ? entry.inclusionProof.map(decodeHash) : [];
    const event = isRecord(entry) && isRecord(entry.event) ? entry.event : undefined;
    const name = `event #${i + 1} (${describe(event)})`;
    if (!isRecord(entry) || !event || !isCount(entry.leafIndex) || proof.some((p) => p === null)) {
      problems.push(`${name} is malformed`);
      return;
    }
    const leaf = eventLeafHash(event as unknown as LoggedEvent);
    const included = verifyInclusion(leaf, entry.leafIndex, head.treeSize, proof as Buffer[], root);
    if (included) verifiedEvents += 1;
    else problems.push(`${name} is not leaf ${entry.leafIndex} of the signed tree: its content or its proof was changed`);
  });

  // 4. The bundle as a whole: this covers what the leaves do not (positions, selection, export time).
  const { signature, ...unsigned } = bundle;
  if (!verifySignature(bundleMessage(unsigned), signature, key)) problems.push('the bundle signature does not verify');

  const { treeSize, rootHash, timestamp } = head;
  return {
    ok: problems.length === 0,
    problems,
    verifiedEvents,
    selection: bundle.selection,
    treeHead: { treeSize, rootHash, timestamp },
    keyFingerprint: keyFingerprint(key),
  };
}

/** Reads and verifies a bundle file; `trustedKey` is a PEM or base64 raw Ed25519 public key, or a file holding one. */
export function verifyBundleFile(file: string, trustedKey?: string): BundleVerification {
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`cannot read ${file}: ${(error as Error).message}`], verifiedEvents: 0 };
  }
  if (trustedKey === undefined) return verifyBundle(input);
  try {
    return verifyBundle(input, { trustedKey: parsePublicKey(trustedKey) });
  } catch (error) {
    return { ok: false, problems: [`cannot use the trusted key: ${(error as Error).message}`], verifiedEvents: 0 };
  }
}

export function parsePublicKey(text: string): KeyObject {
  const value = !text.includes('BEGIN') && existsSync(text) ? readFileSync(text, 'utf8').trim() : text.trim();
  if (value.includes('BEGIN')) return createPublicKey(value);
  const raw = decodeBase64(value, 32);
  if (!raw) throw new Error('a public key must be PEM, or the 32 raw Ed25519 bytes in base64');
  return publicKeyFromRaw(raw);
}

export function formatVerification(result: BundleVerification): string {
  const lines: string[] = [];
  if (result.selection) lines.push(`selection: ${JSON.stringify(result.selection)}`);
  if (result.treeHead) {
    const h = result.treeHead;
    lines.push(`tree head: ${h.treeSize} events, root ${h.rootHash}, signed ${h.timestamp}`);
  }
  if (result.keyFingerprint) lines.push(`key: ${result.keyFingerprint}`);
  if (result.ok) {
    lines.push(`OK: ${result.verifiedEvents} events are in the signed log exactly as shown.`);
  } else {
    lines.push('REJECTED:', ...result.problems.map((p) => `  - ${p}`));
  }
  return lines.join('\n');
}

function bundleKey(value: unknown): KeyObject | string {
  if (!isRecord(value)) return 'the bundle carries no public key';
  const raw = decodeBase64(value.ed25519, 32);
  if (!raw || typeof value.pem !== 'string') return 'the public key is malformed';
  try {
    const key = publicKeyFromRaw(raw);
    if (!rawPublicKey(createPublicKey(value.pem)).equals(raw)) return 'the PEM and the raw public key differ';
    return key;
  } catch {
    return 'the public key is malformed';
  }
}

function describe(event: Record<string, unknown> | undefined): string {
  const metadata = event && isRecord(event.metadata) ? event.metadata : undefined;
  return `${String(metadata?.eventId ?? 'no id')}, ${String(event?.type ?? 'no type')} in ${String(event?.stream ?? 'no stream')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

if (require.main === module) {
  const [file, flag, key] = process.argv.slice(2);
  if (!file || (flag !== undefined && (flag !== '--public-key' || key === undefined))) {
    console.error('usage: verify-bundle FILE [--public-key PEM|BASE64|KEYFILE]');
    process.exit(2);
  }
  const result = verifyBundleFile(file, key);
  console.log(formatVerification(result));
  process.exitCode = result.ok ? 0 : 1;
}
