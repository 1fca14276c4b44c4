import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf, ValidationError, validateSync } from 'class-validator';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BUILT_IN_CATALOGUE_DIR } from '../catalogue/built-in';

/**
 * The ledger's configuration, declared once and validated at boot. Only infrastructure reads it;
 * nothing else touches process.env.
 */
export class LedgerConfig {
  /** LEDGER_STORE: which event store adapter to use. */
  @IsIn(['sqlite', 'postgres', 'kurrentdb'])
  store: 'sqlite' | 'postgres' | 'kurrentdb' = 'sqlite';

  /** LEDGER_DATA_DIR: folder for the database files and the signing key. */
  @IsString()
  @MinLength(1)
  dataDir = './data';

  /** LEDGER_DB_FILE: the SQLite event store file (default DATA_DIR/ledger.db). */
  @IsString()
  @MinLength(1)
  dbFile: string;

  /** KURRENTDB_URL: connection string, e.g. kurrentdb://localhost:2113?tls=false. Required when store=kurrentdb. */
  @IsOptional()
  @IsString()
  kurrentdbUrl?: string;

  /**
   * DATABASE_URL: PostgreSQL connection string, e.g. postgresql:///ledger?host=/var/run/postgresql. Required when
   * store=postgres, and only then read (a DATABASE_URL meant for another program does not stop a SQLite ledger).
   */
  @ValidateIf((config: LedgerConfig) => config.store === 'postgres')
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S*$/, {
    message: 'DATABASE_URL must be a postgresql:// connection string, e.g. postgresql:///ledger?host=/var/run/postgresql',
  })
  databaseUrl?: string;

  /** LEDGER_READ_MODEL_FILE: SQLite file of the projections' read models (default DATA_DIR/read-models.db). */
  @IsString()
  @MinLength(1)
  readModelFile: string;

  /** LEDGER_AUDIT_FILE: SQLite file of the Merkle log and signed tree heads (default DATA_DIR/audit.db). */
  @IsString()
  @MinLength(1)
  auditFile: string;

  /**
   * LEDGER_SIGNING_KEY_FILE: Ed25519 private key (PEM) that seals each commit and signs tree heads and bundles. Default
   * beside the data folder, not in it (DATA_DIR-signing-key.pem); generated for an empty log if absent.
   */
  @IsString()
  @MinLength(1)
  signingKeyFile: string;

  /** LEDGER_TREE_HEAD_INTERVAL_SECONDS: how often a new signed tree head is produced when the log grew. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  treeHeadIntervalSeconds = 60;

  /**
   * LEDGER_DEMO: at `npm start`, load the demo journals (demo/*.yaml: Văn Quan 2024, Trà Cú 2021-2025) into an
   * empty SQLite or PostgreSQL store, so a newcomer sees real figures at once. "0" or "false" disables it.
   */
  @Transform(({ value }) => (typeof value === 'string' ? !['0', 'false', 'no', 'off', ''].includes(value.toLowerCase()) : value))
  @IsBoolean()
  demo = true;

  /**
   * LEDGER_CATALOGUE_DIR: the folder of programme catalogues, one `*.json` file per programme, each checked at
   * start (a bad file stops the ledger, naming the file and the field). Default: the built-in catalogues
   * (src/catalogue/data/programmes). To add a programme, copy that folder and put the new file beside them.
   */
  @IsString()
  @MinLength(1)
  catalogueDir: string = BUILT_IN_CATALOGUE_DIR;

  /** PORT / HOST of the HTTP API. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 3000;

  @IsString()
  host = '0.0.0.0';

  /** LEDGER_WEB_DIR: the built web app (`npm run build` writes it to dist/web), served at / beside the API. */
  @IsString()
  @MinLength(1)
  webDir: string;
}

/** The folder of package.json: the same from src/ (tests) and from dist/src/ (npm start). */
function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** Builds and validates the configuration from an environment (process.env by default). Throws listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<LedgerConfig> = {}): LedgerConfig {
  const dataDir = overrides.dataDir ?? env.LEDGER_DATA_DIR ?? './data';
  const raw: Record<string, unknown> = {
    store: env.LEDGER_STORE ?? 'sqlite',
    dataDir,
    dbFile: env.LEDGER_DB_FILE ?? join(dataDir, 'ledger.db'),
    kurrentdbUrl: env.KURRENTDB_URL || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    readModelFile: env.LEDGER_READ_MODEL_FILE ?? join(dataDir, 'read-models.db'),
    auditFile: env.LEDGER_AUDIT_FILE ?? join(dataDir, 'audit.db'),
    signingKeyFile: env.LEDGER_SIGNING_KEY_FILE ?? `${dataDir.replace(/[/\\]+$/, '')}-signing-key.pem`,
    treeHeadIntervalSeconds: env.LEDGER_TREE_HEAD_INTERVAL_SECONDS ?? 60,
    demo: env.LEDGER_DEMO ?? true,
    catalogueDir: env.LEDGER_CATALOGUE_DIR || BUILT_IN_CATALOGUE_DIR,
    port: env.PORT ?? 3000,
    host: env.HOST ?? '0.0.0.0',
    webDir: env.LEDGER_WEB_DIR ?? join(packageRoot(), 'dist', 'web'),
    ...overrides,
  };
  const config = plainToInstance(LedgerConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (config.store === 'kurrentdb' && !config.kurrentdbUrl) {
    throw new Error('configuration: LEDGER_STORE=kurrentdb needs KURRENTDB_URL (e.g. kurrentdb://localhost:2113?tls=false)');
  }
  if (config.store === 'postgres' && !config.databaseUrl) {
    throw new Error('configuration: LEDGER_STORE=postgres needs DATABASE_URL (e.g. postgresql:///ledger?host=/var/run/postgresql)');
  }
  const folderProblem = errors.some((e) => e.property === 'catalogueDir') ? null : notAFolder(config.catalogueDir);
  if (folderProblem) {
    errors.push(Object.assign(new ValidationError(), { property: 'catalogueDir', constraints: { folder: `LEDGER_CATALOGUE_DIR ${folderProblem}` } }));
  }
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`configuration is invalid:\n  ${lines.join('\n  ')}`);
  }
  return config;
}

/** Why a path is not a readable folder, or null. */
function notAFolder(path: string): string | null {
  try {
    return statSync(path).isDirectory() ? null : `"${path}" is a file, not a folder`;
  } catch {
    return `"${path}" does not exist`;
  }
}
