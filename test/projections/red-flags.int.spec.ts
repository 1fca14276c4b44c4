import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagId } from '../../projections/red-flags/red-flags.fold';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { rebuildReadModels, verifyReadModels } from '../../src/projections/rebuild';
import {
  Append,
  activityReclassified,
  activityRegistered,
  appendAll,
  carriedOver,
  decision,
  disbursed,
  disbursementReversed,
  figureStated,
  fundsAllocated,
  line,
  planAssigned,
  redFlagReviewed,
  voucher,
} from '../support/ledger-events';
import { Harness, harness } from '../support/projections';

const L = line();
const QD_PLAN = decision('4888/QĐ-UBND', '2023-12-22');
const L23 = line({ budgetYear: 2023, originYear: 2023 });
const L24from23 = line({ budgetYear: 2024, originYear: 2023 });

/** A log that raises flags of every stored rule, and one review. */
const flagged: Append[] = [
  planAssigned(L, '10000000000', { basis: QD_PLAN }),
  activityRegistered({ activityId: 'm-1', kind: 'value-chain-production' }, { basis: decision('693/QĐ-UBND', '2024-03-05') }),
  fundsAllocated(L, 'm-1', '5000000000', { basis: decision('832/QĐ-UBND', '2024-03-14') }),
  // 4, 5: two payments just under 1 tỷ, on one voucher
  disbursed(L, 'm-1', 'gn-1', '950000000', { basis: voucher('UNC-77', '2024-04-01') }),
  disbursed(L, 'm-1', 'gn-2', '990000000', { basis: voucher('UNC-77', '2024-04-13') }),
  // 6: reclassified after paying out, in the last days of the year
  activityReclassified('m-1', 'pl-1', { kind: 'value-chain-production', component: 'DA3.TDA1' }, { kind: 'community-production', component: 'DA3.TDA1' }, {
    basis: decision('1520/QĐ-UBND', '2024-12-20'),
  }),
  // 7: a payment recorded two months late, effective before the allocation was (it takes effect in February)
  disbursed(L, 'm-1', 'gn-3', '1000000', { basis: voucher('UNC-3', '2024-02-20'), recordedAt: '2024-04-25T02:00:00.000Z' }),
  // 8-13: carried money with a deadline of 30/6/2024, paid after it
  planAssigned(L23, '1000000000', { basis: decision('4000/QĐ-UBND', '2022-12-20') }),
  activityRegistered({ activityId: 'm-9', kind: 'value-chain-production' }, { basis: decision('10/QĐ-UBND', '2023-02-01') }),
  fundsAllocated(L23, 'm-9', '600000000', { basis: decision('11/QĐ-UBND', '2023-02-10') }),
  carriedOver(L23, L24from23, 'cn-1', '600000000', { basis: decision('4100/QĐ-UBND', '2023-12-28') }, 'm-9', '2024-06-30'),
  disbursed(L24from23, 'm-9', 'gn-9', '100000000', { basis: voucher('UNC-9', '2024-07-10') }),
];

