import { DocCache, SoleWriter, setHeapBudget } from './doc-cache';

describe('DocCache: two generations of documents', () => {
  // The heap of the test process is not what is tested: past its budget every trim drops the old generation.
  let budget: number;
  beforeAll(() => {
    budget = setHeapBudget(Number.MAX_SAFE_INTEGER);
  });
  afterAll(() => setHeapBudget(budget));

  it('given more documents than its limit, when trimmed, keeps those used since the last trim and drops the others at the next', () => {
    const cache = new DocCache<string>(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    cache.trim(); // 3 used > 2: they become the old generation, none dropped yet
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['A', 'B', 'C']);
    cache.trim(); // a, b, c used again: all young, kept
    cache.get('a');
    cache.set('b', 'B2');
    cache.set('d', 'D');
    cache.trim(); // a, b, d used (3 > 2): c, unused since the last trim, is dropped
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual(['A', 'B2', undefined, 'D']);
  });

  it('given no more documents than its limit, when trimmed, drops none', () => {
    const cache = new DocCache<number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.trim();
    cache.trim();
    cache.set('c', 3);
    cache.trim();
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, 2, 3]);
  });

  it('given the heap past its budget, when trimmed, drops the documents not used since the last trim however few they are', () => {
    const cache = new DocCache<number>(100);
    cache.set('a', 1);
    cache.set('b', 2);
    setHeapBudget(0);
    try {
      cache.trim();
      cache.get('b');
      cache.trim();
    } finally {
      setHeapBudget(Number.MAX_SAFE_INTEGER);
    }
    expect([cache.get('a'), cache.get('b')]).toEqual([undefined, 2]);
  });

  it('while its engine is the sole writer, a key never held is not stored, a dropped one may be; after the end of it, any may be', () => {
    const sole = new SoleWriter(true);
    const cache = new DocCache<string>(1, sole);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.mayBeStored('a')).toBe(false);
    cache.trim();
    cache.set('c', 'C');
    cache.set('d', 'D');
    cache.trim(); // a and b dropped
    expect(cache.get('a')).toBeUndefined();
    expect([cache.mayBeStored('a'), cache.mayBeStored('b'), cache.mayBeStored('never')]).toEqual([true, true, false]);
    sole.end();
    expect(cache.mayBeStored('never')).toBe(true);
  });

  it('when cleared, holds nothing and forgets the keys it dropped', () => {
    const sole = new SoleWriter(true);
    const cache = new DocCache<string>(0, sole);
    cache.set('a', 'A');
    cache.trim();
    cache.set('b', 'B');
    cache.trim(); // a, unused since the first trim, dropped
    expect(cache.mayBeStored('a')).toBe(true);
    cache.clear();
    expect([cache.get('a'), cache.mayBeStored('a')]).toEqual([undefined, false]);
  });
});
