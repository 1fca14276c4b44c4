import type { HttpAdapterHost } from '@nestjs/core';

type Parser = (req: unknown, body: string | Buffer, done: (e: Error | null, v?: unknown) => void) => void;

/**
 * Lets Fastify read bodies of more content types, as text (journals in YAML) or as bytes (report files), for the
 * modules whose routes take them. Types Fastify already reads are left as they are.
 */
export function acceptBodies(adapterHost: HttpAdapterHost, types: readonly string[], parseAs: 'string' | 'buffer'): void {
  const instance = adapterHost.httpAdapter?.getInstance?.() as
    | { hasContentTypeParser?: (type: string) => boolean; addContentTypeParser?: (type: string[], opts: { parseAs: 'string' | 'buffer' }, parser: Parser) => void }
    | undefined;
  if (!instance?.addContentTypeParser) return;
  const missing = types.filter((t) => !instance.hasContentTypeParser?.(t));
  if (missing.length > 0) instance.addContentTypeParser(missing, { parseAs }, (_req, body, done) => done(null, body));
}
