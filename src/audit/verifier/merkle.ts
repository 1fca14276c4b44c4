import { EMPTY_ROOT, MerkleFrontier, leafHash, leafHashOfText, nodeHash, sha256 } from './merkle-core';
import { allHashes, consistencyPathSteps, inclusionPathSides, isPowerOfTwo } from './portable';

/**
 * RFC 6962 hashing (merkle-core.js, shared with the event store's writer thread) and the RFC 9162 (sections 2.1.3.2
 * and 2.1.4.2) proof verification algorithms. The walks (which side each proof hash goes) are portable.ts's, shared
 * with the web app's check.
 */
export { EMPTY_ROOT, MerkleFrontier, leafHash, leafHashOfText, nodeHash, sha256 };

/**
 * Does `proof` show that the leaf with this hash is leaf number `index` of the tree of `size` leaves with this root?
 * Every hash must be 32 bytes: an empty leaf and an empty root must not "verify" a one-leaf tree.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
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
 *
 * RFC 9162 defines a consistency proof for 0 < first < second only (sections 2.1.4.1 and 2.1.4.2), and its
 * verification fails on an empty proof. The degenerate cases are answered as the RFC leaves them:
 *  - first = second: the same tree; there is nothing to prove, so the proof must be empty and the roots equal;
 *  - first = 0: every tree extends the empty one, so no proof can say anything about the second root. This
 *    returns false: a client that holds no head yet has nothing to check, and must take its first head on trust
 *    (and say so), not "verify" it.
 */
export function verifyConsistency(
  firstSize: number,
  secondSize: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): boolean {
  if (!allHashes(firstRoot, secondRoot, ...proof)) return false;
  if (!Number.isSafeInteger(firstSize) || !Number.isSafeInteger(secondSize)) return false;
  if (firstSize > 0 && firstSize === secondSize) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  const walk = consistencyPathSteps(firstSize, secondSize, proof.length);
  if (walk === null) return false;
  const start = walk.startsWithFirstRoot ? firstRoot : proof[0];
  const rest = walk.startsWithFirstRoot ? proof : proof.slice(1);
  let fr: Buffer = Buffer.from(start);
  let sr: Buffer = Buffer.from(start);
  rest.forEach((c, i) => {
    if (walk.steps[i] === 'left') {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
    } else {
      sr = nodeHash(sr, c);
    }
  });
  return fr.equals(firstRoot) && sr.equals(secondRoot);
}

export { isPowerOfTwo };
