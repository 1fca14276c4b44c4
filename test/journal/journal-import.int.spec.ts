import { parse } from 'yaml';
import type { FigureStated } from '../../events';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { FundLineState, evolveFundLine, initialFundLineState, unallocated } from '../../src/fund-line/fund-line.state';
import type { ImportOutcome } from '../../src/journal/journal.importer';
import { DA5_MONEY, IMPORTER, IMPORTER_ACTOR, NOW, TestStore, journal, openStore } from './support';

const DA5_LINE = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };

const FIGURES = `
  - id: f-da5-plan
    figure: { document: BC-6T, section: A.IV.5, quote: "Vốn và nguồn vốn: 8.036 triệu đồng", measure: plan, scope: { component: DA5 }, amount: 8.036 triệu đồng, sumOf: [f-da5-allocated, f-da5-unallocated] }
  - id: f-da5-allocated
    figure: { document: BC-6T, section: A.IV.5, measure: allocated, scope: { component: DA5 }, amount: 7.700 triệu đồng }
  - id: f-da5-unallocated
    figure: { document: BC-6T, section: A.IV.5, measure: unallocated, scope: { component: DA5 }, amount: 336 triệu đồng }
  - id: f-da5-disbursed
    figure: { document: BC-6T, section: A.IV.5, measure: disbursed, scope: { component: DA5 }, amount: 620 triệu đồng, rate: { percent: "7,7 %", of: f-da5-plan } }
`;

const importText = (t: TestStore, text: string, extra: { dryRun?: boolean } = {}): Promise<ImportOutcome> =>
  t.importer.importText(text, { principal: IMPORTER, now: NOW, ...extra });

async function lineState(t: TestStore): Promise<FundLineState> {
  const events = await t.store.readStream(fundLineStream(DA5_LINE));
  return events.reduce((s, e) => evolveFundLine(s, e as never), initialFundLineState());
}

