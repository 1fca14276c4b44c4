import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import type { Basis } from '../command';
import {
  CARRIED_2023_INTO_2024,
  CARRIED_2023_INTO_2024_STREAM,
  HOUSING,
  LINE,
  LINE_2023,
  LINE_2023_STREAM,
  VOUCHER,
  activityRegistered,
  carried,
  catalogue,
  disbursed,
  fundsAllocated,
  lineKey,
  planAssigned,
} from '../../../test/support/fixtures';
import { CarryOver, carryOverTarget, decideCarryOver } from './carry-over.decide';

const spec = deciderSpec((cmd: CarryOver, given) =>
  decideCarryOver(cmd, given.line(cmd.from), cmd.activityId ? given.activity(cmd.activityId) : undefined, catalogue),
);

/** Quyết định chuyển nguồn: 2023 money of Văn Quan into 2024. */
const CARRY_DECISION: Basis = {
  legalBasis: { kind: 'decision', number: '152/QĐ-UBND', date: '2024-01-15', issuer: 'UBND huyện Văn Quan' },
  effectiveDate: '2024-01-15',
};

const carryOver = (amount: string, overrides: Partial<CarryOver> = {}): CarryOver => ({
  from: LINE_2023,
  carryOverId: 'CN-2023-01',
  amount,
  deadline: '2024-12-31',
  basis: CARRY_DECISION,
  ...overrides,
});

/** 2023: plan 2.000.000.000 đ, 1.500.000.000 đ allocated to housing, 1.000.000.000 đ of it disbursed. */
const year2023 = [
  planAssigned('2000000000', LINE_2023),
  activityRegistered(HOUSING),
  fundsAllocated(HOUSING, '1500000000', LINE_2023),
  disbursed(HOUSING, 'UNC-2023-0091', '1000000000', LINE_2023),
];

