import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength, validateSync } from 'class-validator';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The ledger's configuration, declared once and validated at boot. Only infrastructure reads it;
 * nothing else touches process.env.
 */
export class LedgerConfig {
  /** LEDGER_STORE: which event store adapter to use. */
  @IsIn(['sqlite', 'kurrentdb'])
  store: 'sqlite' | 'kurrentdb' = 'sqlite';

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

  /** LEDGER_READ_MODEL_FILE: SQLite file of the projections' read models (default DATA_DIR/read-models.db). */
  @IsString()
  @MinLength(1)
  readModelFile: string;

  /** LEDGER_AUDIT_FILE: SQLite file of the Merkle log and signed tree heads (default DATA_DIR/audit.db). */
  @IsString()
  @MinLength(1)
  auditFile: string;

  /** LEDGER_SIGNING_KEY_FILE: Ed25519 private key (PEM) that signs tree heads; generated on first start if absent. */
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
   * empty embedded store, so a newcomer sees real figures at once. "0" or "false" disables it.
   */
  @Transform(({ value }) => (typeof value === 'string' ? !['0', 'false', 'no', 'off', ''].includes(value.toLowerCase()) : value))
  @IsBoolean()
  demo = true;

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
    readModelFile: env.LEDGER_READ_MODEL_FILE ?? join(dataDir, 'read-models.db'),
    auditFile: env.LEDGER_AUDIT_FILE ?? join(dataDir, 'audit.db'),
    signingKeyFile: env.LEDGER_SIGNING_KEY_FILE ?? join(dataDir, 'signing-key.pem'),
    treeHeadIntervalSeconds: env.LEDGER_TREE_HEAD_INTERVAL_SECONDS ?? 60,
    demo: env.LEDGER_DEMO ?? true,
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
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`configuration is invalid:\n  ${lines.join('\n  ')}`);
  }
  return config;
}
