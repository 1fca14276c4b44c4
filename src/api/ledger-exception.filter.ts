import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IdempotencyKeyTaken, WrongExpectedRevision } from '../store/event-store.port';
import { CommandRefused, InvalidCommand } from '../shared/errors';

/** The one place where ledger errors become HTTP responses. */
@Catch()
export class LedgerExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.toResponse(error);
    void reply.status(status).send(body);
  }

  private toResponse(error: unknown): [number, Record<string, unknown>] {
    if (error instanceof InvalidCommand) {
      return [400, { error: 'INVALID_COMMAND', message: error.message, problems: error.problems }];
    }
    if (error instanceof CommandRefused) {
      const status = error.code === 'IDEMPOTENCY_KEY_REUSED' ? 422 : 409;
      return [status, { error: error.code, message: error.reason, details: error.details }];
    }
    if (error instanceof WrongExpectedRevision) {
      return [
        412,
        {
          error: 'REVISION_CONFLICT',
          message: `${error.stream} is at revision ${String(error.actual)}, not ${String(error.expected)}: read it again and retry`,
          details: { stream: error.stream, expected: error.expected, actual: error.actual },
        },
      ];
    }
    if (error instanceof IdempotencyKeyTaken) {
      return [409, { error: 'IDEMPOTENCY_KEY_IN_USE', message: error.message }];
    }
    if (error instanceof HttpException) {
      const response = error.getResponse();
      const body = typeof response === 'string' ? { message: response } : (response as Record<string, unknown>);
      return [error.getStatus(), { error: body.error ?? error.name, ...body }];
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return [500, { error: 'INTERNAL', message: 'the ledger failed to process the request; nothing was recorded by it' }];
  }
}
