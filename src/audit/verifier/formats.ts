import { createPublicKey, KeyObject, verify } from 'node:crypto';
import { leafHashOfText, sha256 } from './merkle';
import { TEMPLATE_ROOT, TEMPLATE_SIZE, TEMPLATE_TIME } from './merkle-core';
import { BUNDLE_FORMAT, bundleText, eventCanonicalText, LoggedEvent, TreeHead, treeHeadText } from './portable';

/**
 * What the ledger hashes and signs, and the audit bundle it hands out. Shared by the ledger and the offline
 * verifier, so both read the same definitions; the texts themselves are built in portable.ts.
 */
export { BUNDLE_FORMAT };
export type { LoggedEvent, TreeHead };

export function eventCanonicalBytes(e: LoggedEvent): Buffer {
  return Buffer.from(eventCanonicalText(e), 'utf8');
}

export function eventLeafHash(e: LoggedEvent): Buffer {
  return leafHashOfText(eventCanonicalText(e));
}

export interface SignedTreeHead extends TreeHead {
  /** Ed25519 signature of treeHeadMessage(head), base64. */
  readonly signature: string;
}

/**
 * treeHeadText with placeholders (merkle-core.js fills them): how the event store's writer thread signs the seal with
 * exactly the text every verifier checks.
 */
export const TREE_HEAD_TEMPLATE = treeHeadText({ treeSize: TEMPLATE_SIZE, rootHash: TEMPLATE_ROOT, timestamp: TEMPLATE_TIME });

/** The bytes a tree head signature covers (see treeHeadText). */
export function treeHeadMessage(head: TreeHead): Buffer {
  return Buffer.from(treeHeadText(head), 'utf8');
}

export type BundleSelection =
  | { readonly kind: 'line'; readonly stream: string }
  | { readonly kind: 'activity'; readonly activityId: string }
  | { readonly kind: 'decision'; readonly number: string; readonly issuer?: string; readonly date?: string };

export interface BundleEvent {
  readonly leafIndex: number;
  /** The full recorded event, as the store returns it. */
  readonly event: LoggedEvent & { readonly position: number };
  /** RFC 6962 audit path of the leaf in the tree of treeHead.treeSize leaves, lowercase hex, leaf level first. */
  readonly inclusionProof: readonly string[];
}

export interface AuditBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly selection: BundleSelection;
  readonly exportedAt: string;
  /** The ledger's Ed25519 public key: the 32 raw bytes in base64, and the same key as SPKI PEM. */
  readonly publicKey: { readonly ed25519: string; readonly pem: string };
  readonly treeHead: SignedTreeHead;
  readonly events: readonly BundleEvent[];
  /**
   * Ed25519 signature of bundleMessage(everything above), base64. The leaves already bind each event's content;
   * this binds what they cannot (positions, the selection, the export time), so that no field can change unnoticed.
   */
  readonly signature: string;
}

export type UnsignedAuditBundle = Omit<AuditBundle, 'signature'>;

export function bundleMessage(bundle: UnsignedAuditBundle): Buffer {
  return Buffer.from(bundleText(bundle), 'utf8');
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function rawPublicKey(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`expected an Ed25519 key, got ${String(key.asymmetricKeyType)}`);
  return Buffer.from(String(key.export({ format: 'jwk' }).x), 'base64url');
}

/** How people compare keys: "sha256:" and the hex SHA-256 of the 32 raw bytes. */
export function keyFingerprint(key: KeyObject): string {
  return `sha256:${sha256(rawPublicKey(key)).toString('hex')}`;
}

export function verifySignature(message: Buffer, signature: unknown, key: KeyObject): boolean {
  const bytes = decodeBase64(signature, 64);
  return bytes !== null && verify(null, message, key, bytes);
}

/**
 * Strict decoding: Node's decoder ignores stray characters and the unused bits of the last character, so two
 * different strings could carry one signature. Only the canonical encoding of exactly `length` bytes is accepted.
 */
export function decodeBase64(value: unknown, length: number): Buffer | null {
  if (typeof value !== 'string') return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === length && bytes.toString('base64') === value ? bytes : null;
}

export function decodeHash(value: unknown): Buffer | null {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? Buffer.from(value, 'hex') : null;
}
