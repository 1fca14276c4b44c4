import { EMPTY_ROOT, nodeHash } from './verifier/merkle';

export { EMPTY_ROOT, isPowerOfTwo, leafHash, nodeHash, verifyConsistency, verifyInclusion } from './verifier/merkle';

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

/**
 * MTH computed one leaf at a time in O(log n) memory: it keeps the roots of the complete subtrees along the
 * right edge, largest first, which is the order in which MTH nests them for any size.
 */
export class MerkleFrontier {
  private readonly subtrees: Array<{ hash: Buffer; leaves: number }> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leaf: Buffer): void {
    let node = { hash: leaf, leaves: 1 };
    for (let top = this.subtrees.at(-1); top && top.leaves === node.leaves; top = this.subtrees.at(-1)) {
      this.subtrees.pop();
      node = { hash: nodeHash(top.hash, node.hash), leaves: node.leaves * 2 };
    }
    this.subtrees.push(node);
    this.count += 1;
  }

  root(): Buffer {
    if (this.subtrees.length === 0) return EMPTY_ROOT;
    let root = this.subtrees[this.subtrees.length - 1].hash;
    for (let i = this.subtrees.length - 2; i >= 0; i--) root = nodeHash(this.subtrees[i].hash, root);
    return root;
  }
}
