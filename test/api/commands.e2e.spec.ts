import { COMMANDS } from '../../src/commands/registry';
import { idempotencyClaim } from '../../src/commands/command-runner';
import { isRequestCommand } from '../../src/commands/slice';
import { validateBody } from '../../src/shared/validation/problems';
import { ADMIN, AUDITOR, OFFICER, startTestLedger, TEST_USERS, TestLedger } from '../support/app';

const LINE = {
  programme: 'GNBV-2021-2025',
  component: 'DA5',
  budgetYear: 2024,
  originYear: 2024,
  source: 'NSTW',
  capitalType: 'SN',
  unit: '184',
};
const DECISION = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
const VOUCHER = { number: 'UNC-000123', date: '2024-06-20', treasury: 'KBNN Văn Quan' };
const ACTIVITY = {
  activityId: 'VQ-2024-DA5-NHA-O',
  name: 'Hỗ trợ nhà ở hộ nghèo, hộ cận nghèo năm 2024 (lần 01)',
  programme: 'GNBV-2021-2025',
  component: 'DA5',
  kind: 'housing-support',
  unit: '184',
  beneficiaries: { poor: 180, 'near-poor': 98 },
  targets: [
    { indicator: 'houses-new', quantity: '101' },
    { indicator: 'houses-repaired', quantity: '177' },
  ],
  decision: { number: '693/QĐ-UBND', date: '2024-03-05', issuer: 'UBND huyện Văn Quan' },
};

const ROUTED = COMMANDS.filter(isRequestCommand);

