import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf, ValidationError, validateSync } from 'class-validator';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { BUILT_IN_CATALOGUE_DIR } from '../catalogue/built-in';

/**
 * LEDGER_REBUILD_FROM_EVENTS by default: the shortest log whose read models, built from position 0 at start, are built by
 * a rebuild (FirstFill in projection-runner.ts). Below it a rebuild's threads and its indexes built at the end cost about
 * what they save.
 */
export const FIRST_FILL_REBUILD_EVENTS = 100_000;

/** The largest journal, in MB of text (LEDGER_JOURNAL_LIMIT_MB): the journal route's body limit, and a file's for `ledger import`. */
export const DEFAULT_JOURNAL_LIMIT_MB = 50;

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

  /**
   * LEDGER_READ_MODELS: where the read models live: `sqlite` (the file above) or `postgres` (schemas of DATABASE_URL's
   * database, shared by every ledger process on it). Default: `postgres` when store=postgres, else `sqlite`.
   */
  @IsIn(['sqlite', 'postgres'], { message: 'LEDGER_READ_MODELS must be sqlite or postgres' })
  readModelStore: 'sqlite' | 'postgres' = 'sqlite';

  /** Where ReadModelDb.open finds the read models: the SQLite file, or the PostgreSQL connection string (set by loadConfig). */
  readModelLocation!: string;

  /**
   * LEDGER_AUDIT_FILE: SQLite file of the Merkle log and signed tree heads (default DATA_DIR/audit.db). Not read when
   * store=postgres: the Merkle log is then in the database's schema `audit`, shared by every process.
   */
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

  /**
   * LEDGER_RED_FLAG_RULES: the red-flag rules and thresholds file (JSON, each rule with its Vietnamese and English
   * description), checked at start. Default: the built-in projections/red-flags/rules.json. A changed file rebuilds
   * the read models at the next start (its content is part of their fingerprint).
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  redFlagRulesFile?: string;

  /** PORT / HOST of the HTTP API. HOST defaults to this machine only: to serve a network, give TLS (below) or a reverse proxy. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 3000;

  @IsString()
  host = '127.0.0.1';

  /**
   * LEDGER_CREDENTIALS_FILE: password hashes, API token hashes, sessions, sign-in failures (default
   * DATA_DIR/credentials.db). Not read when store=postgres: they are then in the database's schema `credentials`.
   */
  @IsString()
  @MinLength(1)
  credentialsFile: string;

  /**
   * LEDGER_AUTH_KEY_FILE: the secret that signs session tokens (JWT, HS256), generated on first start if absent
   * (default: DATA_DIR.auth-key, beside the data folder and never in it, as the data folder is backed up and handed
   * over). Or LEDGER_AUTH_KEY: the secret itself, base64url, at least 32 bytes (from a secret manager).
   */
  @IsString()
  @MinLength(1)
  authKeyFile: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43,}$/, { message: 'LEDGER_AUTH_KEY must be at least 32 bytes, base64url (43 characters or more)' })
  authKey?: string;

  /** LEDGER_SESSION_MINUTES: how long a sign-in (its token or cookie) lasts. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  sessionMinutes = 60;

  /** LEDGER_LOCKOUT_FAILURES / LEDGER_LOCKOUT_MINUTES: failed sign-ins in a row that lock a user id, and for how long. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  lockoutFailures = 5;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  lockoutMinutes = 15;

  /** LEDGER_SIGN_IN_PER_MINUTE: sign-in attempts one client address may make per minute (then 429). */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  signInPerMinute = 10;

  /**
   * LEDGER_READER_THREADS: worker threads that answer the read models' queries, each with a read-only connection of its
   * own, off the event loop that serves requests; 0 answers them in this thread. Default: min(2, cores).
   */
  @Transform(({ value }) => (value === undefined || (typeof value === 'string' && value.trim() === '') ? value : Number(value)))
  @IsInt({ message: 'LEDGER_READER_THREADS must be a whole number of threads, 0 to 64 (0: answer on the event loop)' })
  @Min(0, { message: 'LEDGER_READER_THREADS must be a whole number of threads, 0 to 64 (0: answer on the event loop)' })
  @Max(64, { message: 'LEDGER_READER_THREADS must be a whole number of threads, 0 to 64 (0: answer on the event loop)' })
  readerThreads = defaultReaderThreads();

  /**
   * LEDGER_REBUILD_FROM_EVENTS: from how many events in the log the read models, when they must be built from position 0
   * at start (first start on an existing log, or their shape or catalogue changed), are built by a rebuild in threads of
   * their own, as `ledger projections rebuild` does, rather than folded event by event in the projection thread.
   */
  @Transform(({ value }) => (value === undefined || (typeof value === 'string' && value.trim() === '') ? value : Number(value)))
  @IsInt({ message: 'LEDGER_REBUILD_FROM_EVENTS must be a whole number of events, 1 or more' })
  @Min(1, { message: 'LEDGER_REBUILD_FROM_EVENTS must be a whole number of events, 1 or more' })
  rebuildFromEvents = FIRST_FILL_REBUILD_EVENTS;

  /** LEDGER_BODY_LIMIT_KB: the largest body of a command or any other route; LEDGER_JOURNAL_LIMIT_MB: of a journal import. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  bodyLimitKb = 1024;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  @Max(1024)
  journalLimitMb = DEFAULT_JOURNAL_LIMIT_MB;

  /** LEDGER_CORS_ORIGINS: origins (comma-separated) whose pages may call the API from a browser. Default: none. */
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((o) => o.trim()).filter((o) => o.length > 0) : value))
  @Matches(/^https?:\/\/[^/\s]+$/, { each: true, message: 'LEDGER_CORS_ORIGINS must list origins such as https://bao-cao.langson.gov.vn, comma-separated' })
  corsOrigins: string[] = [];

  /** LEDGER_TLS_CERT_FILE / LEDGER_TLS_KEY_FILE: serve HTTPS with this certificate (PEM) and key. */
  @IsOptional()
  @IsString()
  tlsCertFile?: string;

  @ValidateIf((config: LedgerConfig) => config.tlsCertFile !== undefined)
  @IsString({ message: 'LEDGER_TLS_KEY_FILE is required with LEDGER_TLS_CERT_FILE' })
  tlsKeyFile?: string;

  /** LEDGER_TRUST_PROXY: the ledger runs behind a reverse proxy that terminates TLS (trust its X-Forwarded-For/-Proto). */
  @Transform(({ value }) => (typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value))
  @IsBoolean()
  trustProxy = false;

  /** LEDGER_OIDC_ISSUER: an OpenID Connect provider (Keycloak...) whose users may sign in; off when unset. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'LEDGER_OIDC_ISSUER must be the issuer URL, e.g. https://sso.langson.gov.vn/realms/ledger' })
  oidcIssuer?: string;

  /** LEDGER_OIDC_AUDIENCE: the audience the provider's tokens must name (the ledger's client id there). */
  @ValidateIf((config: LedgerConfig) => config.oidcIssuer !== undefined)
  @IsString({ message: 'LEDGER_OIDC_AUDIENCE is required with LEDGER_OIDC_ISSUER' })
  @MinLength(1)
  oidcAudience?: string;

  /** LEDGER_OIDC_CLIENT_SECRET: for the browser's sign-in through the provider (authorization code flow); optional for public clients. */
  @IsOptional()
  @IsString()
  oidcClientSecret?: string;

  /** LEDGER_OIDC_ROLES_CLAIM, LEDGER_OIDC_UNIT_CLAIM, LEDGER_OIDC_NAME_CLAIM: claims (dotted paths) carrying the ledger roles, the unit, the name. */
  @IsString()
  oidcRolesClaim = 'ledger_roles';

  @IsString()
  oidcUnitClaim = 'ledger_unit';

  @IsString()
  oidcNameClaim = 'name';

  /** LEDGER_OIDC_ALLOW_HTTP: accept a provider over plain HTTP (development and tests only; logged at start). */
  @Transform(({ value }) => (typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value))
  @IsBoolean()
  oidcAllowHttp = false;

  /** LEDGER_WEB_DIR: the built web app (`npm run build` writes it to dist/web), served at / beside the API. */
  @IsString()
  @MinLength(1)
  webDir: string;
}

