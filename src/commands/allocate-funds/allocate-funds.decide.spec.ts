import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import {
  ALLOCATION_DECISION,
  CARRIED_2023_INTO_2024,
  CARRIED_2023_INTO_2024_STREAM,
  HOUSING,
  HOUSING_2,
  LANG_SON,
  LINE,
  LINE_STREAM,
  MODEL,
  PROVINCE_LINE,
  TRA_CU,
  TRA_CU_HOUSING,
  VOUCHER,
  activityRegistered,
  carried,
  catalogue,
  fundsAllocated,
  fundsMoved,
  fundsReturned,
  lineKey,
  modelRegistered,
  planAssigned,
} from '../../../test/support/fixtures';
import { AllocateFunds, decideAllocateFunds } from './allocate-funds.decide';

const spec = deciderSpec((cmd: AllocateFunds, given) =>
  decideAllocateFunds(cmd, given.line(cmd.line), given.activity(cmd.activityId), catalogue),
);

const allocate = (activityId: string, amount: string, overrides: Partial<AllocateFunds> = {}): AllocateFunds => ({
  line: LINE,
  activityId,
  amount,
  basis: ALLOCATION_DECISION,
  ...overrides,
});

const allocated = (activityId: string, amount: string, line = LINE, stream = LINE_STREAM) => [
  { stream, events: [{ type: 'FundsAllocated', version: 1, data: { line, activityId, amount } }] },
];

/** Plan 1.000.000.000 đ; 620.000.000 đ already allocated to HOUSING; 380.000.000 đ left. */
const partlyAllocated = [
  planAssigned('1000000000'),
  activityRegistered(HOUSING),
  activityRegistered(HOUSING_2),
  fundsAllocated(HOUSING, '620000000'),
];

