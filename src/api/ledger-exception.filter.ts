import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditNotFound, AuditUnavailable } from '../audit/audit';
import { NothingSelected } from '../audit/bundle-selection';
import { LogIntegrityError } from '../audit/merkle-log';
import { EventInvariantViolated } from '../commands/event-invariants';
import { FORBIDDEN, JournalRejected } from '../journal/journal.importer';
import { Forbidden, Unauthenticated } from '../identity/rights';
import { NotInReadModel, OutsideScope, PositionNotReached, ReadModelUnavailable } from '../projections/read-model-queries';
import { ReadModelBehind } from '../projections/read-models.controller';
import { CommandRefused, FieldProblem, InvalidRequest } from '../shared/errors';
import { IdempotencyKeyTaken, WrongExpectedRevision } from '../store/event-store.port';
import { MalformedJson, UnsupportedCharset } from './json-body';
import { NotAReport } from '../reports/report-files';

/**
 * The body of every error answer, from every route: a stable machine code, a sentence a person can read, every bad
 * field for malformed input, and the facts behind a refusal. Never a stack trace or a file path.
 */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly problems?: readonly (FieldProblem & { readonly code?: string })[];
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Codes of the HTTP errors raised by Nest and Fastify themselves (unknown route, actor guard, body limits...). */
const HTTP_CODES: Readonly<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_REQUEST',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHENTICATED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'METHOD_NOT_ALLOWED',
  [HttpStatus.NOT_ACCEPTABLE]: 'NOT_ACCEPTABLE',
  [HttpStatus.REQUEST_TIMEOUT]: 'REQUEST_TIMEOUT',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'UNSUPPORTED_MEDIA_TYPE',
  [HttpStatus.TOO_MANY_REQUESTS]: 'TOO_MANY_REQUESTS',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'UNAVAILABLE',
};

type Answer = readonly [status: number, body: ErrorBody];

/** The one place where errors become HTTP answers: every route, one shape, the same code for the same cause. */
@Catch()
export class LedgerExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.toAnswer(error);
    if (error instanceof Unauthenticated && error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    if (status === 401) void reply.header('www-authenticate', 'Bearer realm="gnbv-ledger"');
    void reply.status(status).send(body);
  }

  toAnswer(error: unknown): Answer {
    // Who is asking, and may they: 401 with what is wrong with the credentials, 403 with the right that is missing.
    if (error instanceof Unauthenticated) return [error.status, { error: error.code, message: error.message }];
    if (error instanceof Forbidden) return [403, { error: 'FORBIDDEN', message: error.message, details: error.details }];
    if (error instanceof OutsideScope) return [403, { error: 'FORBIDDEN', message: error.message, details: { right: 'read' } }];
    // Malformed input: 400, every bad field.
    if (error instanceof InvalidRequest) return [400, { error: error.code, message: error.message, problems: error.problems }];
    if (error instanceof MalformedJson) return [400, { error: 'MALFORMED_JSON', message: error.message }];
    if (error instanceof UnsupportedCharset) return [415, { error: 'UNSUPPORTED_MEDIA_TYPE', message: error.message }];
    if (error instanceof NotAReport) return [400, { error: 'NOT_A_REPORT', message: error.message }];
    if (error instanceof JournalRejected) {
      const details = error.journal ? { details: { journal: error.journal } } : {};
      return [error.code === FORBIDDEN ? 403 : error.refused ? 409 : 400, { error: error.code, message: error.message, problems: error.problems, ...details }];
    }
    // Business refusals and concurrency: 409, 412, 422.
    if (error instanceof CommandRefused) {
      return [error.code === 'IDEMPOTENCY_KEY_REUSED' ? 422 : 409, { error: error.code, message: error.reason, details: error.details }];
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
    if (error instanceof IdempotencyKeyTaken) return [409, { error: 'IDEMPOTENCY_KEY_IN_USE', message: error.message }];
    // What was asked for is not there: 404.
    if (error instanceof NotInReadModel || error instanceof AuditNotFound || error instanceof NothingSelected) {
      return [404, { error: 'NOT_FOUND', message: error.message }];
    }
    // Not ready: 503, retry later.
    if (error instanceof ReadModelBehind) {
      const failing = error.failing ? { failing: error.failing } : {};
      return [503, { error: 'READ_MODEL_BEHIND', message: error.message, details: { position: error.position, minPosition: error.minPosition, ...failing } }];
    }
    if (error instanceof PositionNotReached) {
      return [503, { error: 'READ_MODEL_BEHIND', message: error.message, details: { position: error.position, upToPosition: error.upToPosition } }];
    }
    if (error instanceof ReadModelUnavailable) return [503, { error: 'READ_MODEL_UNAVAILABLE', message: error.message }];
    if (error instanceof AuditUnavailable) return [503, { error: 'AUDIT_UNAVAILABLE', message: error.message }];
    if (error instanceof EventInvariantViolated) {
      this.logger.error(error.message);
      return [500, { error: 'EVENT_INVARIANT', message: 'the ledger refused to record events that break its invariants (a defect of the ledger, logged); nothing was recorded' }];
    }
    if (error instanceof LogIntegrityError) {
      this.logger.error(error.message);
      return [500, { error: 'LOG_INTEGRITY', message: error.message }];
    }
    if (error instanceof HttpException) return this.fromHttpException(error);
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return [500, { error: 'INTERNAL', message: 'the ledger failed to process the request; nothing was recorded by it' }];
  }

  /** Nest's and Fastify's own errors: their status kept, their message as one sentence, a stable code. */
  private fromHttpException(error: HttpException): Answer {
    const status = error.getStatus();
    if (status === 500) {
      this.logger.error(error.stack ?? error.message);
      return [500, { error: 'INTERNAL', message: 'the ledger failed to process the request; nothing was recorded by it' }];
    }
    const response = error.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = Array.isArray(raw) ? raw.map(String).join('; ') : typeof raw === 'string' ? raw : error.message;
    return [status, { error: HTTP_CODES[status] ?? `HTTP_${status}`, message }];
  }
}
