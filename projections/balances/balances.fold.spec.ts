import fc from 'fast-check';
import type { FundLineEvent } from '../../events';
import { evolveFundLine, initialFundLineState, available, funds, plan, unallocated } from '../../src/fund-line/fund-line.state';
import { toMoney } from '../../src/money/money';
import {
  decision,
  disbursed,
  disbursementReversed,
  fundsAllocated,
  fundsMoved,
  fundsReturned,
  line,
  planAdjusted,
  planAssigned,
  recorded,
  voucher,
  carriedOver,
} from '../../test/support/ledger-events';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { FundLineBalance, MEASURES, Measures, ZERO_MEASURES, addMeasures, balanceFigures, centsRate, evolveFundLineBalance, figureCoefficients, figuresByDefinition, runningFigures } from './balances.fold';
import { rate } from '../../src/money/money';
import { centsToMoney } from '../shared/cents';
import type { RecordedFundLineEvent } from '../shared/recorded';

const L = line();
const QD = decision('4888/QĐ-UBND', '2023-12-22');

function fold(events: ReturnType<typeof recorded>, stream = fundLineStream(L)): FundLineBalance | null {
  return events.filter((e) => e.stream === stream).reduce<FundLineBalance | null>((doc, e) => evolveFundLineBalance(doc, e as RecordedFundLineEvent), null);
}

