import type {
  ActivityReclassified,
  ActivityRegistered,
  CarriedIn,
  CarriedOver,
  Disbursed,
  DisbursementReversed,
  FundLineKey,
  FundsAllocated,
  FundsMovedIn,
  FundsMovedOut,
  FundsReturned,
  OutputsRecorded,
  PlanAdjusted,
  PlanAssigned,
} from '../../events';
import { Catalogue } from '../../src/catalogue/catalogue';
import type { Basis } from '../../src/commands/command';

/** The real catalogue: GNBV 2021-2025, units 20 (Lạng Sơn) > 184 (Văn Quan), 84 (Trà Vinh) > 849 (Trà Cú)... */
export const catalogue = Catalogue.load();

export const PROGRAMME = 'GNBV-2021-2025';
export const LANG_SON = '20';
export const VAN_QUAN = '184';
export const TRA_CU = '849';

/** Dự án 5 (housing), central budget, recurrent, 2024, held by Văn Quan district. */
export const LINE: FundLineKey = {
  programme: PROGRAMME,
  component: 'DA5',
  budgetYear: 2024,
  originYear: 2024,
  source: 'NSTW',
  capitalType: 'SN',
  unit: VAN_QUAN,
};
export const LINE_STREAM = 'fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:184';

/** LINE with some dimensions changed, in canonical field order. */
export function lineKey(overrides: Partial<FundLineKey> = {}): FundLineKey {
  const k = { ...LINE, ...overrides };
  return {
    programme: k.programme,
    component: k.component,
    ...(k.content !== undefined ? { content: k.content } : {}),
    budgetYear: k.budgetYear,
    originYear: k.originYear,
    source: k.source,
    capitalType: k.capitalType,
    unit: k.unit,
  };
}

/** Tiểu dự án 1 of Dự án 3 (agricultural production), same year, source and capital type. */
export const DA3_LINE = lineKey({ component: 'DA3.TDA1' });
export const DA3_STREAM = 'fundline-GNBV-2021-2025:DA3.TDA1:2024:2024:NSTW:SN:184';
/** Dự án 2 (livelihood models), same year, source and capital type. */
export const DA2_LINE = lineKey({ component: 'DA2' });
export const DA2_STREAM = 'fundline-GNBV-2021-2025:DA2:2024:2024:NSTW:SN:184';
/** Lạng Sơn province's own DA5 line. */
export const PROVINCE_LINE = lineKey({ unit: LANG_SON });
/** 2023 DA5 money of Văn Quan, and where it lands when carried into 2024. */
export const LINE_2023 = lineKey({ budgetYear: 2023, originYear: 2023 });
export const LINE_2023_STREAM = 'fundline-GNBV-2021-2025:DA5:2023:2023:NSTW:SN:184';
export const CARRIED_2023_INTO_2024 = lineKey({ budgetYear: 2024, originYear: 2023 });
export const CARRIED_2023_INTO_2024_STREAM = 'fundline-GNBV-2021-2025:DA5:2024:2023:NSTW:SN:184';

