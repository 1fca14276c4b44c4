import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Bumped whenever a table or a fold changes shape: a read model built by other code is rebuilt, never reused. */
export const READ_MODEL_SCHEMA_VERSION = 5;

const MEASURE_COLUMNS = `
  assigned     INTEGER NOT NULL,
  increased    INTEGER NOT NULL,
  decreased    INTEGER NOT NULL,
  moved_in     INTEGER NOT NULL,
  moved_out    INTEGER NOT NULL,
  carried_in   INTEGER NOT NULL,
  carried_out  INTEGER NOT NULL,
  returned     INTEGER NOT NULL,
  allocated    INTEGER NOT NULL,
  disbursed    INTEGER NOT NULL`;

/**
 * What an event changed, as at most two (measure, amount) pairs: an event moves one or two counters
 * (a move out of an activity: movedOut and allocated). Measure codes are indexes into MEASURES.
 */
const DELTA_COLUMNS = `
  m1 INTEGER,
  d1 INTEGER,
  m2 INTEGER,
  d2 INTEGER`;

const BASIS_COLUMNS = `
  basis_kind   TEXT NOT NULL,
  basis_number TEXT,
  basis_date   TEXT NOT NULL,
  basis_issuer TEXT,
  decision_id  INTEGER`;

/** Measure columns in the order of MEASURES (projections/fund-line-balance.ts). */
export const MEASURE_COLUMN_NAMES = [
  'assigned',
  'increased',
  'decreased',
  'moved_in',
  'moved_out',
  'carried_in',
  'carried_out',
  'returned',
  'allocated',
  'disbursed',
] as const;

/**
 * Balances summed over lines, at coarser grains: each names the dimensions it keeps (its identity) and
 * those that follow from them (a component's project, a district's province). A query reads the smallest
 * grain that has every column it filters or groups on; the grains are listed smallest first.
 */
export interface RollupGrain {
  readonly table: string;
  readonly identity: readonly LineColumn[];
  readonly derived: readonly LineColumn[];
}

export type LineColumn =
  | 'programme'
  | 'component'
  | 'content'
  | 'budget_year'
  | 'origin_year'
  | 'source'
  | 'capital_type'
  | 'unit'
  | 'district'
  | 'province'
  | 'sub_project'
  | 'project';

const INTEGER_COLUMNS: ReadonlySet<LineColumn> = new Set(['budget_year', 'origin_year']);
const KEY = ['programme', 'component', 'content', 'budget_year', 'origin_year', 'source', 'capital_type'] as const;

export const ROLLUP_GRAINS: readonly RollupGrain[] = [
  { table: 'balance_country', identity: [...KEY], derived: ['sub_project', 'project'] },
  { table: 'balance_province_year', identity: ['programme', 'province', 'budget_year', 'origin_year'], derived: [] },
  { table: 'balance_district_year', identity: ['programme', 'district', 'province', 'budget_year', 'origin_year'], derived: [] },
  { table: 'balance_province', identity: [...KEY, 'province'], derived: ['sub_project', 'project'] },
  { table: 'balance_district', identity: [...KEY, 'district', 'province'], derived: ['sub_project', 'project'] },
];

/** Every dimension column of the lines table. */
export const LINE_COLUMNS: readonly LineColumn[] = [...KEY, 'unit', 'district', 'province', 'sub_project', 'project'];

function rollupColumns(g: RollupGrain): string {
  const dims = [...g.identity, ...g.derived].map((c) => `${c} ${INTEGER_COLUMNS.has(c) ? 'INTEGER' : 'TEXT'} NOT NULL`).join(',\n  ');
  return `(\n  key TEXT PRIMARY KEY,\n  ${dims},\n  ${MEASURE_COLUMNS.trim()},\n  event_count INTEGER NOT NULL,\n  line_count INTEGER NOT NULL\n) WITHOUT ROWID`;
}

const progressTable = (grainColumns: string) => `(
  key          TEXT PRIMARY KEY,
  programme    TEXT NOT NULL,
  component    TEXT NOT NULL,
  kind         TEXT NOT NULL,
  ${grainColumns},
  sub_project  TEXT NOT NULL,
  project      TEXT NOT NULL,
  activities   INTEGER NOT NULL,
  n_registered INTEGER NOT NULL,
  n_allocated  INTEGER NOT NULL,
  n_disbursing INTEGER NOT NULL,
  n_completed  INTEGER NOT NULL,
  allocated    INTEGER NOT NULL,
  disbursed    INTEGER NOT NULL,
  beneficiaries TEXT NOT NULL,
  targets      TEXT NOT NULL,
  outputs      TEXT NOT NULL
) WITHOUT ROWID`;