/** LEDGER_READER_THREADS by default: two reader threads, or one on a machine of one core. */
export function defaultReaderThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
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
    readModelStore: env.LEDGER_READ_MODELS || ((overrides.store ?? env.LEDGER_STORE) === 'postgres' ? 'postgres' : 'sqlite'),
    auditFile: env.LEDGER_AUDIT_FILE ?? join(dataDir, 'audit.db'),
    signingKeyFile: env.LEDGER_SIGNING_KEY_FILE ?? `${dataDir.replace(/[/\\]+$/, '')}-signing-key.pem`,
    treeHeadIntervalSeconds: env.LEDGER_TREE_HEAD_INTERVAL_SECONDS ?? 60,
    demo: env.LEDGER_DEMO ?? true,
    catalogueDir: env.LEDGER_CATALOGUE_DIR || BUILT_IN_CATALOGUE_DIR,
    redFlagRulesFile: env.LEDGER_RED_FLAG_RULES || undefined,
    port: env.PORT ?? 3000,
    host: env.HOST ?? '127.0.0.1',
    credentialsFile: env.LEDGER_CREDENTIALS_FILE ?? join(dataDir, 'credentials.db'),
    authKeyFile: env.LEDGER_AUTH_KEY_FILE ?? `${dataDir.replace(/[\\/]+$/, '')}.auth-key`,
    authKey: env.LEDGER_AUTH_KEY || undefined,
    sessionMinutes: env.LEDGER_SESSION_MINUTES ?? 60,
    lockoutFailures: env.LEDGER_LOCKOUT_FAILURES ?? 5,
    lockoutMinutes: env.LEDGER_LOCKOUT_MINUTES ?? 15,
    signInPerMinute: env.LEDGER_SIGN_IN_PER_MINUTE ?? 10,
    readerThreads: env.LEDGER_READER_THREADS ?? defaultReaderThreads(),
    rebuildFromEvents: env.LEDGER_REBUILD_FROM_EVENTS ?? FIRST_FILL_REBUILD_EVENTS,
    bodyLimitKb: env.LEDGER_BODY_LIMIT_KB ?? 1024,
    journalLimitMb: env.LEDGER_JOURNAL_LIMIT_MB ?? DEFAULT_JOURNAL_LIMIT_MB,
    corsOrigins: env.LEDGER_CORS_ORIGINS ?? [],
    tlsCertFile: env.LEDGER_TLS_CERT_FILE || undefined,
    tlsKeyFile: env.LEDGER_TLS_KEY_FILE || undefined,
    trustProxy: env.LEDGER_TRUST_PROXY ?? false,
    oidcIssuer: env.LEDGER_OIDC_ISSUER || undefined,
    oidcAudience: env.LEDGER_OIDC_AUDIENCE || undefined,
    oidcClientSecret: env.LEDGER_OIDC_CLIENT_SECRET || undefined,
    oidcRolesClaim: env.LEDGER_OIDC_ROLES_CLAIM ?? 'ledger_roles',
    oidcUnitClaim: env.LEDGER_OIDC_UNIT_CLAIM ?? 'ledger_unit',
    oidcNameClaim: env.LEDGER_OIDC_NAME_CLAIM ?? 'name',
    oidcAllowHttp: env.LEDGER_OIDC_ALLOW_HTTP ?? false,
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
  if (config.readModelStore === 'postgres' && config.store !== 'postgres') {
    throw new Error('configuration: LEDGER_READ_MODELS=postgres needs LEDGER_STORE=postgres (the read models live beside the log)');
  }
  config.readModelLocation = config.readModelStore === 'postgres' ? (config.databaseUrl as string) : config.readModelFile;
  if (!config.authKey && insideFolder(config.authKeyFile, config.dataDir)) {
    errors.push(
      Object.assign(new ValidationError(), {
        property: 'authKeyFile',
        constraints: { outside: `LEDGER_AUTH_KEY_FILE must lie outside the data folder (${config.dataDir}), which is backed up and handed over` },
      }),
    );
  }
  const folderProblem = errors.some((e) => e.property === 'catalogueDir') ? null : notAFolder(config.catalogueDir);
  if (folderProblem) {
    errors.push(Object.assign(new ValidationError(), { property: 'catalogueDir', constraints: { folder: `LEDGER_CATALOGUE_DIR ${folderProblem}` } }));
  }
  const rulesProblem = config.redFlagRulesFile === undefined || errors.some((e) => e.property === 'redFlagRulesFile') ? null : notAFile(config.redFlagRulesFile);
  if (rulesProblem) {
    errors.push(Object.assign(new ValidationError(), { property: 'redFlagRulesFile', constraints: { file: `LEDGER_RED_FLAG_RULES ${rulesProblem}` } }));
  }
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`configuration is invalid:\n  ${lines.join('\n  ')}`);
  }
  return config;
}

function insideFolder(file: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Why a path is not a file, or null. */
function notAFile(path: string): string | null {
  try {
    return statSync(path).isFile() ? null : `"${path}" is a folder, not a file`;
  } catch {
    return `"${path}" does not exist`;
  }
}

/** Why a path is not a readable folder, or null. */
function notAFolder(path: string): string | null {
  try {
    return statSync(path).isDirectory() ? null : `"${path}" is a file, not a folder`;
  } catch {
    return `"${path}" does not exist`;
  }
}