describe('commands over HTTP', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger();
    expect((await ledger.post('/commands/assign-plan', { line: LINE, amount: '8036000000', decision: DECISION })).status).toBe(201);
    expect((await ledger.post('/commands/register-activity', ACTIVITY)).status).toBe(201);
    const allocated = await ledger.post('/commands/allocate', {
      line: LINE,
      activityId: ACTIVITY.activityId,
      amount: '7700000000',
      decision: { number: '832/QĐ-UBND', date: '2024-03-14', issuer: 'UBND huyện Văn Quan' },
    });
    expect(allocated.status).toBe(201);
  });
  afterAll(() => ledger.close());

  describe('a command that is recorded', () => {
    it('answers 201 with the global position of its last event and the stream revisions', async () => {
      const res = await ledger.post('/commands/disburse', {
        line: LINE,
        activityId: ACTIVITY.activityId,
        disbursementId: 'D-001',
        amount: '620000000',
        voucher: VOUCHER,
      });
      expect(res.status).toBe(201);
      const head = await ledger.store.headPosition();
      expect(res.body.position).toBe(head);
      expect(res.body.events).toHaveLength(1);
      expect(res.body.replayed).toBe(false);
      const [event] = await ledger.store.readAll(head - 1);
      expect(event.type).toBe('Disbursed');
      expect(event.data).toEqual({
        line: LINE,
        activityId: ACTIVITY.activityId,
        disbursementId: 'D-001',
        amount: '620000000',
      });
      expect(event.metadata).toMatchObject({
        actor: { id: 'can-bo-lan', role: 'officer' },
        effectiveDate: '2024-06-20',
        legalBasis: { kind: 'voucher', ...VOUCHER },
        command: 'Disburse',
      });
      expect(Date.parse(event.metadata.recordedAt)).not.toBeNaN();
    });

    it('takes the effective date from the body when given, apart from the decision date', async () => {
      const res = await ledger.post('/commands/adjust', {
        kind: 'increase',
        line: LINE,
        amount: '0.5',
        reason: 'bổ sung',
        decision: DECISION,
        effectiveDate: '2024-01-02',
      });
      expect(res.status).toBe(201);
      const [event] = await ledger.store.readAll(res.body.position - 1);
      expect(event.metadata.effectiveDate).toBe('2024-01-02');
      expect(event.metadata.legalBasis).toEqual({ kind: 'decision', ...DECISION });
    });
  });

  describe('every refused command leaves the log byte-for-byte unchanged', () => {
    const cases: Array<[string, number, string, unknown, Record<string, string>?]> = [
      ['an amount with an exponent', 400, '/commands/allocate', { line: LINE, activityId: 'VQ-2024-DA5-NHA-O', amount: '1e9', decision: DECISION }],
      ['an amount sent as a JSON number', 400, '/commands/allocate', { line: LINE, activityId: 'VQ-2024-DA5-NHA-O', amount: 1000, decision: DECISION }],
      ['an amount with 3 decimal places', 400, '/commands/allocate', { line: LINE, activityId: 'VQ-2024-DA5-NHA-O', amount: '10.001', decision: DECISION }],
      ['a zero amount', 400, '/commands/allocate', { line: LINE, activityId: 'VQ-2024-DA5-NHA-O', amount: '0', decision: DECISION }],
      ['a date that is not in the calendar', 400, '/commands/assign-plan', { line: LINE, amount: '1', decision: { ...DECISION, date: '2023-02-29' } }],
      ['a missing decision', 400, '/commands/assign-plan', { line: LINE, amount: '1' }],
      ['an unknown field', 400, '/commands/assign-plan', { line: LINE, amount: '1', decision: DECISION, amout: '2' }],
      ['an unknown component code', 400, '/commands/assign-plan', { line: { ...LINE, component: 'DA9' }, amount: '1', decision: DECISION }],
      ['an over-allocation', 409, '/commands/allocate', { line: LINE, activityId: 'VQ-2024-DA5-NHA-O', amount: '1000000000', decision: DECISION }],
      ['an over-disbursement', 409, '/commands/disburse', { line: LINE, activityId: 'VQ-2024-DA5-NHA-O', amount: '9000000000', voucher: VOUCHER }],
      ['a disbursement on a line without a plan', 409, '/commands/disburse', { line: { ...LINE, budgetYear: 2025, originYear: 2025 }, activityId: 'VQ-2024-DA5-NHA-O', amount: '1', voucher: VOUCHER }],
      ['an allocation to an unregistered activity', 409, '/commands/allocate', { line: LINE, activityId: 'NO-SUCH', amount: '1', decision: DECISION }],
      ['a stale If-Match revision', 412, '/commands/allocate', { line: LINE, activityId: 'VQ-2024-DA5-NHA-O', amount: '1', decision: DECISION }, { ...OFFICER, 'if-match': '"0"' }],
      ['no actor', 401, '/commands/assign-plan', { line: LINE, amount: '1', decision: DECISION }, {}],
      ['a role that only reads', 403, '/commands/assign-plan', { line: LINE, amount: '1', decision: DECISION }, AUDITOR],
    ];

    // Every row has its headers (OFFICER by default): jest.each would take a missing trailing argument for done().
    it.each(cases.map(([what, status, path, body, headers]) => [what, status, path, body, headers ?? OFFICER] as const))(
      'refuses %s with %d',
      async (_what, status, path, body, headers) => {
      const before = ledger.logDigest();
        const res = await ledger.post(path, body, headers);
        expect(res.status).toBe(status);
        expect(ledger.logDigest()).toBe(before);
      },
    );

    it('names each bad field and why', async () => {
      const res = await ledger.post('/commands/allocate', {
        line: { ...LINE, budgetYear: 1999 },
        activityId: 'VQ-2024-DA5-NHA-O',
        amount: '1,5',
        decision: { ...DECISION, date: '2024-13-01' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('INVALID_COMMAND');
      const fields = res.body.problems.map((p: { field: string }) => p.field);
      expect(fields).toEqual(expect.arrayContaining(['line.budgetYear', 'amount', 'decision.date']));
      expect(res.body.problems.find((p: { field: string }) => p.field === 'decision.date').problem).toMatch(/not a real date|not a calendar date/);
    });

    it('lists the valid codes when a code is unknown', async () => {
      const res = await ledger.post('/commands/assign-plan', { line: { ...LINE, source: 'NSX' }, amount: '1', decision: DECISION });
      expect(res.status).toBe(400);
      expect(res.body.problems).toEqual([{ field: 'line.source', problem: expect.stringMatching(/unknown source "NSX"; valid: NSTW, NSDP-TINH/) }]);
    });

    it('refuses an over-disbursement with a machine code and both amounts', async () => {
      const res = await ledger.post('/commands/disburse', { line: LINE, activityId: 'VQ-2024-DA5-NHA-O', amount: '9000000000', voucher: VOUCHER });
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('INSUFFICIENT_ALLOCATION');
      expect(res.body.message).toMatch(/has [\d.]+ đ allocated and not yet disbursed; 9\.000\.000\.000 đ requested/);
    });
  });

  describe('with an Idempotency-Key', () => {
    const body = { line: LINE, activityId: 'VQ-2024-DA5-NHA-O', amount: '1000000', voucher: VOUCHER, disbursementId: 'D-IDEM' };
    const headers = { ...OFFICER, 'idempotency-key': 'disb-2024-06-20-001' };

    it('returns the first result to a retry and stores nothing new', async () => {
      const first = await ledger.post('/commands/disburse', body, headers);
      expect(first.status).toBe(201);
      const digest = ledger.logDigest();
      const retry = await ledger.post('/commands/disburse', body, headers);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual({ ...first.body, replayed: true });
      expect(ledger.logDigest()).toBe(digest);
    });

    it('records the key in the metadata of the events', async () => {
      // Keys belong to their principal: the claim is the officer's.
      const found = await ledger.store.findIdempotency(idempotencyClaim(TEST_USERS.officer, 'disb-2024-06-20-001'));
      const [event] = await ledger.store.readAll((found?.result.position ?? 1) - 1);
      expect(event.metadata.idempotencyKey).toBe('disb-2024-06-20-001');
    });

    it('refuses the same key with a different body, storing nothing', async () => {
      const digest = ledger.logDigest();
      const res = await ledger.post('/commands/disburse', { ...body, amount: '2000000' }, headers);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(ledger.logDigest()).toBe(digest);
    });

    it('gives concurrent retries of one key one stored result', async () => {
      const h = { ...OFFICER, 'idempotency-key': 'concurrent-1' };
      const b = { ...body, disbursementId: 'D-CONC' };
      const before = await ledger.store.headPosition();
      const results = await Promise.all([1, 2, 3, 4].map(() => ledger.post('/commands/disburse', b, h)));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(results.map((r) => r.body.position)).size).toBe(1);
      expect(await ledger.store.headPosition()).toBe(before + 1);
    });
  });

  describe('the expected revision', () => {
    it('accepts a matching If-Match and refuses a stale one with 412', async () => {
      const line = { ...LINE, component: 'DA7.TDA2', capitalType: 'SN' };
      const created = await ledger.post('/commands/assign-plan', { line, amount: '262000000', decision: DECISION });
      const stream = Object.keys(created.body.revisions)[0];
      const revision = created.body.revisions[stream];
      const ok = await ledger.post(
        '/commands/adjust',
        { kind: 'increase', line, amount: '1000', reason: 'bổ sung', decision: DECISION },
        { ...OFFICER, 'if-match': `"${revision}"` },
      );
      expect(ok.status).toBe(201);
      const stale = await ledger.post(
        '/commands/adjust',
        { kind: 'increase', line, amount: '1000', reason: 'bổ sung', decision: DECISION, expectedRevision: revision },
      );
      expect(stale.status).toBe(412);
      expect(stale.body.error).toBe('REVISION_CONFLICT');
    });
  });

  describe('the OpenAPI document', () => {
    it('is served at /docs-json and lists a POST per command', async () => {
      const res = await ledger.get('/docs-json');
      expect(res.status).toBe(200);
      const posts = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
        .filter(([, ops]) => 'post' in ops)
        .map(([path]) => path);
      expect(posts).toEqual(
        expect.arrayContaining([
          '/commands/assign-plan',
          '/commands/register-activity',
          '/commands/allocate',
          '/commands/disburse',
          '/commands/reverse-disbursement',
          '/commands/return-funds',
          '/commands/carry-over',
          '/commands/adjust',
          '/commands/activities/{activityId}/reclassify',
          '/commands/activities/{activityId}/outputs',
        ]),
      );
      expect((await ledger.get('/docs')).status).toBe(200);
    });

    it('documents each command of the registry: summary, body schema, path parameters, headers and answers', async () => {
      const { body: doc } = await ledger.get('/docs-json');
      for (const command of ROUTED) {
        const op = doc.paths[`/commands/${command.route.path.replace(/:(\w+)/g, '{$1}')}`]?.post;
        expect(op).toBeDefined();
        expect(op.summary).toBe(command.route.summary);
        expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${command.dto.name}` });
        expect(doc.components.schemas[command.dto.name]).toBeDefined();
        expect(Object.keys(op.responses)).toEqual(['201', '400', '401', '403', '409', '412', '422']);
        const pathParams = [...command.route.path.matchAll(/:(\w+)/g)].map((m) => `path:${m[1]}`);
        expect(op.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`)).toEqual([
          ...pathParams,
          'header:Authorization',
          'header:Idempotency-Key',
          'header:If-Match',
        ]);
      }
    });
  });

  describe('the routes derived from the command registry', () => {
    it.each(ROUTED.map((c) => [c.name, c] as const))('%s validates its body with its own DTO, storing nothing', async (_name, command) => {
      const before = ledger.logDigest();
      // Each route as a role that may record it: a writer, an admin for accounts, an auditor for notes and red-flag reviews.
      const path = command.route.path
        .replace(':activityId', ACTIVITY.activityId)
        .replace(':userId', TEST_USERS.viewer)
        .replace(':tokenId', 'none')
        .replace(':flagId', 'duplicate-voucher-0123456789abcdef');
      const headers = command.right === 'manage-users' ? ADMIN : command.right === 'note' ? AUDITOR : OFFICER;
      const res = await ledger.post(`/commands/${path}`, { amout: '1' }, headers);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('INVALID_COMMAND');
      expect(res.body.problems).toContainEqual({ field: 'amout', problem: 'property amout should not exist' });
      // the DTO's own required fields are named too: the pipe validated this route's class, not a bare object
      if ('problems' in validateBody(command.dto, {})) expect(res.body.problems.some((p: { field: string }) => p.field !== 'amout')).toBe(true);
      expect(ledger.logDigest()).toBe(before);
    });
  });
});
