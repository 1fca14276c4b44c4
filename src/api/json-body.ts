import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest, RawServerDefault } from 'fastify';
import { InvalidCommand, InvalidRequest } from '../shared/errors';
import { COMMAND_LIMITS, DOCUMENT_LIMITS, JOURNAL_LIMITS, jsonShapeProblem } from '../shared/validation/input-limits';
import { JournalRejected } from '../journal/journal.importer';

/** A body sent as application/json that is not JSON (HTTP 400, MALFORMED_JSON). Nothing is stored. */
export class MalformedJson extends Error {
  override readonly name = 'MalformedJson';
}

/** A body in a character set other than UTF-8 (HTTP 415, UNSUPPORTED_MEDIA_TYPE). */
export class UnsupportedCharset extends Error {
  override readonly name = 'UnsupportedCharset';
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The body's text: UTF-8, the only character set the ledger reads. A Content-Type naming another is refused
 * (415) rather than misread; bytes that are not UTF-8 are refused (400) rather than silently replaced by U+FFFD.
 * `malformed` builds the 400 of the route (MALFORMED_JSON, INVALID_JOURNAL).
 */
export function bodyText(request: FastifyRequest, body: Buffer, malformed: (message: string) => Error): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(request.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new UnsupportedCharset(`the body is declared as ${charset}: the ledger reads UTF-8 only (send charset=utf-8, or none)`);
  }
  try {
    return utf8.decode(body);
  } catch {
    throw malformed(`the body is not valid UTF-8 (at byte ${firstInvalidByte(body)}): send the text encoded as UTF-8`);
  }
}

/** Offset of the first byte where UTF-8 decoding fails (for the message only: the decoder does not say). */
function firstInvalidByte(body: Buffer): number {
  let lo = 0;
  let hi = body.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

/**
 * The JSON body parser Nest would install (Fastify's own, with its prototype-poisoning checks and the body limit),
 * behind three guards: the text must be UTF-8 (bodyText), and its nesting and number of values within the route's
 * limits (input-limits.ts: a command's, a journal's, or any other document's), checked in one pass before JSON.parse. Its failures are MalformedJson saying where the
 * text went wrong: Fastify's errors would reach the exception filter as bare HttpExceptions without their code. Only
 * JSON bodies are read (and YAML journals, by JournalModule); a form body is refused with 415.
 */
export function parseJsonBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    try {
      const text = bodyText(request, body, (m) => new MalformedJson(m));
      const route = request.url.startsWith('/commands/') ? 'command' : request.url.startsWith('/journal/') ? 'journal' : 'document';
      const problem = jsonShapeProblem(text, route === 'command' ? COMMAND_LIMITS : route === 'journal' ? JOURNAL_LIMITS : DOCUMENT_LIMITS);
      if (problem) {
        if (route === 'journal') throw new JournalRejected([{ field: '(file)', problem: `the journal ${problem}` }]);
        if (route === 'command') throw InvalidCommand.field('(body)', `the command ${problem}`);
        throw InvalidRequest.field('(body)', `the body ${problem}`);
      }
      parse(request, text, (error, value) => (error ? done(new MalformedJson(describe(text)), undefined) : done(null, value)));
    } catch (error) {
      done(error as Error, undefined);
    }
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
