const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Rows per chunk: a table grows a chunk at a time, never copying the rows it holds. */
const CHUNK_SHIFT = 12;
const CHUNK_ROWS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_ROWS - 1;

/**
 * Rows of fixed width in typed arrays, outside the garbage-collected heap: each row has `cents` exact integer
 * counters (money in cents, see cents.ts) and `numbers` plain numeric fields (ids, counts, positions). What a fold
 * holds for every document of a kind, at about a tenth of the memory the same row takes as an object of BigInts, and
 * with nothing for the garbage collector to walk.
 *
 * A counter is an int64 cell while it fits, which is what the read models' INTEGER columns hold; a sum beyond int64
 * (cents.ts allows amounts up to 10^20 đồng) is kept exact in a map beside the cells, and read from there.
 * The bytes the chunks take count in the heap budget (V8's external memory: overHeapBudget), as the documents they
 * replace did.
 */
export class CounterTable {
  private readonly centChunks: BigInt64Array[] = [];
  private readonly numberChunks: Float64Array[] = [];
  /** Counters whose value is beyond int64, by cell (row × cents + column). */
  private beyond = new Map<number, bigint>();
  private count = 0;

  constructor(
    readonly cents: number,
    readonly numbers: number,
  ) {}

  get rows(): number {
    return this.count;
  }

  /** A new row, every field 0. Its index is the number of rows before it. */
  addRow(): number {
    const row = this.count++;
    if ((row & CHUNK_MASK) === 0) {
      this.centChunks.push(new BigInt64Array(CHUNK_ROWS * this.cents));
      this.numberChunks.push(new Float64Array(CHUNK_ROWS * this.numbers));
    }
    return row;
  }

  cent(row: number, column: number): bigint {
    if (this.beyond.size > 0) {
      const big = this.beyond.get(row * this.cents + column);
      if (big !== undefined) return big;
    }
    return this.centChunks[row >>> CHUNK_SHIFT][(row & CHUNK_MASK) * this.cents + column];
  }

  setCent(row: number, column: number, value: bigint): void {
    const chunk = this.centChunks[row >>> CHUNK_SHIFT];
    const at = (row & CHUNK_MASK) * this.cents + column;
    if (value <= INT64_MAX && value >= INT64_MIN) {
      chunk[at] = value;
      if (this.beyond.size > 0) this.beyond.delete(row * this.cents + column);
    } else {
      chunk[at] = 0n;
      this.beyond.set(row * this.cents + column, value);
    }
  }

  addCent(row: number, column: number, delta: bigint): void {
    this.setCent(row, column, this.cent(row, column) + delta);
  }

  number(row: number, field: number): number {
    return this.numberChunks[row >>> CHUNK_SHIFT][(row & CHUNK_MASK) * this.numbers + field];
  }

  setNumber(row: number, field: number, value: number): void {
    this.numberChunks[row >>> CHUNK_SHIFT][(row & CHUNK_MASK) * this.numbers + field] = value;
  }

  addNumber(row: number, field: number, delta: number): void {
    this.numberChunks[row >>> CHUNK_SHIFT][(row & CHUNK_MASK) * this.numbers + field] += delta;
  }

  /** Drops every row (their chunks are freed at the next garbage collection). */
  clear(): void {
    this.centChunks.length = 0;
    this.numberChunks.length = 0;
    this.beyond = new Map();
    this.count = 0;
  }
}