/** Quyết định số 4888/QĐ-UBND ngày 22/12/2023 của UBND huyện Văn Quan (giao dự toán 2024). */
export const DECISION: Basis = {
  legalBasis: { kind: 'decision', number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' },
  effectiveDate: '2023-12-22',
};
/** Quyết định số 832/QĐ-UBND ngày 14/3/2024 (giao danh mục chi tiết): the allocation decision. */
export const ALLOCATION_DECISION: Basis = {
  legalBasis: { kind: 'decision', number: '832/QĐ-UBND', date: '2024-03-14', issuer: 'UBND huyện Văn Quan' },
  effectiveDate: '2024-03-14',
};
/** A State Treasury payment voucher. */
export const VOUCHER: Basis = {
  legalBasis: { kind: 'voucher', number: 'UNC-000158', date: '2024-06-14', treasury: 'KBNN Văn Quan' },
  effectiveDate: '2024-06-14',
};
/** Biên bản nghiệm thu: acceptance minutes. */
export const ACCEPTANCE: Basis = {
  legalBasis: { kind: 'document', title: 'Biên bản nghiệm thu hoàn thành', number: '12/BB-NT', date: '2024-11-20', issuer: 'UBND xã Tràng Các' },
  effectiveDate: '2024-11-20',
};

/** Hỗ trợ nhà ở 2024 (lần 01): a DA5 housing activity run by Văn Quan. */
export const HOUSING = 'VQ-DA5-2024-01';
/** A second DA5 housing activity of Văn Quan. */
export const HOUSING_2 = 'VQ-DA5-2024-02';
/** A DA3.TDA1 value-chain production model of Văn Quan. */
export const MODEL = 'VQ-DA3-2024-MH01';
/** A DA5 housing activity of Trà Cú (another province). */
export const TRA_CU_HOUSING = 'TC-DA5-2024-01';

const v1 = { version: 1 } as const;

export function activityRegistered(activityId = HOUSING, overrides: Partial<ActivityRegistered['data']> = {}): ActivityRegistered {
  return {
    type: 'ActivityRegistered',
    ...v1,
    data: {
      activityId,
      name: 'Hỗ trợ xây mới, sửa chữa nhà ở cho hộ nghèo, hộ cận nghèo năm 2024 (lần 01)',
      programme: PROGRAMME,
      component: 'DA5',
      kind: 'housing-support',
      unit: VAN_QUAN,
      communes: [],
      beneficiaries: { poor: 101, 'near-poor': 177 },
      targets: [
        { indicator: 'houses-new', quantity: '101' },
        { indicator: 'houses-repaired', quantity: '177' },
      ],
      ...overrides,
    },
  };
}

/** The value-chain production model under DA3.TDA1. */
export const modelRegistered = (overrides: Partial<ActivityRegistered['data']> = {}): ActivityRegistered =>
  activityRegistered(MODEL, {
    name: 'Mô hình chăn nuôi trâu sinh sản liên kết theo chuỗi giá trị',
    component: 'DA3.TDA1',
    kind: 'value-chain-production',
    beneficiaries: { poor: 20, 'near-poor': 10 },
    targets: [{ indicator: 'livestock', quantity: '60' }],
    ...overrides,
  });

export const activityReclassified = (data: Partial<ActivityReclassified['data']> = {}): ActivityReclassified => ({
  type: 'ActivityReclassified',
  ...v1,
  data: {
    activityId: MODEL,
    reclassificationId: 'RC-2024-01',
    fromKind: 'value-chain-production',
    toKind: 'community-production',
    fromComponent: 'DA3.TDA1',
    toComponent: 'DA3.TDA1',
    reason: 'không đủ điều kiện liên kết chuỗi giá trị',
    ...data,
  },
});

export const outputsRecorded = (activityId = HOUSING, data: Partial<OutputsRecorded['data']> = {}): OutputsRecorded => ({
  type: 'OutputsRecorded',
  version: 2,
  data: { activityId, outputs: [{ indicator: 'houses-repaired', quantity: '19' }], completed: false, ...data },
});

export const planAssigned = (amount: string, line: FundLineKey = LINE): PlanAssigned => ({
  type: 'PlanAssigned',
  ...v1,
  data: { line, amount },
});

export const planAdjusted = (
  direction: 'increase' | 'decrease',
  amount: string,
  line: FundLineKey = LINE,
  adjustmentId = 'DC-2024-01',
): PlanAdjusted => ({
  type: 'PlanAdjusted',
  ...v1,
  data: { line, adjustmentId, direction, amount, reason: 'điều chỉnh kế hoạch vốn' },
});

export const fundsAllocated = (activityId: string, amount: string, line: FundLineKey = LINE): FundsAllocated => ({
  type: 'FundsAllocated',
  ...v1,
  data: { line, activityId, amount },
});

export const disbursed = (activityId: string, disbursementId: string, amount: string, line: FundLineKey = LINE): Disbursed => ({
  type: 'Disbursed',
  ...v1,
  data: { line, activityId, disbursementId, amount },
});

export const disbursementReversed = (
  activityId: string,
  disbursementId: string,
  amount: string,
  line: FundLineKey = LINE,
): DisbursementReversed => ({
  type: 'DisbursementReversed',
  ...v1,
  data: { line, activityId, disbursementId, amount, reason: 'chứng từ ghi sai' },
});

export const fundsReturned = (amount: string, activityId?: string, line: FundLineKey = LINE): FundsReturned => ({
  type: 'FundsReturned',
  ...v1,
  data: { line, returnId: 'NT-2024-01', mode: 'returned', amount, ...(activityId ? { activityId } : {}), reason: 'nộp trả ngân sách' },
});

/** Both halves of a move, as decideMove would produce them. */
export function fundsMoved(
  amount: string,
  from: { line: FundLineKey; activityId?: string },
  to: { line: FundLineKey; activityId?: string },
  adjustmentId = 'DC-2024-02',
): [FundsMovedOut, FundsMovedIn] {
  const reason = 'điều chỉnh vốn';
  return [
    {
      type: 'FundsMovedOut',
      ...v1,
      data: {
        line: from.line,
        adjustmentId,
        amount,
        ...(from.activityId ? { fromActivityId: from.activityId } : {}),
        toLine: to.line,
        ...(to.activityId ? { toActivityId: to.activityId } : {}),
        reason,
      },
    },
    {
      type: 'FundsMovedIn',
      ...v1,
      data: {
        line: to.line,
        adjustmentId,
        amount,
        ...(to.activityId ? { toActivityId: to.activityId } : {}),
        fromLine: from.line,
        ...(from.activityId ? { fromActivityId: from.activityId } : {}),
        reason,
      },
    },
  ];
}

/** Both halves of a carry-over from `from` into the next budget year, origin year kept. */
export function carried(amount: string, from: FundLineKey = LINE_2023, activityId?: string, carryOverId = 'CN-2023-01'): [CarriedOver, CarriedIn] {
  const to = lineKey({ ...from, budgetYear: from.budgetYear + 1 });
  const deadline = `${to.budgetYear}-12-31`;
  const shared = { carryOverId, amount, ...(activityId ? { activityId } : {}), deadline };
  return [
    { type: 'CarriedOver', ...v1, data: { line: from, ...shared, toLine: to } },
    { type: 'CarriedIn', ...v1, data: { line: to, ...shared, fromLine: from } },
  ];
}
