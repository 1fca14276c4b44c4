import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagId } from '../../projections/red-flags/red-flags.fold';
import { BUILT_IN_RULES_FILE, RULE_CODES } from '../../projections/red-flags/rules';
import { loadConfig } from '../../src/config/ledger-config';
import { startLedger } from '../../src/main';
import { AUDITOR, INSPECTOR, OFFICER, VIEWER, startTestLedger, TestLedger } from '../support/app';

/** The demo's stand-in voucher for the cumulative disbursements its report gives (demo/van-quan-2024.yaml). */
const STAND_IN = { number: 'không nêu số: lũy kế giải ngân đến 30/6/2024 theo báo cáo', treasury: 'Kho bạc Nhà nước (không nêu trong tài liệu)' };
const VOUCHER_FLAG = flagId('duplicate-voucher', STAND_IN.treasury, STAND_IN.number);
/** The demo: its users (7, each created, granted, given a password: 21 events), then its journals (Văn Quan, Trà Cú, Sơn Dương: 298 events). */
const DEMO_USERS_EVENTS = 21;
const DEMO_HEAD = DEMO_USERS_EVENTS + 298;

describe('red flags over HTTP, on the demo data', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger({ demo: true });
  });
  afterAll(() => ledger.close());

  it('raises two flags on the demo, neither a real concern', async () => {
    const res = await ledger.get('/red-flags');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ position: DEMO_HEAD, totalRows: 2, page: 1, pageSize: 50 });
    expect(res.body.byRule).toEqual({ ...Object.fromEntries(RULE_CODES.map((r) => [r, 0])), backdated: 1, 'duplicate-voucher': 1 });
    const [backdated, voucher] = res.body.rows;
    // The journal was imported now from a report of 30/6/2024: its 48 money and activity events take effect
    // 2-3 years before they were recorded. That is the ledger starting mid-stream, not a back-dated correction.
    expect(backdated).toMatchObject({
      rule: 'backdated',
      unit: '184',
      period: { from: '2023-12-22', to: '2024-06-30' },
      amount: null,
      evidenceCount: 48,
      facts: { actor: 'demo-importer', journals: 'van-quan-2024', thresholdDays: 30, events: 48 },
      subject: expect.stringMatching(/^demo-importer ghi sổ ngày \d\d\/\d\d\/\d{4} \(nhập nhật ký van-quan-2024\)$/),
    });
    expect(backdated.facts.amountsByType).toBe('Disbursed 17015740000; FundsAllocated 89465000000; PlanAssigned 98801000000');
    // The report gives cumulative disbursements per component without vouchers: the journal records each on one
    // stand-in voucher that says so. Five disbursements on one voucher number is what the rule looks for.
    expect(voucher).toMatchObject({
      id: VOUCHER_FLAG,
      rule: 'duplicate-voucher',
      amount: '17015740000',
      evidenceCount: 5,
      facts: { voucherNumber: STAND_IN.number, disbursements: 5 },
    });
    expect(voucher.evidence.map((e: { amount: string }) => e.amount)).toEqual(['14090000000', '2230000000', '59000000', '620000000', '16740000']);
    expect(voucher.evidence[0]).toMatchObject({ type: 'Disbursed', activityId: 'VQ24-DA1.TDA1-HT', basis: { kind: 'voucher', number: STAND_IN.number } });
    const trail = await ledger.get(backdated.evidence[0].links.trail);
    expect(trail.status).toBe(200);
    expect(trail.body.decisions).toMatchObject([{ number: '4888/QĐ-UBND', issuer: 'UBND huyện Văn Quan', date: '2023-12-22', events: 13 }]);
    expect((await ledger.get(voucher.evidence[0].links.history)).status).toBe(200);
  });

  it('filters by unit subtree, period and rule', async () => {
    const count = async (query: string) => (await ledger.get(`/red-flags?${query}`)).body.totalRows;
    expect(await count('unit=20')).toBe(2);
    expect(await count('unit=849')).toBe(0);
    expect(await count('from=2024-07-01')).toBe(0);
    expect(await count('to=2024-01-31')).toBe(1);
    expect(await count('rule=duplicate-voucher,reclassified-after-disbursement')).toBe(1);
    expect(await count('reviewed=true')).toBe(0);
  });

  it('describes each rule with its thresholds, in Vietnamese and English', async () => {
    const res = await ledger.get('/red-flags/rules');
    expect(res.status).toBe(200);
    expect(res.body.rules.map((r: { rule: string }) => r.rule)).toEqual([...RULE_CODES]);
    expect(res.body.rules.find((r: { rule: string }) => r.rule === 'backdated').description).toEqual({
      vi: expect.stringMatching(/^Sự kiện được ghi sổ muộn hơn 30 ngày/),
      en: expect.stringMatching(/^An event is recorded more than 30 days after/),
    });
  });

  it('shows one flag with all its evidence, and answers 404 for an id no flag has', async () => {
    const one = await ledger.get(`/red-flags/${VOUCHER_FLAG}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: VOUCHER_FLAG, evidenceCount: 5, reviews: [] });
    expect(one.body.evidence).toHaveLength(5);
    const none = await ledger.get('/red-flags/duplicate-voucher-0000000000000000');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ error: 'NOT_FOUND', message: expect.stringContaining('no red flag duplicate-voucher-0000000000000000') });
  });

  it('refuses malformed questions, naming the parameter', async () => {
    for (const [query, field] of [
      ['rule=round-amounts', 'rule'],
      ['reviewed=maybe', 'reviewed'],
      ['asOf=2024-02-30', 'asOf'],
      ['unit=9999', 'unit'],
      ['colour=red', 'colour'],
    ]) {
      const res = await ledger.get(`/red-flags?${query}`);
      expect({ query, status: res.status, error: res.body.error }).toEqual({ query, status: 400, error: 'INVALID_REQUEST' });
      expect(res.body.problems.map((p: { field: string }) => p.field)).toContain(field);
    }
  });

  it("counts and shows only the flags of the reader's scope: a reader of Trà Cú sees none of Văn Quan's, and its flag is 404 to it", async () => {
    const traCu = await ledger.as('viewer', '849');
    const vanQuan = await ledger.as('inspector', '184');
    const listed = await ledger.get('/red-flags', traCu);
    expect(listed.body).toMatchObject({ totalRows: 0, rows: [], byRule: { backdated: 0, 'duplicate-voucher': 0 } });
    expect((await ledger.get(`/red-flags/${VOUCHER_FLAG}`, traCu)).status).toBe(404);
    expect((await ledger.get('/red-flags', vanQuan)).body.totalRows).toBe(2);
    expect((await ledger.get(`/red-flags/${VOUCHER_FLAG}`, vanQuan)).body).toMatchObject({ id: VOUCHER_FLAG, unit: '184' });
    // The whole province of Lạng Sơn covers Văn Quan; the rules are readable in any scope.
    expect((await ledger.get('/red-flags', await ledger.as('auditor', '20'))).body.totalRows).toBe(2);
    expect((await ledger.get('/red-flags/rules', traCu)).status).toBe(200);
    // Reading needs the read right: an administrator reads no figures.
    expect((await ledger.get('/red-flags', await ledger.as('admin', 'VN'))).status).toBe(403);
  });

  describe('marking a flag reviewed', () => {
    const review = (id: string, body: unknown, headers: Record<string, string> = INSPECTOR) => ledger.post(`/commands/red-flags/${id}/review`, body, headers);

    it('refuses, storing nothing: a role that records money, an unknown flag, a malformed id, a missing or blank note', async () => {
      const before = ledger.logDigest();
      const note = { note: 'Đã xem' };
      const cases: Array<[Promise<{ status: number; body: any }>, number, string, string?]> = [
        [review(VOUCHER_FLAG, note, OFFICER), 403, 'FORBIDDEN'],
        [review(VOUCHER_FLAG, note, VIEWER), 403, 'FORBIDDEN'],
        [review('duplicate-voucher-0000000000000000', note), 409, 'RED_FLAG_NOT_FOUND'],
        [review('no-such-rule-0123456789abcdef', note), 400, 'INVALID_COMMAND', 'flagId'],
        [review(VOUCHER_FLAG, {}), 400, 'INVALID_COMMAND', 'note'],
        [review(VOUCHER_FLAG, { note: '   ' }), 400, 'INVALID_COMMAND', 'note'],
        [review(VOUCHER_FLAG, { note: 'x', document: { title: 'Biên bản', date: '2025-02-30' } }), 400, 'INVALID_COMMAND', 'document.date'],
      ];
      for (const [request, status, error, field] of cases) {
        const res = await request;
        expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
        if (field) expect(res.body.problems.map((p: { field: string }) => p.field)).toContain(field);
      }
      expect((await review(VOUCHER_FLAG, note, OFFICER)).body).toMatchObject({
        message: 'to record notes and red-flag reviews needs the note right (roles: auditor, inspector); demo-officer holds officer for VN',
        details: { right: 'note', roles: ['auditor', 'inspector'] },
      });
      expect(ledger.logDigest()).toBe(before);
    });

    it("refuses a review by an inspector whose scope does not cover the flag's unit, naming the unit; stores nothing", async () => {
      const traCu = await ledger.as('inspector', '849');
      const before = ledger.logDigest();
      const res = await review(VOUCHER_FLAG, { note: 'Đã xem' }, traCu);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'FORBIDDEN', details: { right: 'note', units: ['184'] } });
      expect(res.body.message).toContain('to record notes and red-flag reviews on unit 184 (Huyện Văn Quan) needs the note right');
      expect(ledger.logDigest()).toBe(before);
    });

    it('records the review as an event; the flag stays listed, marked reviewed', async () => {
      const head = await ledger.store.headPosition();
      const res = await review(VOUCHER_FLAG, { note: 'Chứng từ thay thế của bản chép báo cáo lũy kế, không phải thanh toán trùng' }, INSPECTOR);
      expect(res.status).toBe(201);
      expect(res.body.events).toEqual([expect.objectContaining({ stream: `redflag-${VOUCHER_FLAG}`, revision: 0, position: head + 1 })]);
      const listed = await ledger.get(`/red-flags?minPosition=${res.body.position}`);
      expect(listed.body.totalRows).toBe(2);
      const flag = listed.body.rows.find((r: { id: string }) => r.id === VOUCHER_FLAG);
      expect(flag.review).toMatchObject({
        reviews: 1,
        newEvidence: false,
        last: { note: 'Chứng từ thay thế của bản chép báo cáo lũy kế, không phải thanh toán trùng', by: { id: 'demo-inspector', role: 'inspector' }, evidenceCount: 5, lastEvidencePosition: DEMO_USERS_EVENTS + 42 },
      });
      expect((await ledger.get('/red-flags?reviewed=true')).body.rows.map((r: { id: string }) => r.id)).toEqual([VOUCHER_FLAG]);
      expect((await ledger.get('/red-flags?reviewed=false')).body.rows.map((r: { rule: string }) => r.rule)).toEqual(['backdated']);

      const minutes = { title: 'Biên bản kiểm tra', number: '12/BB-TTr', date: '2025-03-04', issuer: 'Thanh tra huyện Văn Quan' };
      const second = await review(VOUCHER_FLAG, { note: 'KBNN xác nhận', document: minutes }, AUDITOR);
      expect(second.status).toBe(201);
      const one = await ledger.get(`/red-flags/${VOUCHER_FLAG}?minPosition=${second.body.position}`);
      expect(one.body.reviews.map((r: { note: string; by: { role: string } }) => [r.note, r.by.role])).toEqual([
        ['Chứng từ thay thế của bản chép báo cáo lũy kế, không phải thanh toán trùng', 'inspector'],
        ['KBNN xác nhận', 'auditor'],
      ]);
      const stored = ledger.store.db.prepare("SELECT metadata FROM events WHERE position = ?").pluck().get(second.body.position) as string;
      expect(JSON.parse(stored)).toMatchObject({ legalBasis: { kind: 'document', ...minutes }, effectiveDate: '2025-03-04', actor: { id: 'demo-auditor', role: 'auditor', scope: 'VN' }, command: 'ReviewRedFlag' });
    });
  });
});

describe('the rules as a file of their own (LEDGER_RED_FLAG_RULES)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-red-flag-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rulesWith = (name: string, change: (rules: Array<Record<string, any>>) => void) => {
    const json = JSON.parse(readFileSync(BUILT_IN_RULES_FILE, 'utf8'));
    change(json.rules);
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(json, null, 2));
    return file;
  };

  it('folds the flags with its thresholds: back-dating turned off, the demo raises only the voucher', async () => {
    const file = rulesWith('no-backdating.json', (rules) => {
      rules.find((r) => r.rule === 'backdated')!.enabled = false;
    });
    const ledger = await startTestLedger({ demo: true, env: { LEDGER_RED_FLAG_RULES: file } });
    try {
      const res = await ledger.get('/red-flags');
      expect(res.body.rows.map((r: { rule: string }) => r.rule)).toEqual(['duplicate-voucher']);
      expect(res.body.byRule).not.toHaveProperty('backdated');
      const rules = await ledger.get('/red-flags/rules');
      expect(rules.body).toMatchObject({ source: file });
      expect(rules.body.rules.find((r: { rule: string }) => r.rule === 'backdated')).toMatchObject({ enabled: false });
    } finally {
      await ledger.close();
    }
  });

  it('stops the ledger at start when the file is bad, naming the file and the field', async () => {
    const file = rulesWith('bad.json', (rules) => {
      rules.find((r) => r.rule === 'split-below-threshold')!.params.thresholds[0].amount = '500.000.000';
    });
    const data = mkdtempSync(join(dir, 'data-'));
    const config = loadConfig({ LEDGER_DATA_DIR: data, LEDGER_RED_FLAG_RULES: file, LEDGER_DEMO: '0', PORT: '0', HOST: '127.0.0.1' });
    await expect(startLedger(config, { logger: false })).rejects.toThrow(
      `red-flag rules file ${file} is invalid: rules[4].params.thresholds[0].amount: "500.000.000" is not an exact amount of đồng`,
    );
    expect(() => loadConfig({ LEDGER_RED_FLAG_RULES: join(dir, 'none.json') })).toThrow(`redFlagRulesFile: LEDGER_RED_FLAG_RULES "${join(dir, 'none.json')}" does not exist`);
  });
});
