import { funds } from '../../fund-line/fund-line.state';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import type { Basis } from '../command';
import {
  DA2_LINE,
  DA2_STREAM,
  DA3_LINE,
  DA3_STREAM,
  LINE,
  MODEL,
  VOUCHER,
  activityReclassified,
  catalogue,
  disbursed,
  fundsAllocated,
  lineKey,
  modelRegistered,
  outputsRecorded,
  planAssigned,
} from '../../../test/support/fixtures';
import { ReclassifyActivity, decideReclassifyActivity } from './reclassify-activity.decide';

const spec = deciderSpec((cmd: ReclassifyActivity, given) =>
  decideReclassifyActivity(cmd, given.activity(cmd.activityId), given.linesWith(cmd.moves.flatMap((m) => [m.from, m.to])), catalogue),
);

/** Quyết định điều chỉnh phân loại mô hình. */
const RECLASSIFICATION: Basis = {
  legalBasis: { kind: 'decision', number: '2731/QĐ-UBND', date: '2024-08-05', issuer: 'UBND huyện Văn Quan' },
  effectiveDate: '2024-08-05',
};

const reclassify = (overrides: Partial<ReclassifyActivity> = {}): ReclassifyActivity => ({
  activityId: MODEL,
  reclassificationId: 'RC-2024-01',
  toKind: 'community-production',
  reason: 'không đủ điều kiện liên kết chuỗi giá trị',
  moves: [],
  basis: RECLASSIFICATION,
  ...overrides,
});

const activityStreamOfModel = 'activity-VQ-DA3-2024-MH01';

/**
 * The value-chain model holds 800.000.000 đ on the DA3.TDA1 line (200.000.000 đ of it disbursed);
 * the DA2 line has its own plan.
 */
const model = [
  planAssigned('2483000000', DA3_LINE),
  planAssigned('1000000000', DA2_LINE),
  modelRegistered(),
  fundsAllocated(MODEL, '800000000', DA3_LINE),
  disbursed(MODEL, 'UNC-000301', '200000000', DA3_LINE),
  outputsRecorded(MODEL, { outputs: [{ indicator: 'hectares', quantity: '12.5' }], beneficiaries: { poor: 20, 'near-poor': 10 } }),
];

const movedOut = (amount: string) => ({
  type: 'FundsMovedOut',
  version: 1,
  data: {
    line: DA3_LINE,
    adjustmentId: 'RC-2024-01',
    amount,
    fromActivityId: MODEL,
    toLine: DA2_LINE,
    toActivityId: MODEL,
    reason: 'không đủ điều kiện liên kết chuỗi giá trị',
  },
});
const movedIn = (amount: string) => ({
  type: 'FundsMovedIn',
  version: 1,
  data: {
    line: DA2_LINE,
    adjustmentId: 'RC-2024-01',
    amount,
    toActivityId: MODEL,
    fromLine: DA3_LINE,
    fromActivityId: MODEL,
    reason: 'không đủ điều kiện liên kết chuỗi giá trị',
  },
});

