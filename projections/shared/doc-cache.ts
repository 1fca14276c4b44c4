import { getHeapStatistics } from 'node:v8';

/**
 * Heap in use (bytes) above which every cache drops its older generation at its next trim, however few documents
 * it holds: what bounds a rebuild's memory at national scale, where documents are many and of every size. Half the
 * heap V8 may grow to, and never more than 768 MB.
 */
let heapBudget = Math.min(getHeapStatistics().heap_size_limit / 2, 768 * 2 ** 20);

/**
 * Whether the heap in use, with the memory its objects hold outside it (typed arrays: CounterTable, KeySieve), is past
 * the budget the caches keep to (a rebuild then writes what it holds ahead of its commit). Both count garbage until a
 * collection frees it.
 */
export function overHeapBudget(): boolean {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory > heapBudget;
}

/** Sets this thread's heap budget (bytes): a thread that only rebuilds keeps to a smaller one (rebuild-thread.ts). Returns the one before. */
export function setHeapBudget(bytes: number): number {
  const before = heapBudget;
  heapBudget = bytes;
  return before;
}

/**
 * Whether one engine's projectors wrote every row of their tables themselves, from empty: true while a rebuild fills
 * a fresh generation alone and has not reloaded. Then a document a projector never held is not stored, and a miss of
 * its cache needs no read (on PostgreSQL, no round trip). The engine ends it for good at any reload (a batch rolled
 * back, another writer moved the checkpoint): from then on only the tables know what is stored.
 */
export class SoleWriter {
  private on: boolean;

  constructor(on: boolean) {
    this.on = on;
  }

  get active(): boolean {
    return this.on;
  }

  end(): void {
    this.on = false;
  }
}

/** Keys a cache dropped while its engine was the sole writer: 2^25 bits (4 MB), allocated at the first drop. */
const SIEVE_BITS = 2 ** 25;

/**
 * The keys a cache dropped, as a Bloom filter (3 bits per key): `mayHave` is true for every key added and, rarely, for
 * one that was not (then its document is read, and found absent). Its size is fixed whatever the number of documents:
 * at 750 000 dropped keys about 1 key in 3 600 is a false hit, at 7.5 million about 1 in 9.
 */
export class KeySieve {
  private readonly bits = new Int32Array(SIEVE_BITS / 32);

  add(key: string): void {
    let h = hash(key);
    const step = mix(h);
    for (let i = 0; i < 3; i++, h += step) {
      const bit = h & (SIEVE_BITS - 1);
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    }
  }

  mayHave(key: string): boolean {
    let h = hash(key);
    const step = mix(h);
    for (let i = 0; i < 3; i++, h += step) {
      const bit = h & (SIEVE_BITS - 1);
      if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A second, odd hash derived from the first (double hashing: the filter's other bits are h + step, h + 2 × step). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) | 1) >>> 0;
}

const NOT_SOLE = new SoleWriter(false);

/**
 * The keys a projector wrote rows under (a line's day rows, a flag), remembered while its engine is the sole writer of
 * the tables: then a key never written has no row, and need not be read. Once the engine reloads, every key may.
 */
export class WrittenKeys<K> {
  private readonly keys = new Set<K>();

  constructor(private readonly sole: SoleWriter) {}

  add(key: K): void {
    if (this.sole.active) this.keys.add(key);
  }

  mayBeStored(key: K): boolean {
    return !this.sole.active || this.keys.has(key);
  }

  clear(): void {
    this.keys.clear();
  }
}

/**
 * A small two-generation cache of documents between batches: recent documents stay, old ones age out when it
 * grows past its limit, or when the heap grows past its budget. Only trimmed after a commit, so a document
 * changed in the batch is never dropped before it is written.
 *
 * While its engine is the sole writer of the tables, the cache also answers whether a document it does not hold may
 * be stored (`mayBeStored`): not if the cache never held it, since every stored document went through it. The keys it
 * drops are remembered for that (a KeySieve).
 */
export class DocCache<V> {
  /**
   * Every document held, with the generation it was last used in: `age` is the current one (young), `age - 1` the one
   * before (old). One lookup a use, where a pair of maps took two and an insert for each old document used again.
   */
  private held = new Map<string, Held<V>>();
  private age = 0;
  /** Documents used in the current generation. */
  private young = 0;
  private dropped: KeySieve | null = null;

  constructor(
    private readonly limit: number,
    private readonly sole: SoleWriter = NOT_SOLE,
  ) {}

  get(key: string): V | undefined {
    const h = this.held.get(key);
    if (h === undefined) return undefined;
    if (h.age !== this.age) {
      h.age = this.age;
      this.young += 1;
    }
    return h.value;
  }

  set(key: string, value: V): void {
    const h = this.held.get(key);
    if (h === undefined) {
      this.held.set(key, { value, age: this.age });
      this.young += 1;
      return;
    }
    h.value = value;
    if (h.age !== this.age) {
      h.age = this.age;
      this.young += 1;
    }
  }

  /**
   * Whether the document of a key this cache does not hold (`get` gave undefined) may be in the tables: always, unless
   * the engine is their sole writer and the cache never dropped that key. False: it is certainly not, do not read it.
   */
  mayBeStored(key: string): boolean {
    return !this.sole.active || (this.dropped !== null && this.dropped.mayHave(key));
  }

  /** Past its limit or the heap budget: drops the old generation (the documents not used since the last trim), and ages the young one. */
  trim(): void {
    if (this.young > this.limit || (this.young > 0 && overHeapBudget())) {
      for (const [key, h] of this.held) {
        if (h.age === this.age) continue;
        this.held.delete(key);
        if (this.sole.active) {
          this.dropped ??= new KeySieve();
          this.dropped.add(key);
        }
      }
      this.age += 1;
      this.young = 0;
    }
  }

  clear(): void {
    this.held = new Map();
    this.young = 0;
    this.dropped = null;
  }
}

interface Held<V> {
  value: V;
  /** The generation (DocCache.age) it was last used in. */
  age: number;
}