/**
 * Every read-model table, by logical name, and its primary key (the order verify compares rows in).
 * Physical tables carry the generation: lines_g3.
 */
export const TABLES: Readonly<Record<string, { readonly columns: string; readonly key: string }>> = {
  checkpoint: {
    columns: `(id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, events INTEGER NOT NULL)`,
    key: 'id',
  },
  lines: {
    columns: `(
      line_id      INTEGER PRIMARY KEY,
      stream       TEXT NOT NULL UNIQUE,
      programme    TEXT NOT NULL,
      component    TEXT NOT NULL,
      content      TEXT NOT NULL,
      budget_year  INTEGER NOT NULL,
      origin_year  INTEGER NOT NULL,
      source       TEXT NOT NULL,
      capital_type TEXT NOT NULL,
      unit         TEXT NOT NULL,
      district     TEXT NOT NULL,
      province     TEXT NOT NULL,
      sub_project  TEXT NOT NULL,
      project      TEXT NOT NULL,
      ${MEASURE_COLUMNS},
      event_count   INTEGER NOT NULL,
      last_position INTEGER NOT NULL
    )`,
    key: 'line_id',
  },
  ...Object.fromEntries(ROLLUP_GRAINS.map((g) => [g.table, { columns: rollupColumns(g), key: 'key' }])),
  entries: {
    columns: `(
      position     INTEGER PRIMARY KEY,
      line_id      INTEGER NOT NULL,
      eff          INTEGER NOT NULL,
      rec          INTEGER NOT NULL,
      recorded_at  TEXT NOT NULL,
      type         TEXT NOT NULL,
      amount       INTEGER NOT NULL,
      activity_id  TEXT,
      reference    TEXT,
      counterpart  TEXT,
      details      TEXT,
      actor        TEXT NOT NULL,
      actor_role   TEXT NOT NULL,
      command      TEXT NOT NULL,
      ${BASIS_COLUMNS},
      ${DELTA_COLUMNS}
    )`,
    key: 'position',
  },
  activities: {
    columns: `(
      activity_id   TEXT PRIMARY KEY,
      registered    INTEGER NOT NULL,
      programme     TEXT NOT NULL,
      component     TEXT NOT NULL,
      kind          TEXT NOT NULL,
      unit          TEXT NOT NULL,
      district      TEXT NOT NULL,
      province      TEXT NOT NULL,
      status        TEXT NOT NULL,
      allocated     INTEGER NOT NULL,
      disbursed     INTEGER NOT NULL,
      last_position INTEGER NOT NULL,
      doc           TEXT NOT NULL
    ) WITHOUT ROWID`,
    key: 'activity_id',
  },
  activity_entries: {
    columns: `(
      position     INTEGER PRIMARY KEY,
      activity_id  TEXT NOT NULL,
      eff          INTEGER NOT NULL,
      rec          INTEGER NOT NULL,
      recorded_at  TEXT NOT NULL,
      type         TEXT NOT NULL,
      data         TEXT NOT NULL,
      actor        TEXT NOT NULL,
      actor_role   TEXT NOT NULL,
      command      TEXT NOT NULL,
      ${BASIS_COLUMNS}
    )`,
    key: 'position',
  },
  activity_components: {
    columns: `(component TEXT NOT NULL, activity_id TEXT NOT NULL, PRIMARY KEY (component, activity_id)) WITHOUT ROWID`,
    key: 'component, activity_id',
  },
  progress_district: {
    columns: progressTable('district TEXT NOT NULL, province TEXT NOT NULL'),
    key: 'key',
  },
  progress_province: {
    columns: progressTable('province TEXT NOT NULL'),
    key: 'key',
  },
  decisions: {
    columns: `(
      decision_id   INTEGER PRIMARY KEY,
      number        TEXT NOT NULL,
      issuer        TEXT NOT NULL,
      date          TEXT NOT NULL,
      event_count   INTEGER NOT NULL,
      first_position INTEGER NOT NULL,
      last_position  INTEGER NOT NULL,
      first_recorded_at TEXT NOT NULL,
      last_recorded_at  TEXT NOT NULL,
      first_effective_date TEXT NOT NULL,
      last_effective_date  TEXT NOT NULL,
      by_type       TEXT NOT NULL,
      UNIQUE (number, issuer, date)
    )`,
    key: 'decision_id',
  },
  adjustments: {
    columns: `(
      position     INTEGER PRIMARY KEY,
      kind         TEXT NOT NULL,
      reference    TEXT NOT NULL,
      eff          INTEGER NOT NULL,
      rec          INTEGER NOT NULL,
      recorded_at  TEXT NOT NULL,
      actor        TEXT NOT NULL,
      actor_role   TEXT NOT NULL,
      decision_id  INTEGER,
      unit         TEXT NOT NULL,
      district     TEXT NOT NULL,
      province     TEXT NOT NULL,
      component    TEXT NOT NULL,
      other_component TEXT NOT NULL,
      stream       TEXT,
      activity_id  TEXT,
      amount       INTEGER,
      from_kind    TEXT,
      to_kind      TEXT,
      counterpart  TEXT,
      reason       TEXT NOT NULL,
      recorded_days_after_effect INTEGER NOT NULL,
      activity_disbursed_before  INTEGER
    )`,
    key: 'position',
  },
};