describe('importing a journal', () => {
  let t: TestStore;
  beforeEach(() => {
    t = openStore();
  });
  afterEach(async () => {
    await t.close();
  });

  describe('when every entry holds', () => {
    it('stores every entry in one append, in the order of the journal', async () => {
      const outcome = await importText(t, journal(DA5_MONEY + FIGURES));
      expect(outcome).toMatchObject({ status: 'imported', journal: 'test-journal', entries: 9, events: 9, firstPosition: 1, lastPosition: 9 });
      const all = await t.store.readAll(0);
      expect(all.map((e) => e.type)).toEqual([
        'PlanAssigned',
        'ActivityRegistered',
        'FundsAllocated',
        'Disbursed',
        'OutputsRecorded',
        'FigureStated',
        'FigureStated',
        'FigureStated',
        'FigureStated',
      ]);
      const line = await lineState(t);
      expect(line.assigned.toFixed()).toBe('8036000000');
      expect(line.allocated.toFixed()).toBe('7700000000');
      expect(line.disbursed.toFixed()).toBe('620000000');
      expect(unallocated(line).toFixed()).toBe('336000000');
    });

    it('records who imported, when, and each entry as the cause of its events', async () => {
      const outcome = await importText(t, journal(DA5_MONEY));
      const [plan, , allocation, disbursement] = await t.store.readAll(0);
      expect(plan.metadata).toMatchObject({
        actor: IMPORTER_ACTOR,
        recordedAt: NOW,
        effectiveDate: '2023-12-22',
        legalBasis: { kind: 'decision', number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' },
        command: 'AssignPlan',
        causationId: 'test-journal#plan-da5',
        idempotencyKey: `journal:${(outcome as { digest: string }).digest}`,
      });
      expect(allocation.metadata).toMatchObject({ effectiveDate: '2024-03-14', command: 'AllocateFunds', causationId: 'test-journal#alloc-da5' });
      expect(disbursement.metadata.legalBasis).toEqual({ kind: 'voucher', number: 'UNC-000158', date: '2024-06-14', treasury: 'KBNN Văn Quan' });
      expect(disbursement.data).toMatchObject({ disbursementId: 'gn-da5', amount: '620000000' });
    });

    it('records what the document states, exact, with where it states it', async () => {
      await importText(t, journal(DA5_MONEY + FIGURES));
      const figures = (await t.store.readStream('assertions-184-BC-6T')) as unknown as FigureStated[];
      expect(figures.map((f) => f.data.assertionId)).toEqual(['f-da5-plan', 'f-da5-allocated', 'f-da5-unallocated', 'f-da5-disbursed']);
      expect(figures[0].data).toEqual({
        assertionId: 'f-da5-plan',
        document: { id: 'BC-6T', title: 'Báo cáo kết quả 6 tháng đầu năm 2024', issuer: 'UBND huyện Văn Quan' },
        section: 'A.IV.5',
        quote: 'Vốn và nguồn vốn: 8.036 triệu đồng',
        measure: 'plan',
        scope: { programme: 'GNBV-2021-2025', unit: '184', component: 'DA5', budgetYear: 2024 },
        asOf: '2024-06-30',
        amount: '8036000000',
        resolution: '1000000',
        parts: [['f-da5-allocated', 'f-da5-unallocated']],
      });
      expect(figures[3].data.rate).toEqual({ percent: '7.7', decimals: 1, of: 'f-da5-plan' });
    });

    it('starts each stream from what the store already holds', async () => {
      await importText(t, journal(DA5_MONEY, 'first'));
      const more = journal(
        `
  - id: alloc-more
    allocate: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: VQ-DA5-2024-01, amount: 336 triệu đồng, decision: QD-832 }`,
        'second',
      );
      expect(await importText(t, more)).toMatchObject({ status: 'imported', events: 1 });
      expect(unallocated(await lineState(t)).toFixed()).toBe('0');
    });
  });

  describe('when the same journal is imported again', () => {
    it('stores nothing and says where it was imported', async () => {
      const text = journal(DA5_MONEY + FIGURES);
      await importText(t, text);
      const before = t.digest();
      expect(await importText(t, text)).toMatchObject({ status: 'already-imported', events: 9, firstPosition: 1, lastPosition: 9 });
      expect(t.digest()).toBe(before);
    });

    it('knows it however it is formatted: comments, layout or JSON instead of YAML', async () => {
      const text = journal(DA5_MONEY);
      await importText(t, text);
      const before = t.digest();
      const reformatted = `# the same journal, commented and re-indented\n${text.replace(/: \{ /g, ': {').replace(/ \}/g, '}')}`;
      expect(await importText(t, reformatted)).toMatchObject({ status: 'already-imported' });
      expect(await importText(t, JSON.stringify(parse(text)))).toMatchObject({ status: 'already-imported' });
      expect(t.digest()).toBe(before);
    });
  });

  describe('when entries are wrong', () => {
    const BROKEN = `
  - id: plan-da5
    plan: { line: { component: DA5, source: NSTW, capitalType: SN }, amount: 8.036 triệu đồng, decision: QD-4888 }
  - id: plan-da2
    plan: { line: { component: DA2, source: NSTW, capitalType: SN }, amount: "4.649", decision: QD-4888 }
  - id: VQ-DA5-2024-01
    activity: { name: Hỗ trợ nhà ở 2024, component: DA5, kind: housing-support, decision: QD-9999 }
  - id: VQ-DA5-2024-02
    activity: { name: Hỗ trợ nhà ở 2024 (lần 02), component: DA5, kind: housing-support, decision: QD-832 }
  - id: alloc-too-much
    allocate: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: VQ-DA5-2024-02, amount: 9.000 triệu đồng, decision: QD-832 }
  - id: plan-bad-unit
    plan: { line: { component: DA6, source: NSTW, capitalType: SN, unit: 184 }, amount: 673 triệu đồng, decision: QD-4888 }
  - id: f-total
    figure: { document: BC-6T, section: A.IV.5, measure: plan, scope: { component: DA5 }, amount: 8.036 triệu đồng, sumOf: [f-nowhere] }
  - id: plan-da5
    plan: { line: { component: DA7.TDA1, source: NSTW, capitalType: SN }, amount: 393 triệu đồng, decision: QD-4888 }
`;

    it('lists every problem with its entry, its id, its line and the field', async () => {
      const outcome = await importText(t, journal(BROKEN));
      // Malformed entries among them: the journal is invalid, whatever business rules also refused.
      expect(outcome).toMatchObject({ status: 'rejected', code: 'INVALID_JOURNAL' });
      const problems = outcome.status === 'rejected' ? outcome.problems : [];
      expect(problems.map((p) => [p.entry, p.id, p.field])).toEqual([
        [1, 'plan-da2', 'plan.amount'],
        [2, 'VQ-DA5-2024-01', 'activity.decision'],
        [4, 'alloc-too-much', 'allocate'],
        [5, 'plan-bad-unit', 'plan.line.unit'],
        [6, 'f-total', 'figure.sumOf[0]'],
        [7, 'plan-da5', 'id'],
      ]);
      // at the line and column where the field is written, not only the entry's line
      // the entry's line, and where the field is written
      expect(problems[0]).toMatchObject({ line: 19, at: { line: 20, column: 78 }, problem: expect.stringMatching(/has no unit: write "4.649 đồng" or "4.649 triệu đồng"/) });
      const badUnit = journal(BROKEN).split('\n').findIndex((l) => l.includes('unit: 184'));
      expect(problems[3]).toMatchObject({ at: { line: badUnit + 1, column: journal(BROKEN).split('\n')[badUnit].indexOf('184') + 1 } });
      expect(problems[1].problem).toMatch(/unknown decision "QD-9999"; the journal's decisions: QD-4888, QD-832/);
      expect(problems[2]).toMatchObject({
        code: 'INSUFFICIENT_UNALLOCATED',
        problem: 'line DA5/NSTW/SN/2024@184 has 8.036.000.000 đ not yet allocated; 9.000.000.000 đ requested',
      });
      expect(problems[3].problem).toMatch(/write "184" in quotes/);
      expect(problems[4].problem).toMatch(/"f-nowhere" is not a figure of document BC-6T/);
      expect(problems[5].problem).toMatch(/also the id of entry 0/);
    });

    it('stores nothing, not even the entries that hold', async () => {
      const before = t.digest();
      expect((await importText(t, journal(BROKEN))).status).toBe('rejected');
      expect(t.digest()).toBe(before);
      expect(await t.store.headPosition()).toBe(0);
    });

    it('stores nothing after entries that held in the store before either', async () => {
      await importText(t, journal(DA5_MONEY, 'first'));
      const before = t.digest();
      const over = journal(
        `
  - id: plan-da2
    plan: { line: { component: DA2, source: NSTW, capitalType: SN }, amount: 4.649 triệu đồng, decision: QD-4888 }
  - id: gn-too-much
    disburse: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: VQ-DA5-2024-01, amount: 7.081 triệu đồng, voucher: UNC-158 }`,
        'second',
      );
      const outcome = await importText(t, over);
      expect(outcome).toMatchObject({ status: 'rejected', code: 'INSUFFICIENT_ALLOCATION', problems: [{ entry: 1, id: 'gn-too-much', code: 'INSUFFICIENT_ALLOCATION' }] });
      expect(t.digest()).toBe(before);
    });

    it('reports a YAML syntax error with its line, its column and its likely cause', async () => {
      const outcome = await importText(t, 'journal: 1\nid: x\nentries:\n  - id: a\n    plan: { line: [\n');
      expect(outcome.status).toBe('rejected');
      expect(outcome.status === 'rejected' && outcome.problems[0]).toMatchObject({
        field: '(file)',
        line: 6,
        at: { line: 6, column: 1 },
        problem: expect.stringMatching(/^Flow sequence .*; likely cause: a line indented less than its mapping, or a "\[" or "\{" not closed/),
      });
      const colon = await importText(t, 'journal: 1\nid: x\nentries:\n  - id: a\n    figure: { quote: Kinh phí: 3.008 triệu đồng, measure: plan }\n');
      expect(colon.status === 'rejected' && colon.problems[0]).toMatchObject({
        at: { line: 5, column: '    figure: { quote: Kinh phí: 3.008 triệu đồng, measure: plan }'.indexOf('Kinh') + 1 },
        problem: expect.stringMatching(/likely cause: a ": " inside an unquoted value in \{ … \} starts a mapping: quote the value/),
      });
    });

    it('names an unquoted comma inside { … } as the likely cause of a split amount', async () => {
      const text = journal(`
  - id: f-rate
    figure: { document: BC-6T, section: A.IV.6, measure: disbursed, scope: { component: DA6 }, amount: 16,74 triệu đồng }`);
      const outcome = await importText(t, text);
      const problems = outcome.status === 'rejected' ? outcome.problems : [];
      const at = text.split('\n').findIndex((l) => l.includes('16,74'));
      expect(problems.find((p) => p.field === 'figure.74 triệu đồng')).toMatchObject({
        at: { line: at + 1, column: text.split('\n')[at].indexOf('74 triệu') + 1 },
        problem: 'an unquoted comma inside { … } split "amount: 16,74 triệu đồng" in two (amount: 16, and a field "74 triệu đồng"): quote the value: amount: "16,74 triệu đồng"',
      });
    });

    it('reports a wrong header', async () => {
      const outcome = await importText(t, 'journal: 2\nentries: []\nwho: me\n');
      expect(outcome.status === 'rejected' && outcome.problems.map((p) => p.field)).toEqual(['who', 'journal', 'id']);
    });
  });

  describe('a dry run', () => {
    it('decides every entry and stores nothing', async () => {
      const before = t.digest();
      expect(await importText(t, journal(DA5_MONEY + FIGURES), { dryRun: true })).toMatchObject({ status: 'valid', entries: 9, events: 9 });
      expect(t.digest()).toBe(before);
    });
  });
});
