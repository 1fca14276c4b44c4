import { funds } from '../../fund-line/fund-line.state';
import { sum } from '../../money/money';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { World, deciderSpec } from '../../../test/support/decider-spec';
import {
  DA3_LINE,
  DA3_STREAM,
  DECISION,
  HOUSING,
  HOUSING_2,
  LINE,
  LINE_STREAM,
  MODEL,
  PROVINCE_LINE,
  TRA_CU,
  TRA_CU_HOUSING,
  VOUCHER,
  activityRegistered,
  catalogue,
  disbursed,
  fundsAllocated,
  lineKey,
  modelRegistered,
  planAssigned,
} from '../../../test/support/fixtures';
import { Adjust, decideMove, decideResize } from './adjust.decide';

type Resize = Extract<Adjust, { kind: 'increase' | 'decrease' }>;
type Move = Extract<Adjust, { kind: 'move' }>;

const resizeSpec = deciderSpec((cmd: Resize, given) => decideResize(cmd, given.line(cmd.line), catalogue));
const moveSpec = deciderSpec((cmd: Move, given) =>
  decideMove(
    cmd,
    {
      fromLine: given.line(cmd.from.line),
      toLine: given.line(cmd.to.line),
      fromActivity: cmd.from.activityId ? given.activity(cmd.from.activityId) : undefined,
      toActivity: cmd.to.activityId ? given.activity(cmd.to.activityId) : undefined,
    },
    catalogue,
  ),
);

const resize = (kind: 'increase' | 'decrease', amount: string, overrides: Partial<Resize> = {}): Resize => ({
  kind,
  adjustmentId: 'DC-2024-01',
  line: LINE,
  amount,
  reason: 'điều chỉnh dự toán',
  basis: DECISION,
  ...overrides,
});

const move = (amount: string, from: Move['from'], to: Move['to'], overrides: Partial<Move> = {}): Move => ({
  kind: 'move',
  adjustmentId: 'DC-2024-02',
  from,
  to,
  amount,
  reason: 'điều chuyển vốn',
  basis: DECISION,
  ...overrides,
});

const totalFunds = (w: World) => sum([...w.lines().values()].map((l) => funds(l).toFixed())).toFixed();

/** DA5 plan 1.000.000.000 đ: 600.000.000 đ to HOUSING (100.000.000 đ disbursed), 400.000.000 đ unallocated; DA3.TDA1 plan 500.000.000 đ. */
const twoLines = [
  planAssigned('1000000000'),
  planAssigned('500000000', DA3_LINE),
  activityRegistered(HOUSING),
  activityRegistered(HOUSING_2),
  modelRegistered(),
  fundsAllocated(HOUSING, '600000000'),
  disbursed(HOUSING, 'UNC-000158', '100000000'),
];

describe('Adjust: increase or decrease a plan (điều chỉnh tăng / giảm)', () => {
  describe('when a decision increases the plan', () => {
    it('records PlanAdjusted upward', () => {
      resizeSpec
        .given(twoLines)
        .when(resize('increase', '250000000'))
        .then([
          {
            stream: LINE_STREAM,
            events: [
              {
                type: 'PlanAdjusted',
                version: 1,
                data: { line: LINE, adjustmentId: 'DC-2024-01', direction: 'increase', amount: '250000000', reason: 'điều chỉnh dự toán' },
              },
            ],
          },
        ]);
    });
  });

  describe('when a decision decreases the plan', () => {
    it('takes exactly the unallocated money', () => {
      resizeSpec
        .given(twoLines)
        .when(resize('decrease', '400000000'))
        .then([
          {
            stream: LINE_STREAM,
            events: [
              {
                type: 'PlanAdjusted',
                version: 1,
                data: { line: LINE, adjustmentId: 'DC-2024-01', direction: 'decrease', amount: '400000000', reason: 'điều chỉnh dự toán' },
              },
            ],
          },
        ]);
    });

    it('refuses to take allocated money, naming both amounts', () => {
      resizeSpec
        .given(twoLines)
        .when(resize('decrease', '400000000.01'))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_UNALLOCATED',
          'line DA5/NSTW/SN/2024@184 has 400.000.000 đ not yet allocated; 400.000.000,01 đ requested',
        );
    });
  });

  describe('when the line has no plan', () => {
    it('refuses an increase', () => {
      resizeSpec.given([]).when(resize('increase', '1000')).thenThrows(CommandRefused, 'LINE_NOT_FOUND');
    });
  });

  describe('when the basis is not a decision', () => {
    it('refuses an adjustment backed by a voucher', () => {
      resizeSpec
        .given(twoLines)
        .when(resize('increase', '1000', { basis: VOUCHER }))
        .thenThrows(InvalidCommand, 'legalBasis', 'an adjustment needs a decision (number, date and issuing body), not a voucher');
    });
  });

  describe('when the line names a project with sub-projects', () => {
    it('refuses DA1', () => {
      resizeSpec
        .given(twoLines)
        .when(resize('increase', '1000', { line: lineKey({ component: 'DA1' }) }))
        .thenThrows(InvalidCommand, 'line.component', '"DA1" has sub-projects; money is held on one of them: DA1.TDA1, DA1.TDA2');
    });
  });
});

