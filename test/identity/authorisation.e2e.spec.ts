import fc from 'fast-check';
import { idempotencyClaim } from '../../src/commands/command-runner';
import { COMMANDS } from '../../src/commands/registry';
import { isRequestCommand, type RequestCommand } from '../../src/commands/slice';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { RIGHTS_OF, ROLES, type Role } from '../../src/identity/rights';
import { parsePublicKey, verifyBundle } from '../../src/audit/verifier/verify-bundle';
import { journal } from '../journal/support';
import { ADMIN, OFFICER, startTestLedger, TEST_USERS, TestLedger } from '../support/app';

/**
 * The rule table, written out here on its own so that a change to src/identity/rights.ts must be made on purpose:
 * officer and accountant record in their scope; importer imports; admin manages users; auditor and inspector read
 * everything in their scope, read who held which right, and record only their own notes; viewer reads.
 */
const EXPECTED: Readonly<Record<Role, readonly string[]>> = {
  officer: ['read', 'record', 'import', 'sign-tree-head'],
  accountant: ['read', 'record', 'import', 'sign-tree-head'],
  importer: ['read', 'import', 'sign-tree-head'],
  admin: ['manage-users', 'read-users', 'sign-tree-head'],
  auditor: ['read', 'note', 'read-users', 'sign-tree-head'],
  inspector: ['read', 'note', 'read-users', 'sign-tree-head'],
  viewer: ['read'],
};

/** The units these tests use, and what lies above each (from the official lists, 2024). */
const ABOVE: Readonly<Record<string, readonly string[]>> = {
  '06253': ['184', '20'], // Xã Văn Quan, in Huyện Văn Quan, Tỉnh Lạng Sơn
  '184': ['20'],
  '20': [],
  '849': ['84'], // Huyện Trà Cú, Tỉnh Trà Vinh
  '84': [],
};
const coversInModel = (scope: string, unit: string) => scope === 'VN' || scope === unit || ABOVE[unit].includes(scope);

const line = (unit: string, component = 'DA5') => ({ programme: 'GNBV-2021-2025', component, budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit });
const DECISION = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
const plan = (unit: string, amount = '1000000') => ({ line: line(unit), amount, decision: DECISION });

const ROUTED = COMMANDS.filter(isRequestCommand);
const routeOf = (c: RequestCommand) =>
  `/commands/${c.route.path.replace(':activityId', 'VQ-X').replace(':userId', TEST_USERS.viewer).replace(':tokenId', 'none').replace(':flagId', 'duplicate-voucher-0123456789abcdef')}`;

