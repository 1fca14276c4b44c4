import type { SqlDatabase, SqlStatement } from './shared/sql-database';
import type { RecordedEvent } from '../events';
import type { Catalogue } from '../src/catalogue/catalogue';
import type { ProjectionContext } from './shared/context';
import type { SoleWriter } from './shared/doc-cache';

/**
 * What a read model is, for the engine that feeds it (src/projections/): the event types it handles, its
 * tables, the projector that writes them from events, and the queries that read them. Each read model is a
 * folder of projections/ holding all four; projections/index.ts lists them in the order they depend on
 * each other.
 */

/** A table: its columns (SQL) and its primary key, the order `ledger projections verify` compares rows in. */
export interface TableSpec {
  readonly columns: string;
  readonly key: string;
}

/** A secondary index, created with a live generation or after the bulk load of a rebuild (faster). */
export interface IndexSpec {
  readonly table: string;
  readonly name: string;
  /** Columns and an optional WHERE, e.g. "(unit, eff)". */
  readonly definition: string;
}

/**
 * A read model's tables by logical name. Every generation of the read models has its own copy, attached to
 * the read-model connection as a schema ("g3"): `in(schema)` gives the qualified names ("g3.lines").
 */
export class Tables<N extends string = string> {
  private readonly qualified = new Map<string, Readonly<Record<N, string>>>();

  constructor(
    readonly specs: Readonly<Record<N, TableSpec>>,
    readonly indexes: readonly IndexSpec[] = [],
  ) {}

  in(schema: string): Readonly<Record<N, string>> {
    let names = this.qualified.get(schema);
    if (!names) {
      names = Object.fromEntries(Object.keys(this.specs).map((t) => [t, `${schema}.${t}`])) as Record<N, string>;
      this.qualified.set(schema, names);
    }
    return names;
  }
}

type TableNames<T> = T extends Tables<infer N> ? N : never;

/**
 * The qualified names of several read models' tables in one schema, as one record: a query that joins them. Copied
 * into a new object, not spread one after the other (`{ ...a.in(s), ...b.in(s) }`): see lineBalance (balances.queries.ts).
 */
export function tablesIn<S extends readonly Tables<string>[]>(schema: string, ...sets: S): Readonly<Record<TableNames<S[number]>, string>> {
  const names: Record<string, string> = {};
  for (const set of sets) Object.assign(names, set.in(schema));
  return names as Record<TableNames<S[number]>, string>;
}

/** What the engine gives a projector: one generation of the tables, written inside the engine's batch transactions. */
export interface ProjectorHost {
  readonly db: SqlDatabase;
  /** The generation's schema on the connection, e.g. "g3". */
  readonly schema: string;
  readonly ctx: ProjectionContext;
  /** Documents a projector may keep in memory between batches, per kind. */
  readonly cacheSize: number;
  /**
   * Whether the projectors wrote every row of the tables themselves, from empty (a rebuild that has not reloaded): then
   * a document never held is not stored, and need not be read. Handed to each DocCache; read before any other lookup.
   */
  readonly sole: SoleWriter;
  /**
   * Rows an insert writes to one statement (RowWriter): many on PostgreSQL, where each statement is an exchange with
   * the server; 1 on SQLite, where a statement is a call and many rows to one cost more CPU (a 1M rebuild, measured).
   */
  readonly rowsPerStatement: number;
  /**
   * Whether the projector writes in a lane of its own (a rebuild's second thread, rebuild-lane.ts): its tables are
   * there, those of the models it uses are empty. What it would read of them is left for the join (Projector.leftForJoin).
   */
  readonly ownLane?: boolean;
}

/**
 * Writes one read model. The engine hands it the events of the types its model handles, in log order, inside a
 * transaction that also moves the checkpoint; at the end of the batch, `flush` writes back what it holds, in the
 * same transaction. Either the whole batch and its checkpoint are stored, or neither is.
 */