/** Secondary indexes: created with a live generation, or after the bulk load of a rebuild (faster). */
const INDEXES: ReadonlyArray<readonly [table: string, name: string, definition: string]> = [
  ['lines', 'unit', '(unit)'],
  ['lines', 'district', '(district)'],
  ['lines', 'province', '(province)'],
  ['lines', 'component', '(component)'],
  ['balance_district', 'district', '(district)'],
  ['balance_district', 'province', '(province)'],
  ['balance_province', 'province', '(province)'],
  ['balance_province_year', 'province', '(province)'],
  ['balance_district_year', 'province', '(province)'],
  ['balance_district_year', 'district', '(district)'],
  // Covering: a line's history, its balance up to a position, and its balance as of a date are read from the index alone.
  ['entries', 'line', '(line_id, position, eff, rec, m1, d1, m2, d2)'],
  ['entries', 'decision', '(decision_id) WHERE decision_id IS NOT NULL'],
  ['entries', 'activity', '(activity_id, position, eff, rec, m1, d1, m2, d2) WHERE activity_id IS NOT NULL'],
  ['activities', 'unit', '(unit)'],
  ['activities', 'district', '(district)'],
  ['activities', 'province', '(province)'],
  ['activity_entries', 'activity', '(activity_id, position)'],
  ['activity_entries', 'decision', '(decision_id) WHERE decision_id IS NOT NULL'],
  ['progress_district', 'district', '(district)'],
  ['decisions', 'date', '(date, number)'],
  ['decisions', 'issuer', '(issuer, date)'],
  ['adjustments', 'eff', '(eff, position)'],
  ['adjustments', 'kind', '(kind, eff)'],
  ['adjustments', 'unit', '(unit, eff)'],
  ['adjustments', 'district', '(district, eff)'],
  ['adjustments', 'province', '(province, eff)'],
];

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

/**
 * The read models: a small meta file (config.readModelFile) that names the live generation, and one file
 * per generation beside it (read-models.db.g3), attached to the same connection as schema g3. A rebuild
 * fills generation N+1 in its own file (bulk-loaded without a journal: if it fails, it is thrown away)
 * while queries read N; switching is one update of the meta row; the old file is then deleted.
 */
export class ReadModelDb {
  readonly db: Database.Database;
  private readonly getMeta: Database.Statement;
  private readonly setMeta: Database.Statement;
  private readonly attached = new Set<number>();
  private heldBy: string | null = null;

