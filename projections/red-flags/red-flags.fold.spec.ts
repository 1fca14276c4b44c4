import { Catalogue } from '../../src/catalogue/catalogue';
import {
  Append,
  activityReclassified,
  activityTransferred,
  balanceOpened,
  activityRegistered,
  carriedOver,
  decision,
  disbursed,
  disbursementReversed,
  figureStated,
  fundsAllocated,
  fundsMoved,
  line,
  planAssigned,
  recorded,
  redFlagReviewed,
  resetIds,
  voucher,
} from '../../test/support/ledger-events';
import { catalogueContext } from '../shared/context';
import fc from 'fast-check';
import { FlagBook, FlagRecord, MemoryDocs, RedFlagFold, dayNumber, flagId, vietnamDate } from './red-flags.fold';
import type { RuleCode } from './rules';

const ctx = catalogueContext(Catalogue.load());

/** given(history).when(events).then(rule): the flags of that rule once every event is folded, with their evidence positions. */
function given(...history: Append[]) {
  return {
    when: (...events: Append[]) => ({
      then: (rule: RuleCode) => {
        resetIds();
        const fold = new RedFlagFold(ctx, new MemoryDocs());
        const book = new FlagBook();
        for (const e of recorded(...history, ...events)) book.apply(fold.apply(e));
        return [...book.flags.values()]
          .filter((f) => f.flag.rule === rule)
          .map((f) => ({ ...f.flag, evidence: f.evidence.map((x) => `${x.role === 'subject' ? '' : '~'}${x.position}`) }));
      },
      book: () => {
        resetIds();
        const fold = new RedFlagFold(ctx, new MemoryDocs());
        const book = new FlagBook();
        for (const e of recorded(...history, ...events)) book.apply(fold.apply(e));
        return book;
      },
    }),
  };
}

const L = line();
const QD_PLAN = decision('4888/QĐ-UBND', '2023-12-22');
const QD_ALLOC = decision('832/QĐ-UBND', '2024-03-14');
const QD_REG = decision('693/QĐ-UBND', '2024-03-05');
const funded = (activityId = 'm-1', amount = '5000000000') => [
  planAssigned(L, '10000000000', { basis: QD_PLAN }),
  activityRegistered({ activityId, kind: 'value-chain-production' }, { basis: QD_REG }),
  fundsAllocated(L, activityId, amount, { basis: QD_ALLOC }),
];
const FROM = { kind: 'value-chain-production', component: 'DA3.TDA1' };
const TO = { kind: 'community-production', component: 'DA3.TDA1' };
const amountOf = (f: FlagRecord) => (f.amount === null ? null : String(f.amount / 100n));

