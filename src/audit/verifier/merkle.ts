import { createHash } from 'node:crypto';
import { allHashes, inclusionPathSides } from './portable';

/**
 * RFC 6962 hashing and the RFC 9162 (sections 2.1.3.2 and 2.1.4.2) proof verification algorithms.
 * Indexes are JavaScript numbers halved with Math.floor, not shifted with >>, so logs beyond 2^31 leaves work.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function leafHash(entry: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, entry);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** MTH({}): the root of the empty log. */
export const EMPTY_ROOT: Buffer = sha256();

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** Does `proof` show that the leaf with this hash is leaf number `index` of the tree of `size` leaves with this root? */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  // Every value a hash of 32 bytes: an empty leaf and an empty root would otherwise "verify" in a one-leaf tree.
  if (!allHashes(leaf, root, ...proof)) return false;
  const sides = inclusionPathSides(index, size, proof.length);
  if (sides === null) return false;
  let r: Buffer = Buffer.from(leaf);
  proof.forEach((p, i) => {
    r = sides[i] === 'left' ? nodeHash(p, r) : nodeHash(r, p);
  });
  return r.equals(root);
}

/**
 * Does `proof` show that the tree of `secondSize` leaves with `secondRoot` extends the tree of `firstSize` leaves
 * with `firstRoot`, i.e. that nothing among the first `firstSize` leaves changed?
 */
export function verifyConsistency(
  firstSize: number,
  secondSize: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(firstSize) || !Number.isSafeInteger(secondSize)) return false;
  if (!allHashes(firstRoot, secondRoot, ...proof)) return false;
  if (firstSize < 0 || firstSize > secondSize) return false;
  // RFC 9162 defines proofs for 0 < first < second only; the two degenerate cases need no proof at all.
  if (firstSize === secondSize) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (firstSize === 0) return proof.length === 0 && EMPTY_ROOT.equals(firstRoot);
  if (proof.length === 0) return false;

  // When the first tree is a complete subtree of the second, its root is the proof's implicit first element.
  const path = isPowerOfTwo(firstSize) ? [firstRoot, ...proof] : [...proof];
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}
