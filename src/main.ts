import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { readFileSync } from 'node:fs';
import { corsIfConfigured, limitBodies, securityHeaders, warnIfPlainHttpOnNetwork } from './api/hardening';
import { parseJsonBodies } from './api/json-body';
import { refuseEscapingPaths } from './api/paths';
import { Catalogue } from './catalogue/catalogue';
import { addDemoUsers, type DemoCredentials, principalOfUser } from './identity/bootstrap';
import { CredentialStore } from './identity/credentials';
import { LedgerExceptionFilter } from './api/ledger-exception.filter';
import { ledgerValidationPipe } from './api/validation';
import { LedgerConfig, loadConfig } from './config/ledger-config';
import { loadDemoData } from './journal/demo';
import { openCheckedLedger, StartCheck } from './audit/start-check';
import { serveWebApp } from './web/serve-web-app';
import { sendBuffersReleasedOnClose } from './projections/reader-pool';
import type { EventStore } from './store/event-store.port';

export interface LedgerApp {
  readonly app: NestFastifyApplication;
  readonly store: EventStore;
  readonly url: string;
  /** The demo's users and their passwords, when this start created them (first start with the demo): shown this once. */
  readonly demoUsers?: readonly DemoCredentials[];
  close(): Promise<void>;
}

/** Builds the HTTP application on an opened store: the API, JSON bodies, validation, error mapping, OpenAPI at /docs, the web app at /. */
export async function createApp(config: LedgerConfig, store: EventStore, options: { logger?: boolean; startCheck?: StartCheck } = {}) {
  const startCheck = options.startCheck ?? { seal: null, headFindings: [], keyWarnings: [], findings: [] };
  const https = config.tlsCertFile ? { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile as string) } : undefined;
  const adapter = new FastifyAdapter({
    bodyLimit: Math.max(config.journalLimitMb * 1024 * 1024, config.bodyLimitKb * 1024),
    trustProxy: config.trustProxy,
    ...(https ? { https } : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(config, store, startCheck), adapter, {
    logger: options.logger === false ? false : ['error', 'warn', 'log'],
    // A module that cannot start (e.g. a bad catalogue file) rejects here with its message, instead of exiting.
    abortOnError: false,
  });
  refuseEscapingPaths(app);
  limitBodies(app, config);
  securityHeaders(app);
  sendBuffersReleasedOnClose(app);
  corsIfConfigured(app, config);
  parseJsonBodies(app);
  app.useGlobalPipes(ledgerValidationPipe());
  app.useGlobalFilters(new LedgerExceptionFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('GNBV fund ledger')
      .setDescription(
        'Event-sourced ledger of the National Target Programme for Sustainable Poverty Reduction: every allocation, adjustment and disbursement is an immutable event with its legal basis and author.',
      )
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await serveWebApp(app, config.webDir);
  return app;
}

/**
 * Opens the configured store and starts listening. With `demo`, an empty SQLite or PostgreSQL store first
 * receives the demo journals (demo/*.yaml): a newcomer sees real district figures at once. Idempotent;
 * LEDGER_DEMO=0 turns it off. Not on KurrentDB: its multi-stream append cannot take a stream that comes
 * back after another in one append, which the journals' order needs.
 */
export async function startLedger(
  config: LedgerConfig = loadConfig(),
  options: { logger?: boolean; demo?: boolean } = {},
): Promise<LedgerApp> {
  const { store, startCheck } = await openCheckedLedger(config, options.logger === false ? null : new Logger('Ledger'));
  let app: NestFastifyApplication | undefined;
  let demoUsers: DemoCredentials[] | undefined;
  try {
    app = await createApp(config, store, { ...options, startCheck });
    if (options.demo && config.demo && config.store !== 'kurrentdb' && startCheck.findings.length === 0 && (await store.headPosition()) === 0) {
      demoUsers = await loadDemo(app, store, options.logger !== false);
    }
    warnIfPlainHttpOnNetwork(config);
    await app.listen(config.port, config.host);
  } catch (error) {
    // A ledger that cannot start leaves nothing open behind it (the port, the database files).
    await app?.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${config.tlsCertFile ? 'https' : 'http'}://127.0.0.1:${port}`;
  const started = app;
  return {
    app: started,
    store,
    url,
    ...(demoUsers ? { demoUsers } : {}),
    close: async () => {
      await started.close();
      await store.close();
    },
  };
}

/**
 * The demo on an empty store: one user per role (whole country), their passwords printed this once, then the demo
 * journals imported by demo-importer.
 */
async function loadDemo(app: NestFastifyApplication, store: EventStore, print: boolean): Promise<DemoCredentials[]> {
  const logger = new Logger('Demo');
  // The configured catalogue and the credentials store the application itself uses.
  const catalogue = app.get(Catalogue);
  const users = await addDemoUsers(store, app.get(CredentialStore), catalogue);
  if (print) {
    logger.log('demo users, one per role, for the whole country; their passwords are shown this once (sign in: POST /auth/login or the web app):');
    for (const u of users) logger.log(`  ${u.userId.padEnd(16)} ${u.password}`);
  }
  await loadDemoData(store, { principal: await principalOfUser(store, 'demo-importer'), catalogue, onlyIfEmpty: false, log: (line) => logger.log(line) });
  return users;
}

if (require.main === module) {
  // loadConfig inside the chain: a bad variable is printed as its message, like any other start failure.
  Promise.resolve()
    .then(() => startLedger(loadConfig(), { demo: true }))
    .then(({ url, store }) => new Logger('Ledger').log(`listening on ${url} (store: ${store.constructor.name}); OpenAPI at ${url}/docs`))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
