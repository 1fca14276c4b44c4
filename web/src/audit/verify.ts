/**
 * The auditor's check, done in the browser with WebCrypto instead of taking the server's word: are the history
 * rows on screen exactly events of the ledger's signed Merkle log?
 *
 * From the audit bundle of the line (GET /audit/bundles?line=STREAM) it recomputes, for every event, the leaf hash
 * SHA-256(0x00 ‖ RFC 8785 bytes of the event) from the event's content (never a hash the server gives), walks its
 * RFC 6962 audit path to the root, and checks that root against the tree head, whose Ed25519 signature it
 * verifies; it verifies the bundle's own signature (which binds each event's global position); then it matches
 * every row shown to the verified event at the row's position, field by field. Anything that does not hold is a
 * problem naming the row. The texts hashed and signed and the audit-path walk come from the offline verifier
 * (src/audit/verifier/portable.ts). Pure apart from WebCrypto: the tests run it in Node too.
 */
import { allHashes, BUNDLE_FORMAT, bundleText, eventCanonicalText, inclusionPathSides, LoggedEvent, treeHeadText } from '../../../src/audit/verifier/portable';
import { sameAmount } from '../format';

/** What a history row shows that its event must back. */
export interface ShownRow {
  readonly position: number;
  readonly type: string;
  readonly amount: string;
  readonly effectiveDate: string;
  readonly recordedAt: string;
  readonly recordedBy: { readonly id: string; readonly role: string };
  readonly basis: { readonly kind: string; readonly number?: string; readonly date: string; readonly issuer?: string; readonly treasury?: string };
  readonly activityId?: string;
  readonly reference?: string;
}

/** What can be wrong; each is a phrase of the dictionary (i18n.tsx), so it reads in the user's language. */
export type VerificationKey =
  | 'verify.p.keyMalformed'
  | 'verify.p.keyDiffers'
  | 'verify.p.headMalformed'
  | 'verify.p.headSignature'
  | 'verify.p.bundleSignature'
  | 'verify.p.eventNotIncluded'
  | 'verify.p.rowNotInBundle'
  | 'verify.p.rowMismatch'
  | 'verify.p.rowUnverified'
  | 'verify.p.lineMismatch'
  | 'verify.p.noWebCrypto';

/** A finding, as a dictionary key and its parameters. */
export interface VerificationProblem {
  readonly key: VerificationKey;
  readonly params?: Readonly<Record<string, string | number>>;
  /** The shown row's position, when the problem is about a row. */
  readonly position?: number;
}

export interface Verification {
  readonly ok: boolean;
  readonly problems: readonly VerificationProblem[];
  /** Per shown row (by position): did its event verify and match it? */
  readonly rows: ReadonlyMap<number, boolean>;
  readonly verifiedEvents: number;
  readonly treeHead?: { readonly treeSize: number; readonly rootHash: string; readonly timestamp: string };
  /** sha256:<hex of the 32 raw key bytes>, the form the ledger publishes. */
  readonly keyFingerprint?: string;
}

export interface VerifyOptions {
  /** The key the ledger publishes at /audit/public-key (raw, base64): the bundle must be signed by it. */
  readonly publishedKey?: string;
  /** Where the running number of the first row starts (rows on later pages). */
  readonly firstRowNumber?: number;
}

/** WebCrypto: the browser's, or Node's in the tests. */
export type Subtle = Pick<typeof globalThis.crypto.subtle, 'digest' | 'importKey' | 'verify'>;
type Key = Awaited<ReturnType<Subtle['importKey']>>;

