import { EMPTY_ROOT, isPowerOfTwo, nodeHash } from './verifier/merkle';

export { EMPTY_ROOT, isPowerOfTwo, leafHash, MerkleFrontier, nodeHash, verifyConsistency, verifyInclusion } from './verifier/merkle';

/**
 * Proof generation, RFC 6962 section 2.1 (PATH and SUBPROOF). Where subtree hashes come from is the caller's:
 * a RangeHash returns MTH(D[start:end]) of the log's leaves.
 */
export type RangeHash = (start: number, end: number) => Buffer;

/** The largest power of two smaller than n (n ≥ 2): where MTH splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** PATH(index, D[0:size]): the audit path of one leaf, leaf level first. */
export function inclusionProof(index: number, size: number, mth: RangeHash): Buffer[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`no leaf ${index} in a tree of ${size} leaves`);
  }
  const proof: Buffer[] = [];
  const path = (m: number, start: number, end: number): void => {
    if (end - start === 1) return;
    const k = splitPoint(end - start);
    if (m < k) {
      path(m, start, start + k);
      proof.push(mth(start + k, end));
    } else {
      path(m - k, start + k, end);
      proof.push(mth(start, start + k));
    }
  };
  path(index, 0, size);
  return proof;
}

/** PROOF(first, D[0:second]) = SUBPROOF(first, D[0:second], true); empty when first is 0 or equals second. */
export function consistencyProof(first: number, second: number, mth: RangeHash): Buffer[] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) {
    throw new RangeError(`no consistency proof from ${first} to ${second} leaves`);
  }
  if (first === 0 || first === second) return [];
  const proof: Buffer[] = [];
  const subproof = (m: number, start: number, end: number, whole: boolean): void => {
    if (m === end - start) {
      if (!whole) proof.push(mth(start, end));
      return;
    }
    const k = splitPoint(end - start);
    if (m <= k) {
      subproof(m, start, start + k, whole);
      proof.push(mth(start + k, end));
    } else {
      subproof(m - k, start + k, end, false);
      proof.push(mth(start, start + k));
    }
  };
  subproof(first, 0, second, true);
  return proof;
}

/** A stored complete subtree: level 0 is a leaf; level l, index i covers leaves [i·2^l, (i+1)·2^l). */
export interface SubtreeKey {
  readonly level: number;
  readonly idx: number;
}

export const subtreeId = (level: number, idx: number): string => `${level}/${idx}`;

/** MTH from the stored roots of complete subtrees: any range is a handful of them (O(log n) lookups). */
export function subtreeRangeHash(subtree: (level: number, idx: number) => Buffer): RangeHash {
  const mth: RangeHash = (start, end) => {
    const n = end - start;
    if (n === 0) return EMPTY_ROOT;
    if (isPowerOfTwo(n) && start % n === 0) return subtree(Math.round(Math.log2(n)), start / n);
    const k = splitPoint(n);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return mth;
}

/**
 * Runs a computation (a root, a proof) over stored subtree roots read in one go, for a store read asynchronously: a
 * first pass with placeholder hashes finds which roots it needs, `fetch` reads them, the second pass computes.
 */
export async function withStoredSubtrees<T>(compute: (mth: RangeHash) => T, fetch: (keys: SubtreeKey[]) => Promise<Map<string, Buffer>>): Promise<T> {
  const needed = new Map<string, SubtreeKey>();
  compute(
    subtreeRangeHash((level, idx) => {
      needed.set(subtreeId(level, idx), { level, idx });
      return EMPTY_ROOT;
    }),
  );
  const found = await fetch([...needed.values()]);
  return compute(
    subtreeRangeHash((level, idx) => {
      const hash = found.get(subtreeId(level, idx));
      if (!hash) throw new Error(`the audit log has no node ${idx} at level ${level}`);
      return hash;
    }),
  );
}

/** MTH over leaf hashes held in memory (tests, small logs). */
export function memoryRangeHash(leaves: readonly Buffer[]): RangeHash {
  const mth: RangeHash = (start, end) => {
    if (end === start) return EMPTY_ROOT;
    if (end - start === 1) return leaves[start];
    const k = splitPoint(end - start);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return mth;
}

export function rootOf(leaves: readonly Buffer[]): Buffer {
  return memoryRangeHash(leaves)(0, leaves.length);
}
