import { HttpException, Logger } from '@nestjs/common';
import { AuditUnavailable } from '../audit/audit';
import { ReadModelUnavailable } from '../projections/read-model-queries';
import { IdempotencyKeyTaken } from '../store/event-store.port';
import { LedgerExceptionFilter } from './ledger-exception.filter';

/** The kinds of error a test cannot provoke through the running application (see test/api/errors.e2e.spec.ts for the rest). */
describe('LedgerExceptionFilter', () => {
  const filter = new LedgerExceptionFilter();
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('answers read models not built yet, and an audit log not running, with 503 and a code each', () => {
    expect(filter.toAnswer(new ReadModelUnavailable('the read models have not been built yet'))).toEqual([
      503,
      { error: 'READ_MODEL_UNAVAILABLE', message: 'the read models have not been built yet' },
    ]);
    expect(filter.toAnswer(new AuditUnavailable('the audit log is not running'))).toEqual([503, { error: 'AUDIT_UNAVAILABLE', message: 'the audit log is not running' }]);
  });

  it('answers an idempotency key claimed by a concurrent command with 409', () => {
    expect(filter.toAnswer(new IdempotencyKeyTaken('k-1'))).toEqual([409, { error: 'IDEMPOTENCY_KEY_IN_USE', message: 'idempotency key k-1 was already used' }]);
  });

  it('answers a failure of its own with 500 INTERNAL, logging the stack and never sending it', () => {
    const failure = new TypeError("Cannot read properties of undefined (reading 'position') at /srv/ledger/src/x.ts:12");
    const [status, body] = filter.toAnswer(failure);
    expect([status, body]).toEqual([500, { error: 'INTERNAL', message: 'the ledger failed to process the request; nothing was recorded by it' }]);
    expect(logged).toHaveBeenCalledWith(failure.stack);
    expect(filter.toAnswer(new HttpException('database is locked', 500))).toEqual([500, body]);
  });

  it('gives other HTTP errors of Nest and Fastify a code from their status and one message', () => {
    expect(filter.toAnswer(new HttpException({ message: ['a', 'b'], error: 'Bad Request', statusCode: 400 }, 400))).toEqual([400, { error: 'BAD_REQUEST', message: 'a; b' }]);
    expect(filter.toAnswer(new HttpException('slow down', 429))).toEqual([429, { error: 'TOO_MANY_REQUESTS', message: 'slow down' }]);
    expect(filter.toAnswer(new HttpException('teapot', 418))).toEqual([418, { error: 'HTTP_418', message: 'teapot' }]);
  });
});