const encoder = new TextEncoder();
/** Bytes backed by a plain ArrayBuffer, as WebCrypto takes them. */
export type Bytes = Uint8Array<ArrayBuffer>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strict base64: only the canonical encoding of exactly `length` bytes (as the offline verifier requires). */
export function decodeBase64(value: unknown, length: number): Bytes | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
  let binary: string;
  try {
    binary = atob(value);
  } catch {
    return null;
  }
  if (binary.length !== length || btoa(binary) !== value) return null;
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A SHA-256 hash as the ledger writes it: 64 lowercase hex digits. */
export function decodeHash(value: unknown): Bytes | null {
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export async function sha256(subtle: Subtle, ...parts: Uint8Array[]): Promise<Bytes> {
  return new Uint8Array(await subtle.digest('SHA-256', concat(...parts)));
}

const LEAF = Uint8Array.of(0x00);
export const NODE = Uint8Array.of(0x01);

/** Is this event, exactly as it is, leaf `index` of the tree of `size` leaves with this root? */
async function included(subtle: Subtle, event: LoggedEvent, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): Promise<boolean> {
  if (!allHashes(root, ...proof)) return false;
  const sides = inclusionPathSides(index, size, proof.length);
  if (sides === null) return false;
  let r = await sha256(subtle, LEAF, encoder.encode(eventCanonicalText(event)));
  for (let i = 0; i < proof.length; i++) {
    r = sides[i] === 'left' ? await sha256(subtle, NODE, proof[i], r) : await sha256(subtle, NODE, r, proof[i]);
  }
  return equal(r, root);
}

export async function signatureHolds(subtle: Subtle, key: Key, signature: unknown, text: string): Promise<boolean> {
  const bytes = decodeBase64(signature, 64);
  if (!bytes) return false;
  try {
    return await subtle.verify({ name: 'Ed25519' }, key, bytes, encoder.encode(text));
  } catch {
    return false;
  }
}

/** The fields of a row that its event states, compared exactly; the first that differs, or null. */
function mismatch(row: ShownRow, event: LoggedEvent): { field: string; shown: string; signed: string } | null {
  const data = (isRecord(event.data) ? event.data : {}) as Record<string, unknown>;
  const meta = (isRecord(event.metadata) ? event.metadata : {}) as Record<string, unknown>;
  const actor = (isRecord(meta.actor) ? meta.actor : {}) as Record<string, unknown>;
  const basis = (isRecord(meta.legalBasis) ? meta.legalBasis : {}) as Record<string, unknown>;
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  if (row.type !== event.type) return { field: 'type', shown: row.type, signed: s(event.type) };
  if (!sameAmount(row.amount, data.amount)) return { field: 'amount', shown: row.amount, signed: s(data.amount) };
  if (row.effectiveDate !== meta.effectiveDate) return { field: 'effectiveDate', shown: row.effectiveDate, signed: s(meta.effectiveDate) };
  if (row.recordedAt !== meta.recordedAt) return { field: 'recordedAt', shown: row.recordedAt, signed: s(meta.recordedAt) };
  if (row.recordedBy.id !== actor.id || row.recordedBy.role !== actor.role) {
    return { field: 'recordedBy', shown: `${row.recordedBy.id} (${row.recordedBy.role})`, signed: `${s(actor.id)} (${s(actor.role)})` };
  }
  const shownBy = row.basis.kind === 'decision' ? row.basis.issuer : row.basis.kind === 'voucher' ? row.basis.treasury : undefined;
  const signedBy = basis.kind === 'decision' ? basis.issuer : basis.kind === 'voucher' ? basis.treasury : undefined;
  if (row.basis.kind !== basis.kind || s(row.basis.number) !== s(basis.number) || row.basis.date !== basis.date || s(shownBy) !== s(signedBy)) {
    const text = (b: { kind?: unknown; number?: unknown; date?: unknown }, by: unknown) => [b.kind, b.number, b.date, by].filter((x) => x).map(String).join(' ');
    return { field: 'basis', shown: text(row.basis, shownBy), signed: text(basis, signedBy) };
  }
  const activity = data.activityId ?? (event.type === 'FundsMovedOut' ? data.fromActivityId : event.type === 'FundsMovedIn' ? data.toActivityId : undefined);
  if (s(row.activityId) !== s(activity)) return { field: 'activityId', shown: s(row.activityId), signed: s(activity) };
  const reference = data.disbursementId ?? data.adjustmentId ?? data.carryOverId ?? data.returnId;
  if (s(row.reference) !== s(reference)) return { field: 'reference', shown: s(row.reference), signed: s(reference) };
  return null;
}

/** Checks the rows shown for fund line `stream` against its audit bundle. Never throws: every failure is a problem. */
export async function verifyRows(
  rows: readonly ShownRow[],
  stream: string,
  bundleInput: unknown,
  options: VerifyOptions = {},
  // Browsers give WebCrypto to secure contexts only: pages over HTTPS, or from localhost.
  subtle: Subtle | null = globalThis.crypto?.subtle ?? null,
): Promise<Verification> {
  const problems: VerificationProblem[] = [];
  const rowStatus = new Map<number, boolean>(rows.map((r) => [r.position, false]));
  const fail = (): Verification => ({ ok: false, problems, rows: rowStatus, verifiedEvents: 0 });
  if (!subtle) {
    problems.push({ key: 'verify.p.noWebCrypto' });
    return fail();
  }
  if (!isRecord(bundleInput) || bundleInput.format !== BUNDLE_FORMAT) {
    problems.push({ key: 'verify.p.headMalformed' });
    return fail();
  }
  const bundle = bundleInput;

  // 1. The key: the one in the bundle, which must be the one the ledger publishes.
  const publicKey = isRecord(bundle.publicKey) ? bundle.publicKey : {};
  const raw = decodeBase64(publicKey.ed25519, 32);
  if (!raw) {
    problems.push({ key: 'verify.p.keyMalformed' });
    return fail();
  }
  const keyFingerprint = `sha256:${hex(await sha256(subtle, raw))}`;
  if (options.publishedKey !== undefined && options.publishedKey !== publicKey.ed25519) {
    const published = decodeBase64(options.publishedKey, 32);
    problems.push({ key: 'verify.p.keyDiffers', params: { bundle: keyFingerprint, published: published ? `sha256:${hex(await sha256(subtle, published))}` : String(options.publishedKey) } });
  }
  let key: Key;
  try {
    key = await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    problems.push({ key: 'verify.p.keyMalformed' });
    return fail();
  }

  // 2. The tree head, and its signature.
  const head = isRecord(bundle.treeHead) ? bundle.treeHead : {};
  const root = decodeHash(head.rootHash);
  const treeSize = head.treeSize;
  if (root === null || !Number.isSafeInteger(treeSize) || (treeSize as number) < 0 || typeof head.timestamp !== 'string') {
    problems.push({ key: 'verify.p.headMalformed' });
    return fail();
  }
  const treeHead = { treeSize: treeSize as number, rootHash: head.rootHash as string, timestamp: head.timestamp };
  if (!(await signatureHolds(subtle, key, head.signature, treeHeadText(treeHead)))) problems.push({ key: 'verify.p.headSignature' });

  // 3. The bundle's signature: it binds what leaves cannot, each event's global position among them.
  const { signature, ...unsigned } = bundle;
  if (!(await signatureHolds(subtle, key, signature, bundleText(unsigned)))) problems.push({ key: 'verify.p.bundleSignature' });
  const selection = isRecord(bundle.selection) ? bundle.selection : {};
  if (selection.kind !== 'line' || selection.stream !== stream) {
    problems.push({ key: 'verify.p.lineMismatch', params: { bundle: String(selection.stream ?? selection.kind), shown: stream } });
  }

  // Without a valid key, tree head, bundle signature and selection, no row can be vouched for.
  const trusted = problems.length === 0;

  // 4. Each event: its leaf recomputed from its content, up its audit path, to the signed root.
  const verified = new Map<number, LoggedEvent>();
  const entries: unknown[] = Array.isArray(bundle.events) ? bundle.events : [];
  for (const entry of entries) {
    const e = isRecord(entry) ? entry : {};
    const event = isRecord(e.event) ? (e.event as unknown as LoggedEvent & { position: number; metadata: { eventId?: string } }) : null;
    const proof = Array.isArray(e.inclusionProof) ? e.inclusionProof.map(decodeHash) : [null];
    const leafIndex = e.leafIndex;
    const ok =
      event !== null &&
      Number.isSafeInteger(leafIndex) &&
      !proof.some((p) => p === null) &&
      event.stream === stream &&
      (await included(subtle, event, leafIndex as number, treeHead.treeSize, proof as Bytes[], root));
    if (ok && event) verified.set(event.position, event);
    else {
      problems.push({
        key: 'verify.p.eventNotIncluded',
        params: { eventId: String(event?.metadata?.eventId ?? '?'), position: String(event?.position ?? '?'), leaf: String(leafIndex) },
        position: event?.position,
      });
    }
  }

  // 5. Each row shown: the verified event at its position, saying the same thing.
  const firstRow = options.firstRowNumber ?? 1;
  rows.forEach((row, i) => {
    const params = { row: firstRow + i, type: row.type, position: row.position };
    const inBundle = entries.some((x) => isRecord(x) && isRecord(x.event) && x.event.position === row.position);
    const event = verified.get(row.position);
    if (!event) {
      problems.push({ key: inBundle ? 'verify.p.rowUnverified' : 'verify.p.rowNotInBundle', params, position: row.position });
      return;
    }
    const diff = mismatch(row, event);
    if (diff) {
      problems.push({ key: 'verify.p.rowMismatch', params: { ...params, field: diff.field, shown: diff.shown, signed: diff.signed }, position: row.position });
      return;
    }
    rowStatus.set(row.position, trusted);
  });

  return { ok: problems.length === 0, problems, rows: rowStatus, verifiedEvents: verified.size, treeHead, keyFingerprint };
}
