import { getHeapStatistics } from 'node:v8';

/**
 * Heap in use (bytes) above which every cache drops its older generation at its next trim, however few documents
 * it holds: what bounds a rebuild's memory at national scale, where documents are many and of every size. Half the
 * heap V8 may grow to, and never more than 768 MB.
 */
const HEAP_BUDGET = Math.min(getHeapStatistics().heap_size_limit / 2, 768 * 2 ** 20);

/**
 * A small two-generation cache of documents between batches: recent documents stay, old ones age out when it
 * grows past its limit, or when the heap grows past its budget. Only trimmed after a commit, so a document
 * changed in the batch is never dropped before it is written.
 */
export class DocCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.young.set(key, o);
    return o;
  }

  set(key: string, value: V): void {
    this.young.set(key, value);
  }

  trim(): void {
    if (this.young.size > this.limit || (this.young.size > 0 && getHeapStatistics().used_heap_size > HEAP_BUDGET)) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }
}
