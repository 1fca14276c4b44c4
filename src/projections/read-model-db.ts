import Database from 'better-sqlite3';
import { registerCentsFunctions } from '../../projections/shared/cents';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { takeFileLock } from '../shared/file-lock';
import { READ_MODELS, READ_MODEL_SCHEMA_VERSION } from '../../projections';
import type { IndexSpec, ReadModel, TableSpec } from '../../projections/read-model';
import { fnv1a } from '../../projections/shared/context';
import type { SqlDatabase, SqlStatement } from '../../projections/shared/sql-database';
import { sqliteRowsDatabase } from './sqlite-rows';

/**
 * Every read-model table by logical name, and its primary key (the order verify compares rows in): the engine's
 * checkpoint, then the tables of each read model in the registry. Physical tables carry the generation: g3.lines.
 */
export const TABLES: Readonly<Record<string, TableSpec>> = {
  checkpoint: {
    columns: `(id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, events INTEGER NOT NULL)`,
    key: 'id',
  },
  ...Object.assign({}, ...READ_MODELS.map((m) => m.tables.specs)),
};

/** Secondary indexes: created with a live generation, or after the bulk load of a rebuild (faster). */
export const INDEXES: readonly IndexSpec[] = READ_MODELS.flatMap((m) => m.tables.indexes);

/**
 * What the live read model must have been built with to be reused: the fold version and the shape of every
 * table and index (a read model added, or a column changed, is noticed without a version bump).
 */
export const READ_MODEL_SHAPE = `${READ_MODEL_SCHEMA_VERSION}.${fnv1a(JSON.stringify([TABLES, INDEXES]))}`;

/** Schema name of a generation's file once attached to the read-model connection. */
export const schemaOf = (generation: number): string => `g${generation}`;

export const tableName = (logical: string, generation: number): string => `${schemaOf(generation)}.${logical}`;

/** Qualified table names of one generation, by logical name. */
export type GenerationTables = Readonly<Record<keyof typeof TABLES & string, string>>;

export function tablesOf(generation: number): GenerationTables {
  return Object.fromEntries(Object.keys(TABLES).map((t) => [t, tableName(t, generation)])) as GenerationTables;
}

export interface Checkpoint {
  readonly position: number;
  readonly events: number;
}

/** Whether a read-model location (ReadModelDb.open) is a PostgreSQL server rather than a SQLite file. */
export const onServer = (location: string): boolean => /^postgres(ql)?:\/\//.test(location);

/**
 * Where the read models live, and the generations they are built in: a rebuild fills generation N+1 while queries
 * read N; switching is one update of the meta row (read_model_meta), and the old generation is then dropped. Two
 * engines: SQLite files (SqliteReadModelDb, below) and PostgreSQL schemas (PgReadModelDb, pg-read-model-db.ts).
 * Every generation's tables are named by its schema, "g3.lines", on both.
 */
export abstract class ReadModelDb {
  abstract readonly db: SqlDatabase;
  /** The file, or the server without its password: for messages. */
  abstract readonly location: string;
  /** Added to the checkpoint's read at the start of a batch: on a server, it keeps other processes' batches out until commit. */
  abstract readonly lockForBatch: string;
  /** Rows the projectors' inserts write to one statement (ProjectorHost.rowsPerStatement). */
  abstract readonly rowsPerStatement: number;
  private heldBy: string | null = null;
  private meta: { get: SqlStatement; set: SqlStatement } | null = null;

  /** Opens the read models at a file, or on PostgreSQL at a postgresql:// URL; `readOnly`: a reader thread's connection. */
  static open(location: string, options: { readOnly?: boolean } = {}): ReadModelDb {
    if (onServer(location)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a server, and it extends this class
      const { PgReadModelDb } = require('./pg-read-model-db') as typeof import('./pg-read-model-db');
      return PgReadModelDb.open(location, options);
    }
    return SqliteReadModelDb.open(location, options);
  }