describe('authorisation on every path, through the real app', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('holds the rule table as written', () => {
    expect(RIGHTS_OF).toEqual(EXPECTED);
  });

  describe('each role against each command', () => {
    // A body with a field no command has: a role with the right passes the guard and meets the body's validation (400);
    // one without is refused first (403), naming the right. Nothing is stored either way.
    const cells = ROLES.flatMap((role) => ROUTED.map((c) => [role, c.name, c] as const));
    it.each(cells)('%s → %s', async (role, _name, command) => {
      const right = command.right ?? 'record';
      const before = ledger.logDigest();
      const res = await ledger.post(routeOf(command), { unknownField: '1' }, await ledger.as(role));
      if (EXPECTED[role].includes(right)) {
        expect(res.status).toBe(400);
      } else {
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ error: 'FORBIDDEN', details: { right } });
        expect(res.body.message).toContain(`needs the ${right} right`);
      }
      expect(ledger.logDigest()).toBe(before);
    });

    it.each(ROLES.map((r) => [r]))('%s → journal import, and signing a tree head', async (role) => {
      const headers = await ledger.as(role);
      const imported = await ledger.post('/journal/import', '', { ...headers, 'content-type': 'text/plain' });
      expect(imported.status).toBe(EXPECTED[role].includes('import') ? 400 : 403);
      const head = await ledger.post('/audit/tree-heads', {}, headers);
      expect(head.status).toBe(EXPECTED[role].includes('sign-tree-head') ? 201 : 403);
    });
  });

  describe('each role against each query', () => {
    const READS = ['/balances', '/balances?groupBy=province', '/progress', '/results', '/red-flags', '/red-flags/rules', '/decisions', '/adjustments', '/notes', '/reconciliation', '/audit/tree-heads', '/audit/bundles?activity=nobody'];
    it.each(ROLES.map((r) => [r]))('%s', async (role) => {
      const headers = await ledger.as(role);
      for (const path of READS) {
        const res = await ledger.get(path, headers);
        // a bundle that selects nothing: 404 for whom may read
        const allowed = path.startsWith('/audit/bundles') ? 404 : 200;
        expect({ path, status: res.status }).toEqual({ path, status: EXPECTED[role].includes('read') ? allowed : 403 });
      }
      for (const path of ['/catalogue', '/auth/me', '/read-models/status']) expect({ path, status: (await ledger.get(path, headers)).status }).toEqual({ path, status: 200 });
      const users = await ledger.get(`/users/${TEST_USERS.officer}/history`, headers);
      expect(users.status).toBe(EXPECTED[role].includes('read-users') ? 200 : 403);
    });
  });

  describe('writing outside one’s unit', () => {
    it('lets an officer of a district record on its lines and its communes’, and on nothing else', async () => {
      const district = await ledger.as('officer', '184');
      expect((await ledger.post('/commands/assign-plan', plan('184'), district)).status).toBe(201);
      expect((await ledger.post('/commands/assign-plan', plan('06253'), district)).status).toBe(201);
      const before = ledger.logDigest();
      const elsewhere = await ledger.post('/commands/assign-plan', plan('849'), district);
      expect(elsewhere).toMatchObject({ status: 403, body: { error: 'FORBIDDEN', details: { right: 'record', units: ['849'], held: [{ role: 'officer', scope: '184' }] } } });
      expect(elsewhere.body.message).toBe(
        'to record commands on unit 849 (Huyện Trà Cú) needs the record right (roles: officer, accountant) for a scope covering it; test-officer-184 holds officer for 184',
      );
      expect(ledger.logDigest()).toBe(before);
    });

    it('keeps an officer of a commune off its district’s line, and off another commune’s activity', async () => {
      const commune = await ledger.as('officer', '06253');
      const before = ledger.logDigest();
      expect((await ledger.post('/commands/assign-plan', plan('184'), commune)).status).toBe(403);
      const activity = { activityId: 'VQ-184-HT', name: 'Sửa chữa đường', programme: 'GNBV-2021-2025', component: 'DA5', kind: 'housing-support', unit: '184', decision: DECISION };
      expect((await ledger.post('/commands/register-activity', activity, commune)).status).toBe(403);
      expect(ledger.logDigest()).toBe(before);
      expect((await ledger.post('/commands/register-activity', activity, await ledger.as('officer', '184'))).status).toBe(201);
      // An activity's unit comes from its stream: outputs of the district's activity are not the commune's to record.
      const outputs = { outputs: [{ indicator: 'houses-new', quantity: '1' }], document: { title: 'Biên bản nghiệm thu', date: '2024-09-30' } };
      const refused = await ledger.post('/commands/activities/VQ-184-HT/outputs', outputs, commune);
      expect(refused).toMatchObject({ status: 403, body: { details: { units: ['184'] } } });
    });

    it('refuses a move between two units unless one grant covers both', async () => {
      const district = await ledger.as('accountant', '184');
      const move = {
        kind: 'move',
        from: { line: line('184') },
        to: { line: line('849') },
        amount: '1',
        reason: 'điều chuyển',
        decision: DECISION,
      };
      const res = await ledger.post('/commands/adjust', move, district);
      expect(res.status).toBe(403);
      expect(res.body.details.units).toEqual(['849']);
    });

    it('lets an administrator of a province manage that province’s users only', async () => {
      const province = await ledger.as('admin', '20');
      const created = await ledger.post('/commands/users', { userId: 'ke-toan-lang-son', displayName: 'Kế toán Lạng Sơn', roles: [{ role: 'accountant', scope: '184' }] }, province);
      expect(created).toMatchObject({ status: 201, body: { oneTimePassword: expect.stringMatching(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/) } });
      const before = ledger.logDigest();
      expect((await ledger.post('/commands/users/ke-toan-lang-son/grant', { role: 'accountant', scope: '849' }, province)).status).toBe(403);
      expect((await ledger.post('/commands/users', { userId: 'quan-tri-ca-nuoc', displayName: 'x', roles: [{ role: 'admin', scope: 'VN' }] }, province)).status).toBe(403);
      // a user who holds more than the administrator's scope is out of its reach
      expect((await ledger.post(`/commands/users/${TEST_USERS.viewer}/disable`, { reason: 'x' }, province)).status).toBe(403);
      expect(ledger.logDigest()).toBe(before);
      expect((await ledger.post('/commands/users/ke-toan-lang-son/grant', { role: 'viewer', scope: '20' }, province)).status).toBe(201);
    });
  });

  describe('auditors’ and inspectors’ notes', () => {
    it('are recorded by them only, in their scope, and read back with their author', async () => {
      const l = line('184', 'DA3.TDA1');
      expect((await ledger.post('/commands/assign-plan', { line: l, amount: '2483000000', decision: DECISION })).status).toBe(201);
      const auditor = await ledger.as('auditor', '20');
      const note = { line: l, text: 'Giải ngân trước quyết định phân bổ: đề nghị giải trình', decision: { number: '15/QĐ-KTNN', date: '2025-03-01', issuer: 'Kiểm toán nhà nước khu vực X' } };
      const recorded = await ledger.post('/commands/notes', note, auditor);
      expect(recorded.status).toBe(201);
      const traCu = await ledger.as('auditor', '849');
      const before = ledger.logDigest();
      expect((await ledger.post('/commands/notes', note, traCu)).status).toBe(403);
      expect((await ledger.post('/commands/notes', note, OFFICER)).status).toBe(403);
      expect(ledger.logDigest()).toBe(before);
      const stream = encodeURIComponent(fundLineStream(l));
      const read = await ledger.get(`/notes?line=${stream}&minPosition=${recorded.body.position}`, await ledger.as('viewer', '184'));
      expect(read.body).toMatchObject({
        totalRows: 1,
        rows: [{ text: note.text, unit: '184', recordedBy: { id: 'test-auditor-20', role: 'auditor', name: 'Test auditor of 20' } }],
      });
      expect((await ledger.get(`/notes?line=${stream}`, await ledger.as('viewer', '849'))).body.totalRows).toBe(0);
    });
  });

  describe('a journal mixing units inside and outside the importer’s scope', () => {
    it('is refused whole, nothing stored, each entry outside listed', async () => {
      const importer = await ledger.as('importer', '184');
      const mixed = journal(`
  - id: plan-184
    plan: { line: { component: DA5, source: NSTW, capitalType: SN }, amount: 8.036 triệu đồng, decision: QD-4888 }
  - id: plan-849
    plan: { line: { component: DA5, source: NSTW, capitalType: SN, unit: "849" }, amount: 1.000 triệu đồng, decision: QD-4888 }
  - id: plan-06253
    plan: { line: { component: DA5, source: NSTW, capitalType: SN, unit: "06253" }, amount: 1 triệu đồng, decision: QD-4888 }
  - id: act-849
    activity: { name: Nhà ở Trà Cú, component: DA5, kind: housing-support, unit: "849", decision: QD-832 }
`, 'mixed');
      const before = ledger.logDigest();
      const res = await ledger.post('/journal/import', mixed, { ...importer, 'content-type': 'application/yaml' });
      expect(res).toMatchObject({ status: 403, body: { error: 'FORBIDDEN', message: 'journal mixed has entries outside your scope, nothing stored: 2 problems' } });
      expect(res.body.problems.map((p: { field: string; code: string }) => [p.field, p.code])).toEqual([
        ['entries[1] plan-849 (line 19) plan', 'FORBIDDEN'],
        ['entries[3] act-849 (line 23) activity', 'FORBIDDEN'],
      ]);
      expect(ledger.logDigest()).toBe(before);
      // The same file without the entries outside: imported, each event recording the grant used.
      const inside = journal(`
  - id: plan-184
    plan: { line: { component: DA5, source: NSTW, capitalType: SN }, amount: 8.036 triệu đồng, decision: QD-4888 }
`, 'inside');
      const ok = await ledger.post('/journal/import', inside, { ...importer, 'content-type': 'application/yaml' });
      expect(ok.status).toBe(201);
      const [event] = await ledger.store.readAll(ok.body.firstPosition - 1, { maxCount: 1 });
      expect(event.metadata.actor).toEqual({ id: 'test-importer-184', role: 'importer', name: 'Test importer of 184', scope: '184', via: 'password' });
    });
  });

  describe('idempotency keys', () => {
    it('belong to their principal: another officer’s same key and body is another command', async () => {
      const body = plan('184', '7');
      const key = { 'idempotency-key': 'plan-184-7' };
      const first = await ledger.post('/commands/assign-plan', body, { ...OFFICER, ...key });
      const other = await ledger.post('/commands/assign-plan', body, { ...(await ledger.as('officer', '184')), ...key });
      expect([first.status, first.body.replayed, other.status, other.body.replayed]).toEqual([201, false, 201, false]);
      expect(other.body.position).toBeGreaterThan(first.body.position);
      const again = await ledger.post('/commands/assign-plan', body, { ...OFFICER, ...key });
      expect(again.body).toEqual({ ...first.body, replayed: true });
      expect(await ledger.store.findIdempotency(idempotencyClaim(TEST_USERS.officer, 'plan-184-7'))).toBeDefined();
      expect(await ledger.store.findIdempotency(idempotencyClaim('test-officer-184', 'plan-184-7'))).toBeDefined();
    });
  });

  describe('the principal in each event', () => {
    it('is who signed in, with the role and scope of the grant used: never what the client claims', async () => {
      const res = await ledger.post('/commands/assign-plan', plan('06253', '3'), { ...(await ledger.as('officer', '184')), 'x-actor': 'someone-else', 'x-role': 'admin' });
      const [event] = await ledger.store.readAll(res.body.position - 1, { maxCount: 1 });
      expect(event.metadata.actor).toEqual({ id: 'test-officer-184', role: 'officer', name: 'Test officer of 184', scope: '184', via: 'password' });
    });
  });

  describe('a property: random (role, scope, command) triples against the rule table', () => {
    it('refuses exactly what the table and the unit tree refuse', async () => {
      const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
      console.log(`authorisation property: fast-check seed ${seed} (FC_SEED=${seed} to replay)`);
      const units = Object.keys(ABOVE);
      const commands = [
        { right: 'record', send: (unit: string) => ['/commands/assign-plan', plan(unit, '11')] as const, unit: (u: string) => u },
        { right: 'import', send: (unit: string) => ['/journal/import', journal(`  - id: p\n    plan: { line: { component: DA5, source: NSTW, capitalType: SN, unit: "${unit}" }, amount: 11 đồng, decision: QD-4888 }\n`, `prop-${unit}-${Math.random().toString(36).slice(2)}`)] as const, unit: (u: string) => u },
        { right: 'manage-users', send: (unit: string) => [`/commands/users/${TEST_USERS.importer}/grant`, { role: 'viewer', scope: unit }] as const, unit: (u: string) => u },
      ];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ROLES), fc.constantFrom('VN', ...units), fc.constantFrom(...units), fc.constantFrom(...commands.keys()), async (role, scope, unit, which) => {
          const command = commands[which];
          const [path, body] = command.send(unit);
          const headers = { ...(await ledger.as(role, scope)), ...(typeof body === 'string' ? { 'content-type': 'application/yaml' } : {}) };
          const res = await ledger.post(path, body, headers);
          // manage-users also needs the scopes the importer already holds (VN): only a whole-country admin may
          const needs = command.right === 'manage-users' ? ['VN', unit] : [unit];
          const allowed = EXPECTED[role].includes(command.right) && needs.every((u) => (u === 'VN' ? scope === 'VN' : coversInModel(scope, u)));
          if (allowed) expect([path, res.status]).not.toEqual([path, 403]);
          else expect([path, res.status, res.body.error]).toEqual([path, 403, 'FORBIDDEN']);
        }),
        { seed, numRuns: 60 },
      );
    });
  });
});

