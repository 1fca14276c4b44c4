import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePublicKey, verifyBundle } from '../../src/audit/verifier/verify-bundle';
import { OFFICER, startTestLedger, TestLedger, TestResponse } from '../support/app';

/**
 * A newcomer follows the README: `npm start` (the demo journals loaded into an empty store), then every GET
 * route it documents, called the way it shows them, over real HTTP. The figures are the demo's: Văn Quan's
 * 2024 six-month report (NSTW plan 98.801 triệu đồng) and Trà Cú's 2021-2025 plan.
 */
const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** Every `GET /route` the README names, without its query string, {params} as written. */
function documentedGetRoutes(): string[] {
  const routes = new Set<string>();
  for (const m of README.matchAll(/`GET (\/[^`?\s]*)/g)) routes.add(m[1]);
  // <http://localhost:3000/> is the web app, not an API route: test/web/serving.e2e.spec.ts serves it.
  for (const m of README.matchAll(/<http:\/\/localhost:3000(\/[^>]*)>/g)) if (m[1] !== '/') routes.add(m[1]);
  return [...routes].sort();
}

/** Every GET the README's examples send with curl, as curl sends it (`-G --data-urlencode` folded into the query). */
function curlGetExamples(): string[] {
  const examples: string[] = [];
  for (const line of README.split('\n')) {
    const m = /curl -s(G?) (?:"\$\{A\[@\]\}" )?'?localhost:3000(\/[^'\s|)]*)'?(?: --data-urlencode '([^=]+)=([^']*)')?/.exec(line);
    if (!m || line.includes(' -d ') || line.includes('/auth/login')) continue;
    examples.push(m[3] ? `${m[2]}?${m[3]}=${encodeURIComponent(m[4])}` : m[2]);
  }
  return examples;
}

/** The demo: its users (7, each created, granted a role, given a password: 21 events), then the journals' 298 events. */
const DEMO_HEAD = 21 + 298;
/** Where the journals start: after the demo's users. */
const JOURNALS_FROM = 21;
const VAN_QUAN_2024_NSTW_PLAN = '98801000000';
const DA5_STREAM = 'fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:184';
/** The README's example red flag: the demo's five disbursements on one stand-in voucher. */
const VOUCHER_FLAG = 'duplicate-voucher-b3bd6c180372dfb9';