  private get metaStatements(): { get: SqlStatement; set: SqlStatement } {
    this.meta ??= {
      get: this.db.prepare('SELECT value FROM read_model_meta WHERE key = ?').pluck(),
      set: this.db.prepare('INSERT INTO read_model_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
    return this.meta;
  }

  /**
   * Holds the connection for one user whose transaction stays open across awaits (a rebuild streaming the log):
   * until the returned release is called, every other transaction on it is refused, where it would silently be
   * nested inside the open one. Returns the release.
   */
  hold(holder: string): () => void {
    this.assertFree();
    this.heldBy = holder;
    return () => {
      this.heldBy = null;
    };
  }

  /** Throws while the connection is held (see hold). */
  assertFree(): void {
    if (this.heldBy !== null) throw new Error(`the read-model connection is held by ${this.heldBy}; use a connection of its own`);
  }

  /** Runs fn in one transaction on this connection, unless it is held. */
  transaction<T>(fn: () => T): T {
    this.assertFree();
    return this.db.transaction(fn)();
  }

  /** Starts a read transaction that sees one moment of the read models, whatever commits meanwhile. */
  protected readonly beginSnapshot: string = 'BEGIN';

  /** Runs fn in one read transaction that sees one moment of the read models, whatever commits meanwhile. */
  snapshot<T>(fn: () => T): T {
    return this.transaction(fn);
  }

  /**
   * Opens a read transaction held across awaits (verify reads the live read models while it rebuilds them beside),
   * holding the connection meanwhile (see hold). Returns its end.
   */
  holdSnapshot(holder: string): () => void {
    const release = this.hold(holder);
    this.db.exec(this.beginSnapshot);
    return () => {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      release();
    };
  }

  /** The live generation, or null before the first one. */
  liveGeneration(): number | null {
    const v = this.metaStatements.get.get('generation') as string | undefined;
    return v === undefined ? null : Number(v);
  }

  /** What the live generation was built with (schema version and catalogue trees). */
  liveFingerprint(): string | null {
    return (this.metaStatements.get.get('fingerprint') as string | undefined) ?? null;
  }

  /**
   * Holds these read models for one rebuild until the returned release is called; throws, naming the holder, while
   * another holds them. A rebuild drops the generations that are not live and makes the next one, so two at once would
   * drop and rewrite each other's (the server's first fill beside `ledger projections rebuild`). On a server, none: a
   * rebuild there is one transaction per batch of the database's own.
   */
  holdForRebuild(_holder: string): () => void {
    return () => {};
  }

  /** Runs fn while no other process runs an `exclusively` of its own on these read models (on a server; one file has one writer). */
  exclusively<T>(fn: () => T): T {
    return fn();
  }

  /** Generations that exist (the live one, and a rebuild in progress or abandoned). */
  abstract generations(): number[];

  /** Makes a generation's tables reachable on this connection (outside any transaction). */
  attach(_generation: number): void {}

  /** Lets go of every generation but `keep` (best effort). */
  detachOthers(_keep: number): void {}

  /**
   * Creates an empty generation at position 0. `bulk`: written without a journal while it is filled (a rebuild;
   * call finishBulk before making it live). Secondary indexes only when asked.
   */
  abstract createGeneration(generation: number, options: { indexes: boolean; bulk?: boolean }): void;

  /** A bulk-loaded generation becomes an ordinary one, safe across a crash. */
  finishBulk(_generation: number): void {}

  abstract createIndexes(generation: number): void;

  /** The space a generation takes, in bytes (benchmarks). */
  abstract generationBytes(generation: number): number;

  /** Makes a generation live (one update of the meta row), then drops every other generation. */
  activate(generation: number, fingerprint: string): void {
    this.attach(generation);
    this.transaction(() => {
      this.metaStatements.set.run('generation', String(generation));
      this.metaStatements.set.run('fingerprint', fingerprint);
    });
    for (const g of this.generations()) if (g !== generation) this.dropGeneration(g);
    this.detachOthers(generation);
  }

  abstract dropGeneration(generation: number): void;

  /**
   * Where a rebuild's second lane (rebuild-lane.ts) may build a generation's tables in a file of its own, opened by
   * ReadModelDb.open; null where there is none (PostgreSQL, memory): the rebuild then folds in one lane.
   */
  laneFile(_generation: number): string | null {
    return null;
  }

  /**
   * Copies the tables of `models` from a lane's generation (laneFile) into this one, where they are empty, and deletes
   * the lane's files.
   */
  absorbLane(_generation: number, _models: readonly ReadModel[]): void {
    throw new Error(`${this.location} has no lanes`);
  }

  /** Deletes the files of a generation's lane, if any (a rebuild that failed; dropGeneration deletes them too). */
  dropLane(_generation: number): void {}

  checkpoint(generation: number): Checkpoint {
    this.attach(generation);
    const row = this.db.prepare(`SELECT position, events FROM ${tableName('checkpoint', generation)} WHERE id = 1`).get() as
      | Checkpoint
      | undefined;
    return row ?? { position: 0, events: 0 };
  }

  /** The tables of a generation (UNLOGGED: on a server, written without its log), created in a fresh one: the engine's checkpoint at 0, and every read model's. */
  protected createTables(generation: number, kind: '' | 'UNLOGGED' = ''): void {
    for (const [logical, t] of Object.entries(TABLES)) this.db.exec(`CREATE ${kind ? `${kind} ` : ''}TABLE ${tableName(logical, generation)} ${t.columns}`);
    this.db.prepare(`INSERT INTO ${tableName('checkpoint', generation)} (id, position, events) VALUES (1, 0, 0)`).run();
  }

  abstract close(): void;
}

/** The page cache (KiB) of a live generation, for the queries: 64 MB. */
const LIVE_CACHE_KIB = 65_536;

/**
 * The page cache (KiB) of a generation being filled by a rebuild: 32 MB. Its batches write each page about once, so a
 * larger one buys little (at 1M events 256 MB took the time of 64 MB, and 32 MB no longer), and each lane's cache counts
 * in the rebuild's RSS: at 10M, 1,337 MB at most against 1,427-1,430 MB with 64 MB, where the bound is 1.5 GB (1,430 MiB).
 */
const BULK_CACHE_KIB = 32_768;

/**
 * The read models in SQLite: a small meta file (config.readModelFile) that names the live generation, and one file
 * per generation beside it (read-models.db.g3), attached to the same connection as schema g3. A rebuild fills its
 * generation bulk-loaded without a journal: if it fails, it is thrown away.
 */
export class SqliteReadModelDb extends ReadModelDb {
  /** The read models' statements on this connection: rows made by sqlite-rows.ts. */
  readonly db: SqlDatabase;
  /** The connection itself: pragmas, attached generations. */
  private readonly native: Database.Database;
  readonly lockForBatch = '';
  readonly rowsPerStatement = 1;
  private readonly attached = new Set<number>();

  private constructor(
    readonly file: string,
    readOnly: boolean,
  ) {
    super();
    if (readOnly) {
      // A reader thread's connection: the file is made (WAL, meta table) by the ledger's own connection first.
      this.native = new Database(file, { readonly: true, fileMustExist: true });
    } else {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      this.native = new Database(file);
      this.native.pragma('journal_mode = WAL');
      this.native.pragma('synchronous = NORMAL');
    }
    this.native.pragma('busy_timeout = 10000');
    this.native.pragma('temp_store = MEMORY');
    registerCentsFunctions(this.native);
    this.db = sqliteRowsDatabase(this.native);
    if (!readOnly) this.native.exec('CREATE TABLE IF NOT EXISTS read_model_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  }

  static override open(file: string, options: { readOnly?: boolean } = {}): SqliteReadModelDb {
    return new SqliteReadModelDb(file, options.readOnly ?? false);
  }

  get location(): string {
    return this.file;
  }

  /** The file of a generation. */
  generationFile(generation: number): string {
    return this.file === ':memory:' ? ':memory:' : `${this.file}.g${generation}`;
  }

  generationBytes(generation: number): number {
    return this.file === ':memory:' ? 0 : statSync(this.generationFile(generation)).size;
  }

  generations(): number[] {
    if (this.file === ':memory:') return [...this.attached].sort((a, b) => a - b);
    const prefix = `${basename(this.file)}.g`;
    return readdirSync(dirname(this.file))
      .filter((f) => f.startsWith(prefix) && /^\d+$/.test(f.slice(prefix.length)))
      .map((f) => Number(f.slice(prefix.length)))
      .sort((a, b) => a - b);
  }

  /** Attaches a generation's file to the connection (outside any transaction). */
  override attach(generation: number): void {
    if (this.attached.has(generation)) return;
    this.native.prepare(`ATTACH DATABASE ? AS ${schemaOf(generation)}`).run(this.generationFile(generation));
    this.native.pragma(`${schemaOf(generation)}.busy_timeout = 10000`);
    this.native.pragma(`${schemaOf(generation)}.cache_size = -${LIVE_CACHE_KIB}`);
    this.attached.add(generation);
  }

  /** The file's rebuild lock (takeFileLock) on `<file>-rebuild.lock`, the holder named in `<file>-rebuild.json` beside it. */
  override holdForRebuild(holder: string): () => void {
    if (this.file === ':memory:') return () => {};
    const taken = takeFileLock(`${this.file}-rebuild.lock`, `${this.file}-rebuild.json`, { holder, pid: process.pid, since: new Date().toISOString() });
    if (taken.held) return taken.release;
    const info = taken.holder;
    const by = info ? `${info.holder} (process ${info.pid}, since ${info.since})` : 'another process';
    throw new Error(`the read models in ${this.file} are being rebuilt by ${by}: one rebuild at a time; wait for it to finish`);
  }

  /** Detaches every generation but `keep` (best effort: a statement still open on one keeps it attached). */
  override detachOthers(keep: number): void {
    for (const g of [...this.attached]) {
      if (g === keep) continue;
      try {
        this.native.exec(`DETACH DATABASE ${schemaOf(g)}`);
        this.attached.delete(g);
      } catch {
        // Still in use; detached on a later call or when the connection closes.
      }
    }
  }

  createGeneration(generation: number, options: { indexes: boolean; bulk?: boolean }): void {
    this.dropGeneration(generation);
    this.attach(generation);
    const schema = schemaOf(generation);
    if (options.bulk) {
      this.native.pragma(`${schema}.journal_mode = OFF`);
      this.native.pragma(`${schema}.synchronous = OFF`);
      this.native.pragma(`${schema}.cache_size = -${BULK_CACHE_KIB}`);
    } else {
      this.native.pragma(`${schema}.journal_mode = WAL`);
      this.native.pragma(`${schema}.synchronous = NORMAL`);
    }
    this.transaction(() => {
      this.createTables(generation);
      if (options.indexes) this.createIndexes(generation);
    });
  }

  override finishBulk(generation: number): void {
    const schema = schemaOf(generation);
    this.native.pragma(`${schema}.journal_mode = WAL`);
    this.native.pragma(`${schema}.synchronous = NORMAL`);
    this.native.pragma(`${schema}.cache_size = -${LIVE_CACHE_KIB}`);
  }

  /**
   * Builds the secondary indexes. The sorted runs of a large index (a rebuild's: tens of millions of keys) go to
   * temporary files, not this process's memory as temp_store MEMORY would keep them (400 MB and more at 10M events);
   * the queries' small temporary b-trees stay in memory afterwards. (Inside a transaction, where SQLite may not change
   * temp_store, the tables are those of a generation just created, empty.)
   */
  createIndexes(generation: number): void {
    const toFiles = !this.native.inTransaction;
    if (toFiles) this.native.pragma('temp_store = FILE');
    try {
      for (const { table, name, definition } of INDEXES) {
        this.native.exec(`CREATE INDEX IF NOT EXISTS ${schemaOf(generation)}.${table}_${name} ON ${table} ${definition}`);
      }
    } finally {
      if (toFiles) this.native.pragma('temp_store = MEMORY');
    }
  }

  /** The lane's read-model file beside this one: its tables are in `${laneFile}.g${generation}`. */
  override laneFile(generation: number): string | null {
    return this.file === ':memory:' ? null : `${this.file}.lane${generation}`;
  }

  /**
   * `INSERT … SELECT *` table by table, in one transaction: from one table to another of the same shape, with no index
   * yet, SQLite copies the b-tree's records as they are, without decoding them (its transfer optimization).
   */
  override absorbLane(generation: number, models: readonly ReadModel[]): void {
    const laneFile = this.laneFile(generation);
    if (laneFile === null) throw new Error(`${this.location} has no lanes`);
    const from = `${laneFile}.g${generation}`;
    this.native.prepare('ATTACH DATABASE ? AS lane').run(from);
    try {
      this.transaction(() => {
        for (const model of models) {
          for (const table of Object.keys(model.tables.specs)) this.native.exec(`INSERT INTO ${tableName(table, generation)} SELECT * FROM lane.${table}`);
        }
      });
    } finally {
      this.native.exec('DETACH DATABASE lane');
    }
    this.dropLane(generation);
  }

  override dropLane(generation: number): void {
    const laneFile = this.laneFile(generation);
    if (laneFile === null) return;
    for (const file of [laneFile, `${laneFile}.g${generation}`]) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
  }

  /** Detaches and deletes a generation's files, and those of its rebuild's lane. A process still reading it keeps its open file until it moves on. */
  dropGeneration(generation: number): void {
    this.dropLane(generation);
    if (this.attached.has(generation)) {
      try {
        this.native.exec(`DETACH DATABASE ${schemaOf(generation)}`);
        this.attached.delete(generation);
      } catch {
        // In use by an open statement: the file is deleted anyway, the connection lets go of it later.
      }
    }
    if (this.file === ':memory:') return;
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${this.generationFile(generation)}${suffix}`, { force: true });
  }

  close(): void {
    if (this.native.open) this.native.close();
  }
}