describe('CarryOver (chuyển nguồn)', () => {
  it('lands 2023 money on budget year 2024 with origin year 2023', () => {
    expect(carryOverTarget(LINE_2023)).toEqual(CARRIED_2023_INTO_2024);
    expect(CARRIED_2023_INTO_2024).toMatchObject({ budgetYear: 2024, originYear: 2023 });
  });

  describe('when the line has unallocated money', () => {
    it('moves it out of 2023 and into the 2024 line that keeps origin year 2023', () => {
      spec
        .given(year2023)
        .when(carryOver('500000000'))
        .then([
          {
            stream: LINE_2023_STREAM,
            events: [
              {
                type: 'CarriedOver',
                version: 1,
                data: {
                  line: LINE_2023,
                  carryOverId: 'CN-2023-01',
                  amount: '500000000',
                  deadline: '2024-12-31',
                  toLine: { ...LINE, originYear: 2023 },
                },
              },
            ],
          },
          {
            stream: CARRIED_2023_INTO_2024_STREAM,
            events: [
              {
                type: 'CarriedIn',
                version: 1,
                data: {
                  line: { ...LINE, originYear: 2023 },
                  carryOverId: 'CN-2023-01',
                  amount: '500000000',
                  deadline: '2024-12-31',
                  fromLine: LINE_2023,
                },
              },
            ],
          },
        ]);
    });

    it('keeps carried money apart from the money assigned for 2024', () => {
      spec
        .given([...year2023, planAssigned('8036000000', LINE)])
        .when(carryOver('500000000'))
        .thenWorld((after) => {
          const carriedIn = after.line(CARRIED_2023_INTO_2024);
          expect(carriedIn.key).toEqual(CARRIED_2023_INTO_2024);
          expect(carriedIn.carriedIn.toFixed()).toBe('500000000');
          expect(carriedIn.assigned.toFixed()).toBe('0');
          expect(after.line(LINE).carriedIn.toFixed()).toBe('0');
          expect(after.line(LINE_2023).carriedOut.toFixed()).toBe('500000000');
        });
    });

    it('refuses one cent more than is unallocated', () => {
      spec
        .given(year2023)
        .when(carryOver('500000000.01'))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_UNALLOCATED',
          'line DA5/NSTW/SN/2023@184 has 500.000.000 đ not yet allocated; 500.000.000,01 đ requested',
        );
    });
  });

  describe("when an activity's allocation is carried", () => {
    it('names the activity on both sides of the carry-over', () => {
      spec
        .given(year2023)
        .when(carryOver('500000000', { activityId: HOUSING }))
        .then([
          {
            stream: LINE_2023_STREAM,
            events: [
              {
                type: 'CarriedOver',
                version: 1,
                data: {
                  line: LINE_2023,
                  carryOverId: 'CN-2023-01',
                  amount: '500000000',
                  activityId: HOUSING,
                  deadline: '2024-12-31',
                  toLine: CARRIED_2023_INTO_2024,
                },
              },
            ],
          },
          {
            stream: CARRIED_2023_INTO_2024_STREAM,
            events: [
              {
                type: 'CarriedIn',
                version: 1,
                data: {
                  line: CARRIED_2023_INTO_2024,
                  carryOverId: 'CN-2023-01',
                  amount: '500000000',
                  activityId: HOUSING,
                  deadline: '2024-12-31',
                  fromLine: LINE_2023,
                },
              },
            ],
          },
        ]);
    });

    it('carries the undisbursed allocation along with the money', () => {
      spec
        .given(year2023)
        .when(carryOver('500000000', { activityId: HOUSING }))
        .thenWorld((after) => {
          const from = after.line(LINE_2023);
          expect(from.activities.get(HOUSING)?.allocated.toFixed()).toBe('1000000000');
          expect(from.activities.get(HOUSING)?.disbursed.toFixed()).toBe('1000000000');
          const to = after.line(CARRIED_2023_INTO_2024);
          expect(to.activities.get(HOUSING)?.allocated.toFixed()).toBe('500000000');
          expect(to.allocated.toFixed()).toBe('500000000');
          expect(to.carriedIn.toFixed()).toBe('500000000');
        });
    });

    it("refuses to carry the activity's disbursed money", () => {
      spec
        .given(year2023)
        .when(carryOver('500000000.01', { activityId: HOUSING }))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_ALLOCATION',
          'activity VQ-DA5-2024-01 on line DA5/NSTW/SN/2023@184 has 500.000.000 đ allocated and not yet disbursed; 500.000.000,01 đ requested',
        );
    });

    it('refuses an activity that is not registered', () => {
      spec
        .given(year2023)
        .when(carryOver('1000', { activityId: 'VQ-DA5-2023-09' }))
        .thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND');
    });
  });

  describe('when money already carried into 2024 is carried again', () => {
    it('lands on 2025 and still keeps origin year 2023', () => {
      const into2025 = lineKey({ budgetYear: 2025, originYear: 2023 });
      spec
        .given(carried('300000000'))
        .when(
          carryOver('300000000', {
            from: CARRIED_2023_INTO_2024,
            carryOverId: 'CN-2024-07',
            deadline: '2025-12-31',
            basis: { ...CARRY_DECISION, effectiveDate: '2025-01-10' },
          }),
        )
        .thenWorld((after, produced) => {
          expect(produced.map((p) => p.stream)).toEqual([CARRIED_2023_INTO_2024_STREAM, 'fundline-GNBV-2021-2025:DA5:2025:2023:NSTW:SN:184']);
          expect(after.line(into2025).key).toEqual(into2025);
          expect(after.line(into2025).carriedIn.toFixed()).toBe('300000000');
        });
    });
  });

  describe("when the line's unit no longer exists in the next year", () => {
    it('refuses to carry 2025 money of a district abolished on 1/7/2025 into 2026, naming the units that took it over', () => {
      const line2025 = lineKey({ budgetYear: 2025, originYear: 2025 });
      spec
        .given([planAssigned('2000000000', line2025)])
        .when(carryOver('500000000', { from: line2025, deadline: '2026-12-31', basis: { ...CARRY_DECISION, effectiveDate: '2025-12-20' } }))
        .thenThrows(InvalidCommand, 'from.unit', /^administrative unit "184" \(Huyện Văn Quan\) did not exist in 2026: .* it went into \(2025-07-01\): 06253 Xã Văn Quan/);
    });
  });

  describe('when the deadline does not fall in the next year', () => {
    it('refuses a deadline before the next budget year', () => {
      spec
        .given(year2023)
        .when(carryOver('500000000', { deadline: '2023-12-31', basis: { ...CARRY_DECISION, effectiveDate: '2023-12-20' } }))
        .thenThrows(
          InvalidCommand,
          'deadline',
          "the deadline of carried money must fall in 2024 or later and after the decision's effective date 2023-12-20",
        );
    });

    it("refuses a deadline on the decision's effective date", () => {
      spec
        .given(year2023)
        .when(carryOver('500000000', { deadline: '2024-01-15' }))
        .thenThrows(InvalidCommand, 'deadline');
    });

    it('accepts the first day of the next year when the decision is earlier', () => {
      spec
        .given(year2023)
        .when(carryOver('500000000', { deadline: '2024-01-01', basis: { ...CARRY_DECISION, effectiveDate: '2023-12-29' } }))
        .thenWorld((after) => expect(after.line(CARRIED_2023_INTO_2024).carriedIn.toFixed()).toBe('500000000'));
    });
  });

  describe('when the line has no plan', () => {
    it('refuses the carry-over', () => {
      spec.given([]).when(carryOver('1000')).thenThrows(CommandRefused, 'LINE_NOT_FOUND', /DA5\/NSTW\/SN\/2023@184 has no plan/);
    });
  });

  describe('when the basis is not a decision', () => {
    it('refuses a carry-over backed by a voucher', () => {
      spec
        .given(year2023)
        .when(carryOver('1000', { basis: VOUCHER }))
        .thenThrows(InvalidCommand, 'legalBasis', /carrying money over needs a decision/);
    });
  });

  describe('when the line names an unknown code', () => {
    it('refuses it under the "from" field', () => {
      spec
        .given(year2023)
        .when(carryOver('1000', { from: lineKey({ budgetYear: 2023, originYear: 2023, component: 'DA10' }) }))
        .thenThrows(InvalidCommand, 'from.component', /^unknown component "DA10"; valid: /);
    });
  });
});
