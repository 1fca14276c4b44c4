import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * A path that climbs out of where it points (`/docs/..%2f..%2fpackage.json`) or hides a separator in an escape
 * (%2f, %5c) names no resource of the ledger: 404, answered before any route or file server sees it. Static file
 * serving (OpenAPI UI, the web app's assets) would otherwise resolve it against the file system.
 */
export function refuseEscapingPaths(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const path = request.url.split('?')[0];
      let decoded: string;
      try {
        decoded = decodeURIComponent(path);
      } catch {
        decoded = '';
      }
      if (/%2f|%5c/i.test(path) || decoded === '' || decoded.split(/[/\\]/).some((segment) => segment === '..' || segment === '.')) {
        void reply
          .code(404)
          .type('application/json; charset=utf-8')
          .send({ error: 'NOT_FOUND', message: `no route or file at ${JSON.stringify(path.slice(0, 200))}` });
        return;
      }
      done();
    });
}
