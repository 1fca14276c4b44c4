/**
 * A small two-generation cache of documents between batches: recent documents stay, old ones age out when it
 * grows past its limit. Only trimmed after a commit, so a document changed in the batch is never dropped
 * before it is written.
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
    if (this.young.size > this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }
}
