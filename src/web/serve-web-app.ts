import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Serves the built web app (web/, built by `npm run build` into `dir`) on the API's own port: its assets under
 * /assets/, and index.html for every other page a browser opens (the app routes on the client). API routes keep priority:
 * they are more specific than the catch-all, and a request that does not ask for HTML still gets the API's 404.
 * Nothing is fetched from elsewhere: fonts, scripts and the chart library are all in the bundle.
 */
export async function serveWebApp(app: NestFastifyApplication, dir: string): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  if (!existsSync(join(dir, 'index.html'))) {
    new Logger('Web').warn(`no web app in ${dir}: run \`npm run build\` (the API works without it)`);
    fastify.get('/', (_request: FastifyRequest, reply: FastifyReply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(`The web app is not built (no ${join(dir, 'index.html')}): run \`npm run build\`. The API is at /docs.\n`),
    );
    return;
  }
  // dist/web/assets/*.js|css carry a content hash in their name and never change: cached for a year. Looked up
  // per request, so a rebuild while the ledger runs is served at once.
  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    wildcard: true,
    index: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (res) => res.setHeader('cache-control', 'public, max-age=31536000, immutable'),
  });
  // index.html names the current assets: always revalidated.
  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', dir);
  fastify.get('/', (_request: FastifyRequest, reply: FastifyReply) => sendIndex(reply));
  fastify.get('/*', (request: FastifyRequest, reply: FastifyReply) => {
    const accept = request.headers.accept ?? '';
    if (accept.includes('text/html')) return sendIndex(reply);
    return reply.callNotFound();
  });
}