describe('the README, as a new user follows it', () => {
  let ledger: TestLedger;
  const called = new Set<string>();
  const get = async (path: string): Promise<TestResponse> => {
    const res = await ledger.get(path);
    called.add(path.split('?')[0]);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return res;
  };

  beforeAll(async () => {
    ledger = await startTestLedger({ demo: true });
  });
  afterAll(() => ledger.close());

  describe('on the demo data npm start loads', () => {
    it('answers the README’s own query examples with Văn Quan’s figures', async () => {
      const examples = curlGetExamples();
      expect(examples).toEqual([
        '/catalogue/units?parent=184&date=2024-06-30',
        '/catalogue/units?code=06298',
        '/catalogue/units/succession?code=184',
        '/balances?budgetYear=2024&groupBy=subProject',
        '/balances?groupBy=district&asOf=2024-06-30',
        '/balances?units=today&groupBy=province',
        '/results?unit=076',
        '/decisions/trail?number=832%2FQ%C4%90-UBND',
        '/red-flags?unit=184',
        '/red-flags?unit=184&reviewed=false',
        '/red-flags?rule=backdated,decision-after-effect&from=2024-01-01&to=2024-12-31',
        '/reports/resources?unit=184&budgetYear=2024&from=2024-01-01&asOf=2024-06-30',
        '/audit/public-key',
      ]);
      const [communes, binhPhuc, succession, bySubProject, byDistrict, byProvinceToday, sonDuong, trail, flags, notReviewed, backdated, report, key] = await Promise.all(
        examples.map(get),
      );

      // "Văn Quan's 17 communes in 2024"; "Xã Bình Phúc until 30/6/2025, then Xã Yên Phúc"
      expect(communes.body).toMatchObject({ total: 17, units: expect.arrayContaining([expect.objectContaining({ code: '06253', nameVi: 'Thị trấn Văn Quan' })]) });
      expect(binhPhuc.body.units).toMatchObject([
        { code: '06298', nameVi: 'Xã Bình Phúc', parent: '184', to: '2025-06-30' },
        { code: '06298', nameVi: 'Xã Yên Phúc', parent: '20', from: '2025-07-01' },
      ]);

      // "Huyện Văn Quan's successors, today's province, the legal basis"
      expect(succession.body).toMatchObject({
        code: '184',
        successors: expect.arrayContaining([expect.objectContaining({ code: '06253', nameVi: 'Xã Văn Quan', kind: 'partial' })]),
        today: { unit: null, province: '20' },
        legalBasis: expect.arrayContaining([expect.objectContaining({ number: '202/2025/QH15' })]),
      });
      // "by today's provinces (Văn Quan's 2024 money under Lạng Sơn)"
      expect(byProvinceToday.body).toMatchObject({ units: 'today', rows: [{ group: { province: '20' }, plan: VAN_QUAN_2024_NSTW_PLAN }] });
      // "Sơn Dương's targets: no review recorded yet, so no baseline"
      expect(sonDuong.body.units).toMatchObject([
        {
          unit: '076',
          name: 'Huyện Sơn Dương',
          indicators: [],
          targets: [
            { targetId: 'sd-poverty-2021-2025', indicator: 'poverty-rate', value: '3', progress: { status: 'no-baseline' } },
            { targetId: 'sd-em-poverty-2021-2025', indicator: 'em-poverty-rate', value: '4', progress: { status: 'no-baseline' } },
            { targetId: 'sd-poverty-2026-2030', comparator: 'more-than', value: '2', progress: { status: 'no-baseline' } },
          ],
        },
      ]);

      expect(bySubProject.body).toMatchObject({
        position: DEMO_HEAD,
        groupBy: ['subProject'],
        // The report's own figures: 98.801 plan; 89.465 allocated in the ledger (the report says 89.801); 17.015,74 disbursed.
        total: { plan: VAN_QUAN_2024_NSTW_PLAN, allocated: '89465000000', disbursed: '17015740000' },
      });
      const subProjects = Object.fromEntries(bySubProject.body.rows.map((r: { group: { subProject: string }; plan: string }) => [r.group.subProject, r.plan]));
      expect(subProjects).toMatchObject({ 'DA1.TDA1': '65536000000', 'DA3.TDA1': '2483000000', DA5: '8036000000' });

      expect(byDistrict.body).toMatchObject({
        asOf: '2024-06-30',
        rows: [{ group: { district: '184' }, plan: VAN_QUAN_2024_NSTW_PLAN, disbursed: '17015740000', disbursementRateOfPlan: '0.172222' }],
      });

      expect(trail.body).toMatchObject({
        decisions: [{ number: '832/QĐ-UBND', issuer: 'UBND huyện Văn Quan', date: '2024-03-14', byType: { ActivityRegistered: 12, FundsAllocated: 13 } }],
        totalEvents: 25,
      });
      expect(trail.body.events.find((e: { type: string; line?: { label: string } }) => e.type === 'FundsAllocated' && e.line?.label === 'DA5/NSTW/SN/2024@184')).toMatchObject({
        amount: '7700000000',
        recordedBy: { id: 'demo-importer', role: 'importer' },
      });

      // "On the demo data: 2 flags, neither a real concern": the journal loaded years after its report, and its stand-in voucher.
      expect(flags.body).toMatchObject({ position: DEMO_HEAD, totalRows: 2, byRule: { backdated: 1, 'duplicate-voucher': 1 } });
      expect(flags.body.rows.find((r: { rule: string }) => r.rule === 'duplicate-voucher')).toMatchObject({ id: VOUCHER_FLAG, amount: '17015740000', evidenceCount: 5 });
      expect(notReviewed.body.totalRows).toBe(2);
      expect(backdated.body.rows).toMatchObject([{ rule: 'backdated', unit: '184', evidenceCount: 48, period: { from: '2023-12-22', to: '2024-06-30' } }]);
      // "Kết quả giải ngân 6 tháng đầu năm 2024: 17.015,74 triệu đồng = 17,22% KH", computed at the position the README names.
      expect(report.body).toMatchObject({ parameters: { unit: '184', position: DEMO_HEAD }, provenance: { position: DEMO_HEAD, treeSize: DEMO_HEAD } });
      expect(report.body.rows[0]).toMatchObject({ label: 'TỔNG SỐ', cells: { planTotal: { value: VAN_QUAN_2024_NSTW_PLAN }, disbursed: { value: '17015740000' }, rate: { value: '0.172222' } } });

      expect(key.body).toMatchObject({ algorithm: 'Ed25519', pem: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----/) });
    });

    it('answers every other route of the query table', async () => {
      const balances = await get('/balances');
      expect(balances.body).toMatchObject({ position: DEMO_HEAD, totalRows: 13, total: { plan: VAN_QUAN_2024_NSTW_PLAN } });
      expect((await get('/balances?component=DA5')).body).toMatchObject({ totalRows: 1, rows: [{ stream: DA5_STREAM, plan: '8036000000', disbursed: '620000000' }] });

      const progress = await get('/progress');
      expect(progress.body.components.find((c: { component: string }) => c.component === 'DA1.TDA1')).toMatchObject({ money: { plan: '65536000000', disbursed: '14090000000' } });

      const history = await get(`/fund-lines/${encodeURIComponent(DA5_STREAM)}/history`);
      expect(history.body.entries.map((e: { type: string }) => e.type)).toEqual(['PlanAssigned', 'FundsAllocated', 'Disbursed']);
      expect(history.body.entries[2]).toMatchObject({ balanceAfter: { plan: '8036000000', allocated: '7700000000', disbursed: '620000000' } });

      const decisions = await get('/decisions');
      expect(decisions.body.rows.map((d: { number: string }) => d.number)).toEqual(['832/QĐ-UBND', '693/QĐ-UBND', '4888/QĐ-UBND']);

      // The demo records no adjustment; the walk-through below adds one.
      expect((await get('/adjustments')).body).toMatchObject({ position: DEMO_HEAD, totalRows: 0, rows: [] });
      expect((await get('/notes')).body).toMatchObject({ position: DEMO_HEAD, totalRows: 0, rows: [] });

      const iati = await get('/reports/iati?unit=184&budgetYear=2024&asOf=2024-06-30');
      expect(iati.body).toContain('<iati-identifier>VN-DVHC-184-GNBV-2021-2025-2024-DA5</iati-identifier>');

      expect((await get('/read-models/status')).body).toEqual({ position: DEMO_HEAD, generation: 1, events: DEMO_HEAD, head: DEMO_HEAD, behind: 0, lastError: null, failing: null, rebuilding: null });

      const rules = await get('/red-flags/rules');
      expect(rules.body.rules).toHaveLength(12);
      expect((await get('/red-flags')).body.totalRows).toBe(2);
      expect((await get(`/red-flags/${VOUCHER_FLAG}`)).body.evidence).toHaveLength(5);
    });

    it('reconciles the demo as the README prints it', async () => {
      const { body } = await get('/reconciliation');
      // "Reconciliation of the log up to position 319: 247 stated figures, 226 checks, 206 hold; 18 findings … 3 not checked"
      expect(body).toMatchObject({ position: DEMO_HEAD, assertions: 247, checks: 226, holding: 206, explained: 0 });
      expect(body.findings.filter((f: { severity: string }) => f.severity === 'error')).toHaveLength(18);
      expect(body.notChecked).toHaveLength(3);
      expect(body.findings).toContainEqual(
        expect.objectContaining({ kind: 'assertion-mismatch', section: 'A.II.1', stated: '89801000000', ledger: '89465000000', difference: '336000000' }),
      );
    });

    it('serves the catalogue, health and the OpenAPI document', async () => {
      const catalogue = await get('/catalogue');
      expect(catalogue.body.programmes[0].programme).toMatchObject({ code: 'GNBV-2021-2025', legalBasis: [{ number: '90/QĐ-TTg' }], validFrom: '2021-01-01', validTo: '2025-12-31' });
      expect(JSON.stringify(catalogue.body)).toContain('Hỗ trợ nhà ở cho hộ nghèo');
      // The audit log follows the store in the projection thread: health says how far, as stored.
      let health = await get('/health');
      for (let i = 0; i < 100 && health.body.auditLog.position < DEMO_HEAD; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        health = await get('/health');
      }
      expect(health.body).toEqual({
        status: 'ok',
        store: 'sqlite',
        position: DEMO_HEAD,
        auditLog: { position: DEMO_HEAD, size: DEMO_HEAD },
        readModels: { position: DEMO_HEAD },
      });
      expect((await get('/docs')).headers.get('content-type')).toMatch(/text\/html/);
      const openApi = await get('/docs-json');
      for (const route of documentedGetRoutes().filter((r) => !r.startsWith('/docs'))) {
        expect({ route, get: Boolean(openApi.body.paths[route]?.get) }).toEqual({ route, get: true });
      }
    });

    it('hands an auditor a bundle, proofs and signed tree heads', async () => {
      const trustedKey = parsePublicKey((await get('/audit/public-key')).body.ed25519);
      const bundle = await get(`/audit/bundles?decision=${encodeURIComponent('4888/QĐ-UBND')}`);
      expect(bundle.body.events).toHaveLength(13);
      expect(verifyBundle(bundle.body, { trustedKey })).toMatchObject({ ok: true, verifiedEvents: 13 });

      const heads = await get('/audit/tree-heads');
      expect(heads.body).toMatchObject({ total: 1, items: [{ treeSize: DEMO_HEAD }] });
      expect((await get('/audit/tree-heads/latest')).body).toMatchObject({ treeSize: DEMO_HEAD });
      const eventId = bundle.body.events[0].event.metadata.eventId as string;
      expect((await get(`/audit/proofs/inclusion?eventId=${eventId}`)).body).toMatchObject({ eventId, treeSize: DEMO_HEAD });
      expect((await get(`/audit/proofs/consistency?first=${JOURNALS_FROM + 238}`)).body).toMatchObject({ firstSize: JOURNALS_FROM + 238, secondSize: DEMO_HEAD });
    });
  });

  describe('the curl walk-through, on the demo', () => {
    const L = { programme: 'GNBV-2021-2025', component: 'DA3.TDA1', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
    const D = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
    const H = OFFICER;

    it('records steps 1-4 and 6, refuses step 5 with the README’s answer, and the queries show it', async () => {
      const steps = [
        await ledger.post('/commands/assign-plan', { line: L, amount: '2483000000', decision: D }, H),
        await ledger.post(
          '/commands/register-activity',
          {
            activityId: 'VQ-2024-SX-01',
            name: 'Dự án chăn nuôi liên kết chuỗi giá trị xã Tân Đoàn',
            programme: 'GNBV-2021-2025',
            component: 'DA3.TDA1',
            kind: 'value-chain-production',
            unit: '184',
            beneficiaries: { poor: 25, 'near-poor': 10 },
            targets: [{ indicator: 'households-supported', quantity: '35' }],
            decision: D,
          },
          H,
        ),
        await ledger.post('/commands/allocate', { line: L, activityId: 'VQ-2024-SX-01', amount: '380000000', decision: { number: '832/QĐ-UBND', date: '2024-03-14', issuer: 'UBND huyện Văn Quan' } }, H),
        await ledger.post(
          '/commands/disburse',
          { line: L, activityId: 'VQ-2024-SX-01', amount: '300000000', voucher: { number: 'UNC-0457', date: '2024-06-20', treasury: 'KBNN Văn Quan' } },
          { ...H, 'Idempotency-Key': 'vq-unc-2024-0457' },
        ),
      ];
      expect(steps.map((s) => [s.status, s.body.position])).toEqual([
        [201, DEMO_HEAD + 1],
        [201, DEMO_HEAD + 2],
        [201, DEMO_HEAD + 3],
        [201, DEMO_HEAD + 4],
      ]);

      const before = ledger.logDigest();
      const refused = await ledger.post(
        '/commands/disburse',
        { line: L, activityId: 'VQ-2024-SX-01', amount: '620000000', voucher: { number: 'UNC-0458', date: '2024-06-21', treasury: 'KBNN Văn Quan' } },
        H,
      );
      expect(refused).toMatchObject({
        status: 409,
        body: {
          error: 'INSUFFICIENT_ALLOCATION',
          message: 'activity VQ-2024-SX-01 on line DA3.TDA1/NSTW/SN/2024@184 has 80.000.000 đ allocated and not yet disbursed; 620.000.000 đ requested',
        },
      });
      expect(ledger.logDigest()).toBe(before);

      const reclassified = await ledger.post(
        '/commands/activities/VQ-2024-SX-01/reclassify',
        {
          toKind: 'community-production',
          reason: 'Không đủ điều kiện liên kết chuỗi giá trị',
          effectiveDate: '2024-08-01',
          decision: { number: '2150/QĐ-UBND', date: '2024-07-25', issuer: 'UBND huyện Văn Quan' },
        },
        H,
      );
      expect(reclassified.status).toBe(201);

      const position = reclassified.body.position as number;
      expect((await get(`/balances?component=DA3.TDA1&minPosition=${position}`)).body).toMatchObject({
        rows: [{ plan: '4966000000', allocated: '2863000000', disbursed: '300000000' }],
      });
      expect((await get(`/adjustments?minPosition=${position}`)).body).toMatchObject({
        totalRows: 1,
        rows: [{ kind: 'reclassification', activityId: 'VQ-2024-SX-01', fromKind: 'value-chain-production', toKind: 'community-production', activityDisbursedBefore: '300000000' }],
      });
      // "step 6 reclassifies an activity that has paid 300 triệu ... and its commands, recorded today with 2023-2024 effective dates, are backdated"
      const flags = (await get(`/red-flags?unit=184&minPosition=${position}`)).body;
      expect(flags.byRule).toMatchObject({ 'reclassified-after-disbursement': 1, backdated: 2, 'duplicate-voucher': 1 });
      expect(flags.rows.find((r: { rule: string }) => r.rule === 'reclassified-after-disbursement')).toMatchObject({
        amount: '300000000',
        facts: { activityId: 'VQ-2024-SX-01', fromKind: 'value-chain-production', toKind: 'community-production', reclassifiedOn: '2024-08-01' },
      });
      expect(flags.rows.find((r: { rule: string; facts: { actor: string } }) => r.rule === 'backdated' && r.facts.actor === 'demo-officer')).toMatchObject({ evidenceCount: 5 });
    });
  });

  it('has called every GET route the README documents', () => {
    const routes = documentedGetRoutes().map((r) => r.replace('{stream}', encodeURIComponent(DA5_STREAM)).replace('{id}', VOUCHER_FLAG));
    expect(routes.filter((r) => !called.has(r))).toEqual([]);
  });
});