export interface Projector {
  apply(event: RecordedEvent): void;
  flush(): void;
  /**
   * What the batch changed is written (flush): memory may be trimmed. After a commit; or inside a rebuild's long
   * transaction, which writes what it holds ahead of its end when the heap grows past its budget (what is dropped is
   * read back from the tables, on the same connection).
   */
  committed(): void;
  /**
   * Inside a rebuild's long transaction, when the heap has grown past its budget: writes what must be in the tables
   * before the batch's end (what the models flushed after it read, what it may then drop and read back), and trims
   * its memory. Without it, the engine calls flush, then committed.
   */
  spill?(): void;
  /** A batch failed, or another writer moved on: forget what is held in memory, read counters back from the tables. */
  reload(): void;
  /**
   * In a rebuild's lane of its own (ProjectorHost.ownLane), where the tables of the models it uses are not: what it
   * left to do with them, as a value another thread can be handed (structured clone). A projector of the same model on
   * the lanes' joined tables takes it (`joinLane`), then is flushed.
   */
  leftForJoin?(): unknown;
  joinLane?(left: unknown): void;
}

/** One read transaction over the live generation. */
export interface ReadTx {
  /** The live generation's schema, e.g. "g3". */
  readonly schema: string;
  /** A prepared statement (cached), reading integers exactly (BigInt). */
  stmt(sql: string): SqlStatement;
}

export interface Freshness {
  /** Global log position the read model reflects: every event up to it, none after. */
  readonly position: number;
}

/** Runs a question in one read transaction, so that its figures and the position it reports belong to the same moment. */
export interface Reader {
  read<T>(fn: (tx: ReadTx, position: number) => T): T & Freshness;
}

export interface QueryHost {
  readonly reader: Reader;
  readonly catalogue: Catalogue;
  readonly ctx: ProjectionContext;
}

/**
 * A read model's use of the models before it in the registry: `earlier(BALANCES)` is the balances' projector
 * (or queries). Asking for a model that does not come before is an error: dependencies run one way.
 */
export type Earlier<Part extends 'projector' | 'queries'> = <M extends ReadModel<Projector, unknown>>(model: M) => PartOf<M, Part>;

type PartOf<M, Part> = M extends ReadModel<infer P, infer Q> ? (Part extends 'projector' ? P : Q) : never;

export interface ReadModel<P extends Projector = Projector, Q = unknown> {
  readonly name: string;
  /** The event types it handles: the engine routes only those to its projector. */
  readonly handles: readonly string[];
  /** The read models it uses (their projector, queries or tables): each must come before it in the registry. */
  readonly uses: readonly ReadModel[];
  readonly tables: Tables;
  projector(host: ProjectorHost, earlier: Earlier<'projector'>): P;
  queries(host: QueryHost, earlier: Earlier<'queries'>): Q;
}

/**
 * Checks a registry: table names are unique, and every model comes after the models it uses (so dependencies
 * run one way, and a model applied to an event sees those it uses already applied).
 */
export function checkRegistry(models: readonly ReadModel[]): void {
  const tables = new Map<string, string>();
  models.forEach((model, i) => {
    for (const used of model.uses) {
      const at = models.indexOf(used);
      if (at < 0 || at >= i) throw new Error(`read model ${model.name} uses ${used.name}, which must come before it in READ_MODELS`);
    }
    for (const table of Object.keys(model.tables.specs)) {
      const other = tables.get(table);
      if (other) throw new Error(`read models ${other} and ${model.name} both have a table ${table}`);
      tables.set(table, model.name);
    }
  });
}

/** Builds one part of every read model in registry order, handing each the parts of the models it uses. */
export function buildInOrder<T>(models: readonly ReadModel[], build: (model: ReadModel, earlier: (m: ReadModel) => T) => T): Map<ReadModel, T> {
  checkRegistry(models);
  const built = new Map<ReadModel, T>();
  for (const model of models) {
    const earlier = (m: ReadModel): T => {
      if (!model.uses.includes(m)) throw new Error(`read model ${model.name} asks for ${m.name} without listing it in its uses`);
      return built.get(m) as T;
    };
    built.set(model, build(model, earlier));
  }
  return built;
}
