import type { FundLineKey } from '../../events';
import { DEMO_JOURNALS, loadDemoData } from '../../src/journal/demo';
import { readWholeLog, reconcileStore } from '../../src/journal/journal.service';
import { ledgerFigure } from '../../src/journal/reconciliation';
import type { Finding, ReconciliationReport } from '../../src/journal/reconciliation';
import { evolveFundLine, initialFundLineState, FundLineState } from '../../src/fund-line/fund-line.state';
import { catalogue, IMPORTER, openStore, TestStore } from './support';

const NOW = '2026-01-15T08:00:00.000Z';
const VQ = { programme: 'GNBV-2021-2025', unit: '184', budgetYear: 2024 };

/** The demo journals (demo/*.yaml), transcribed from the Văn Quan and Trà Cú documents, in a fresh SQLite store. */
describe('the demo data from the district documents', () => {
  let t: TestStore;
  let report: ReconciliationReport;
  const find = (kind: Finding['kind'], assertionId: string) => report.findings.filter((f) => f.kind === kind && f.assertionId === assertionId);

  beforeAll(async () => {
    t = openStore();
    const results = await loadDemoData(t.store, { principal: IMPORTER, catalogue, now: NOW });
    expect(results.map((r) => [r.file.split('/').pop(), r.outcome.status])).toEqual(DEMO_JOURNALS.map((j) => [j, 'imported']));
    report = await reconcileStore(t.store, catalogue);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('loading', () => {
    it('loads nothing into a store that is not empty', async () => {
      const before = t.digest();
      expect(await loadDemoData(t.store, { principal: IMPORTER, catalogue, now: NOW })).toEqual([]);
      expect(t.digest()).toBe(before);
    });

    it('stores nothing new when asked to load again: each journal is already imported', async () => {
      const before = t.digest();
      const again = await loadDemoData(t.store, { principal: IMPORTER, catalogue, now: NOW, onlyIfEmpty: false });
      expect(again.map((r) => r.outcome.status)).toEqual(['already-imported', 'already-imported', 'already-imported']);
      expect(t.digest()).toBe(before);
    });
  });

  describe('the money of Văn Quan 2024 in the ledger', () => {
    let lines: Map<string, FundLineState>;
    beforeAll(async () => {
      lines = new Map();
      for (const e of await readWholeLog(t.store)) {
        if (!e.stream.startsWith('fundline-')) continue;
        lines.set(e.stream, evolveFundLine(lines.get(e.stream) ?? initialFundLineState(), e as never));
      }
    });
    const figure = (measure: string, scope: Partial<FundLineKey> & { sources?: string[] } = {}) =>
      ledgerFigure(lines, measure, { ...VQ, ...scope } as never, catalogue)?.toFixed();

    it('holds the central budget the document states: 98.801 triệu, 74.143 of it for investment', () => {
      expect(figure('plan', { sources: ['NSTW'] })).toBe('98801000000');
      expect(figure('plan', { sources: ['NSTW'], capitalType: 'DTPT' })).toBe('74143000000');
      expect(figure('plan', { sources: ['NSTW'], capitalType: 'SN' })).toBe('24658000000');
    });

    it('holds the allocations, disbursements and what is left, exact to the đồng', () => {
      expect(figure('allocated', { sources: ['NSTW'] })).toBe('89465000000');
      expect(figure('unallocated', { sources: ['NSTW'] })).toBe('9336000000');
      expect(figure('disbursed', { sources: ['NSTW'] })).toBe('17015740000');
      expect(figure('disbursed', { component: 'DA6' } as never)).toBe('16740000');
    });
  });

  describe('what the checks find in Văn Quan', () => {
    it('shows that the Dự án 3 paragraph states both 2.997 and 3.008 triệu, and that 3.008 is the one that holds', () => {
      expect(find('assertion-mismatch', 'a-da3-2997')).toMatchObject([{ stated: '2997000000', ledger: '3008000000', difference: '-11000000' }]);
      expect(find('assertion-mismatch', 'a-da3-2997-nstw')).toMatchObject([{ stated: '2910000000', ledger: '3008000000' }]);
      expect(find('total-not-sum-of-parts', 'a-da3-2997')).toMatchObject([{ stated: '2997000000', ledger: '3008000000' }]);
      expect(find('conflicting-statements', 'a-da3-2997')).toMatchObject([
        { related: [{ assertionId: 'a-da3-2997' }, { assertionId: 'a-da3' }] },
      ]);
      expect(report.findings.filter((f) => f.assertionId === 'a-da3' || f.assertionId === 'a-da3-nstw')).toEqual([]);
    });

    it('shows that 17.015 triệu = 17,22 % of 98.801 holds, but 17.015 is not what the components add up to', () => {
      expect(find('rate-mismatch', 'a-nstw-disbursed')).toEqual([]);
      expect(find('assertion-mismatch', 'a-nstw-disbursed')).toMatchObject([{ severity: 'error', ledger: '17015740000', difference: '-740000' }]);
      // 16.320 + 695,4 = 17.015,4: within the million the total is written to
      expect(find('total-not-sum-of-parts', 'a-nstw-disbursed')).toMatchObject([{ severity: 'rounding', difference: '-400000' }]);
    });

    it('shows the 336 triệu of Dự án 5 left unallocated against "89.801 triệu allocated, 9.000 not"', () => {
      expect(find('assertion-mismatch', 'a-nstw-allocated')).toMatchObject([{ stated: '89801000000', ledger: '89465000000', difference: '336000000' }]);
      expect(find('assertion-mismatch', 'a-nstw-unallocated')).toMatchObject([{ stated: '9000000000', ledger: '9336000000' }]);
      expect(report.findings.filter((f) => f.assertionId?.startsWith('a-da5'))).toEqual([]);
    });

    it('shows the second "vốn đầu tư" of 24.658 triệu against the 74.143 of the first', () => {
      expect(find('conflicting-statements', 'a-dtpt')).toHaveLength(1);
      expect(find('conflicting-statements', 'a-dtpt-disbursed')).toHaveLength(1);
      expect(find('assertion-mismatch', 'a-von-dau-tu-24658')).toMatchObject([{ ledger: '74143000000' }]);
      // the rate of the second indent is right for its own amounts: 695,4 / 24.658 = 2,82 %
      expect(find('rate-mismatch', 'a-von-dau-tu-24658-disbursed')).toEqual([]);
    });

    it('does not check the local budget of 2.964 triệu against the ledger, which holds no local money: it says why', () => {
      const notChecked = (id: string) => report.notChecked.find((n) => n.assertionId === id);
      expect(notChecked('a-nsdp')).toMatchObject({
        stated: '2964000000',
        reason: 'the ledger holds no NSDP-TINH, NSDP-HUYEN, NSDP-XA money for 184 · whole programme · 2024 · all sources: nothing to compare the figure with',
      });
      expect(notChecked('a-nsdp-dtpt-allocated')).toBeDefined();
      expect(notChecked('a-nsdp-sn-unallocated')).toBeDefined();
      expect(report.notChecked.map((n) => n.assertionId)).toEqual(['a-nsdp', 'a-nsdp-dtpt-allocated', 'a-nsdp-sn-unallocated']);
      expect(report.findings.filter((f) => f.assertionId?.startsWith('a-nsdp') && f.kind === 'assertion-mismatch')).toEqual([]);
      // the document's own sums still hold for them: 2.964 = 2.224 + 740
      // every component paragraph's "ngân sách huyện: 0" holds
      expect(report.findings.filter((f) => f.assertionId?.endsWith('-huyen') && f.assertionId.startsWith('a-'))).toEqual([]);
    });

    it('checks the stated rates: 11,23 % is within rounding of 59/525, 2,52 % is not 16,74/673', () => {
      expect(find('rate-mismatch', 'a-da3-tda2-disbursed')).toMatchObject([{ severity: 'rounding', stated: '11.23', ledger: '11.24' }]);
      expect(find('rate-mismatch', 'a-da6-disbursed')).toMatchObject([{ severity: 'error', stated: '2.52', ledger: '2.49' }]);
      for (const ok of ['a-dtpt-disbursed', 'a-da1-tda1-ht-disbursed', 'a-da5-disbursed', 'a-nstw-estimate-9-months']) {
        expect(find('rate-mismatch', ok)).toEqual([]);
      }
    });

    it('finds every sub-project total of part A equal to its parts', () => {
      for (const id of ['a-da1-tda1', 'a-da1-tda2', 'a-da1-tda2-ht', 'a-da3', 'a-da5', 'a-da6', 'a-da7', 'a-nstw', 'a-dtpt', 'a-nsdp']) {
        expect(find('total-not-sum-of-parts', id)).toEqual([]);
      }
    });

    it('shows the 2025 plan of Dự án 6: Tiểu dự án 1 "0 triệu" containing 210 triệu, and 210 + 210 for a project of 210', () => {
      expect(find('total-not-sum-of-parts', 'b-da6-tda1')).toMatchObject([{ stated: '0', ledger: '210000000' }]);
      expect(find('total-not-sum-of-parts', 'b-da6-nstw')).toMatchObject([{ stated: '210000000', ledger: '420000000' }]);
      for (const id of ['b-total', 'b-nstw', 'b-nsdp', 'b-da1', 'b-da1-nstw', 'b-da1-tda1', 'b-da3', 'b-da6', 'b-da7']) {
        expect(find('total-not-sum-of-parts', id)).toEqual([]);
      }
    });
  });

  describe('what the checks find in Trà Cú', () => {
    it('shows the programme total 6.000 đồng short of its components', () => {
      expect(report.findings.filter((f) => f.assertionId === 't-total' && f.difference === '-6000')).toHaveLength(1);
    });

    it('shows "6.858.200.000 triệu đồng" as a unit slip, 6.000 đồng from its parts when read in đồng', () => {
      const [slip] = find('total-not-sum-of-parts', 't-huy-dong');
      expect(slip.stated).toBe('6858200000000000');
      expect(slip.hint).toBe('off by a factor of 1.000.000: read in đồng instead of triệu đồng, the figure would be 6.858.200.000 đ, 6.000 đ from 6.858.206.000 đ');
      expect(report.findings.filter((f) => f.assertionId === 't-total' && f.hint?.startsWith('part t-huy-dong'))).toHaveLength(1);
    });

    it('finds every project equal to its sources, and no money on the components it does not implement', () => {
      const others = report.findings.filter((f) => f.document?.id === 'TC-KH-GNBV-2021-2025' && !['t-total', 't-huy-dong'].includes(f.assertionId ?? ''));
      expect(others).toEqual([]);
    });
  });

  describe('Sơn Dương 2022: a plan with targets, no money', () => {
    it('states two figures that nothing checks: targets with no total, part or rate to check them against', async () => {
      const sd = await reconcileStore(t.store, catalogue, { document: 'SD-KH-GNBV-2022' });
      expect(sd).toMatchObject({ assertions: 2, checks: 0, holding: 0, findings: [], notChecked: [] });
    });

    it('records the plan\'s targets for the outcome indicators on the district\'s results stream', async () => {
      const targets = (await t.store.readStream('outcomes-076')).map((e) => [e.type, (e.data as { targetId: string }).targetId, e.metadata.legalBasis?.kind]);
      expect(targets).toEqual([
        ['OutcomeTargetSet', 'sd-poverty-2021-2025', 'document'],
        ['OutcomeTargetSet', 'sd-em-poverty-2021-2025', 'document'],
        ['OutcomeTargetSet', 'sd-poverty-2026-2030', 'document'],
      ]);
    });
  });

  it('finds these and nothing else', () => {
    expect(report.findings.map((f) => `${f.severity} ${f.kind} ${f.assertionId}`).sort()).toEqual(
      [
        'error assertion-mismatch a-nstw-allocated',
        'error assertion-mismatch a-nstw-unallocated',
        'error assertion-mismatch a-nstw-disbursed',
        'error assertion-mismatch a-von-dau-tu-24658',
        'error assertion-mismatch a-von-dau-tu-24658-disbursed',
        'error assertion-mismatch a-da3-2997',
        'error assertion-mismatch a-da3-2997-nstw',
        'error total-not-sum-of-parts a-da3-2997',
        'error rate-mismatch a-da6-disbursed',
        'error total-not-sum-of-parts b-da6-nstw',
        'error total-not-sum-of-parts b-da6-tda1',
        'error conflicting-statements a-dtpt',
        'error conflicting-statements a-dtpt-disbursed',
        'error conflicting-statements a-da3-2997',
        'error conflicting-statements a-da3-2997-nstw',
        'error total-not-sum-of-parts t-total',
        'error total-not-sum-of-parts t-total',
        'error total-not-sum-of-parts t-huy-dong',
        'rounding total-not-sum-of-parts a-nstw-disbursed',
        'rounding rate-mismatch a-da3-tda2-disbursed',
      ].sort(),
    );
  });
});
