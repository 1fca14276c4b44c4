import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';

/** A body sent as application/json that is not JSON (HTTP 400, MALFORMED_JSON). Nothing is stored. */
export class MalformedJson extends Error {
  override readonly name = 'MalformedJson';
}

/**
 * The JSON body parser Nest would install (Fastify's own, with its prototype-poisoning checks and the body limit),
 * its failures turned into MalformedJson saying where the text went wrong: Fastify's errors would reach the
 * exception filter as bare HttpExceptions without their code. Only JSON bodies are read (and YAML journals, by
 * JournalModule); a form body is refused with 415.
 */
export function parseJsonBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    parse(request, text, (error, value) => (error ? done(new MalformedJson(describe(text)), undefined) : done(null, value)));
  });
}

function describe(body: string): string {
  if (body.length === 0) return 'the body is empty, but its Content-Type says application/json: send a JSON object';
  try {
    JSON.parse(body);
  } catch (syntax) {
    return `the body is not valid JSON: ${(syntax as SyntaxError).message}`;
  }
  return 'the body sets __proto__ or constructor.prototype, which the ledger refuses';
}
