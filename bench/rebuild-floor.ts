/**
 * bench:rebuild --floor: what any fold that writes these read models spends at least, measured on the rebuild's own
 * result, and so what the rebuild's target leaves for everything else (the projectors' logic, the garbage collector, the
 * lanes' join and waits).
 *
 * - The rows: every row of the generation the rebuild made, inserted again from JavaScript one row a statement (as the
 *   rebuild's RowWriter does on SQLite) into a generation created as the rebuild creates one (bulk: no journal, the same
 *   page cache), in one transaction. A floor: they go in key order (read first, a chunk at a time, outside the timing),
 *   while the fold inserts most tables in log order and rewrites rows it updates.
 * - Their indexes: ReadModelDb.createIndexes on them, as the rebuild builds them.
 * - The log: the raw read + JSON.parse, once per lane (each lane reads the whole log).
 */
import Database from 'better-sqlite3';
import { availableParallelism } from 'node:os';
import { rmSync } from 'node:fs';
import { ReadModelDb, schemaOf } from '../src/projections/read-model-db';
import { fmt } from './support';

/** Rows read from the rebuild's generation before each timed run of inserts: bounded memory at 10M events. */
const CHUNK_ROWS = 50_000;

interface TableFloor {
  readonly table: string;
  readonly rows: number;
  readonly ms: number;
}

/**
 * Inserts every row of `sourceFile`'s tables into a fresh bulk generation at `scratch`; the time of the inserts alone.
 * The scratch read models are removed afterwards, whatever happens (at 10M they take 8 GB).
 */
function writeRowsAgain(sourceFile: string, scratch: string): { tables: TableFloor[]; indexMs: number } {
  const source = new Database(sourceFile, { readonly: true });
  const target = ReadModelDb.open(scratch);
  try {
    target.createGeneration(1, { indexes: false, bulk: true });
    const schema = schemaOf(1);
    const names = source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const tables: TableFloor[] = [];
    target.transaction(() => {
      for (const table of names) {
        // 64-bit keys (the vouchers' hashes) read and bound as BigInt: as numbers two of them could round to one.
        const read = source.prepare(`SELECT * FROM "${table}"`).raw(true).safeIntegers(true);
        const width = read.columns().length;
        const insert = target.db.prepare(`INSERT INTO ${schema}."${table}" VALUES (${Array.from({ length: width }, () => '?').join(', ')})`);
        // The rows a new generation starts with (its checkpoint) make way for the rebuild's.
        target.db.exec(`DELETE FROM ${schema}."${table}"`);
        let rows = 0;
        let ms = 0;
        let chunk: unknown[][] = [];
        const write = () => {
          const started = performance.now();
          for (const row of chunk) insert.run(...row);
          ms += performance.now() - started;
          rows += chunk.length;
          chunk = [];
        };
        for (const row of read.iterate() as IterableIterator<unknown[]>) {
          chunk.push(row);
          if (chunk.length === CHUNK_ROWS) write();
        }
        write();
        tables.push({ table, rows, ms });
      }
    });
    const started = performance.now();
    target.createIndexes(1);
    return { tables, indexMs: performance.now() - started };
  } finally {
    target.dropGeneration(1);
    target.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${scratch}${suffix}`, { force: true });
    source.close();
  }
}

export interface FloorInput {
  /** The rebuild's generation file (ReadModelDb.generationFile). */
  readonly generationFile: string;
  /** Where the scratch read models go (removed afterwards). */
  readonly scratch: string;
  readonly events: number;
  /** The best raw read + parse of the log, ms. */
  readonly rawMs: number;
  /** The lanes that read the whole log (RebuildResult.secondLane: 2, else 1). */
  readonly lanes: number;
  /** The rebuild: its wall time and the CPU of every thread of its process, ms. */
  readonly rebuildMs: number;
  readonly rebuildCpuMs: number;
  readonly target: number;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Measures the floor and prints it beside the rebuild's figures and what its target leaves. */
export function printWriteFloor(input: FloorInput): void {
  const { tables, indexMs } = writeRowsAgain(input.generationFile, input.scratch);
  const rows = tables.reduce((sum, t) => sum + t.rows, 0);
  const rowsMs = tables.reduce((sum, t) => sum + t.ms, 0);
  const cores = availableParallelism();
  const readsMs = input.lanes * input.rawMs;
  const floorCpu = readsMs + rowsMs + indexMs;
  const targetMs = input.rawMs / input.target;
  console.log(`\nfloor (--floor): the rebuild's ${fmt(rows)} rows (${(rows / input.events).toFixed(1)} an event) inserted again from JavaScript, one a statement, in key order, into a generation created as the rebuild's:`);
  const slowest = [...tables].sort((a, b) => b.ms - a.ms).filter((t) => t.ms >= 200);
  console.log(`  the rows ${s(rowsMs)} (${((1000 * rowsMs) / rows).toFixed(2)} µs a row), their indexes ${s(indexMs)}${slowest.length > 0 ? '; the tables above 0.2 s:' : ''}`);
  for (const t of slowest) {
    console.log(`    ${t.table.padEnd(26)}${fmt(t.rows).padStart(11)} rows ${s(t.ms).padStart(7)}  ${((1000 * t.ms) / t.rows).toFixed(2)} µs a row`);
  }
  console.log(
    `  with the raw read once a lane (${input.lanes} × ${s(input.rawMs)}): ${s(floorCpu)} of CPU before any projector's logic; on ${cores} cores kept busy throughout, ${s(floorCpu / cores)} = ${(input.rawMs / (floorCpu / cores)).toFixed(2)} × raw at best`,
  );
  console.log(
    `  the target (${input.target.toFixed(2)} × raw) is a rebuild of ${s(targetMs)}: ${s(cores * targetMs)} of CPU on ${cores} cores, ${s(cores * targetMs - floorCpu)} of it left beyond the floor; ` +
      `this rebuild took ${s(input.rebuildMs)} and ${s(input.rebuildCpuMs)} of CPU, ${s(input.rebuildCpuMs - floorCpu)} beyond the floor`,
  );
}