describe('reads filtered to the reader’s scope, on the demo', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger({ demo: true });
  });
  afterAll(() => ledger.close());

  it('rolls up only the lines of the reader’s units: totals, groups and counts', async () => {
    // The demo's money is Văn Quan's (Trà Cú's journal states figures only): a reader of Trà Cú sees none of it.
    const traCu = (await ledger.get('/balances?groupBy=province', await ledger.as('viewer', '849'))).body;
    expect(traCu).toMatchObject({ totalRows: 0, rows: [], total: { plan: '0', lines: 0, events: 0 } });
    const vanQuan = await ledger.as('viewer', '184');
    const mine = (await ledger.get('/balances?groupBy=province', vanQuan)).body;
    expect(mine.rows.map((r: { group: { province: string } }) => r.group.province)).toEqual(['20']);
    const filtered = (await ledger.get('/balances?unit=184')).body;
    expect(mine.total).toEqual(filtered.total);
    expect(mine.total.plan).toBe('98801000000');
    // Asking for another unit gives nothing rather than its figures.
    expect((await ledger.get('/balances?unit=849', vanQuan)).body).toMatchObject({ totalRows: 0, total: { plan: '0', lines: 0 } });
    expect((await ledger.get('/balances?unit=849&asOf=2025-12-31', vanQuan)).body).toMatchObject({ totalRows: 0, total: { plan: '0' } });
    const progress = (await ledger.get('/progress', vanQuan)).body;
    const whole = (await ledger.get('/progress?unit=184')).body;
    expect(progress.components).toEqual(whole.components);
  });

  it('refuses another unit’s line history, and leaves its events out of decisions, trails, bundles and the reconciliation', async () => {
    const traCu = await ledger.as('auditor', '849');
    const vanQuanLine = fundLineStream(line('184'));
    expect(await ledger.get(`/fund-lines/${encodeURIComponent(vanQuanLine)}/history`, traCu)).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    expect((await ledger.get(`/fund-lines/${encodeURIComponent(vanQuanLine)}/history`, await ledger.as('auditor', '20'))).status).toBe(200);

    const decisions = (await ledger.get('/decisions?pageSize=500', traCu)).body;
    expect(decisions.rows.some((d: { number: string }) => d.number === '4888/QĐ-UBND')).toBe(false);
    expect((await ledger.get(`/decisions/trail?number=${encodeURIComponent('4888/QĐ-UBND')}`, traCu)).status).toBe(404);
    const vanQuan = await ledger.as('auditor', '184');
    const ownDecisions = (await ledger.get('/decisions?pageSize=500', vanQuan)).body;
    const allDecisions = (await ledger.get('/decisions?pageSize=500')).body;
    const d4888 = (rows: { number: string; events: number }[]) => rows.find((d) => d.number === '4888/QĐ-UBND');
    expect(d4888(ownDecisions.rows)).toEqual(d4888(allDecisions.rows));

    expect((await ledger.get(`/audit/bundles?decision=${encodeURIComponent('4888/QĐ-UBND')}`, traCu)).status).toBe(404);
    const bundle = (await ledger.get(`/audit/bundles?decision=${encodeURIComponent('4888/QĐ-UBND')}`, vanQuan)).body;
    const key = parsePublicKey((await ledger.get('/audit/public-key')).body.ed25519);
    expect(verifyBundle(bundle, { trustedKey: key })).toMatchObject({ ok: true, verifiedEvents: 13 });

    const reconciliation = (await ledger.get('/reconciliation', traCu)).body;
    const documents = new Set(reconciliation.findings.map((f: { document?: { id: string } }) => f.document?.id));
    expect([...documents]).toEqual(['TC-KH-GNBV-2021-2025']);
  });

  it('lets a finding be explained only in a scope covering its unit; nothing stored when refused', async () => {
    const finding = ((await ledger.get('/reconciliation?unit=184')).body.findings as { id: string; explained: boolean }[]).find((f) => f.id.includes('|184|'));
    expect(finding).toMatchObject({ explained: false });
    const memo = { title: 'Công văn giải trình số liệu', number: '88/LĐTBXH', date: '2024-07-20', issuer: 'Phòng LĐ-TB&XH Văn Quan' };
    const body = { findingId: finding?.id, explanation: 'Số liệu báo cáo tính trên kế hoạch ban đầu', document: memo };
    const traCu = await ledger.as('officer', '849');
    const before = ledger.logDigest();
    const refused = await ledger.post('/commands/findings/explain', body, traCu);
    expect(refused).toMatchObject({ status: 403, body: { error: 'FORBIDDEN', details: { right: 'record', units: ['184'] } } });
    expect(ledger.logDigest()).toBe(before);
    const explained = await ledger.post('/commands/findings/explain', body, await ledger.as('officer', '184'));
    expect(explained.status).toBe(201);
    // The explanation goes with its finding: a reader of Trà Cú sees neither.
    const all = (await ledger.get('/reconciliation')).body;
    expect(all.findings.find((f: { id: string }) => f.id === finding?.id)).toMatchObject({ explained: true, explanations: [{ recordedBy: { id: 'test-officer-184' } }] });
    const theirs = (await ledger.get('/reconciliation', await ledger.as('viewer', '849'))).body;
    expect(theirs.explained).toBe(0);
    expect(theirs.findings.some((f: { id: string }) => f.id === finding?.id)).toBe(false);
  });

  it('answers a report only for a unit in the reader’s scope', async () => {
    const report = '/reports/resources?unit=184&budgetYear=2024&asOf=2024-06-30';
    expect(await ledger.get(report, await ledger.as('viewer', '849'))).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    expect((await ledger.get(report, await ledger.as('viewer', '20'))).status).toBe(200);
  });

  it('shows an administrator without a read grant no figures', async () => {
    expect(await ledger.get('/balances', ADMIN)).toMatchObject({ status: 403, body: { error: 'FORBIDDEN', details: { right: 'read' } } });
  });
});
