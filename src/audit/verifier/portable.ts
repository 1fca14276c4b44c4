import { canonicalJson } from './canonical-json';

/**
 * The parts of the verifier that need no Node: the exact text that is hashed or signed, and on which side of the
 * running hash each audit-path hash goes. The offline verifier (formats.ts, merkle.ts) and the web app's
 * in-browser check (web/src/audit/verify.ts, with WebCrypto) both build on this file, so they cannot drift apart.
 */

/**
 * The part of a recorded event its leaf commits to. The global position is left out on purpose: KurrentDB
 * assigns it only at commit, so the event's place in the log is its leaf index instead.
 */
export interface LoggedEvent {
  readonly type: string;
  readonly version: number;
  readonly stream: string;
  readonly revision: number;
  readonly data: unknown;
  readonly metadata: unknown;
}

export interface TreeHead {
  readonly treeSize: number;
  /** MTH of the first treeSize leaves, lowercase hex. */
  readonly rootHash: string;
  /** When the ledger signed it (ISO instant, UTC). */
  readonly timestamp: string;
}

export const TREE_HEAD_PURPOSE = 'gnbv-ledger/tree-head/v1';
export const BUNDLE_FORMAT = 'gnbv-ledger/audit-bundle/v1';

/** RFC 8785 text of the event's content; its UTF-8 bytes are the Merkle leaf's entry. */
export function eventCanonicalText(e: LoggedEvent): string {
  const { type, version, stream, revision, data, metadata } = e;
  // A malformed event (a member missing, as a tampered bundle may hold) is canonicalised as the object it is.
  if ([type, version, stream, revision, data, metadata].some((m) => m === undefined)) {
    return canonicalJson({ type, version, stream, revision, data, metadata });
  }
  const { before, after } = eventCanonicalAround(e);
  return `${before}${canonicalJson(revision)}${after}`;
}

/**
 * The canonical text of an event around its revision: eventCanonicalText of the event at revision r is
 * `before + r + after`; `before` holds the canonical texts of data and metadata at the spans given. A store that
 * learns an event's revision only inside its append's transaction (the SQLite writer thread) hashes the event's leaf
 * there from these parts, and stores the data and metadata texts they hold. RFC 8785 orders the envelope's members
 * so: data, metadata, revision, stream, type, version.
 */
export function eventCanonicalAround(e: Omit<LoggedEvent, 'revision'>): {
  readonly before: string;
  readonly after: string;
  readonly data: readonly [start: number, end: number];
  readonly metadata: readonly [start: number, end: number];
} {
  const data = canonicalJson(e.data);
  const metadata = canonicalJson(e.metadata);
  const dataAt = '{"data":'.length;
  const metadataAt = dataAt + data.length + ',"metadata":'.length;
  return {
    before: `{"data":${data},"metadata":${metadata},"revision":`,
    after: `,"stream":${canonicalJson(e.stream)},"type":${canonicalJson(e.type)},"version":${canonicalJson(e.version)}}`,
    data: [dataAt, dataAt + data.length],
    metadata: [metadataAt, metadataAt + metadata.length],
  };
}

/** The text a tree head signature covers. The purpose keeps it from ever being taken for a bundle signature, and back. */
export function treeHeadText(head: TreeHead): string {
  const { treeSize, rootHash, timestamp } = head;
  return canonicalJson({ purpose: TREE_HEAD_PURPOSE, treeSize, rootHash, timestamp });
}

/** The text a bundle signature covers: the whole bundle but its signature. */
export function bundleText(unsignedBundle: unknown): string {
  return canonicalJson({ purpose: BUNDLE_FORMAT, bundle: unsignedBundle });
}

/** Where an audit-path hash goes when the running hash r absorbs it: H(p ‖ r) ("left") or H(r ‖ p) ("right"). */
export type PathSide = 'left' | 'right';

/**
 * RFC 9162 section 2.1.3.2, the walk without the hashing: the side of each of the `proofLength` hashes of the audit
 * path of leaf `index` in a tree of `size` leaves, or null when no proof of that length can lead to the root.
 * Indexes are halved with Math.floor, not shifted with >>, so logs beyond 2^31 leaves work.
 */
export function inclusionPathSides(index: number, size: number, proofLength: number): PathSide[] | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  const isOdd = (n: number) => n % 2 === 1;
  const half = (n: number) => Math.floor(n / 2);
  let fn = index;
  let sn = size - 1;
  const sides: PathSide[] = [];
  for (let i = 0; i < proofLength; i++) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      sides.push('left');
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sides.push('right');
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? sides : null;
}

/**
 * RFC 9162 section 2.1.4.2, the walk without the hashing, for 0 < first < second (the only sizes the RFC defines a
 * consistency proof for): whether the first root is the walk's start (first is a power of two: the proof leaves it
 * out), and for each proof hash after the start, where it goes: "left" of both running hashes (fr = H(c ‖ fr),
 * sr = H(c ‖ sr)) or "right" of the second only (sr = H(sr ‖ c)). Null when no proof of that length can link the
 * two trees, including an empty proof.
 */
export function consistencyPathSteps(
  first: number,
  second: number,
  proofLength: number,
): { readonly startsWithFirstRoot: boolean; readonly steps: readonly PathSide[] } | null {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || !Number.isSafeInteger(proofLength)) return null;
  if (first <= 0 || first >= second || proofLength <= 0) return null;
  const isOdd = (n: number) => n % 2 === 1;
  const half = (n: number) => Math.floor(n / 2);
  const startsWithFirstRoot = isPowerOfTwo(first);
  // The path starts with the first root (prepended) or the proof's first hash; each later element is a step.
  const stepCount = startsWithFirstRoot ? proofLength : proofLength - 1;
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  const steps: PathSide[] = [];
  for (let i = 0; i < stepCount; i++) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      steps.push('left');
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      steps.push('right');
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? { startsWithFirstRoot, steps } : null;
}

/** SHA-256 output size: every leaf, node, root and proof hash is exactly this many bytes. */
export const HASH_BYTES = 32;

export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** Whether each value is a hash: exactly HASH_BYTES bytes. A proof with a shorter or longer one proves nothing. */
export function allHashes(...values: readonly Uint8Array[]): boolean {
  return values.every((v) => v.length === HASH_BYTES);
}
