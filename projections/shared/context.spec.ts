import fc from 'fast-check';
import { fnv1a, fnv1aBigInt } from './context';

describe('fnv1a', () => {
  it('is 64-bit FNV-1a: the known values, and the BigInt definition on any text', () => {
    expect(fnv1a('')).toBe('cbf29ce484222325');
    expect(fnv1a('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a('foobar')).toBe('85944171f73967e8');
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.info(`context.spec: fast-check seed ${seed} (replay with FC_SEED=${seed})`);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => fnv1a(text) === fnv1aBigInt(text)), { seed, numRuns: 500 });
  });
});
