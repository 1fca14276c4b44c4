import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { journal } from '../journal/support';
import { AUDITOR, IMPORTER, OFFICER, READER, startTestLedger, TestLedger, TestResponse } from '../support/app';

const LINE = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
const DECISION = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
const ACTIVITY = {
  activityId: 'VQ-2024-DA5-NHA-O',
  name: 'Hỗ trợ nhà ở hộ nghèo, hộ cận nghèo năm 2024',
  programme: 'GNBV-2021-2025',
  component: 'DA5',
  kind: 'housing-support',
  unit: '184',
  decision: { number: '693/QĐ-UBND', date: '2024-03-05', issuer: 'UBND huyện Văn Quan' },
};
const PLAN = { line: LINE, amount: '8036000000', decision: DECISION };
const YAML = { ...IMPORTER, 'content-type': 'application/yaml' };
const JSON_TYPE = { ...OFFICER, 'content-type': 'application/json' };

/** The one shape of every error answer. */
function expectErrorShape(res: TestResponse, status: number, code: string): void {
  expect({ status: res.status, error: res.body?.error }).toEqual({ status, error: code });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = res.body as Record<string, unknown>;
  expect(Object.keys(body).filter((k) => !['error', 'message', 'problems', 'details'].includes(k))).toEqual([]);
  expect(typeof body.message).toBe('string');
  expect((body.message as string).length).toBeGreaterThan(0);
  if (body.problems !== undefined) {
    expect(Array.isArray(body.problems)).toBe(true);
    for (const p of body.problems as Record<string, unknown>[]) {
      expect(Object.keys(p).filter((k) => !['field', 'problem', 'code'].includes(k))).toEqual([]);
      expect(typeof p.field).toBe('string');
      expect(typeof p.problem).toBe('string');
    }
  }
  if (body.details !== undefined) expect(typeof body.details).toBe('object');
  // No stack trace, no file of the server.
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+|\.js:\d+|node_modules|\/work\/|\/src\//);
}

interface Case {
  readonly what: string;
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  /** A field the problems must name. */
  readonly field?: string;
}