describe('red flags read model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-red-flags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('fed live, event by event, then rebuilt from position 0', () => {
    let h: Harness;
    beforeAll(async () => {
      h = harness(dir, { batchSize: 3 });
      for (const a of flagged) await appendAll(h.store, a);
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    it('lists a flag of each stored rule with its evidence', () => {
      const all = h.queries.redFlags({ asOf: '2024-06-01', pageSize: 100 });
      expect(all.rows.map((r) => r.rule).sort()).toEqual([
        'backdated',
        'carried-disbursed-after-deadline',
        'disbursed-without-allocation',
        'duplicate-voucher',
        'reclassified-after-disbursement',
        'reclassified-at-year-end',
        'split-below-threshold',
      ]);
      const voucherFlag = all.rows.find((r) => r.rule === 'duplicate-voucher');
      expect(voucherFlag).toMatchObject({
        id: flagId('duplicate-voucher', 'KBNN Văn Quan', 'UNC-77'),
        title: { vi: 'Một chứng từ cho nhiều khoản giải ngân', en: 'One voucher on several disbursements' },
        unit: '184',
        period: { from: '2024-04-01', to: '2024-04-13' },
        amount: '1940000000',
        evidenceCount: 2,
        review: null,
      });
      expect(voucherFlag?.evidence.map((e) => [e.position, e.role, e.type, e.amount, e.basis?.number, e.links.history])).toEqual([
        [4, 'subject', 'Disbursed', '950000000', 'UNC-77', `/fund-lines/${encodeURIComponent(fundLineStream(L))}/history`],
        [5, 'subject', 'Disbursed', '990000000', 'UNC-77', `/fund-lines/${encodeURIComponent(fundLineStream(L))}/history`],
      ]);
      const reclassified = all.rows.find((r) => r.rule === 'reclassified-at-year-end');
      expect(reclassified?.evidence[0]).toMatchObject({
        position: 6,
        type: 'ActivityReclassified',
        stream: 'activity-m-1',
        decision: { number: '1520/QĐ-UBND', issuer: 'UBND huyện Văn Quan', date: '2024-12-20' },
        links: { trail: '/decisions/trail?number=1520%2FQ%C4%90-UBND&issuer=UBND+huy%E1%BB%87n+V%C4%83n+Quan&date=2024-12-20' },
      });
      expect(all.byRule).toMatchObject({ 'duplicate-voucher': 1, backdated: 1, 'carried-unspent-after-deadline': 0, 'reversal-rate-outlier': 0 });
    });

    it('computes carried money unspent after its deadline for the day asked', () => {
      const before = h.queries.redFlags({ asOf: '2024-06-30', rule: ['carried-unspent-after-deadline'] });
      expect(before.totalRows).toBe(0);
      const after = h.queries.redFlags({ asOf: '2024-07-01', rule: ['carried-unspent-after-deadline'] });
      expect(after.rows).toMatchObject([
        {
          computed: true,
          amount: '600000000',
          period: { from: '2024-06-30', to: '2024-07-01' },
          facts: { deadline: '2024-06-30', daysAfterDeadline: 1, carried: '600000000', unspent: '600000000' },
          evidence: [{ position: 12, role: 'context', type: 'CarriedIn' }],
        },
      ]);
      expect(h.queries.redFlags({ asOf: '2024-08-01', rule: ['carried-unspent-after-deadline'] }).rows[0].facts).toMatchObject({ unspent: '500000000' });
    });

    it('filters by unit subtree, period, rule, review, and applies a scope', () => {
      const asOf = '2024-06-01';
      expect(h.queries.redFlags({ asOf, unit: '20' }).totalRows).toBe(7);
      expect(h.queries.redFlags({ asOf, unit: '849' }).totalRows).toBe(0);
      expect(h.queries.redFlags({ asOf, from: '2024-12-01' }).rows.map((r) => r.rule).sort()).toEqual(['reclassified-after-disbursement', 'reclassified-at-year-end']);
      expect(h.queries.redFlags({ asOf, to: '2024-03-01' }).rows.map((r) => r.rule).sort()).toEqual(['backdated', 'disbursed-without-allocation', 'reclassified-after-disbursement']);
      expect(h.queries.redFlags({ asOf }, { units: ['84'] }).totalRows).toBe(0);
      expect(h.queries.redFlags({ asOf }, { units: ['84', '184'] }).totalRows).toBe(7);
      expect(() => h.queries.redFlags({ asOf, unit: '9999' })).toThrow(/unit: unknown administrative unit "9999"/);
    });

    it('keeps a reviewed flag listed, marked reviewed, and says when evidence joined it after the review', async () => {
      const id = flagId('duplicate-voucher', 'KBNN Văn Quan', 'UNC-77');
      await appendAll(
        h.store,
        redFlagReviewed(id, 'duplicate-voucher', 'Hai lần thanh toán theo một UNC: đã yêu cầu KBNN xác nhận', { basis: { kind: 'document', title: 'Ghi chú rà soát', date: '2024-09-01' } }, {
          evidenceCount: 2,
          lastEvidencePosition: 5,
        }),
      );
      await h.runner.catchUp();
      const asOf = '2024-06-01';
      expect(h.queries.redFlags({ asOf, reviewed: true }).rows.map((r) => r.id)).toEqual([id]);
      expect(h.queries.redFlags({ asOf, reviewed: false }).totalRows).toBe(6);
      expect(h.queries.redFlag(id, asOf).review).toMatchObject({ reviews: 1, newEvidence: false, last: { note: 'Hai lần thanh toán theo một UNC: đã yêu cầu KBNN xác nhận', evidenceCount: 2 } });
      await appendAll(h.store, disbursed(L, 'm-1', 'gn-4', '5000000', { basis: voucher('UNC-77', '2024-05-02') }));
      await h.runner.catchUp();
      const flag = h.queries.redFlag(id, asOf);
      expect(flag).toMatchObject({ evidenceCount: 3, review: { newEvidence: true }, reviews: [{ position: 14 }] });
    });

    it('gives the same read model when rebuilt from position 0 as it built live', async () => {
      const live = h.queries.redFlags({ asOf: '2024-08-01', pageSize: 100 });
      expect((await verifyReadModels(h.store, h.readModelFile, h.context)).differenceCount).toBe(0);
      await rebuildReadModels(h.store, h.readModels, h.context);
      expect(h.queries.redFlags({ asOf: '2024-08-01', pageSize: 100 })).toEqual(live);
    });
  });

  describe('a payment of a reported period recorded after the report', () => {
    let h: Harness;
    beforeAll(async () => {
      h = harness(dir);
      await appendAll(
        h.store,
        planAssigned(L, '10000000000', { basis: QD_PLAN }),
        activityRegistered({ activityId: 'm-1', kind: 'value-chain-production' }, { basis: decision('693/QĐ-UBND', '2024-03-05') }),
        fundsAllocated(L, 'm-1', '5000000000', { basis: decision('832/QĐ-UBND', '2024-03-14') }),
        figureStated(
          { assertionId: 'a-da3-gn', section: 'A.IV.3', measure: 'disbursed', scope: { component: 'DA3.TDA1', budgetYear: 2024 }, asOf: '2024-06-30', amount: '0' },
          { basis: { kind: 'document', title: 'Báo cáo 6 tháng', date: '2024-07-05' }, recordedAt: '2024-07-05T02:00:00.000Z' },
        ),
        disbursed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-1', '2024-06-20'), recordedAt: '2024-07-20T02:00:00.000Z' }),
      );
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    it('shows the figure the document had stated beside the payment, from the stated figures', () => {
      const [flag] = h.queries.redFlags({ asOf: '2024-12-31', rule: ['recorded-after-stated-figure'] }).rows;
      expect(flag).toMatchObject({ unit: '184', amount: '120000000', facts: { documentId: 'VQ-KH-GNBV-2025', figures: 1 } });
      expect(flag.evidence).toMatchObject([
        { position: 5, role: 'subject', type: 'Disbursed', amount: '120000000' },
        { position: 4, role: 'context', type: 'FigureStated', stream: 'assertions-184-VQ-KH-GNBV-2025', figure: { section: 'A.IV.3', measure: 'disbursed', asOf: '2024-06-30', amount: '0' } },
      ]);
    });
  });

  describe('a unit whose reversal rate stands out among its peers', () => {
    let h: Harness;
    const DISTRICTS = ['180', '181', '182', '183', '184', '185'];
    beforeAll(async () => {
      h = harness(dir);
      const appends: Append[] = [];
      for (const unit of DISTRICTS) {
        const l = line({ unit });
        appends.push(
          planAssigned(l, '100000000', { basis: decision('1/QĐ-UBND', '2024-01-05', `UBND huyện ${unit}`) }),
          activityRegistered({ activityId: `a-${unit}`, kind: 'value-chain-production', unit }, { basis: decision('2/QĐ-UBND', '2024-01-06', `UBND huyện ${unit}`) }),
          fundsAllocated(l, `a-${unit}`, '100000000', { basis: decision('3/QĐ-UBND', '2024-01-07', `UBND huyện ${unit}`) }),
        );
        for (let i = 1; i <= 12; i++) appends.push(disbursed(l, `a-${unit}`, `gn-${i}`, '1000', { basis: voucher(`UNC-${unit}-${i}`, '2024-03-01') }));
        const reversals = unit === '185' ? 6 : unit === '180' ? 1 : 0;
        for (let i = 1; i <= reversals; i++) appends.push(disbursementReversed(l, `a-${unit}`, `gn-${i}`, '1000', { basis: voucher(`TH-${unit}-${i}`, '2024-03-02') }));
      }
      await appendAll(h.store, ...appends);
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    it('flags it, with its reversals as evidence and the method’s figures', () => {
      const out = h.queries.redFlags({ asOf: '2024-12-31', rule: ['reversal-rate-outlier'] });
      expect(out.rows).toMatchObject([
        {
          id: flagId('reversal-rate-outlier', '185', '2024'),
          unit: '185',
          computed: true,
          amount: '6000',
          period: { from: '2024-01-01', to: '2024-12-31' },
          facts: { level: 'district', disbursements: 12, reversals: 6, reversalRate: '0.5000', peerMedianRate: '0.0000', method: 'mean-absolute-deviation', peers: 6 },
          evidenceCount: 6,
        },
      ]);
      expect(out.rows[0].evidence.every((e) => e.type === 'DisbursementReversed')).toBe(true);
    });
  });
});