  private constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('temp_store = MEMORY');
    this.db.exec('CREATE TABLE IF NOT EXISTS read_model_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    this.getMeta = this.db.prepare('SELECT value FROM read_model_meta WHERE key = ?').pluck();
    this.setMeta = this.db.prepare('INSERT INTO read_model_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  static open(file: string): ReadModelDb {
    return new ReadModelDb(file);
  }

  /**
   * Holds the connection for one user whose transaction stays open across awaits (a rebuild streaming the log):
   * until the returned release is called, every other transaction on it is refused, where better-sqlite3 would
   * silently nest it inside the open one. Returns the release.
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

  /** The file of a generation. */
  generationFile(generation: number): string {
    return this.file === ':memory:' ? ':memory:' : `${this.file}.g${generation}`;
  }

  /** The live generation, or null before the first one. */
  liveGeneration(): number | null {
    const v = this.getMeta.get('generation') as string | undefined;
    return v === undefined ? null : Number(v);
  }

  /** What the live generation was built with (schema version and catalogue trees). */
  liveFingerprint(): string | null {
    return (this.getMeta.get('fingerprint') as string | undefined) ?? null;
  }

  /** Generations that have a file (the live one, and a rebuild in progress or abandoned). */
  generations(): number[] {
    if (this.file === ':memory:') return [...this.attached].sort((a, b) => a - b);
    const prefix = `${basename(this.file)}.g`;
    return readdirSync(dirname(this.file))
      .filter((f) => f.startsWith(prefix) && /^\d+$/.test(f.slice(prefix.length)))
      .map((f) => Number(f.slice(prefix.length)))
      .sort((a, b) => a - b);
  }

  /** Attaches a generation's file to the connection (outside any transaction). */
  attach(generation: number): void {
    if (this.attached.has(generation)) return;
    this.db.prepare(`ATTACH DATABASE ? AS ${schemaOf(generation)}`).run(this.generationFile(generation));
    this.db.pragma(`${schemaOf(generation)}.busy_timeout = 10000`);
    this.db.pragma(`${schemaOf(generation)}.cache_size = -65536`);
    this.attached.add(generation);
  }

  /** Detaches every generation but `keep` (best effort: a statement still open on one keeps it attached). */
  detachOthers(keep: number): void {
    for (const g of [...this.attached]) {
      if (g === keep) continue;
      try {
        this.db.exec(`DETACH DATABASE ${schemaOf(g)}`);
        this.attached.delete(g);
      } catch {
        // Still in use; detached on a later call or when the connection closes.
      }
    }
  }

  /**
   * Creates an empty generation at position 0 in a fresh file. `bulk`: no journal and no syncing while it
   * is filled (a rebuild; call finishBulk before making it live). Secondary indexes only when asked.
   */
  createGeneration(generation: number, options: { indexes: boolean; bulk?: boolean }): void {
    this.dropGeneration(generation);
    this.attach(generation);
    const schema = schemaOf(generation);
    if (options.bulk) {
      this.db.pragma(`${schema}.journal_mode = OFF`);
      this.db.pragma(`${schema}.synchronous = OFF`);
      this.db.pragma(`${schema}.cache_size = -262144`);
    } else {
      this.db.pragma(`${schema}.journal_mode = WAL`);
      this.db.pragma(`${schema}.synchronous = NORMAL`);
    }
    this.transaction(() => {
      for (const [logical, t] of Object.entries(TABLES)) this.db.exec(`CREATE TABLE ${tableName(logical, generation)} ${t.columns}`);
      this.db.prepare(`INSERT INTO ${tableName('checkpoint', generation)} (id, position, events) VALUES (1, 0, 0)`).run();
      if (options.indexes) this.createIndexes(generation);
    });
  }

  /** A bulk-loaded generation becomes an ordinary one: write-ahead log, synced at checkpoints. */
  finishBulk(generation: number): void {
    const schema = schemaOf(generation);
    this.db.pragma(`${schema}.journal_mode = WAL`);
    this.db.pragma(`${schema}.synchronous = NORMAL`);
    this.db.pragma(`${schema}.cache_size = -65536`);
  }

  createIndexes(generation: number): void {
    for (const [table, name, definition] of INDEXES) {
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${schemaOf(generation)}.${table}_${name} ON ${table} ${definition}`);
    }
  }

  /** Makes a generation live (one update of the meta row), then deletes every other generation. */
  activate(generation: number, fingerprint: string): void {
    this.attach(generation);
    this.transaction(() => {
      this.setMeta.run('generation', String(generation));
      this.setMeta.run('fingerprint', fingerprint);
    });
    for (const g of this.generations()) if (g !== generation) this.dropGeneration(g);
    this.detachOthers(generation);
  }

  /** Detaches and deletes a generation's files. A process still reading it keeps its open file until it moves on. */
  dropGeneration(generation: number): void {
    if (this.attached.has(generation)) {
      try {
        this.db.exec(`DETACH DATABASE ${schemaOf(generation)}`);
        this.attached.delete(generation);
      } catch {
        // In use by an open statement: the file is deleted anyway, the connection lets go of it later.
      }
    }
    if (this.file === ':memory:') return;
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${this.generationFile(generation)}${suffix}`, { force: true });
  }

  checkpoint(generation: number): Checkpoint {
    this.attach(generation);
    const row = this.db.prepare(`SELECT position, events FROM ${tableName('checkpoint', generation)} WHERE id = 1`).get() as
      | Checkpoint
      | undefined;
    return row ?? { position: 0, events: 0 };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
