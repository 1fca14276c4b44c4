import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AUDITOR, IMPORTER, OFFICER, TestLedger, startTestLedger } from '../support/app';
import { DA5_MONEY, journal } from './support';

const YAML = { ...IMPORTER, 'content-type': 'application/yaml' };

const FIGURES = `
  - id: f-da5-plan
    figure: { document: BC-6T, section: A.IV.5, measure: plan, scope: { component: DA5 }, amount: 8.036 triệu đồng }
  - id: f-da5-disbursed
    figure: { document: BC-6T, section: A.IV.5, quote: "kinh phí giải ngân là 620 triệu đồng = 7,7% KH", measure: disbursed, scope: { component: DA5 }, amount: 620 triệu đồng, rate: { percent: "7,9 %", of: f-da5-plan } }
`;

describe('HTTP: POST /journal/import and GET /reconciliation', () => {
  let ledger: TestLedger;
  beforeEach(async () => {
    ledger = await startTestLedger();
  });
  afterEach(async () => {
    await ledger.close();
  });

  describe('importing a journal', () => {
    it('stores a YAML journal (201) and stores nothing when it comes again (200)', async () => {
      const text = journal(DA5_MONEY + FIGURES);
      const first = await ledger.post('/journal/import', text, YAML);
      const [from, to] = [ledger.basePosition + 1, ledger.basePosition + 7];
      expect(first).toMatchObject({ status: 201, body: { status: 'imported', journal: 'test-journal', entries: 7, events: 7, firstPosition: from, lastPosition: to } });
      const digest = ledger.logDigest();
      const again = await ledger.post('/journal/import', text, YAML);
      expect(again).toMatchObject({ status: 200, body: { status: 'already-imported', firstPosition: from, lastPosition: to } });
      expect(ledger.logDigest()).toBe(digest);
    });

    it('takes the same journal as a JSON object, and knows it is the same', async () => {
      const text = journal(DA5_MONEY);
      expect((await ledger.post('/journal/import', parse(text) as object, IMPORTER)).status).toBe(201);
      expect((await ledger.post('/journal/import', text, { ...IMPORTER, 'content-type': 'text/plain' })).body.status).toBe('already-imported');
    });

    it('refuses a journal with problems (400), listing each with its entry, and stores nothing', async () => {
      const digest = ledger.logDigest();
      const broken = journal(`
  - id: plan-da5
    plan: { line: { component: DA5, source: NSTW, capitalType: SN }, amount: 8.036 triệu đồng, decision: QD-4888 }
  - id: plan-da2
    plan: { line: { component: DA2, source: NSTW, capitalType: SN }, amount: 4.649, decision: QD-4888 }
  - id: VQ-DA5-2024-01
    activity: { name: Hỗ trợ nhà ở 2024, component: DA5, kind: housing-support, decision: QD-832 }
  - id: alloc-too-much
    allocate: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: VQ-DA5-2024-01, amount: 9.000 triệu đồng, decision: QD-832 }
`);
      const res = await ledger.post('/journal/import', broken, YAML);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'INVALID_JOURNAL',
        message: 'journal test-journal is not valid, nothing stored: 2 problems',
        problems: [
          { field: 'entries[1] plan-da2 (line 19) plan.amount', problem: expect.stringMatching(/4.649 is a bare number/) },
          {
            field: 'entries[3] alloc-too-much (line 23) allocate',
            problem: 'line DA5/NSTW/SN/2024@184 has 8.036.000.000 đ not yet allocated; 9.000.000.000 đ requested',
            code: 'INSUFFICIENT_UNALLOCATED',
          },
        ],
        details: { journal: 'test-journal' },
      });
      expect(ledger.logDigest()).toBe(digest);
    });

    it("refuses a well-formed journal that a business rule refuses with 409 and the rule's code, as the same command over HTTP", async () => {
      const tooMuch = journal(`
  - id: plan-da5
    plan: { line: { component: DA5, source: NSTW, capitalType: SN }, amount: 8.036 triệu đồng, decision: QD-4888 }
  - id: VQ-DA5-2024-01
    activity: { name: Hỗ trợ nhà ở 2024, component: DA5, kind: housing-support, decision: QD-832 }
  - id: alloc-too-much
    allocate: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: VQ-DA5-2024-01, amount: 9.000 triệu đồng, decision: QD-832 }
`);
      const digest = ledger.logDigest();
      const imported = await ledger.post('/journal/import', tooMuch, YAML);
      expect(imported).toMatchObject({
        status: 409,
        body: {
          error: 'INSUFFICIENT_UNALLOCATED',
          message: 'journal test-journal is refused by a business rule, nothing stored: 1 problem',
          problems: [{ field: 'entries[2] alloc-too-much (line 21) allocate', code: 'INSUFFICIENT_UNALLOCATED' }],
        },
      });
      expect(ledger.logDigest()).toBe(digest);

      // The same allocation as a command, on the same ledger: the same status and code.
      const line = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
      const decision = { number: '832/QĐ-UBND', date: '2024-03-14', issuer: 'UBND huyện Văn Quan' };
      expect((await ledger.post('/commands/assign-plan', { line, amount: '8036000000', decision })).status).toBe(201);
      expect(
        (await ledger.post('/commands/register-activity', { activityId: 'VQ-DA5-2024-01', name: 'Hỗ trợ nhà ở 2024', programme: 'GNBV-2021-2025', component: 'DA5', kind: 'housing-support', unit: '184', decision })).status,
      ).toBe(201);
      const command = await ledger.post('/commands/allocate', { line, activityId: 'VQ-DA5-2024-01', amount: '9000000000', decision });
      expect(command).toMatchObject({ status: 409, body: { error: 'INSUFFICIENT_UNALLOCATED' } });
      expect(command.body.message).toBe(imported.body.problems[0].problem);
    });

    it('validates without storing on ?dryRun=true', async () => {
      const digest = ledger.logDigest();
      const res = await ledger.post('/journal/import?dryRun=true', journal(DA5_MONEY), YAML);
      expect(res).toMatchObject({ status: 200, body: { status: 'valid', entries: 5, events: 5 } });
      expect(ledger.logDigest()).toBe(digest);
    });

    it('records the signed-in importer and the grant used, and refuses readers and anonymous callers', async () => {
      expect((await ledger.post('/journal/import', journal(DA5_MONEY), { 'content-type': 'application/yaml' })).status).toBe(401);
      expect((await ledger.post('/journal/import', journal(DA5_MONEY), { ...AUDITOR, 'content-type': 'application/yaml' })).status).toBe(403);
      await ledger.post('/journal/import', journal(DA5_MONEY), YAML);
      const [first] = await ledger.store.readAll(ledger.basePosition, { maxCount: 1 });
      expect(first.metadata.actor).toEqual({ id: 'can-bo-nhap', role: 'importer', name: 'Test importer', scope: 'VN', via: 'password' });
    });
  });

  describe('reconciliation', () => {
    it('lists what does not hold, with the document and section of each', async () => {
      await ledger.post('/journal/import', journal(DA5_MONEY + FIGURES), YAML);
      const res = await ledger.get('/reconciliation');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        position: ledger.basePosition + 7,
        assertions: 2,
        findings: [
          {
            kind: 'rate-mismatch',
            severity: 'error',
            document: { id: 'BC-6T', title: 'Báo cáo kết quả 6 tháng đầu năm 2024' },
            section: 'A.IV.5',
            assertionId: 'f-da5-disbursed',
            stated: '7.9',
            ledger: '7.7',
          },
        ],
        counts: { 'rate-mismatch': 1, 'assertion-mismatch': 0 },
      });
      expect((await ledger.get('/reconciliation?document=OTHER')).body.findings).toEqual([]);
    });

    it('takes an explanation of a finding over HTTP, marks the finding explained, and refuses one for a figure not stated', async () => {
      expect((await ledger.post('/journal/import', journal(DA5_MONEY + FIGURES), YAML)).status).toBe(201);
      const [finding] = (await ledger.get('/reconciliation')).body.findings;
      expect(finding).toMatchObject({ id: 'rate-mismatch|184|BC-6T|f-da5-disbursed', explained: false });

      const digest = ledger.logDigest();
      const memo = { title: 'Công văn giải trình số liệu', number: '88/LĐTBXH', date: '2024-07-20', issuer: 'Phòng LĐ-TB&XH' };
      const unknown = await ledger.post('/commands/findings/explain', { findingId: 'rate-mismatch|184|BC-6T|f-nothing', explanation: 'x', document: memo }, OFFICER);
      expect(unknown).toMatchObject({ status: 409, body: { error: 'FINDING_NOT_FOUND' } });
      const malformed = await ledger.post('/commands/findings/explain', { findingId: 'rate-mismatch|184', explanation: 'x', document: memo }, OFFICER);
      expect(malformed).toMatchObject({ status: 400, body: { error: 'INVALID_COMMAND', problems: [{ field: 'findingId' }] } });
      const reader = await ledger.post('/commands/findings/explain', { findingId: finding.id, explanation: 'x', document: memo }, AUDITOR);
      expect(reader.status).toBe(403);
      expect(ledger.logDigest()).toBe(digest);

      const ok = await ledger.post(
        '/commands/findings/explain',
        { findingId: finding.id, explanation: 'Tỷ lệ 7,9% tính trên kế hoạch ban đầu 7.850 triệu đồng', document: memo },
        OFFICER,
      );
      expect(ok.status).toBe(201);
      const after = await ledger.get("/reconciliation");
      expect(after.body).toMatchObject({ explained: 1, findings: [{ id: finding.id, explained: true, explanations: [{ recordedBy: { id: 'can-bo-lan', role: 'officer' }, basis: { kind: 'document', number: '88/LĐTBXH' } }] }] });
    });

    it('shows what the demo journals state and the ledger holds', async () => {
      for (const file of ['van-quan-2024.yaml', 'tra-cu-2021-2025.yaml']) {
        const text = readFileSync(join(__dirname, '..', '..', 'demo', file), 'utf8');
        expect((await ledger.post('/journal/import', text, YAML)).status).toBe(201);
      }
      const res = await ledger.get('/reconciliation?unit=849');
      expect(res.body.findings.map((f: { assertionId: string }) => f.assertionId)).toEqual(['t-total', 't-total', 't-huy-dong']);
    });
  });
});