describe('ReclassifyActivity (điều chỉnh phân loại)', () => {
  describe('when a value-chain model becomes a community production model within DA3.TDA1', () => {
    it('records ActivityReclassified on the activity stream only', () => {
      spec
        .given(model)
        .when(reclassify())
        .then([{ stream: activityStreamOfModel, events: [activityReclassified()] }]);
    });

    it('keeps its money, households and hectares', () => {
      spec
        .given(model)
        .when(reclassify())
        .thenWorld((after) => {
          expect(after.activity(MODEL)).toMatchObject({
            kind: 'community-production',
            component: 'DA3.TDA1',
            beneficiaries: { poor: 20, 'near-poor': 10 },
            outputs: { hectares: '12.5' },
          });
          expect(after.line(DA3_LINE).activities.get(MODEL)?.allocated.toFixed()).toBe('800000000');
          expect(after.line(DA3_LINE).activities.get(MODEL)?.disbursed.toFixed()).toBe('200000000');
        });
    });

    it('records the kind it had before a second reclassification', () => {
      spec
        .given([...model, activityReclassified()])
        .when(reclassify({ reclassificationId: 'RC-2024-02', toKind: 'value-chain-production', reason: 'đã ký hợp đồng liên kết' }))
        .then([
          {
            stream: activityStreamOfModel,
            events: [
              activityReclassified({
                reclassificationId: 'RC-2024-02',
                fromKind: 'community-production',
                toKind: 'value-chain-production',
                reason: 'đã ký hợp đồng liên kết',
              }),
            ],
          },
        ]);
    });
  });

  describe('when the model moves to DA2 with its money', () => {
    it('reclassifies it and moves the undisbursed allocation to the DA2 line', () => {
      spec
        .given(model)
        .when(reclassify({ toComponent: 'DA2', moves: [{ from: DA3_LINE, to: DA2_LINE, amount: '600000000' }] }))
        .then([
          {
            stream: activityStreamOfModel,
            events: [activityReclassified({ toComponent: 'DA2' })],
          },
          { stream: DA3_STREAM, events: [movedOut('600000000')] },
          { stream: DA2_STREAM, events: [movedIn('600000000')] },
        ]);
    });

    it('conserves the money and leaves the disbursed part on DA3.TDA1', () => {
      spec
        .given(model)
        .when(reclassify({ toComponent: 'DA2', moves: [{ from: DA3_LINE, to: DA2_LINE, amount: '600000000' }] }))
        .thenWorld((after) => {
          expect(funds(after.line(DA3_LINE)).plus(funds(after.line(DA2_LINE))).toFixed()).toBe('3483000000');
          expect(after.line(DA3_LINE).activities.get(MODEL)?.allocated.toFixed()).toBe('200000000');
          expect(after.line(DA2_LINE).activities.get(MODEL)?.allocated.toFixed()).toBe('600000000');
          expect(after.activity(MODEL).component).toBe('DA2');
        });
    });

    it('groups several moves from one line on that line stream', () => {
      spec
        .given(model)
        .when(
          reclassify({
            toComponent: 'DA2',
            moves: [
              { from: DA3_LINE, to: DA2_LINE, amount: '400000000' },
              { from: DA3_LINE, to: DA2_LINE, amount: '200000000' },
            ],
          }),
        )
        .thenWorld((after, produced) => {
          expect(produced.map((p) => [p.stream, p.events.map((e) => e.type)])).toEqual([
            [activityStreamOfModel, ['ActivityReclassified']],
            [DA3_STREAM, ['FundsMovedOut', 'FundsMovedOut']],
            [DA2_STREAM, ['FundsMovedIn', 'FundsMovedIn']],
          ]);
          expect(after.line(DA3_LINE).activities.get(MODEL)?.allocated.toFixed()).toBe('200000000');
        });
    });

    it('refuses several moves that together take more than the undisbursed allocation', () => {
      spec
        .given(model)
        .when(
          reclassify({
            toComponent: 'DA2',
            moves: [
              { from: DA3_LINE, to: DA2_LINE, amount: '400000000' },
              { from: DA3_LINE, to: DA2_LINE, amount: '400000000' },
            ],
          }),
        )
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_ALLOCATION',
          'activity VQ-DA3-2024-MH01 on line DA3.TDA1/NSTW/SN/2024@184 has 200.000.000 đ allocated and not yet disbursed; 400.000.000 đ requested',
        );
    });

    it("refuses to move the model's disbursed money", () => {
      spec
        .given(model)
        .when(reclassify({ toComponent: 'DA2', moves: [{ from: DA3_LINE, to: DA2_LINE, amount: '600000000.01' }] }))
        .thenThrows(CommandRefused, 'INSUFFICIENT_ALLOCATION', /has 600\.000\.000 đ allocated and not yet disbursed; 600\.000\.000,01 đ requested/);
    });

    it('refuses a move from a line that is not money of its old component', () => {
      spec
        .given([...model, planAssigned('1000000000')])
        .when(reclassify({ toComponent: 'DA2', moves: [{ from: LINE, to: DA2_LINE, amount: '1000' }] }))
        .thenThrows(InvalidCommand, 'moves[0].from', 'line DA5/NSTW/SN/2024@184 is not DA3.TDA1 money of this activity');
    });

    it('refuses a move to a line that is not money of its new component', () => {
      spec
        .given(model)
        .when(reclassify({ toComponent: 'DA2', moves: [{ from: DA3_LINE, to: lineKey({ component: 'DA3.TDA2' }), amount: '1000' }] }))
        .thenThrows(CommandRefused, 'ACTIVITY_COMPONENT_MISMATCH', /belongs to DA2; line DA3\.TDA2\/NSTW\/SN\/2024@184 is DA3\.TDA2 money/);
    });

    it('refuses a move that changes the source of the money', () => {
      spec
        .given(model)
        .when(reclassify({ toComponent: 'DA2', moves: [{ from: DA3_LINE, to: lineKey({ component: 'DA2', source: 'NSDP-TINH' }), amount: '1000' }] }))
        .thenThrows(CommandRefused, 'MOVE_CHANGES_DIMENSION');
    });
  });

  describe('when nothing would change', () => {
    it('refuses to reclassify to the kind and component it already has', () => {
      spec
        .given(model)
        .when(reclassify({ toKind: 'value-chain-production', toComponent: 'DA3.TDA1' }))
        .thenThrows(CommandRefused, 'NOTHING_TO_RECLASSIFY', 'activity VQ-DA3-2024-MH01 is already value-chain-production under DA3.TDA1');
    });
  });

  describe('when the activity is not registered', () => {
    it('refuses the reclassification', () => {
      spec
        .given([])
        .when(reclassify())
        .thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND', 'activity VQ-DA3-2024-MH01 is not registered');
    });
  });

  describe('when the new kind does not fit the component', () => {
    it('refuses a poverty-reduction model under DA3.TDA1', () => {
      spec
        .given(model)
        .when(reclassify({ toKind: 'poverty-reduction-model' }))
        .thenThrows(InvalidCommand, 'toKind', 'activity kind poverty-reduction-model does not belong to component DA3.TDA1; it belongs to DA2');
    });

    it('refuses an unknown kind and lists the valid ones', () => {
      spec
        .given(model)
        .when(reclassify({ toKind: 'community' }))
        .thenThrows(InvalidCommand, 'toKind', /^unknown activity kind "community"; valid: .*value-chain-production, community-production/);
    });

    it('refuses an unknown component and lists the valid ones', () => {
      spec
        .given(model)
        .when(reclassify({ toComponent: 'DA2.TDA1' }))
        .thenThrows(InvalidCommand, 'toComponent', /^unknown component "DA2\.TDA1"; valid: DA1, /);
    });
  });

  describe('when the basis is not a decision', () => {
    it('refuses a reclassification backed by a voucher', () => {
      spec
        .given(model)
        .when(reclassify({ basis: VOUCHER }))
        .thenThrows(InvalidCommand, 'legalBasis', /reclassifying an activity needs a decision/);
    });
  });
});