describe('red flags', () => {
  describe('reclassified-after-disbursement', () => {
    it('raises when an activity that has paid out is reclassified, with the reclassification and the payments before it', () => {
      const flags = given(...funded(), disbursed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-1', '2024-04-02') }))
        .when(activityReclassified('m-1', 'pl-1', FROM, TO, { basis: decision('300/QĐ-UBND', '2024-05-10') }))
        .then('reclassified-after-disbursement');
      expect(flags).toMatchObject([
        {
          unit: '184',
          district: '184',
          province: '20',
          effFrom: '2024-04-02',
          effTo: '2024-05-10',
          evidence: ['5', '~4'],
          facts: { activityId: 'm-1', fromKind: 'value-chain-production', toKind: 'community-production', disbursedBefore: '120000000' },
        },
      ]);
      expect(amountOf(flags[0])).toBe('120000000');
    });

    it('does not raise when the reclassification takes effect before the first payment', () => {
      expect(
        given(...funded(), activityReclassified('m-1', 'pl-1', FROM, TO, { basis: decision('300/QĐ-UBND', '2024-03-20') }))
          .when(disbursed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-1', '2024-04-02') }))
          .then('reclassified-after-disbursement'),
      ).toEqual([]);
    });

    it('raises when a payment back-dated before an earlier reclassification is recorded after it, and drops it when that payment is reversed', () => {
      const history = [...funded(), activityReclassified('m-1', 'pl-1', FROM, TO, { basis: decision('300/QĐ-UBND', '2024-05-10') })];
      const late = disbursed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-1', '2024-04-02'), recordedAt: '2024-05-20T02:00:00.000Z' });
      expect(given(...history).when(late).then('reclassified-after-disbursement')).toMatchObject([{ evidence: ['4', '~5'] }]);
      const reversed = disbursementReversed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-2', '2024-05-25') });
      expect(given(...history, late).when(reversed).then('reclassified-after-disbursement')).toEqual([]);
    });
  });

  describe('reclassified-at-year-end', () => {
    it('raises for a reclassification taking effect in the last 15 days of the year', () => {
      const flags = given(...funded())
        .when(activityReclassified('m-1', 'pl-1', FROM, TO, { basis: decision('1520/QĐ-UBND', '2024-12-20') }))
        .then('reclassified-at-year-end');
      expect(flags).toMatchObject([{ evidence: ['4'], effFrom: '2024-12-20', facts: { daysBeforeYearEnd: 11, thresholdDays: 15 } }]);
    });

    it('does not raise for one taking effect on 1 December', () => {
      expect(
        given(...funded())
          .when(activityReclassified('m-1', 'pl-1', FROM, TO, { basis: decision('1400/QĐ-UBND', '2024-12-01') }))
          .then('reclassified-at-year-end'),
      ).toEqual([]);
    });
  });

  describe('backdated', () => {
    it('raises once per person, day of recording and unit, with every event recorded more than 30 days after taking effect', () => {
      const recording = { recordedAt: '2024-08-20T03:00:00.000Z' };
      const flags = given(...funded())
        .when(
          disbursed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-1', '2024-06-10'), ...recording }),
          disbursed(L, 'm-1', 'gn-2', '80000000', { basis: voucher('UNC-2', '2024-07-01'), ...recording }),
        )
        .then('backdated');
      expect(flags).toMatchObject([{ evidence: ['4', '5'], effFrom: '2024-06-10', effTo: '2024-07-01', facts: { actor: 'can-bo-ldtbxh', recordedOn: '2024-08-20', maxDaysLate: 71, minDaysLate: 50, commands: 'Disbursed', journals: null } }]);
      expect(flags[0].id).toBe(flagId('backdated', 'can-bo-ldtbxh', '2024-08-20', '184'));
      expect(flags[0].subject).toBe('can-bo-ldtbxh ghi sổ ngày 20/08/2024');
      expect(amountOf(flags[0])).toBe('200000000');
    });

    it('does not raise for an event recorded 30 days after it takes effect (Vietnam calendar day)', () => {
      expect(
        given(...funded())
          .when(disbursed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-1', '2024-06-10'), recordedAt: '2024-07-10T16:59:00.000Z' }))
          .then('backdated'),
      ).toEqual([]);
    });
  });

  describe('recorded-after-stated-figure', () => {
    const stated = figureStated(
      {
        assertionId: 'a-da3-disbursed',
        section: 'A.II',
        measure: 'disbursed',
        scope: { component: 'DA3', budgetYear: 2024 },
        asOf: '2024-06-30',
        amount: '0',
        document: { id: 'VQ-BC-6T-2024', title: 'Báo cáo 6 tháng đầu năm 2024' },
      },
      { basis: { kind: 'document', title: 'Báo cáo 6 tháng', date: '2024-07-05' }, recordedAt: '2024-07-05T02:00:00.000Z' },
    );

    it('raises for a payment of the reported period recorded after the document stated the period’s figure', () => {
      const flags = given(...funded(), stated)
        .when(disbursed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-1', '2024-06-20'), recordedAt: '2024-07-20T02:00:00.000Z' }))
        .then('recorded-after-stated-figure');
      expect(flags).toMatchObject([{ evidence: ['5', '~4'], facts: { documentId: 'VQ-BC-6T-2024', figures: 1 } }]);
    });

    it('does not raise for a payment after the reported date, an allocation (the figure is of disbursements), or a figure recorded later', () => {
      expect(
        given(...funded(), stated)
          .when(disbursed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-1', '2024-07-02'), recordedAt: '2024-07-20T02:00:00.000Z' }))
          .then('recorded-after-stated-figure'),
      ).toEqual([]);
      expect(
        given(...funded(), stated)
          .when(fundsAllocated(L, 'm-1', '1000', { basis: decision('900/QĐ-UBND', '2024-06-01'), recordedAt: '2024-07-20T02:00:00.000Z' }))
          .then('recorded-after-stated-figure'),
      ).toEqual([]);
      expect(
        given(...funded())
          .when(disbursed(L, 'm-1', 'gn-1', '120000000', { basis: voucher('UNC-1', '2024-06-20') }), stated)
          .then('recorded-after-stated-figure'),
      ).toEqual([]);
    });
  });

  describe('split-below-threshold', () => {
    it('raises for two payments to one activity just under 1 billion đồng, 12 days apart', () => {
      const flags = given(...funded())
        .when(
          disbursed(L, 'm-1', 'gn-1', '950000000', { basis: voucher('UNC-1', '2024-04-01') }),
          disbursed(L, 'm-1', 'gn-2', '990000000', { basis: voucher('UNC-2', '2024-04-13') }),
        )
        .then('split-below-threshold');
      expect(flags).toMatchObject([{ evidence: ['4', '5'], facts: { threshold: '1000000000', count: 2, spanDays: 12, kind: 'disbursement' } }]);
      expect(amountOf(flags[0])).toBe('1940000000');
    });

    it('does not raise for payments 60 days apart, or below the band, or at the threshold itself', () => {
      expect(
        given(...funded())
          .when(
            disbursed(L, 'm-1', 'gn-1', '950000000', { basis: voucher('UNC-1', '2024-04-01') }),
            disbursed(L, 'm-1', 'gn-2', '990000000', { basis: voucher('UNC-2', '2024-05-31') }),
          )
          .then('split-below-threshold'),
      ).toEqual([]);
      expect(
        given(...funded())
          .when(
            disbursed(L, 'm-1', 'gn-1', '899999999.99', { basis: voucher('UNC-1', '2024-04-01') }),
            disbursed(L, 'm-1', 'gn-2', '1000000000', { basis: voucher('UNC-2', '2024-04-05') }),
          )
          .then('split-below-threshold'),
      ).toEqual([]);
    });

    it('joins a back-dated allocation into the chain it falls in, and drops the flag when a payment of a pair is reversed', () => {
      const allocations = given(...funded('m-2', '100'))
        .when(
          fundsAllocated(L, 'm-2', '480000000', { basis: decision('901/QĐ-UBND', '2024-05-02') }),
          fundsAllocated(L, 'm-2', '470000000', { basis: decision('902/QĐ-UBND', '2024-05-20') }),
          fundsAllocated(L, 'm-2', '460000000', { basis: decision('903/QĐ-UBND', '2024-05-10'), recordedAt: '2024-05-25T02:00:00.000Z' }),
        )
        .then('split-below-threshold');
      expect(allocations).toMatchObject([{ evidence: ['4', '5', '6'], facts: { threshold: '500000000', count: 3, kind: 'allocation' } }]);
      const pair = [
        disbursed(L, 'm-1', 'gn-1', '950000000', { basis: voucher('UNC-1', '2024-04-01') }),
        disbursed(L, 'm-1', 'gn-2', '990000000', { basis: voucher('UNC-2', '2024-04-13') }),
      ];
      expect(given(...funded(), ...pair).when(disbursementReversed(L, 'm-1', 'gn-2', '990000000', { basis: voucher('UNC-3', '2024-04-20') })).then('split-below-threshold')).toEqual([]);
    });
  });

  describe('carried-disbursed-after-deadline', () => {
    const L23 = line({ budgetYear: 2023, originYear: 2023 });
    const L24from23 = line({ budgetYear: 2024, originYear: 2023 });
    const carried = [
      planAssigned(L23, '1000000000', { basis: decision('4000/QĐ-UBND', '2022-12-20') }),
      activityRegistered({ activityId: 'm-9', kind: 'value-chain-production' }, { basis: decision('10/QĐ-UBND', '2023-02-01') }),
      fundsAllocated(L23, 'm-9', '600000000', { basis: decision('11/QĐ-UBND', '2023-02-10') }),
      carriedOver(L23, L24from23, 'cn-1', '600000000', { basis: decision('4100/QĐ-UBND', '2023-12-28') }, 'm-9', '2024-06-30'),
    ];

    it('raises for a payment of carried money after its deadline', () => {
      const flags = given(...carried)
        .when(disbursed(L24from23, 'm-9', 'gn-1', '100000000', { basis: voucher('UNC-9', '2024-07-10') }))
        .then('carried-disbursed-after-deadline');
      expect(flags).toMatchObject([{ evidence: ['6', '~5'], facts: { deadline: '2024-06-30', daysAfterDeadline: 10, originYear: 2023 } }]);
    });

    it('does not raise for a payment on or before the deadline', () => {
      expect(
        given(...carried)
          .when(disbursed(L24from23, 'm-9', 'gn-1', '100000000', { basis: voucher('UNC-9', '2024-06-30') }))
          .then('carried-disbursed-after-deadline'),
      ).toEqual([]);
    });

    it('raises for a payment of an opening balance (money from a year the ledger does not hold) after its deadline', () => {
      const L24from22 = line({ budgetYear: 2024, originYear: 2022 });
      const flags = given(
        activityRegistered({ activityId: 'm-8', kind: 'value-chain-production' }, { basis: decision('9/QĐ-UBND', '2024-01-02') }),
        balanceOpened(L24from22, 'sd-1', '300000000', '2024-03-31', { basis: decision('15/QĐ-UBND', '2024-01-05') }, 'm-8'),
      )
        .when(disbursed(L24from22, 'm-8', 'gn-1', '100000000', { basis: voucher('UNC-8', '2024-05-02') }))
        .then('carried-disbursed-after-deadline');
      expect(flags).toMatchObject([{ evidence: ['3', '~2'], facts: { deadline: '2024-03-31', daysAfterDeadline: 32, originYear: 2022 } }]);
    });

    it('keeps the carried line, its deadline and amount for the unspent-after-deadline rule asked at query time', () => {
      const book = given(...carried).when().book();
      expect([...book.carried.values()]).toMatchObject([{ unit: '184', budgetYear: 2024, deadline: '2024-06-30', carried: 60000000000n, positions: [5] }]);
    });
  });

  describe('duplicate-voucher', () => {
    const paid = (n: string, voucherNumber: string, treasury = 'KBNN Văn Quan') =>
      disbursed(L, 'm-1', `gn-${n}`, '10000000', { basis: voucher(voucherNumber, '2024-04-02', treasury) });

    it('raises when one voucher of one treasury is the basis of two disbursements', () => {
      const flags = given(...funded()).when(paid('1', 'UNC-77'), paid('2', 'UNC-77')).then('duplicate-voucher');
      expect(flags).toMatchObject([{ id: flagId('duplicate-voucher', 'KBNN Văn Quan', 'UNC-77'), evidence: ['4', '5'], unit: '184', facts: { disbursements: 2 } }]);
    });

    it('does not raise for the same number at two treasuries, nor once one of the pair is reversed', () => {
      expect(given(...funded()).when(paid('1', 'UNC-77'), paid('2', 'UNC-77', 'KBNN Lạng Sơn')).then('duplicate-voucher')).toEqual([]);
      expect(
        given(...funded(), paid('1', 'UNC-77'), paid('2', 'UNC-77'))
          .when(disbursementReversed(L, 'm-1', 'gn-1', '10000000', { basis: voucher('UNC-78', '2024-04-03') }))
          .then('duplicate-voucher'),
      ).toEqual([]);
    });

    it('raises again when the voucher is paid twice more, its reversed payment kept as context', () => {
      const reversed = disbursementReversed(L, 'm-1', 'gn-1', '10000000', { basis: voucher('UNC-78', '2024-04-03') });
      const flags = given(...funded(), paid('1', 'UNC-77'), reversed, paid('2', 'UNC-77')).when(paid('3', 'UNC-77')).then('duplicate-voucher');
      expect(flags).toMatchObject([{ evidence: ['6', '7', '~4'], evidenceCount: 3, amount: 2000000000n, facts: { disbursements: 2, reversed: 1 } }]);
    });
  });

  describe('decision-after-effect', () => {
    it('raises for events that take effect before the decision they cite was signed, one flag per decision and unit', () => {
      const QD = decision('950/QĐ-UBND', '2024-03-14');
      const flags = given(...funded())
        .when(fundsAllocated(L, 'm-1', '1000', { basis: QD, effectiveDate: '2024-03-01' }), fundsAllocated(L, 'm-1', '2000', { basis: QD, effectiveDate: '2024-03-10' }))
        .then('decision-after-effect');
      expect(flags).toMatchObject([{ evidence: ['4', '5'], facts: { decisionNumber: '950/QĐ-UBND', decisionDate: '2024-03-14', maxDaysBeforeDecision: 13 } }]);
    });

    it('does not raise for an event taking effect on or after the decision’s date', () => {
      expect(
        given(...funded())
          .when(fundsAllocated(L, 'm-1', '1000', { basis: decision('950/QĐ-UBND', '2024-03-14'), effectiveDate: '2024-03-20' }))
          .then('decision-after-effect'),
      ).toEqual([]);
    });
  });

  describe('disbursed-without-allocation', () => {
    const early = disbursed(L, 'm-3', 'gn-1', '100000000', { basis: voucher('UNC-1', '2024-03-01'), recordedAt: '2024-03-20T02:00:00.000Z' });
    const history = [
      planAssigned(L, '10000000000', { basis: QD_PLAN }),
      activityRegistered({ activityId: 'm-3', kind: 'value-chain-production' }, { basis: decision('10/QĐ-UBND', '2024-01-05') }),
      fundsAllocated(L, 'm-3', '500000000', { basis: QD_ALLOC }),
    ];

    it('raises for a payment taking effect before the allocation it draws on', () => {
      const flags = given(...history).when(early).then('disbursed-without-allocation');
      expect(flags).toMatchObject([{ evidence: ['4', '~3'], facts: { allocatedByThen: '0', disbursedByThen: '100000000', shortfall: '100000000' } }]);
    });

    it('does not raise for a payment after the allocation takes effect, and drops the flag when an allocation is back-dated to cover it', () => {
      expect(given(...history).when(disbursed(L, 'm-3', 'gn-1', '100000000', { basis: voucher('UNC-1', '2024-03-20') })).then('disbursed-without-allocation')).toEqual([]);
      expect(
        given(...history, early)
          .when(fundsAllocated(L, 'm-3', '100000000', { basis: decision('700/QĐ-UBND', '2024-02-20') }))
          .then('disbursed-without-allocation'),
      ).toEqual([]);
    });

    it('counts a back-dated move of the allocation away from the activity', () => {
      const other = line({ component: 'DA3.TDA1', source: 'NSDP-HUYEN' });
      const flags = given(
        ...history,
        planAssigned(other, '1000', { basis: QD_PLAN }),
        disbursed(L, 'm-3', 'gn-1', '450000000', { basis: voucher('UNC-1', '2024-04-01') }),
      )
        .when(fundsMoved(L, other, 'dc-1', '50000001', { basis: decision('820/QĐ-UBND', '2024-03-20') }, { fromActivityId: 'm-3' }))
        .then('disbursed-without-allocation');
      expect(flags).toMatchObject([{ facts: { allocatedByThen: '449999999', disbursedByThen: '450000000', shortfall: '1' } }]);
    });
  });

  describe('reclassified-repeatedly', () => {
    it('raises for an activity reclassified twice, with both reclassifications', () => {
      const flags = given(...funded(), activityReclassified('m-1', 'pl-1', FROM, TO, { basis: decision('300/QĐ-UBND', '2024-05-10') }))
        .when(activityReclassified('m-1', 'pl-2', TO, FROM, { basis: decision('410/QĐ-UBND', '2024-06-10') }))
        .then('reclassified-repeatedly');
      expect(flags).toMatchObject([
        { id: flagId('reclassified-repeatedly', 'm-1'), evidence: ['4', '5'], facts: { reclassifications: 2, kinds: 'value-chain-production → community-production → value-chain-production' } },
      ]);
    });

    it('places the flag under the unit that runs the activity: its successor once it was handed over', () => {
      const flags = given(...funded(), activityTransferred('m-1', 'cg-1', '184', '06253', { basis: decision('1700/QĐ-UBND', '2025-06-20') }))
        .when(
          activityReclassified('m-1', 'pl-1', FROM, TO, { basis: decision('50/QĐ-UBND', '2025-08-10') }),
          activityReclassified('m-1', 'pl-2', TO, FROM, { basis: decision('60/QĐ-UBND', '2025-09-10') }),
        )
        .then('reclassified-repeatedly');
      expect(flags).toMatchObject([{ unit: '06253', province: '20' }]);
    });

    it('does not raise for one reclassification', () => {
      expect(given(...funded()).when(activityReclassified('m-1', 'pl-1', FROM, TO, { basis: decision('300/QĐ-UBND', '2024-05-10') })).then('reclassified-repeatedly')).toEqual([]);
    });
  });

  it('counts days between calendar dates as the calendar does', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.info(`red-flags.fold.spec: fast-check seed ${seed} (replay with FC_SEED=${seed})`);
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        return dayNumber(iso) === Date.parse(iso) / 86_400_000;
      }),
      { seed, numRuns: 1000 },
    );
  });

  it('reads the day of recording on Vietnam’s clock (UTC+7)', () => {
    expect(['2024-06-30T16:59:59.999Z', '2024-06-30T17:00:00.000Z', '2024-12-31T23:00:00.000Z', '2024-06-30T23:30:00+07:00'].map(vietnamDate)).toEqual([
      '2024-06-30',
      '2024-07-01',
      '2025-01-01',
      '2024-06-30',
    ]);
  });

  describe('the counts behind the reversal-rate rule, and reviews', () => {
    it('counts disbursements and reversals per unit and budget year, and keeps each review as recorded', () => {
      const book = given(
        ...funded(),
        disbursed(L, 'm-1', 'gn-1', '10', { basis: voucher('UNC-1', '2024-04-02') }),
        disbursed(L, 'm-1', 'gn-2', '20', { basis: voucher('UNC-2', '2024-04-03') }),
        disbursementReversed(L, 'm-1', 'gn-1', '10', { basis: voucher('UNC-3', '2024-04-04') }),
      )
        .when(redFlagReviewed('backdated-0123456789ab', 'backdated', 'Đã đối chiếu chứng từ gốc', { basis: { kind: 'document', title: 'Ghi chú rà soát', date: '2024-09-01' } }))
        .book();
      expect(book.counts.get('184@2024')).toMatchObject({ disbursements: 2, reversals: 1, disbursed: 3000n, reversed: 1000n, district: '184', province: '20' });
      expect(book.reviews).toMatchObject([{ flagId: 'backdated-0123456789ab', note: 'Đã đối chiếu chứng từ gốc', position: 7 }]);
    });
  });
});