describe('fund-line balance', () => {
  describe('when a plan is assigned, part allocated and part disbursed', () => {
    const events = recorded(
      planAssigned(L, '98801000000', { basis: QD }),
      fundsAllocated(L, 'mo-hinh-1', '89801000000', { basis: decision('5489/QĐ-UBND', '2023-12-31') }),
      disbursed(L, 'mo-hinh-1', 'gn-1', '17015000000', { basis: voucher('UNC-001', '2024-06-20') }),
    );
    const figures = balanceFigures((fold(events) as FundLineBalance).measures);

    it('reports what is not yet allocated, as Văn Quan did for 2024', () => {
      expect(figures.plan).toBe('98801000000');
      expect(figures.allocated).toBe('89801000000');
      expect(figures.unallocated).toBe('9000000000');
    });

    it('reports disbursement and its rate against the plan and the allocation from exact values', () => {
      expect(figures.disbursed).toBe('17015000000');
      expect(figures.available).toBe('81786000000');
      expect(figures.disbursementRateOfPlan).toBe('0.172215');
      expect(figures.disbursementRateOfAllocation).toBe('0.189475');
    });
  });

  describe('when a disbursement is reversed', () => {
    it('counts it no more, and keeps both events', () => {
      const events = recorded(
        planAssigned(L, '1000.50', { basis: QD }),
        fundsAllocated(L, 'a', '1000.50', { basis: QD }),
        disbursed(L, 'a', 'gn-1', '400.25', { basis: voucher('UNC-1', '2024-03-01') }),
        disbursementReversed(L, 'a', 'gn-1', '400.25', { basis: voucher('UNC-1-TH', '2024-03-05') }),
      );
      const doc = fold(events) as FundLineBalance;
      expect(doc.eventCount).toBe(4);
      expect(balanceFigures(doc.measures).disbursed).toBe('0');
      expect(balanceFigures(doc.measures).available).toBe('1000.5');
    });
  });

  describe('when the plan is zero', () => {
    it('has no disbursement rate rather than a division by zero', () => {
      const doc = fold(recorded(planAssigned(L, '5', { basis: QD }), planAdjusted(L, 'dc-1', 'decrease', '5', { basis: QD }))) as FundLineBalance;
      expect(balanceFigures(doc.measures).disbursementRateOfPlan).toBeNull();
    });
  });

  describe('against the ledger’s own fold (evolveFundLine)', () => {
    const other = line({ unit: '849' });
    const amount = fc
      .tuple(fc.bigInt({ min: 1n, max: 10n ** 13n }), fc.integer({ min: 0, max: 99 }))
      .map(([w, c]) => (c === 0 ? w.toString() : `${w}.${String(c).padStart(2, '0').replace(/0$/, '')}`));
    const basis = { basis: QD };
    const step = fc.oneof(
      amount.map((a) => planAssigned(L, a, basis)),
      amount.map((a) => fundsAllocated(L, 'act-1', a, basis)),
      fc.tuple(amount, fc.boolean()).map(([a, up]) => planAdjusted(L, 'dc', up ? 'increase' : 'decrease', a, basis)),
      amount.map((a) => disbursed(L, 'act-1', 'gn', a, basis)),
      amount.map((a) => disbursementReversed(L, 'act-1', 'gn', a, basis)),
      fc.tuple(amount, fc.boolean()).map(([a, withActivity]) => fundsReturned(L, 'r', a, basis, withActivity ? 'act-1' : undefined)),
      fc.tuple(amount, fc.boolean()).map(([a, withActivity]) => fundsMoved(L, other, 'mv', a, basis, withActivity ? { fromActivityId: 'act-1' } : {})),
      fc.tuple(amount, fc.boolean()).map(([a, withActivity]) => fundsMoved(other, L, 'mv', a, basis, withActivity ? { toActivityId: 'act-1' } : {})),
      fc.tuple(amount, fc.boolean()).map(([a, withActivity]) => carriedOver(L, line({ budgetYear: 2025 }), 'cn', a, basis, withActivity ? 'act-1' : undefined)),
      fc.tuple(amount, fc.boolean()).map(([a, withActivity]) => carriedOver(line({ budgetYear: 2023, originYear: 2023 }), L, 'cn', a, basis, withActivity ? 'act-1' : undefined)),
    );
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

    it(`gives the same figures for any history (seed ${seed})`, () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
          const events = recorded(...steps);
          const mine = events.filter((e) => e.stream === fundLineStream(L));
          const state = mine.reduce((s, e) => evolveFundLine(s, e as unknown as FundLineEvent), initialFundLineState());
          const doc = mine.reduce<FundLineBalance | null>((d, e) => evolveFundLineBalance(d, e as RecordedFundLineEvent), null);
          const f = balanceFigures(doc?.measures ?? ZERO_MEASURES);
          expect([f.plan, f.funds, f.allocated, f.unallocated, f.disbursed, f.available]).toEqual([
            toMoney(plan(state)),
            toMoney(funds(state)),
            toMoney(state.allocated),
            toMoney(unallocated(state)),
            toMoney(state.disbursed),
            toMoney(available(state)),
          ]);
        }),
        { seed, numRuns: 300 },
      );
    });
  });

  it('gives, from cents, the figures of the definitions in Decimal: counters of any size and sign, rates rounded half away from zero', () => {
    // Counters as a read model may hold them: small, near a rate's rounding, beyond int64, negative (reversals, corrections).
    const cents = fc.oneof(
      fc.bigInt({ min: -1_000n, max: 1_000n }),
      fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
      fc.bigInt({ min: -(10n ** 36n), max: 10n ** 36n }),
      fc.constant(0n),
    );
    const measures = fc.record(Object.fromEntries(MEASURES.map((m) => [m, cents])) as Record<keyof Measures, fc.Arbitrary<bigint>>);
    fc.assert(
      fc.property(measures, (m) => {
        expect(balanceFigures(m as Measures)).toEqual(figuresByDefinition(m as Measures));
      }),
      { seed: 20241130, numRuns: 2_000 },
    );
  });

  it('gives, for balances that follow one another (a page of a history), the figures of each as balanceFigures does', () => {
    // Runs of balances, each the one before plus a change of one or two counters, or any other balance (a page starts
    // anywhere). Tiny counters too, so that a figure often comes back to a value it had, or sums of other counters agree.
    const cents = fc.oneof(fc.bigInt({ min: -3n, max: 3n }), fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.constant(0n));
    const measures = fc.record(Object.fromEntries(MEASURES.map((m) => [m, cents])) as Record<keyof Measures, fc.Arbitrary<bigint>>);
    const step = fc.oneof(
      fc.record({ kind: fc.constant('change' as const), measure: fc.constantFrom(...MEASURES), other: fc.option(fc.constantFrom(...MEASURES)), by: cents }),
      fc.record({ kind: fc.constant('any' as const), to: measures }),
      fc.constant({ kind: 'same' as const }),
    );
    fc.assert(
      fc.property(measures, fc.array(step, { maxLength: 40 }), (first, steps) => {
        const figures = runningFigures();
        let m = first as Measures;
        expect(figures(m)).toEqual(balanceFigures(m));
        for (const s of steps) {
          if (s.kind === 'any') m = s.to as Measures;
          else if (s.kind === 'change') m = addMeasures(m, { [s.measure]: s.by, ...(s.other ? { [s.other]: -s.by } : {}) });
          expect(figures(m)).toEqual(balanceFigures(m));
        }
      }),
      { seed: 20261130, numRuns: 1_000 },
    );
  });

  it('rounds a rate as money.ts does, at the half and around zero', () => {
    for (const [part, whole] of [
      [5n, 10_000_000n],
      [-5n, 10_000_000n],
      [5n, -10_000_000n],
      [-4n, 10_000_000n],
      [-1n, 3n],
      [2n, 3n],
      [0n, -7n],
      [999_999_999n, 1_000_000n],
      [10n ** 40n, 3n],
      [1n, 10n ** 31n],
    ]) {
      expect(centsRate(part, whole)).toBe(rate(centsToMoney(part), centsToMoney(whole)));
    }
    expect(centsRate(1n, 0n)).toBeNull();
    const amount = fc.oneof(fc.bigInt({ min: -10_000n, max: 10_000n }), fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }));
    fc.assert(
      fc.property(amount, amount, (part, whole) => {
        expect(centsRate(part, whole)).toBe(whole === 0n ? null : rate(centsToMoney(part), centsToMoney(whole)));
      }),
      { seed: 20241130, numRuns: 5_000 },
    );
  });

  it('reads how each figure moves with each counter off the figures themselves, for sums made in SQL', () => {
    const funds = { assigned: 1, increased: 1, decreased: -1, movedIn: 1, movedOut: -1, carriedIn: 1, carriedOut: -1, transferredIn: 1, transferredOut: -1, returned: -1 };
    expect(figureCoefficients('available')).toEqual({ ...funds, disbursed: -1 });
    expect(figureCoefficients('unallocated')).toEqual({ ...funds, allocated: -1 });
    expect(figureCoefficients('plan')).toEqual({ assigned: 1, increased: 1, decreased: -1, movedIn: 1, movedOut: -1 });
  });
});
