import { PgSqlDatabase } from '../store/postgres/sync-sql';
import { redact } from '../store/postgres/connection';
import { INDEXES, ReadModelDb, schemaOf } from './read-model-db';

/** The advisory lock held while a generation is made or made live: "read models" as a number. */
const READ_MODELS_LOCK = 0x5245_4144;

/**
 * The read models in PostgreSQL, in the ledger's own database: the meta row in `read_model_meta`, each generation a
 * schema of its own (g3.lines...), so that every ledger process on the database reads and folds the same read models.
 * A rebuild fills its schema with UNLOGGED tables (no write-ahead log, as SQLite's bulk load has no journal), made
 * LOGGED before it goes live.
 *
 * Several processes may fold the same generation: a batch starts by locking the checkpoint row (lockForBatch), so a
 * second process waits, then sees the checkpoint moved and reloads from the tables instead of folding events again.
 *
 * The connection is synchronous (PgSqlDatabase): opened only in the projection thread, the reader threads and the CLI.
 */
export class PgReadModelDb extends ReadModelDb {
  readonly db: PgSqlDatabase;
  readonly lockForBatch = ' FOR UPDATE';

  private constructor(
    private readonly url: string,
    readOnly: boolean,
  ) {
    super();
    this.db = new PgSqlDatabase(url, readOnly ? 'gnbv-ledger-read-models-reader' : 'gnbv-ledger-read-models');
    // Two processes starting together would both create it: PostgreSQL's IF NOT EXISTS does not keep them apart.
    if (!readOnly) this.exclusively(() => this.db.exec('CREATE TABLE IF NOT EXISTS read_model_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)'));
  }

  static override open(url: string, options: { readOnly?: boolean } = {}): PgReadModelDb {
    return new PgReadModelDb(url, options.readOnly ?? false);
  }

  get location(): string {
    return redact(this.url);
  }

  /** One snapshot of the database for the whole transaction: a question's figures and its position belong together. */
  protected override readonly beginSnapshot = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

  override snapshot<T>(fn: () => T): T {
    this.assertFree();
    return this.db.transaction(fn, this.beginSnapshot)();
  }

  /** A session lock of the database, the same for every ledger process on it. */
  override exclusively<T>(fn: () => T): T {
    this.db.prepare('SELECT pg_advisory_lock(?)').get(READ_MODELS_LOCK);
    try {
      return fn();
    } finally {
      this.db.prepare('SELECT pg_advisory_unlock(?)').get(READ_MODELS_LOCK);
    }
  }

  generations(): number[] {
    return (this.db.prepare("SELECT nspname FROM pg_namespace WHERE nspname ~ '^g[0-9]+$'").pluck().all() as string[])
      .map((name) => Number(name.slice(1)))
      .sort((a, b) => a - b);
  }

  createGeneration(generation: number, options: { indexes: boolean; bulk?: boolean }): void {
    this.dropGeneration(generation);
    this.transaction(() => {
      this.db.exec(`CREATE SCHEMA ${schemaOf(generation)}`);
      this.createTables(generation, options.bulk ? 'UNLOGGED' : '');
      if (options.indexes) this.createIndexes(generation);
    });
  }

  override finishBulk(generation: number): void {
    for (const table of this.tablesOf(generation)) this.db.exec(`ALTER TABLE ${schemaOf(generation)}.${table} SET LOGGED`);
  }

  createIndexes(generation: number): void {
    for (const { table, name, definition } of INDEXES) {
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${table}_${name} ON ${schemaOf(generation)}.${table} ${definition}`);
    }
  }

  generationBytes(generation: number): number {
    return Number(
      this.db
        .prepare('SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?')
        .pluck()
        .get(schemaOf(generation)),
    );
  }

  /** Drops a generation's schema. A process reading it holds the drop back until its read transaction ends. */
  dropGeneration(generation: number): void {
    this.db.exec(`DROP SCHEMA IF EXISTS ${schemaOf(generation)} CASCADE`);
  }

  close(): void {
    this.db.close();
  }

  private tablesOf(generation: number): string[] {
    return this.db.prepare("SELECT tablename FROM pg_tables WHERE schemaname = ?").pluck().all(schemaOf(generation)) as string[];
  }
}
