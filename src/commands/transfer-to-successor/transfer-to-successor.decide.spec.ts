import { World, deciderSpec } from '../../../test/support/decider-spec';
import { HOUSING, VOUCHER, activityRegistered, catalogue, disbursed, fundsAllocated, lineKey, planAssigned } from '../../../test/support/fixtures';
import type { LedgerEvent } from '../../../events';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis } from '../command';
import { TransferToSuccessor, decideTransferToSuccessor } from './transfer-to-successor.decide';

const spec = deciderSpec((cmd: TransferToSuccessor, given) =>
  decideTransferToSuccessor(cmd, given.line(cmd.from), cmd.activityId ? given.activity(cmd.activityId) : undefined, catalogue),
);

/** Quyết định của UBND tỉnh Lạng Sơn bàn giao vốn của huyện Văn Quan (ended 30/6/2025) cho các xã kế thừa. */
const HANDOVER: Basis = {
  legalBasis: { kind: 'decision', number: '1203/QĐ-UBND', date: '2025-07-10', issuer: 'UBND tỉnh Lạng Sơn' },
  effectiveDate: '2025-07-10',
};

/** Văn Quan's 2025 housing money: 5.000 triệu planned, 3.000 allocated to the housing activity, 1.200 of it paid before the reform. */
const VQ_2025 = lineKey({ budgetYear: 2025, originYear: 2025 });
const VQ_2025_STREAM = 'fundline-GNBV-2021-2025:DA5:2025:2025:NSTW:SN:184';
const XA_VAN_QUAN = '06253';
const XA_DIEM_HE = '06280';
const history = [
  planAssigned('5000000000', VQ_2025),
  activityRegistered(HOUSING),
  fundsAllocated(HOUSING, '3000000000', VQ_2025),
  disbursed(HOUSING, 'UNC-2025-0101', '1200000000', VQ_2025),
];

const transfer = (toUnit: string, amount: string, overrides: Partial<TransferToSuccessor> = {}): TransferToSuccessor => ({
  from: VQ_2025,
  toUnit,
  transferId: 'BG-VQ-01',
  amount,
  reason: 'Bàn giao vốn chưa giải ngân khi kết thúc hoạt động cấp huyện',
  basis: HANDOVER,
  ...overrides,
});

