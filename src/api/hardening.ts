import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LedgerConfig } from '../config/ledger-config';

/** The route that takes large bodies: a journal of a province's year is tens of megabytes. */
export const JOURNAL_ROUTE = '/journal/import';

/**
 * Body-size limits per route: LEDGER_BODY_LIMIT_KB (1 MB) for every route, LEDGER_JOURNAL_LIMIT_MB (50 MB) for the
 * journal import. Set on each route as it is registered, before Fastify reads a byte of the body (413 PAYLOAD_TOO_LARGE).
 */
export function limitBodies(app: NestFastifyApplication, config: Pick<LedgerConfig, 'bodyLimitKb' | 'journalLimitMb'>): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit = route.url === JOURNAL_ROUTE ? config.journalLimitMb * 1024 * 1024 : config.bodyLimitKb * 1024;
  });
}

/**
 * Headers on every answer: no sniffing of content types, no framing (clickjacking), no referrer leaving the ledger, a
 * content security policy allowing only the ledger's own scripts, styles, images and connections, HSTS over HTTPS,
 * and no caching of API answers (balances and names of who recorded what stay off shared caches).
 */
export function securityHeaders(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}

/** Cross-origin calls from browsers: none, unless LEDGER_CORS_ORIGINS lists the origins allowed. */
export function corsIfConfigured(app: NestFastifyApplication, config: Pick<LedgerConfig, 'corsOrigins'>): void {
  if (config.corsOrigins.length === 0) return;
  app.enableCors({ origin: config.corsOrigins, credentials: false, allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'] });
  new Logger('HTTP').log(`CORS: browsers may call the API from ${config.corsOrigins.join(', ')}`);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Says loudly when the ledger serves a network over plain HTTP: passwords and tokens would cross it in clear. */
export function warnIfPlainHttpOnNetwork(config: Pick<LedgerConfig, 'host' | 'tlsCertFile' | 'trustProxy'>): void {
  if (config.tlsCertFile || config.trustProxy || LOOPBACK.test(config.host)) return;
  new Logger('HTTP').warn(
    `listening on ${config.host} over plain HTTP: passwords and tokens cross the network in clear. ` +
      'Give LEDGER_TLS_CERT_FILE and LEDGER_TLS_KEY_FILE, or put a reverse proxy with TLS in front (LEDGER_TRUST_PROXY=1, HOST=127.0.0.1): see README "TLS"',
  );
}
