import { reconcileStore } from '../../src/journal/journal.service';
import type { Finding, ReconcileFilter, ReconciliationReport } from '../../src/journal/reconciliation';
import { DA5_MONEY, IMPORTER, NOW, catalogue, journal, openStore } from './support';

const DOC = 'document: BC-6T, section: A.IV.5';

/** Imports the DA5 money of Văn Quan 2024 and these figures into a fresh store, and reconciles it. */
async function reconcileWith(figures: string, filter: ReconcileFilter = {}, extraMoney = ''): Promise<ReconciliationReport> {
  const t = openStore();
  try {
    const outcome = await t.importer.importText(journal(DA5_MONEY + extraMoney + figures), { principal: IMPORTER, now: NOW });
    if (outcome.status !== 'imported') throw new Error(JSON.stringify(outcome, null, 2));
    return await reconcileStore(t.store, catalogue, filter);
  } finally {
    await t.close();
  }
}

const only = (report: ReconciliationReport, kind: Finding['kind']) => report.findings.filter((f) => f.kind === kind);

describe('reconciliation', () => {
  describe('when every stated figure holds', () => {
    it('finds nothing, and counts what it checked', async () => {
      const report = await reconcileWith(`
  - id: f-plan
    figure: { ${DOC}, measure: plan, scope: { component: DA5 }, amount: 8.036 triệu đồng, sumOf: [f-allocated, f-unallocated] }
  - id: f-allocated
    figure: { ${DOC}, measure: allocated, scope: { component: DA5 }, amount: 7.700 triệu đồng }
  - id: f-unallocated
    figure: { ${DOC}, measure: unallocated, scope: { component: DA5 }, amount: 336 triệu đồng }
  - id: f-disbursed
    figure: { ${DOC}, measure: disbursed, scope: { component: DA5 }, amount: 620 triệu đồng, rate: { percent: "7,7 %", of: f-plan } }
  - id: f-available
    figure: { ${DOC}, measure: available, scope: { source: NSTW }, amount: 7.416 triệu đồng }
  - id: f-activity
    figure: { ${DOC}, measure: disbursed, scope: { component: DA5, activityId: VQ-DA5-2024-01 }, amount: 620 triệu đồng }
  - id: f-repaired
    figure: { ${DOC}, measure: output, scope: { component: DA5 }, indicator: houses-repaired, quantity: 19 }
  - id: f-province
    figure: { ${DOC}, measure: plan, scope: { unit: "20" }, amount: 8.036 triệu đồng }
  - id: f-nothing-local
    figure: { ${DOC}, measure: plan, scope: { source: NSDP }, amount: 0 đồng }
`);
      expect(report.findings).toEqual([]);
      expect(report).toMatchObject({ assertions: 9, position: 14 });
      expect(report.checks).toBe(report.holding);
      expect(report.checks).toBeGreaterThanOrEqual(11);
    });
  });

  describe('a stated figure against the ledger', () => {
    it('reports a figure that does not hold, with both values and the difference', async () => {
      const report = await reconcileWith(`
  - id: f-disbursed
    figure: { ${DOC}, quote: "kinh phí giải ngân là 700 triệu đồng", measure: disbursed, scope: { component: DA5 }, amount: 700 triệu đồng }
`);
      expect(report.findings).toEqual([
        {
          id: 'assertion-mismatch|184|BC-6T|f-disbursed',
          kind: 'assertion-mismatch',
          severity: 'error',
          document: { id: 'BC-6T', title: 'Báo cáo kết quả 6 tháng đầu năm 2024' },
          section: 'A.IV.5',
          assertionId: 'f-disbursed',
          quote: 'kinh phí giải ngân là 700 triệu đồng',
          measure: 'disbursed',
          scope: '184 · DA5 · 2024 · all sources',
          asOf: '2024-06-30',
          unit: 'đồng',
          stated: '700000000',
          ledger: '620000000',
          difference: '80000000',
          message:
            'BC-6T A.IV.5 states disbursed 700.000.000 đ for 184 · DA5 · 2024 · all sources as of 2024-06-30; the ledger has 620.000.000 đ (stated − ledger = +80.000.000 đ)',
          explained: false,
        },
      ]);
    });

    it('counts a difference within the precision the figure is written with as rounding', async () => {
      const report = await reconcileWith(`
  - id: f-disbursed
    figure: { ${DOC}, measure: disbursed, scope: { component: DA5 }, amount: "0,6 tỷ đồng" }
`);
      expect(report.findings).toMatchObject([{ kind: 'assertion-mismatch', severity: 'rounding', difference: '-20000000' }]);
    });

    it('reads the ledger as of the figure\'s date: money disbursed later does not count', async () => {
      const report = await reconcileWith(`
  - id: f-disbursed-may
    figure: { ${DOC}, measure: disbursed, scope: { component: DA5 }, asOf: 31/05/2024, amount: 0 đồng }
`);
      expect(report.findings).toEqual([]);
    });

    it('sums a project over its sub-projects and a province over its districts', async () => {
      const report = await reconcileWith(
        `
  - id: f-da3
    figure: { ${DOC}, measure: plan, scope: { component: DA3 }, amount: 2.997 triệu đồng }
  - id: f-lang-son
    figure: { ${DOC}, measure: plan, scope: { unit: "20" }, amount: 11.044 triệu đồng }
`,
        {},
        `
  - id: plan-da3-tda1
    plan: { line: { component: DA3.TDA1, source: NSTW, capitalType: SN }, amount: 2.483 triệu đồng, decision: QD-4888 }
  - id: plan-da3-tda2
    plan: { line: { component: DA3.TDA2, source: NSTW, capitalType: SN }, amount: 525 triệu đồng, decision: QD-4888 }
`,
      );
      expect(report.findings.map((f) => [f.assertionId, f.stated, f.ledger])).toEqual([
        ['f-da3', '2997000000', '3008000000'],
      ]);
    });

    it('compares outputs with what the activities recorded', async () => {
      const report = await reconcileWith(`
  - id: f-new
    figure: { ${DOC}, measure: output, scope: { component: DA5 }, indicator: houses-new, quantity: 8 }
`);
      expect(report.findings).toMatchObject([{ kind: 'assertion-mismatch', unit: 'căn', stated: '8', ledger: '6', difference: '2' }]);
    });

    it('compares outputs by beneficiary category with what the activities recorded for it, adding records up', async () => {
      const report = await reconcileWith(
        `
  - id: f-poor
    figure: { ${DOC}, measure: output, category: poor, scope: { component: DA5 }, indicator: households-supported, quantity: 20 }
  - id: f-women
    figure: { ${DOC}, measure: output, category: women, scope: { component: DA5 }, indicator: households-supported, quantity: 9 }
  - id: f-households
    figure: { ${DOC}, measure: output, scope: { component: DA5 }, indicator: households-supported, quantity: 25 }
`,
        {},
        `
  - id: out-da5-households
    outputs: { activityId: VQ-DA5-2024-01, outputs: { households-supported: { total: 20, poor: 15, women: 7 } }, document: BC-6T, effectiveDate: 20/06/2024 }
  - id: out-da5-households-2
    outputs: { activityId: VQ-DA5-2024-01, outputs: [{ indicator: households-supported, quantity: 5 }, { indicator: households-supported, category: poor, quantity: 4 }, { indicator: households-supported, category: women, quantity: 2 }], document: BC-6T, effectiveDate: 30/06/2024 }
`,
      );
      expect(report.findings.map((f) => [f.assertionId, f.stated, f.ledger])).toEqual([['f-poor', '20', '19']]);
      expect(report.notChecked).toEqual([]);
    });

    it('recognises a figure written with the wrong unit', async () => {
      const report = await reconcileWith(`
  - id: f-plan
    figure: { ${DOC}, measure: plan, scope: { component: DA5 }, amount: 8.036.000.000 triệu đồng }
`);
      expect(report.findings[0].hint).toBe(
        'off by a factor of 1.000.000: read in đồng instead of triệu đồng, the figure would be 8.036.000.000 đ, exactly the expected figure',
      );
    });
  });

  describe('a stated total against its stated parts', () => {
    it('reports a total that is not the sum of its parts', async () => {
      const report = await reconcileWith(`
  - id: f-plan
    figure: { ${DOC}, measure: plan, scope: { component: DA5 }, amount: 8.036 triệu đồng, sumOf: [[f-allocated, f-unallocated], [f-nstw]] }
  - id: f-allocated
    figure: { ${DOC}, measure: allocated, scope: { component: DA5 }, amount: 7.700 triệu đồng }
  - id: f-unallocated
    figure: { ${DOC}, measure: unallocated, scope: { component: DA5 }, amount: 300 triệu đồng }
  - id: f-nstw
    figure: { ${DOC}, measure: plan, scope: { component: DA5, source: NSTW }, amount: 8.036 triệu đồng }
`);
      const sums = only(report, 'total-not-sum-of-parts');
      expect(sums).toEqual([
        expect.objectContaining({
          assertionId: 'f-plan',
          severity: 'error',
          stated: '8036000000',
          ledger: '8000000000',
          difference: '36000000',
          parts: [
            { assertionId: 'f-allocated', stated: '7700000000' },
            { assertionId: 'f-unallocated', stated: '300000000' },
          ],
        }),
      ]);
      // the part that is wrong against the ledger shows too
      expect(only(report, 'assertion-mismatch').map((f) => f.assertionId)).toEqual(['f-unallocated']);
    });

    it('counts a total rounded to whole millions against finer parts as rounding', async () => {
      const report = await reconcileWith(`
  - id: f-total
    figure: { ${DOC}, measure: estimate, scope: { component: DA5 }, amount: 17.015 triệu đồng, sumOf: [f-a, f-b] }
  - id: f-a
    figure: { ${DOC}, measure: estimate, category: a, scope: { component: DA5 }, amount: 16.320 triệu đồng }
  - id: f-b
    figure: { ${DOC}, measure: estimate, category: b, scope: { component: DA5 }, amount: "695,4 triệu đồng" }
`);
      expect(report.findings).toMatchObject([{ kind: 'total-not-sum-of-parts', severity: 'rounding', difference: '-400000' }]);
    });

    it('adds quantities as well as money', async () => {
      const report = await reconcileWith(`
  - id: f-houses
    figure: { ${DOC}, measure: target, scope: { component: DA5 }, indicator: households-supported, quantity: 278, sumOf: [f-new, f-repaired] }
  - id: f-new
    figure: { ${DOC}, measure: target, scope: { component: DA5 }, indicator: houses-new, quantity: 101 }
  - id: f-repaired
    figure: { ${DOC}, measure: target, scope: { component: DA5 }, indicator: houses-repaired, quantity: 176 }
`);
      expect(report.findings).toMatchObject([{ kind: 'total-not-sum-of-parts', unit: 'hộ', stated: '278', ledger: '277', difference: '1' }]);
    });
  });

  describe('a stated rate against its amounts', () => {
    it('reports a rate that its amounts do not give', async () => {
      const report = await reconcileWith(`
  - id: f-plan
    figure: { ${DOC}, measure: plan, scope: { component: DA5 }, amount: 8.036 triệu đồng }
  - id: f-disbursed
    figure: { ${DOC}, measure: disbursed, scope: { component: DA5 }, amount: 620 triệu đồng, rate: { percent: "7,9 %", of: f-plan } }
`);
      expect(report.findings).toEqual([
        expect.objectContaining({
          kind: 'rate-mismatch',
          severity: 'error',
          assertionId: 'f-disbursed',
          unit: '%',
          stated: '7.9',
          ledger: '7.7',
          difference: '0.2',
          message: 'BC-6T A.IV.5 states 620.000.000 đ = 7,9 % of f-plan (8.036.000.000 đ); that is 7,7 % (7,7153 %)',
        }),
      ]);
    });

    it('counts a rate that amounts rounding to the written ones could give as rounding', async () => {
      // 620 / 8.036 = 7,7153 % → 7,72 %; but 619,5 / 8.036,5 (figures written to the million) gives 7,7085 %
      const report = await reconcileWith(`
  - id: f-plan
    figure: { ${DOC}, measure: plan, scope: { component: DA5 }, amount: 8.036 triệu đồng }
  - id: f-disbursed
    figure: { ${DOC}, measure: disbursed, scope: { component: DA5 }, amount: 620 triệu đồng, rate: { percent: "7,71 %", of: f-plan } }
`);
      expect(report.findings).toMatchObject([{ kind: 'rate-mismatch', severity: 'rounding', stated: '7.71', ledger: '7.72' }]);
    });
  });

  describe('statements of the same figure', () => {
    it('reports two different figures for the same scope, measure and date', async () => {
      const report = await reconcileWith(`
  - id: f-plan-1
    figure: { document: BC-6T, section: "A.IV.5, đoạn 1", measure: plan, scope: { component: DA5 }, amount: 8.036 triệu đồng }
  - id: f-plan-2
    figure: { document: BC-6T, section: "A.IV.5, đoạn 2", measure: plan, scope: { component: DA5 }, amount: 8.063 triệu đồng }
`);
      expect(only(report, 'conflicting-statements')).toEqual([
        expect.objectContaining({
          severity: 'error',
          difference: '27000000',
          related: [
            { assertionId: 'f-plan-1', section: 'A.IV.5, đoạn 1', stated: '8036000000' },
            { assertionId: 'f-plan-2', section: 'A.IV.5, đoạn 2', stated: '8063000000' },
          ],
        }),
      ]);
    });

    it('does not confuse figures of different categories', async () => {
      const report = await reconcileWith(`
  - id: f-continuing
    figure: { ${DOC}, measure: target, category: chuyển tiếp, scope: { component: DA5 }, indicator: projects, quantity: 11 }
  - id: f-new
    figure: { ${DOC}, measure: target, category: khởi công mới, scope: { component: DA5 }, indicator: projects, quantity: 2 }
`);
      expect(report.findings).toEqual([]);
    });
  });

  describe('disbursement beyond allocation', () => {
    it('reports a document stating more disbursed than allocated', async () => {
      const report = await reconcileWith(`
  - id: f-allocated
    figure: { ${DOC}, measure: allocated, category: đợt 1, scope: { component: DA5, activityId: VQ-DA5-2024-01 }, amount: 500 triệu đồng }
  - id: f-disbursed
    figure: { ${DOC}, measure: disbursed, category: đợt 1, scope: { component: DA5, activityId: VQ-DA5-2024-01 }, amount: 620 triệu đồng }
`);
      expect(only(report, 'disbursed-beyond-allocation')).toEqual([
        expect.objectContaining({ assertionId: 'f-disbursed', stated: '620000000', ledger: '500000000', difference: '120000000' }),
      ]);
    });
  });

  describe('a component the document says is not implemented', () => {
    it('reports money the ledger holds for it', async () => {
      const report = await reconcileWith(`
  - id: f-no-da5
    figure: { ${DOC}, quote: "Huyện không thực hiện", measure: not-implemented, scope: { component: DA5, year: null } }
  - id: f-no-da4
    figure: { ${DOC}, measure: not-implemented, scope: { component: DA4, year: null } }
`);
      expect(report.findings).toEqual([
        expect.objectContaining({ kind: 'money-on-not-implemented', assertionId: 'f-no-da5', ledger: '8036000000' }),
      ]);
    });
  });

  describe('"trong đó": a part of a whole', () => {
    it('reports a part stated as more than its whole, and lets a smaller part hold', async () => {
      const report = await reconcileWith(`
  - id: f-plan
    figure: { ${DOC}, measure: plan, scope: { component: DA5 }, amount: 8.036 triệu đồng }
  - id: f-allocated
    figure: { ${DOC}, quote: "trong đó đã phân bổ 7.700 triệu đồng", measure: allocated, scope: { component: DA5 }, amount: 7.700 triệu đồng, partOf: f-plan }
  - id: f-works
    figure: { ${DOC}, measure: target, scope: { component: DA5 }, indicator: works, quantity: 16 }
  - id: f-works-poor
    figure: { ${DOC}, quote: "trong đó 18 công trình ở xã nghèo", measure: target, category: xã nghèo, scope: { component: DA5 }, indicator: works, quantity: 18, partOf: [f-works] }
`);
      expect(report.findings).toEqual([
        expect.objectContaining({
          id: 'part-exceeds-whole|184|BC-6T|f-works-poor|partOf[0]',
          kind: 'part-exceeds-whole',
          assertionId: 'f-works-poor',
          stated: '18',
          ledger: '16',
          difference: '2',
          message: 'BC-6T A.IV.5 states 18 công trình as part of f-works (A.IV.5), which is only 16 công trình',
        }),
      ]);
    });
  });

  describe('"x of y": a count out of a total', () => {
    it('checks "02/16 công trình" against the document\'s own "18 công trình"', async () => {
      const report = await reconcileWith(`
  - id: f-works
    figure: { ${DOC}, quote: "18 công trình", measure: target, scope: { component: DA5 }, indicator: works, quantity: 18 }
  - id: f-works-done
    figure: { ${DOC}, quote: "đã hoàn thành 02/16 công trình", measure: target, category: hoàn thành, scope: { component: DA5 }, indicator: works, quantity: "02/16", outOf: f-works }
  - id: f-works-started
    figure: { ${DOC}, quote: "khởi công 16/18 công trình", measure: target, category: khởi công, scope: { component: DA5 }, indicator: works, quantity: "16/18", outOf: f-works }
`);
      expect(report.findings).toEqual([
        expect.objectContaining({
          id: 'fraction-total-mismatch|184|BC-6T|f-works-done|outOf',
          kind: 'fraction-total-mismatch',
          stated: '16',
          ledger: '18',
          difference: '-2',
          related: [{ assertionId: 'f-works', section: 'A.IV.5', stated: '18' }],
          message: 'BC-6T A.IV.5 states 2/16 công trình, but the document states the total as 18 công trình (f-works, A.IV.5)',
        }),
      ]);
    });

    it('reports a count larger than its total', async () => {
      const report = await reconcileWith(`
  - id: f-communes
    figure: { ${DOC}, measure: target, scope: { component: DA5 }, indicator: works, quantity: "18/17" }
`);
      expect(report.findings).toMatchObject([{ kind: 'part-exceeds-whole', stated: '18', ledger: '17', difference: '1' }]);
    });
  });

  describe('figures the ledger cannot compare', () => {
    it('lists them as not checked with the reason, never as a mismatch', async () => {
      const report = await reconcileWith(`
  - id: f-local
    figure: { ${DOC}, quote: "ngân sách huyện 300 triệu đồng", measure: plan, scope: { component: DA5, source: NSDP-HUYEN }, amount: 300 triệu đồng }
  - id: f-credit
    figure: { ${DOC}, measure: disbursed, scope: { source: TD-CSXH }, amount: 1.200 triệu đồng }
  - id: f-continuing
    figure: { ${DOC}, measure: plan, category: chuyển tiếp, scope: { component: DA5 }, amount: 5.000 triệu đồng }
  - id: f-trainees
    figure: { ${DOC}, measure: output, scope: { component: DA5 }, indicator: trainees, quantity: 40 }
  - id: f-no-local
    figure: { ${DOC}, measure: plan, scope: { component: DA4, source: NSDP-HUYEN }, amount: 0 đồng }
`);
      expect(report.findings).toEqual([]);
      expect(report.notChecked.map((n) => [n.assertionId, n.reason])).toEqual([
        ['f-local', 'the ledger holds no NSDP-HUYEN money for 184 · DA5 · 2024 · all sources: nothing to compare the figure with'],
        ['f-credit', 'the ledger holds no TD-CSXH money for 184 · whole programme · 2024 · all sources: nothing to compare the figure with'],
        ['f-continuing', 'the ledger does not divide DA5\'s money by "chuyển tiếp": the figure is checked only against the document\'s own figures'],
        ['f-trainees', 'no activity of the ledger in 184 · DA5 · 2024 · all sources records or targets trainees: nothing to compare the figure with'],
      ]);
      // a stated zero where the ledger holds nothing agrees with it: checked, and it holds (as do the ledger's own checks)
      expect(report.checks).toBe(3);
      expect(report.holding).toBe(3);
    });
  });

  describe('explanations', () => {
    it('attaches an explanation to its finding, with who recorded it and when; the finding stays listed', async () => {
      const t = openStore();
      try {
        const text = journal(
          DA5_MONEY +
            `
  - id: f-disbursed
    figure: { ${DOC}, measure: disbursed, scope: { component: DA5 }, amount: 700 triệu đồng }
`,
        );
        expect((await t.importer.importText(text, { principal: IMPORTER, now: NOW })).status).toBe('imported');
        const before = await reconcileStore(t.store, catalogue);
        expect(before.findings).toMatchObject([{ id: 'assertion-mismatch|184|BC-6T|f-disbursed', explained: false }]);
        const explanation = `journal: 1
id: giai-trinh
documents:
  GT-01: { title: Báo cáo giải trình, number: 15/BC-LĐTBXH, issuer: Phòng LĐ-TB&XH, date: 2024-07-20 }
entries:
  - id: gt-1
    explanation: { findingId: "${before.findings[0].id}", explanation: "80 triệu giải ngân ngày 28/6 chưa về Kho bạc đến 30/6", document: GT-01 }
`;
        expect((await t.importer.importText(explanation, { principal: { id: 'truong-phong', name: 'Trưởng phòng', grants: [{ role: 'officer', scope: '184' }], via: 'console' }, now: '2026-01-20T02:00:00.000Z' })).status).toBe('imported');
        const after = await reconcileStore(t.store, catalogue);
        expect(after.findings).toHaveLength(1);
        expect(after.explained).toBe(1);
        expect(after.findings[0]).toMatchObject({
          explained: true,
          explanations: [
            {
              explanation: '80 triệu giải ngân ngày 28/6 chưa về Kho bạc đến 30/6',
              basis: { kind: 'document', title: 'Báo cáo giải trình', number: '15/BC-LĐTBXH', date: '2024-07-20' },
              recordedBy: { id: 'truong-phong', role: 'officer' },
              recordedAt: '2026-01-20T02:00:00.000Z',
            },
          ],
        });
      } finally {
        await t.close();
      }
    });

    it('refuses to explain a figure that is not recorded, storing nothing', async () => {
      const t = openStore();
      try {
        const before = t.digest();
        const outcome = await t.importer.importText(
          journal(`
  - id: gt-1
    explanation: { findingId: "assertion-mismatch|184|BC-6T|f-nothing", explanation: "?", document: BC-6T }
`),
          { principal: IMPORTER, now: NOW },
        );
        expect(outcome).toMatchObject({ status: 'rejected', code: 'FINDING_NOT_FOUND' });
        expect(t.digest()).toBe(before);
      } finally {
        await t.close();
      }
    });
  });

  describe('filters', () => {
    it('keeps the figures of one document or one unit', async () => {
      const figures = `
  - id: f-disbursed
    figure: { ${DOC}, measure: disbursed, scope: { component: DA5 }, amount: 700 triệu đồng }
`;
      expect((await reconcileWith(figures, { document: 'BC-6T' })).findings).toHaveLength(1);
      expect((await reconcileWith(figures, { document: 'OTHER' })).findings).toHaveLength(0);
      expect((await reconcileWith(figures, { unit: '20' })).findings).toHaveLength(1);
      expect((await reconcileWith(figures, { unit: '849' })).findings).toHaveLength(0);
    });
  });
});