describe('TransferToSuccessor (chuyển giao cho đơn vị kế thừa)', () => {
  describe("when a district that ended on 30/6/2025 hands its unallocated money to a commune that took it over", () => {
    it('moves it out of the district line and into the commune line of the same dimensions, as one pair', () => {
      const to = lineKey({ budgetYear: 2025, originYear: 2025, unit: XA_VAN_QUAN });
      const reason = 'Bàn giao vốn chưa giải ngân khi kết thúc hoạt động cấp huyện';
      spec
        .given(history)
        .when(transfer(XA_VAN_QUAN, '2000000000'))
        .then([
          {
            stream: VQ_2025_STREAM,
            events: [{ type: 'FundsTransferredOut', version: 1, data: { line: VQ_2025, transferId: 'BG-VQ-01', amount: '2000000000', reason, toLine: to } }],
          },
          {
            stream: 'fundline-GNBV-2021-2025:DA5:2025:2025:NSTW:SN:06253',
            events: [{ type: 'FundsTransferredIn', version: 1, data: { line: to, transferId: 'BG-VQ-01', amount: '2000000000', reason, fromLine: VQ_2025 } }],
          },
        ]);
    });

    it("conserves money, and keeps the district line's history and disbursements under the district", () => {
      spec
        .given(history)
        .when(transfer(XA_VAN_QUAN, '2000000000'))
        .thenWorld((after) => {
          const old = after.line(VQ_2025);
          const heir = after.line(lineKey({ budgetYear: 2025, originYear: 2025, unit: XA_VAN_QUAN }));
          expect(old.transferredOut.toFixed()).toBe('2000000000');
          expect(old.assigned.toFixed()).toBe('5000000000');
          expect(old.disbursed.toFixed()).toBe('1200000000');
          expect(heir.transferredIn.toFixed()).toBe('2000000000');
          expect(heir.assigned.toFixed()).toBe('0');
          expect(old.transferredOut.minus(heir.transferredIn).isZero()).toBe(true);
        });
    });

    it('refuses more than the district has unallocated', () => {
      spec.given(history).when(transfer(XA_VAN_QUAN, '2000000000.01')).thenThrows(CommandRefused, 'INSUFFICIENT_UNALLOCATED');
    });
  });

  describe("when an activity's money is handed over", () => {
    it('takes its undisbursed allocation and the activity along to the successor', () => {
      spec
        .given(history)
        .when(transfer(XA_DIEM_HE, '1800000000', { activityId: HOUSING }))
        .thenWorld((after, produced) => {
          expect(produced.map((p) => p.stream)).toEqual([VQ_2025_STREAM, 'fundline-GNBV-2021-2025:DA5:2025:2025:NSTW:SN:06280', `activity-${HOUSING}`]);
          expect(after.activity(HOUSING)).toMatchObject({ unit: XA_DIEM_HE, handedTo: XA_DIEM_HE });
          const heir = after.line(lineKey({ budgetYear: 2025, originYear: 2025, unit: XA_DIEM_HE }));
          expect(heir.activities.get(HOUSING)?.allocated.toFixed()).toBe('1800000000');
          expect(after.line(VQ_2025).activities.get(HOUSING)).toMatchObject({ allocated: expect.anything(), disbursed: expect.anything() });
          expect(after.line(VQ_2025).activities.get(HOUSING)?.allocated.toFixed()).toBe('1200000000');
        });
    });

    it('refuses the paid part: only what is not yet disbursed goes', () => {
      spec.given(history).when(transfer(XA_DIEM_HE, '1800000000.01', { activityId: HOUSING })).thenThrows(CommandRefused, 'INSUFFICIENT_ALLOCATION');
    });

    it('refuses to hand an activity already handed to one successor to another', () => {
      const [out, into, moved] = decideTransferToSuccessor(transfer(XA_DIEM_HE, '1000000000', { activityId: HOUSING }), World.of(history).line(VQ_2025), World.of(history).activity(HOUSING), catalogue);
      spec
        .given([...history, ...out.events, ...into.events, ...moved.events] as LedgerEvent[])
        .when(transfer(XA_VAN_QUAN, '800000000', { activityId: HOUSING, transferId: 'BG-VQ-02' }))
        .thenThrows(CommandRefused, 'ACTIVITY_HANDED_ELSEWHERE', /was handed to unit 06280/);
    });
  });

  describe('when the decision names a unit that is not a successor', () => {
    it('refuses it, naming the successors', () => {
      spec
        .given(history)
        .when(transfer('00004', '1000'))
        .thenThrows(CommandRefused, 'NOT_A_SUCCESSOR', /^unit 00004 did not take over 184 Huyện Văn Quan \(Tỉnh Lạng Sơn\); its successors are 20 Tỉnh Lạng Sơn, 06253 Xã Văn Quan/);
    });

    it("accepts the successors' province", () => {
      spec.given(history).when(transfer('20', '1000')).thenWorld((after) => expect(after.line(lineKey({ budgetYear: 2025, originYear: 2025, unit: '20' })).transferredIn.toFixed()).toBe('1000'));
    });
  });

  describe('when the unit has not ended', () => {
    it('refuses a transfer that takes effect before 1/7/2025', () => {
      spec
        .given(history)
        .when(transfer(XA_VAN_QUAN, '1000', { basis: { ...HANDOVER, effectiveDate: '2025-06-30' } }))
        .thenThrows(CommandRefused, 'UNIT_NOT_ENDED', /unit 184 of line DA5\/NSTW\/SN\/2025@184 is still in force on 2025-06-30/);
    });
  });

  describe('when the successor did not exist in the budget year', () => {
    it("refuses to put 2024 money on a commune that began in 2025: it is carried over first", () => {
      const vq2024 = lineKey();
      spec
        .given([planAssigned('1000000', vq2024)])
        .when(transfer(XA_VAN_QUAN, '1000', { from: vq2024 }))
        .thenThrows(InvalidCommand, 'toUnit', '06253 Xã Văn Quan (Tỉnh Lạng Sơn) began on 2025-07-01: it holds no line of 2024; carry the money over into 2025 first');
    });
  });

  describe('when an old commune was split between several new ones', () => {
    // 05932 Xã Thượng Đình (Phú Bình, Thái Nguyên) went partly into 05908 Xã Phú Bình and partly into 05941 Xã Điềm Thụy.
    const thuongDinh = lineKey({ budgetYear: 2025, originYear: 2025, unit: '05932' });
    const split = [planAssigned('900000000', thuongDinh)];

    it('hands each part to the successor the decision names, and no more than the line holds', () => {
      const first = decideTransferToSuccessor(transfer('05908', '600000000', { from: thuongDinh }), World.of(split).line(thuongDinh), undefined, catalogue);
      spec
        .given([...split, ...first.flatMap((s) => s.events)] as LedgerEvent[])
        .when(transfer('05941', '300000000', { from: thuongDinh, transferId: 'BG-TD-02' }))
        .thenWorld((after) => {
          expect(after.line(thuongDinh).transferredOut.toFixed()).toBe('900000000');
          expect(after.line(lineKey({ budgetYear: 2025, originYear: 2025, unit: '05908' })).transferredIn.toFixed()).toBe('600000000');
          expect(after.line(lineKey({ budgetYear: 2025, originYear: 2025, unit: '05941' })).transferredIn.toFixed()).toBe('300000000');
        });
      spec
        .given([...split, ...first.flatMap((s) => s.events)] as LedgerEvent[])
        .when(transfer('05941', '300000000.01', { from: thuongDinh, transferId: 'BG-TD-02' }))
        .thenThrows(CommandRefused, 'INSUFFICIENT_UNALLOCATED');
    });

    it('refuses a neighbour that took over other communes but not this one', () => {
      spec
        .given(split)
        .when(transfer('05968', '1000', { from: thuongDinh }))
        .thenThrows(CommandRefused, 'NOT_A_SUCCESSOR', /its successors are 19 Tỉnh Thái Nguyên, 05908 Xã Phú Bình \(Tỉnh Thái Nguyên\), 05941 Xã Điềm Thụy \(Tỉnh Thái Nguyên\)$/);
    });
  });

  describe('when the code names the successor too', () => {
    it('refuses: the line is already the successor\'s', () => {
      const thiTran = lineKey({ budgetYear: 2025, originYear: 2025, unit: XA_VAN_QUAN });
      spec.given([planAssigned('1000', thiTran)]).when(transfer(XA_VAN_QUAN, '1000', { from: thiTran })).thenThrows(CommandRefused, 'SAME_LINE');
    });
  });

  it('needs a decision', () => {
    spec.given(history).when(transfer(XA_VAN_QUAN, '1000', { basis: VOUCHER })).thenThrows(InvalidCommand, 'legalBasis');
  });
});
