import fc from 'fast-check';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  leafHashOfText,
  memoryRangeHash,
  MerkleFrontier,
  nodeHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle';
import { fastCheckSeed } from './seed';

const hex = (b: Buffer) => b.toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');

// The Certificate Transparency reference vectors (RFC 6962 test data, as used by every CT implementation).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
  .map(unhex)
  .map(leafHash);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('Merkle tree (RFC 6962)', () => {
  const mth = memoryRangeHash(CT_LEAVES);

  it('hashes a text leaf as the leaf of its UTF-8 bytes (what verify hashes the stored texts with)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(hex(leafHashOfText(text))).toBe(hex(leafHash(Buffer.from(text, 'utf8'))));
      }),
      { seed: fastCheckSeed('merkle.spec') },
    );
    expect(hex(leafHashOfText('Huyện Văn Quan'))).toBe(hex(leafHash(Buffer.from('Huyện Văn Quan', 'utf8'))));
  });

  it('has the reference root for every size 0..8, in memory and built incrementally', () => {
    const frontier = new MerkleFrontier();
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
    expect(hex(frontier.root())).toBe(CT_ROOTS[0]);
    CT_LEAVES.forEach((leaf, i) => {
      frontier.push(leaf);
      expect(hex(rootOf(CT_LEAVES.slice(0, i + 1)))).toBe(CT_ROOTS[i + 1]);
      expect(hex(frontier.root())).toBe(CT_ROOTS[i + 1]);
    });
  });

  it('produces the reference inclusion proofs', () => {
    expect(inclusionProof(0, 8, mth).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(inclusionProof(5, 8, mth).map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(inclusionProof(0, 1, mth)).toEqual([]);
  });

  it('produces the reference consistency proofs', () => {
    expect(consistencyProof(2, 8, mth).map(hex)).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(consistencyProof(6, 8, mth).map(hex)).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    const proof = consistencyProof(6, 8, mth);
    expect(verifyConsistency(6, 8, proof, unhex(CT_ROOTS[6]), unhex(CT_ROOTS[8]))).toBe(true);
  });

  it('refuses impossible requests and degenerate proofs', () => {
    expect(() => inclusionProof(8, 8, mth)).toThrow(RangeError);
    expect(() => inclusionProof(-1, 8, mth)).toThrow(RangeError);
    expect(() => consistencyProof(5, 3, mth)).toThrow(RangeError);
    const root8 = unhex(CT_ROOTS[8]);
    expect(verifyInclusion(CT_LEAVES[0], 8, 8, [], root8)).toBe(false);
    expect(verifyConsistency(8, 8, [], root8, root8)).toBe(true);
    expect(verifyConsistency(8, 8, [root8], root8, root8)).toBe(false);
    expect(verifyConsistency(0, 8, [], root8, root8)).toBe(false);
    expect(verifyConsistency(6, 8, [], unhex(CT_ROOTS[6]), root8)).toBe(false);
    expect(verifyConsistency(8, 6, [], root8, unhex(CT_ROOTS[6]))).toBe(false);
  });

  describe('the degenerate cases, as RFC 9162 defines them (issue 10)', () => {
    const root1 = CT_LEAVES[0];
    const empty = Buffer.alloc(0);

    it('refuses hashes that are not 32 bytes: an empty leaf and an empty root do not make a one-leaf tree', () => {
      expect(verifyInclusion(root1, 0, 1, [], root1)).toBe(true);
      expect(verifyInclusion(empty, 0, 1, [], empty)).toBe(false);
      expect(verifyInclusion(root1.subarray(0, 31), 0, 1, [], root1.subarray(0, 31))).toBe(false);
      expect(verifyInclusion(Buffer.concat([root1, Buffer.of(0)]), 0, 1, [], Buffer.concat([root1, Buffer.of(0)]))).toBe(false);
      const proof = inclusionProof(1, 2, mth);
      expect(verifyInclusion(CT_LEAVES[1], 1, 2, [...proof.map((p) => p.subarray(0, 16))], mth(0, 2))).toBe(false);
      expect(verifyConsistency(3, 3, [], empty, empty)).toBe(false);
      const c = consistencyProof(3, 8, mth);
      expect(verifyConsistency(3, 8, [...c.slice(0, -1), Buffer.concat([c[c.length - 1], Buffer.of(0)])], mth(0, 3), mth(0, 8))).toBe(false);
    });

    it('from the empty tree, no proof says anything about the second root: it is not "verified"', () => {
      expect(consistencyProof(0, 8, mth)).toEqual([]);
      for (const second of [1, 3, 8]) {
        expect(verifyConsistency(0, second, [], EMPTY_ROOT, mth(0, second))).toBe(false);
        expect(verifyConsistency(0, second, [], EMPTY_ROOT, nodeHash(root1, root1))).toBe(false);
      }
      expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
    });

    it('between equal sizes, only an empty proof of equal roots holds', () => {
      expect(verifyConsistency(5, 5, [], mth(0, 5), mth(0, 5))).toBe(true);
      expect(verifyConsistency(5, 5, [], mth(0, 5), mth(0, 6))).toBe(false);
      expect(verifyConsistency(5, 5, [mth(0, 5)], mth(0, 5), mth(0, 5))).toBe(false);
    });

    it('an empty proof between different sizes fails, even where the first tree is a power of two', () => {
      expect(verifyConsistency(4, 8, [], mth(0, 4), mth(0, 8))).toBe(false);
      expect(verifyConsistency(4, 8, consistencyProof(4, 8, mth), mth(0, 4), mth(0, 8))).toBe(true);
    });
  });

  describe('over random logs (property-based)', () => {
    const seed = fastCheckSeed('merkle.spec');
    // Distinct leaves: a log where two leaves are equal can legitimately prove a leaf at either index.
    const log = fc
      .array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 150 })
      .map((entries) => entries.map((e, i) => leafHash(Buffer.concat([Buffer.from(e), Buffer.from(String(i))]))));
    const withIndex = log.chain((leaves) => fc.tuple(fc.constant(leaves), fc.nat({ max: leaves.length - 1 })));
    const withSizes = log.chain((leaves) =>
      fc.tuple(fc.constant(leaves), fc.nat({ max: leaves.length })).chain(([l, second]) =>
        fc.tuple(fc.constant(l), fc.nat({ max: second }), fc.constant(second)),
      ),
    );
    const bitFlip = fc.tuple(fc.nat(), fc.nat({ max: 255 }));

    it('every inclusion proof verifies, and the incremental root agrees', () => {
      fc.assert(
        fc.property(withIndex, ([leaves, index]) => {
          const mth = memoryRangeHash(leaves);
          const frontier = new MerkleFrontier();
          leaves.forEach((l) => frontier.push(l));
          expect(frontier.root()).toEqual(mth(0, leaves.length));
          for (let size = index + 1; size <= leaves.length; size++) {
            expect(verifyInclusion(leaves[index], index, size, inclusionProof(index, size, mth), mth(0, size))).toBe(true);
          }
        }),
        { seed, numRuns: 200 },
      );
    });

    // Not the size: a left-edge path reads the same in trees of several sizes; the signed head binds size to root.
    it('a tampered inclusion proof, leaf, index or root fails', () => {
      fc.assert(
        fc.property(withIndex, bitFlip, ([leaves, index], [at, bit]) => {
          const size = leaves.length;
          const mth = memoryRangeHash(leaves);
          const proof = inclusionProof(index, size, mth);
          const root = mth(0, size);
          const other = leaves[(index + 1) % size];
          if (size > 1) expect(verifyInclusion(other, index, size, proof, root)).toBe(false);
          if (size > 1) expect(verifyInclusion(leaves[index], (index + 1) % size, size, proof, root)).toBe(false);
          expect(verifyInclusion(leaves[index], index, size, proof, flip(root, at, bit))).toBe(false);
          expect(verifyInclusion(leaves[index], index, size, [...proof, root], root)).toBe(false);
          if (proof.length > 0) {
            const i = at % proof.length;
            expect(verifyInclusion(leaves[index], index, size, proof.map((p, j) => (j === i ? flip(p, at, bit) : p)), root)).toBe(false);
            expect(verifyInclusion(leaves[index], index, size, proof.slice(1), root)).toBe(false);
          }
        }),
        { seed, numRuns: 200 },
      );
    });

    it('every consistency proof verifies', () => {
      fc.assert(
        fc.property(withSizes, ([leaves, first, second]) => {
          const mth = memoryRangeHash(leaves);
          const proof = consistencyProof(first, second, mth);
          // From the empty tree RFC 9162 defines no proof: nothing is verified (see the degenerate cases).
          expect(verifyConsistency(first, second, proof, mth(0, first), mth(0, second))).toBe(first > 0);
        }),
        { seed, numRuns: 300 },
      );
    });

    it('a tampered consistency proof, or a rewritten earlier leaf, fails', () => {
      fc.assert(
        fc.property(withSizes, bitFlip, ([leaves, first, second], [at, bit]) => {
          fc.pre(first > 0 && first < second);
          const mth = memoryRangeHash(leaves);
          const proof = consistencyProof(first, second, mth);
          const firstRoot = mth(0, first);
          const secondRoot = mth(0, second);
          const i = at % proof.length;
          expect(verifyConsistency(first, second, proof.map((p, j) => (j === i ? flip(p, at, bit) : p)), firstRoot, secondRoot)).toBe(false);
          expect(verifyConsistency(first, second, proof.slice(1), firstRoot, secondRoot)).toBe(false);
          expect(verifyConsistency(first, second, [...proof, secondRoot], firstRoot, secondRoot)).toBe(false);
          expect(verifyConsistency(first, second, proof, flip(firstRoot, at, bit), secondRoot)).toBe(false);
          expect(verifyConsistency(first, second, proof, firstRoot, flip(secondRoot, at, bit))).toBe(false);

          // The same log with one leaf before `first` rewritten: its proof cannot link to the old root.
          const rewritten = leaves.map((l, j) => (j === at % first ? nodeHash(l, l) : l));
          const rewrittenMth = memoryRangeHash(rewritten);
          const rewrittenProof = consistencyProof(first, second, rewrittenMth);
          expect(verifyConsistency(first, second, rewrittenProof, firstRoot, rewrittenMth(0, second))).toBe(false);
        }),
        { seed, numRuns: 300 },
      );
    });
  });
});

/** A copy with one bit changed. */
function flip(hash: Buffer, at: number, bit: number): Buffer {
  const copy = Buffer.from(hash);
  copy[at % copy.length] ^= 1 << bit % 8;
  return copy;
}