describe('AllocateFunds (phân bổ chi tiết)', () => {
  describe('when the line has unallocated money', () => {
    it('allocates part of it to the activity', () => {
      spec
        .given([planAssigned('8036000000'), activityRegistered(HOUSING)])
        .when(allocate(HOUSING, '7700000000'))
        .then(allocated(HOUSING, '7700000000'));
    });

    it('allocates exactly what is not yet allocated', () => {
      spec
        .given(partlyAllocated)
        .when(allocate(HOUSING_2, '380000000'))
        .thenWorld((after, produced) => {
          expect(produced).toEqual(allocated(HOUSING_2, '380000000'));
          expect(after.line(LINE).allocated.toFixed()).toBe('1000000000');
        });
    });

    it('allocates an amount with đồng cents', () => {
      spec.given(partlyAllocated).when(allocate(HOUSING_2, '1550440.5')).then(allocated(HOUSING_2, '1550440.5'));
    });

    it('allocates a district activity from its province line', () => {
      spec
        .given([planAssigned('500000000', PROVINCE_LINE), activityRegistered(HOUSING)])
        .when(allocate(HOUSING, '500000000', { line: PROVINCE_LINE }))
        .then(allocated(HOUSING, '500000000', PROVINCE_LINE, 'fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:20'));
    });

    it('allocates money carried over from 2023 on its own line', () => {
      spec
        .given([...carried('300000000'), activityRegistered(HOUSING)])
        .when(allocate(HOUSING, '300000000', { line: CARRIED_2023_INTO_2024 }))
        .then(allocated(HOUSING, '300000000', CARRIED_2023_INTO_2024, CARRIED_2023_INTO_2024_STREAM));
    });

    it('can allocate again money a move released from another activity', () => {
      spec
        .given([
          planAssigned('1000000000'),
          activityRegistered(HOUSING),
          activityRegistered(HOUSING_2),
          fundsAllocated(HOUSING, '1000000000'),
          ...fundsMoved('200000000', { line: LINE, activityId: HOUSING }, { line: LINE }),
        ])
        .when(allocate(HOUSING_2, '200000000'))
        .then(allocated(HOUSING_2, '200000000'));
    });
  });

  describe('when the request is above what is not yet allocated', () => {
    it('refuses one cent more, naming both amounts', () => {
      spec
        .given(partlyAllocated)
        .when(allocate(HOUSING_2, '380000000.01'))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_UNALLOCATED',
          'line DA5/NSTW/SN/2024@184 has 380.000.000 đ not yet allocated; 380.000.000,01 đ requested',
        );
    });

    it('refuses 620.000.000 đ when 380.000.000 đ are left, with the figures in its details', () => {
      const refusal = spec
        .given(partlyAllocated)
        .when(allocate(HOUSING_2, '620000000'))
        .thenThrows(
          CommandRefused,
          'INSUFFICIENT_UNALLOCATED',
          'line DA5/NSTW/SN/2024@184 has 380.000.000 đ not yet allocated; 620.000.000 đ requested',
        );
      expect(refusal.details).toEqual({ line: LINE, available: '380000000', requested: '620000000' });
    });

    it('counts returned money as gone', () => {
      spec
        .given([...partlyAllocated, fundsReturned('80000000')])
        .when(allocate(HOUSING_2, '300000000.01'))
        .thenThrows(CommandRefused, 'INSUFFICIENT_UNALLOCATED', /has 300\.000\.000 đ not yet allocated/);
    });
  });

  describe('when the line is fully allocated', () => {
    it('refuses a further allocation', () => {
      spec
        .given([...partlyAllocated, fundsAllocated(HOUSING_2, '380000000')])
        .when(allocate(HOUSING_2, '1'))
        .thenThrows(CommandRefused, 'INSUFFICIENT_UNALLOCATED', 'line DA5/NSTW/SN/2024@184 has 0 đ not yet allocated; 1 đ requested');
    });
  });

  describe('when the line has no plan', () => {
    it('refuses the allocation', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(allocate(HOUSING, '1000'))
        .thenThrows(CommandRefused, 'LINE_NOT_FOUND', 'line DA5/NSTW/SN/2024@184 has no plan: assign a plan to it first');
    });

    it('does not take the plan of the same line in another year', () => {
      spec
        .given([planAssigned('1000000000', lineKey({ budgetYear: 2023, originYear: 2023 })), activityRegistered(HOUSING)])
        .when(allocate(HOUSING, '1000'))
        .thenThrows(CommandRefused, 'LINE_NOT_FOUND');
    });
  });

  describe('when the activity is not registered', () => {
    it('refuses the allocation', () => {
      spec
        .given([planAssigned('1000000000')])
        .when(allocate(HOUSING, '1000'))
        .thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND', 'activity VQ-DA5-2024-01 is not registered');
    });
  });

  describe('when the activity belongs elsewhere', () => {
    it('refuses DA5 money for a DA3.TDA1 model', () => {
      spec
        .given([planAssigned('1000000000'), modelRegistered()])
        .when(allocate(MODEL, '1000'))
        .thenThrows(
          CommandRefused,
          'ACTIVITY_COMPONENT_MISMATCH',
          'activity VQ-DA3-2024-MH01 belongs to DA3.TDA1; line DA5/NSTW/SN/2024@184 is DA5 money',
        );
    });

    it("refuses Văn Quan's money for an activity of Trà Cú", () => {
      spec
        .given([planAssigned('1000000000'), activityRegistered(TRA_CU_HOUSING, { unit: TRA_CU })])
        .when(allocate(TRA_CU_HOUSING, '1000'))
        .thenThrows(
          CommandRefused,
          'ACTIVITY_UNIT_MISMATCH',
          'activity TC-DA5-2024-01 is run by unit 849, which is not unit 184 of line DA5/NSTW/SN/2024@184 nor under it',
        );
    });

    it("refuses a district line's money for a province activity", () => {
      spec
        .given([planAssigned('1000000000'), activityRegistered('LS-DA5-2024-01', { unit: LANG_SON })])
        .when(allocate('LS-DA5-2024-01', '1000'))
        .thenThrows(CommandRefused, 'ACTIVITY_UNIT_MISMATCH');
    });
  });

  describe('when the basis is not a decision', () => {
    it('refuses an allocation backed by a voucher', () => {
      spec
        .given(partlyAllocated)
        .when(allocate(HOUSING_2, '1000', { basis: VOUCHER }))
        .thenThrows(InvalidCommand, 'legalBasis', 'allocating funds needs a decision (number, date and issuing body), not a voucher');
    });
  });

  describe('when the line names an unknown code', () => {
    it('refuses it and lists the valid codes', () => {
      spec
        .given(partlyAllocated)
        .when(allocate(HOUSING_2, '1000', { line: lineKey({ source: 'NS-TW' }) }))
        .thenThrows(InvalidCommand, 'line.source', /^unknown source "NS-TW"; valid: NSTW, NSDP-TINH/);
    });
  });
});