/** One example of each kind of error, from each controller and from Nest and Fastify themselves. */
const CASES: Record<string, readonly Case[]> = {
  commands: [
    { what: 'a malformed field', method: 'POST', path: '/commands/assign-plan', body: { ...PLAN, amount: 8036 }, status: 400, code: 'INVALID_COMMAND', field: 'amount' },
    { what: 'a malformed header', method: 'POST', path: '/commands/assign-plan', body: PLAN, headers: { ...OFFICER, 'idempotency-key': 'khóa' }, status: 400, code: 'INVALID_COMMAND', field: 'Idempotency-Key' },
    { what: 'a business refusal', method: 'POST', path: '/commands/allocate', body: { line: LINE, activityId: ACTIVITY.activityId, amount: '9000000000', decision: DECISION }, status: 409, code: 'INSUFFICIENT_UNALLOCATED' },
    { what: 'an unknown activity', method: 'POST', path: '/commands/allocate', body: { line: LINE, activityId: 'NO-SUCH', amount: '1', decision: DECISION }, status: 409, code: 'ACTIVITY_NOT_FOUND' },
    { what: 'a stale revision', method: 'POST', path: '/commands/assign-plan', body: PLAN, headers: { ...OFFICER, 'if-match': '"7"' }, status: 412, code: 'REVISION_CONFLICT' },
    { what: 'an idempotency key reused for another command', method: 'POST', path: '/commands/assign-plan', body: { ...PLAN, amount: '1' }, headers: { ...OFFICER, 'idempotency-key': 'plan-da5' }, status: 422, code: 'IDEMPOTENCY_KEY_REUSED' },
    { what: 'no credentials', method: 'POST', path: '/commands/assign-plan', body: PLAN, headers: {}, status: 401, code: 'UNAUTHENTICATED' },
    { what: 'a token that is not one', method: 'POST', path: '/commands/assign-plan', body: PLAN, headers: { authorization: 'Bearer x.y.z' }, status: 401, code: 'TOKEN_INVALID' },
    { what: 'a role that only reads', method: 'POST', path: '/commands/assign-plan', body: PLAN, headers: AUDITOR, status: 403, code: 'FORBIDDEN' },
    { what: 'a body that is not JSON', method: 'POST', path: '/commands/assign-plan', body: '{"line": {', headers: JSON_TYPE, status: 400, code: 'MALFORMED_JSON' },
    { what: 'an empty JSON body', method: 'POST', path: '/commands/assign-plan', body: '', headers: JSON_TYPE, status: 400, code: 'MALFORMED_JSON' },
    { what: 'a body of another type', method: 'POST', path: '/commands/assign-plan', body: '<plan/>', headers: { ...OFFICER, 'content-type': 'application/xml' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { what: 'a body over the limit of a command (1 MB)', method: 'POST', path: '/commands/assign-plan', body: `"${'x'.repeat(1024 * 1024 + 1)}"`, headers: JSON_TYPE, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  ],
  'read models': [
    { what: 'an unknown grouping', path: '/balances?groupBy=ward', status: 400, code: 'INVALID_REQUEST', field: 'groupBy' },
    { what: 'an unknown parameter', path: '/balances?colour=red', status: 400, code: 'INVALID_REQUEST', field: 'colour' },
    { what: 'an unknown unit', path: '/balances?unit=99999', status: 400, code: 'INVALID_REQUEST', field: 'unit' },
    { what: 'a trail without a decision', path: '/decisions/trail', status: 400, code: 'INVALID_REQUEST', field: 'number' },
    { what: 'an unknown fund line', path: '/fund-lines/fundline-nothing/history', status: 404, code: 'NOT_FOUND' },
    { what: 'an unknown decision', path: `/decisions/trail?number=${encodeURIComponent('1/QĐ-UBND')}`, status: 404, code: 'NOT_FOUND' },
    { what: 'a position not reached in time', path: '/progress?minPosition=1000000', status: 503, code: 'READ_MODEL_BEHIND' },
  ],
  audit: [
    { what: 'a count that is not a number', path: '/audit/tree-heads?limit=many', status: 400, code: 'INVALID_REQUEST', field: 'limit' },
    { what: 'a missing event id', path: '/audit/proofs/inclusion', status: 400, code: 'INVALID_REQUEST', field: 'eventId' },
    { what: 'a tree larger than the log', path: '/audit/proofs/consistency?first=1&second=99', status: 400, code: 'INVALID_REQUEST', field: 'second' },
    { what: 'two selections of a bundle', path: '/audit/bundles?line=x&activity=y', status: 400, code: 'INVALID_REQUEST', field: 'line, activity, decision' },
    { what: 'an unknown event', path: '/audit/proofs/inclusion?eventId=nope', status: 404, code: 'NOT_FOUND' },
    { what: 'a bundle that selects nothing', path: '/audit/bundles?activity=nobody', status: 404, code: 'NOT_FOUND' },
  ],
  journal: [
    { what: 'a malformed journal', method: 'POST', path: '/journal/import', body: journal('  - id: plan-da2\n    plan: { line: { component: DA2, source: NSTW, capitalType: SN }, amount: 4.649, decision: QD-4888 }\n'), headers: YAML, status: 400, code: 'INVALID_JOURNAL', field: 'entries[0] plan-da2 (line 16) plan.amount' },
    { what: 'an empty body', method: 'POST', path: '/journal/import', body: '', headers: { ...YAML, 'content-type': 'text/plain' }, status: 400, code: 'INVALID_JOURNAL', field: 'body' },
    { what: 'a business refusal', method: 'POST', path: '/journal/import', body: journal(`  - id: alloc-too-much\n    allocate: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: ${ACTIVITY.activityId}, amount: 9.000 triệu đồng, decision: QD-832 }\n`), headers: YAML, status: 409, code: 'INSUFFICIENT_UNALLOCATED', field: `entries[0] alloc-too-much (line 16) allocate` },
    { what: 'no credentials', method: 'POST', path: '/journal/import', body: journal(''), headers: { 'content-type': 'application/yaml' }, status: 401, code: 'UNAUTHENTICATED' },
    { what: 'a role that cannot import', method: 'POST', path: '/journal/import', body: journal(''), headers: { ...AUDITOR, 'content-type': 'application/yaml' }, status: 403, code: 'FORBIDDEN' },
  ],
  'the application': [
    { what: 'an unknown route', path: '/balance', status: 404, code: 'NOT_FOUND' },
    { what: 'a read without credentials', path: '/balances', headers: {}, status: 401, code: 'UNAUTHENTICATED' },
    { what: 'a method a route does not take', method: 'POST', path: '/health', body: {}, status: 404, code: 'NOT_FOUND' },
  ],
};

describe('every error, from every route, in one shape', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger();
    expect((await ledger.post('/commands/assign-plan', PLAN, { ...OFFICER, 'idempotency-key': 'plan-da5' })).status).toBe(201);
    expect((await ledger.post('/commands/register-activity', ACTIVITY)).status).toBe(201);
  });
  afterAll(() => ledger.close());

  for (const [controller, cases] of Object.entries(CASES)) {
    describe(controller, () => {
      it.each(cases.map((c) => [c.what, c.status, c.code, c] as const))('answers %s with %d %s', async (_what, status, code, c) => {
        const before = ledger.logDigest();
        const res = await ledger.request(c.method ?? 'GET', c.path, { body: c.body, headers: c.headers ?? (c.method === 'POST' ? OFFICER : READER) });
        expectErrorShape(res, status, code);
        if (c.field) expect(res.body.problems.map((p: { field: string }) => p.field)).toContain(c.field);
        expect(ledger.logDigest()).toBe(before);
      });
    });
  }

  it('gives a journal refused by a business rule the same code and status as the same command', async () => {
    const command = await ledger.post('/commands/allocate', { line: LINE, activityId: ACTIVITY.activityId, amount: '9000000000', decision: DECISION });
    const imported = await ledger.post('/journal/import', journal(`  - id: alloc\n    allocate: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: ${ACTIVITY.activityId}, amount: 9.000 triệu đồng, decision: QD-4888 }\n`), YAML);
    expect([imported.status, imported.body.error]).toEqual([command.status, command.body.error]);
    expect(imported.body.problems[0]).toMatchObject({ code: command.body.error, problem: command.body.message });
  });
});

describe('an event edited in the store behind the ledger', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger();
    expect((await ledger.post('/commands/assign-plan', PLAN)).status).toBe(201);
    // Log it in the Merkle log (a bundle does), then change its amount behind the ledger's back.
    expect((await ledger.get(`/audit/bundles?line=${encodeURIComponent(fundLineStream(LINE))}`)).status).toBe(200);
    ledger.store.db.prepare(`UPDATE events SET data = replace(data, '8036000000', '9036000000') WHERE position = ?`).run(ledger.basePosition + 1);
  });
  afterAll(() => ledger.close());

  it('answers a bundle of it with 500 LOG_INTEGRITY, in the same shape', async () => {
    const res = await ledger.get(`/audit/bundles?line=${encodeURIComponent(fundLineStream(LINE))}`);
    expectErrorShape(res, 500, 'LOG_INTEGRITY');
    expect(res.body.message).toMatch(/no longer matches the Merkle log: run `ledger verify`/);
  });
});
