import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { parseJsonBodies } from './api/json-body';
import { refuseEscapingPaths } from './api/paths';
import { LedgerExceptionFilter } from './api/ledger-exception.filter';
import { ledgerValidationPipe } from './api/validation';
import { LedgerConfig, loadConfig } from './config/ledger-config';
import { Catalogue } from './catalogue/catalogue';
import { loadDemoData } from './journal/demo';
import { openCheckedLedger, StartCheck } from './audit/start-check';
import { serveWebApp } from './web/serve-web-app';
import type { EventStore } from './store/event-store.port';

export interface LedgerApp {
  readonly app: NestFastifyApplication;
  readonly store: EventStore;
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the HTTP application on an opened store: the API, JSON bodies, validation, error mapping, OpenAPI at /docs, the web app at /. */
export async function createApp(config: LedgerConfig, store: EventStore, options: { logger?: boolean; startCheck?: StartCheck } = {}) {
  const startCheck = options.startCheck ?? { seal: null, headFindings: [], keyWarnings: [], findings: [] };
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(config, store, startCheck), new FastifyAdapter({ bodyLimit: 50 * 1024 * 1024 }), {
    logger: options.logger === false ? false : ['error', 'warn', 'log'],
    // A module that cannot start (e.g. a bad catalogue file) rejects here with its message, instead of exiting.
    abortOnError: false,
  });
  refuseEscapingPaths(app);
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
  try {
    app = await createApp(config, store, { ...options, startCheck });
    if (options.demo && config.demo && config.store !== 'kurrentdb' && startCheck.findings.length === 0) {
      await loadDemoData(store, { catalogue: app.get(Catalogue), log: (line) => new Logger('Demo').log(line) });
    }
    await app.listen(config.port, config.host);
  } catch (error) {
    // A ledger that cannot start leaves nothing open behind it (the port, the database files).
    await app?.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://127.0.0.1:${port}`;
  const started = app;
  return {
    app: started,
    store,
    url,
    close: async () => {
      await started.close();
      await store.close();
    },
  };
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