describe('Adjust: move money (điều chỉnh, chuyển vốn)', () => {
  describe('when unallocated money moves to another line', () => {
    it('produces a FundsMovedOut / FundsMovedIn pair of equal amounts, one on each line', () => {
      moveSpec
        .given(twoLines)
        .when(move('400000000', { line: LINE }, { line: DA3_LINE }))
        .then([
          {
            stream: LINE_STREAM,
            events: [
              {
                type: 'FundsMovedOut',
                version: 1,
                data: { line: LINE, adjustmentId: 'DC-2024-02', amount: '400000000', toLine: DA3_LINE, reason: 'điều chuyển vốn' },
              },
            ],
          },
          {
            stream: DA3_STREAM,
            events: [
              {
                type: 'FundsMovedIn',
                version: 1,
                data: { line: DA3_LINE, adjustmentId: 'DC-2024-02', amount: '400000000', fromLine: LINE, reason: 'điều chuyển vốn' },
              },
            ],
          },
        ]);
    });

    it('conserves the money across lines', () => {
      const before = World.of(twoLines);
      moveSpec
        .given(twoLines)
        .when(move('400000000', { line: LINE }, { line: DA3_LINE }))
        .thenWorld((after) => {
          expect(totalFunds(after)).toBe(totalFunds(before));
          expect(funds(after.line(LINE)).toFixed()).toBe('600000000');
          expect(funds(after.line(DA3_LINE)).toFixed()).toBe('900000000');
        });
    });

    it('creates the receiving line when it has no plan yet', () => {
      moveSpec
        .given(twoLines)
        .when(move('100000000', { line: LINE }, { line: PROVINCE_LINE }))
        .thenWorld((after) => {
          expect(after.line(PROVINCE_LINE).key).toEqual(PROVINCE_LINE);
          expect(funds(after.line(PROVINCE_LINE)).toFixed()).toBe('100000000');
        });
    });

    it('refuses one cent more than is unallocated', () => {
      moveSpec
        .given(twoLines)
        .when(move('400000000.01', { line: LINE }, { line: DA3_LINE }))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_UNALLOCATED',
          'line DA5/NSTW/SN/2024@184 has 400.000.000 đ not yet allocated; 400.000.000,01 đ requested',
        );
    });
  });

  describe('when money moves within one line from one activity to another', () => {
    it('puts both events on the one stream', () => {
      moveSpec
        .given(twoLines)
        .when(move('500000000', { line: LINE, activityId: HOUSING }, { line: LINE, activityId: HOUSING_2 }))
        .then([
          {
            stream: LINE_STREAM,
            events: [
              {
                type: 'FundsMovedOut',
                version: 1,
                data: {
                  line: LINE,
                  adjustmentId: 'DC-2024-02',
                  amount: '500000000',
                  fromActivityId: HOUSING,
                  toLine: LINE,
                  toActivityId: HOUSING_2,
                  reason: 'điều chuyển vốn',
                },
              },
              {
                type: 'FundsMovedIn',
                version: 1,
                data: {
                  line: LINE,
                  adjustmentId: 'DC-2024-02',
                  amount: '500000000',
                  toActivityId: HOUSING_2,
                  fromLine: LINE,
                  fromActivityId: HOUSING,
                  reason: 'điều chuyển vốn',
                },
              },
            ],
          },
        ]);
    });

    it("changes the activities' allocations, not the line's plan", () => {
      moveSpec
        .given(twoLines)
        .when(move('500000000', { line: LINE, activityId: HOUSING }, { line: LINE, activityId: HOUSING_2 }))
        .thenWorld((after) => {
          const line = after.line(LINE);
          expect(funds(line).toFixed()).toBe('1000000000');
          expect(line.allocated.toFixed()).toBe('600000000');
          expect(line.activities.get(HOUSING)?.allocated.toFixed()).toBe('100000000');
          expect(line.activities.get(HOUSING_2)?.allocated.toFixed()).toBe('500000000');
        });
    });

    it("refuses to move the activity's disbursed money", () => {
      moveSpec
        .given(twoLines)
        .when(move('500000000.01', { line: LINE, activityId: HOUSING }, { line: LINE, activityId: HOUSING_2 }))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_ALLOCATION',
          'activity VQ-DA5-2024-01 on line DA5/NSTW/SN/2024@184 has 500.000.000 đ allocated and not yet disbursed; 500.000.000,01 đ requested',
        );
    });

    it('refuses a move to where the money already is', () => {
      moveSpec
        .given(twoLines)
        .when(move('1000', { line: LINE, activityId: HOUSING }, { line: LINE, activityId: HOUSING }))
        .thenThrows(InvalidCommand, 'to', 'a move needs a different line or a different activity than its origin');
    });

    it('refuses a move from the unallocated part to itself', () => {
      moveSpec.given(twoLines).when(move('1000', { line: LINE }, { line: { ...LINE } })).thenThrows(InvalidCommand, 'to');
    });
  });

  describe("when money moves to an activity's allocation on another line", () => {
    it("lands on that activity's allocation", () => {
      moveSpec
        .given(twoLines)
        .when(move('300000000', { line: LINE }, { line: DA3_LINE, activityId: MODEL }))
        .thenWorld((after, produced) => {
          expect(produced.map((p) => p.stream)).toEqual([LINE_STREAM, DA3_STREAM]);
          expect(after.line(DA3_LINE).activities.get(MODEL)?.allocated.toFixed()).toBe('300000000');
        });
    });

    it('refuses an activity of another component', () => {
      moveSpec
        .given(twoLines)
        .when(move('300000000', { line: LINE }, { line: DA3_LINE, activityId: HOUSING_2 }))
        .thenThrows(
          CommandRefused,
          'ACTIVITY_COMPONENT_MISMATCH',
          'activity VQ-DA5-2024-02 belongs to DA5; line DA3.TDA1/NSTW/SN/2024@184 is DA3.TDA1 money',
        );
    });

    it('refuses an activity of another unit', () => {
      moveSpec
        .given([...twoLines, activityRegistered(TRA_CU_HOUSING, { unit: TRA_CU })])
        .when(move('300000000', { line: LINE }, { line: LINE, activityId: TRA_CU_HOUSING }))
        .thenThrows(CommandRefused, 'ACTIVITY_UNIT_MISMATCH');
    });

    it('refuses an activity that is not registered', () => {
      moveSpec
        .given(twoLines)
        .when(move('300000000', { line: LINE }, { line: DA3_LINE, activityId: 'VQ-DA3-2024-MH99' }))
        .thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND', 'activity VQ-DA3-2024-MH99 is not registered');
    });

    it('refuses money from an activity that is not registered', () => {
      moveSpec
        .given(twoLines)
        .when(move('1000', { line: LINE, activityId: 'VQ-DA5-2024-99' }, { line: DA3_LINE }))
        .thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND');
    });
  });

  describe('when the move would change what kind of money it is', () => {
    it.each([
      ['source', lineKey({ source: 'NSDP-HUYEN' }), 'a move keeps the source of the money: DA5/NSTW/SN/2024@184 is NSTW, DA5/NSDP-HUYEN/SN/2024@184 is NSDP-HUYEN'],
      ['capitalType', lineKey({ capitalType: 'DTPT' }), 'a move keeps the capitalType of the money: DA5/NSTW/SN/2024@184 is SN, DA5/NSTW/DTPT/2024@184 is DTPT'],
      ['budgetYear', lineKey({ budgetYear: 2025, originYear: 2024 }), 'a move keeps the budgetYear of the money: DA5/NSTW/SN/2024@184 is 2024, DA5/NSTW/SN/2025 (from 2024)@184 is 2025'],
      ['originYear', lineKey({ originYear: 2023 }), 'a move keeps the originYear of the money: DA5/NSTW/SN/2024@184 is 2024, DA5/NSTW/SN/2024 (from 2023)@184 is 2023'],
    ])('refuses to change the %s', (dimension, to, reason) => {
      const refusal = moveSpec.given(twoLines).when(move('1000', { line: LINE }, { line: to })).thenThrows(CommandRefused, 'MOVE_CHANGES_DIMENSION', reason);
      expect(refusal.details).toMatchObject({ dimension });
    });
  });

  describe('when the origin line has no plan', () => {
    it('refuses the move', () => {
      moveSpec
        .given(twoLines)
        .when(move('1000', { line: PROVINCE_LINE }, { line: LINE }))
        .thenThrows(CommandRefused, 'LINE_NOT_FOUND', 'line DA5/NSTW/SN/2024@20 has no plan: assign a plan to it first');
    });
  });

  describe('when the basis is not a decision', () => {
    it('refuses a move backed by a voucher', () => {
      moveSpec
        .given(twoLines)
        .when(move('1000', { line: LINE }, { line: DA3_LINE }, { basis: VOUCHER }))
        .thenThrows(InvalidCommand, 'legalBasis', 'an adjustment needs a decision (number, date and issuing body), not a voucher');
    });
  });

  describe('when a line names an unknown code', () => {
    it('refuses it under the field of that end', () => {
      moveSpec
        .given(twoLines)
        .when(move('1000', { line: LINE }, { line: lineKey({ component: 'DA3.TDA3' }) }))
        .thenThrows(InvalidCommand, 'to.line.component', /^unknown component "DA3\.TDA3"; valid: DA1, /);
    });
  });
});
