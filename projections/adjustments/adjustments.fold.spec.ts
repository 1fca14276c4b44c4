import { Catalogue } from '../../src/catalogue/catalogue';
import { activityRegistered, activityReclassified, decision, disbursed, fundsAllocated, line, planAssigned, planAdjusted, recorded, voucher } from '../../test/support/ledger-events';
import { activityFact, evolveActivityProgress, initialActivityProgress } from '../progress/progress.fold';
import { catalogueContext } from '../shared/context';
import type { RecordedLedger } from '../shared/recorded';
import { adjustmentOf } from './adjustments.fold';

const ctx = catalogueContext(Catalogue.load());

describe('adjustments', () => {
  const QD = decision('4888/QĐ-UBND', '2023-12-22');

  describe('when an activity is reclassified after payments started, recorded weeks after its effective date', () => {
    it('lists it as an adjustment with what had been paid and how late it was recorded', () => {
      const events = recorded(
        activityRegistered({ activityId: 'm-1', kind: 'value-chain-production' }, { basis: decision('1/QĐ', '2024-01-05') }),
        fundsAllocated(line(), 'm-1', '300', { basis: decision('2/QĐ', '2024-01-10') }),
        disbursed(line(), 'm-1', 'gn-1', '120', { basis: voucher('UNC-1', '2024-02-01') }),
        activityReclassified('m-1', 'pl-1', { kind: 'value-chain-production', component: 'DA3.TDA1' }, { kind: 'community-production', component: 'DA3.TDA1' }, {
          basis: decision('300/QĐ-UBND', '2024-03-01'),
          recordedAt: '2024-04-15T03:00:00.000Z',
        }),
      ) as RecordedLedger[];
      let doc = initialActivityProgress('m-1');
      for (const e of events.slice(0, 3)) {
        const f = activityFact(e);
        if (f) doc = evolveActivityProgress(doc, f.fact);
      }
      const adjustment = adjustmentOf(events[3], ctx, doc);
      expect(adjustment).toMatchObject({
        kind: 'reclassification',
        fromKind: 'value-chain-production',
        toKind: 'community-production',
        unit: '184',
        district: '184',
        province: '20',
        recordedDaysAfterEffect: 45,
        activityDisbursedBefore: 12000n,
        decision: { number: '300/QĐ-UBND' },
      });
    });
  });

  it('does not list plain plan assignments or disbursements as adjustments', () => {
    const events = recorded(planAssigned(line(), '100', { basis: QD }), disbursed(line(), 'a', 'gn', '50', { basis: voucher('UNC-1', '2024-01-10') })) as RecordedLedger[];
    expect(events.map((e) => adjustmentOf(e, ctx, null))).toEqual([null, null]);
    const decrease = recorded(planAdjusted(line(), 'dc-1', 'decrease', '10', { basis: QD }))[0] as RecordedLedger;
    expect(adjustmentOf(decrease, ctx, null)).toMatchObject({ kind: 'plan-decrease', amount: 1000n, component: 'DA3.TDA1' });
  });
});
