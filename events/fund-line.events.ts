import type { DomainEvent } from './metadata';

/**
 * Dòng vốn: the dimensions that name one fund line. The same dimensions always name the same line
 * (see fundLineStream in src/fund-line/fund-line.key.ts).
 */
export interface FundLineKey {
  /** Programme code from the catalogue, e.g. "GNBV-2021-2025". */
  readonly programme: string;
  /** Project / sub-project code, e.g. "DA1.TDA1". */
  readonly component: string;
  /** Optional content item under the component (nội dung), a catalogue code. */
  readonly content?: string;
  /** Năm kế hoạch. */
  readonly budgetYear: number;
  /** Năm nguồn: equals budgetYear except for money carried over from an earlier year. */
  readonly originYear: number;
  /** Nguồn vốn, e.g. "NSTW". */
  readonly source: string;
  /** Loại vốn: "DTPT" (đầu tư phát triển) or "SN" (sự nghiệp). */
  readonly capitalType: string;
  /** Official code of the administrative unit holding the line. */
  readonly unit: string;
}

/** Amount of exact đồng as a canonical decimal string (at most 2 decimal places, no exponent). */
export type Money = string;

/** Giao kế hoạch vốn / giao dự toán: a higher level assigns an amount to the line. */
export type PlanAssigned = DomainEvent<'PlanAssigned', {
  readonly line: FundLineKey;
  readonly amount: Money;
  readonly note?: string;
}>;

/** Phân bổ chi tiết: part of the line's unallocated money is allocated to an activity. */
export type FundsAllocated = DomainEvent<'FundsAllocated', {
  readonly line: FundLineKey;
  readonly activityId: string;
  readonly amount: Money;
}>;

/** Điều chỉnh tăng / giảm: a decision changes the line's plan. */
export type PlanAdjusted = DomainEvent<'PlanAdjusted', {
  readonly line: FundLineKey;
  readonly adjustmentId: string;
  readonly direction: 'increase' | 'decrease';
  readonly amount: Money;
  readonly reason: string;
}>;

/**
 * Điều chỉnh (chuyển vốn): money leaves this line (and, when activityId is set, that activity's allocation
 * on it). Always paired with FundsMovedIn in the same atomic append; the pair conserves money.
 */
export type FundsMovedOut = DomainEvent<'FundsMovedOut', {
  readonly line: FundLineKey;
  readonly adjustmentId: string;
  readonly amount: Money;
  readonly fromActivityId?: string;
  readonly toLine: FundLineKey;
  readonly toActivityId?: string;
  readonly reason: string;
}>;

/** The receiving side of FundsMovedOut. */
export type FundsMovedIn = DomainEvent<'FundsMovedIn', {
  readonly line: FundLineKey;
  readonly adjustmentId: string;
  readonly amount: Money;
  readonly toActivityId?: string;
  readonly fromLine: FundLineKey;
  readonly fromActivityId?: string;
  readonly reason: string;
}>;

/** Chuyển nguồn (đi): unspent money of this line moves to the next budget year, keeping its origin year. */
export type CarriedOver = DomainEvent<'CarriedOver', {
  readonly line: FundLineKey;
  readonly carryOverId: string;
  readonly amount: Money;
  readonly activityId?: string;
  readonly toLine: FundLineKey;
  /** Thời hạn giải ngân of the carried tranche (YYYY-MM-DD). */
  readonly deadline: string;
}>;

/** Chuyển nguồn (đến): the receiving line of a carry-over (budget year N+1, origin year kept). */
export type CarriedIn = DomainEvent<'CarriedIn', {
  readonly line: FundLineKey;
  readonly carryOverId: string;
  readonly amount: Money;
  readonly activityId?: string;
  readonly fromLine: FundLineKey;
  readonly deadline: string;
}>;

/**
 * Số dư chuyển sang từ năm sổ không ghi (opening balance): money carried into the first year the ledger records
 * from a year it does not hold (the line's origin year), with its own deadline and the decision that carried it.
 * It counts as carried in, by origin year, like a CarriedIn whose sending line is not in the ledger; no plan is
 * invented for the earlier year. With activityId, it arrives allocated to that activity (its undisbursed part).
 */
export type BalanceOpened = DomainEvent<'BalanceOpened', {
  readonly line: FundLineKey;
  readonly openingId: string;
  readonly amount: Money;
  readonly activityId?: string;
  /** Thời hạn giải ngân of the carried tranche (YYYY-MM-DD). */
  readonly deadline: string;
  readonly note?: string;
}>;

/**
 * Chuyển giao cho đơn vị kế thừa: the unit holding this line ended (1/7/2025: districts abolished, communes and
 * provinces merged) and a decision hands its unspent money to a successor unit. The money leaves this line (its
 * unallocated part, or an activity's undisbursed allocation, which the activity takes along) and lands on the
 * successor's line of the same dimensions. Always paired with FundsTransferredIn in one atomic append; the
 * pair conserves money, and this line's history stays under the old unit.
 */
export type FundsTransferredOut = DomainEvent<'FundsTransferredOut', {
  readonly line: FundLineKey;
  readonly transferId: string;
  readonly amount: Money;
  readonly activityId?: string;
  readonly toLine: FundLineKey;
  readonly reason: string;
}>;

/** The successor's side of FundsTransferredOut. */
export type FundsTransferredIn = DomainEvent<'FundsTransferredIn', {
  readonly line: FundLineKey;
  readonly transferId: string;
  readonly amount: Money;
  readonly activityId?: string;
  readonly fromLine: FundLineKey;
  readonly reason: string;
}>;

/** Giải ngân: paid out through the State Treasury against an activity's allocation on this line. */
export type Disbursed = DomainEvent<'Disbursed', {
  readonly line: FundLineKey;
  readonly activityId: string;
  readonly disbursementId: string;
  readonly amount: Money;
}>;

/** Thu hồi / điều chỉnh giảm giải ngân: a correcting event that reverses one whole disbursement. */
export type DisbursementReversed = DomainEvent<'DisbursementReversed', {
  readonly line: FundLineKey;
  readonly activityId: string;
  readonly disbursementId: string;
  readonly amount: Money;
  readonly reason: string;
}>;

/** Nộp trả / hủy dự toán: unspent money leaves the line (from its unallocated part or from an activity). */
export type FundsReturned = DomainEvent<'FundsReturned', {
  readonly line: FundLineKey;
  readonly returnId: string;
  readonly mode: 'returned' | 'cancelled';
  readonly amount: Money;
  readonly activityId?: string;
  readonly reason: string;
}>;

export type FundLineEvent =
  | PlanAssigned
  | FundsAllocated
  | PlanAdjusted
  | FundsMovedOut
  | FundsMovedIn
  | CarriedOver
  | CarriedIn
  | Disbursed
  | DisbursementReversed
  | FundsReturned
  | BalanceOpened
  | FundsTransferredOut
  | FundsTransferredIn;

export const FUND_LINE_EVENT_TYPES: readonly FundLineEvent['type'][] = [
  'PlanAssigned',
  'FundsAllocated',
  'PlanAdjusted',
  'FundsMovedOut',
  'FundsMovedIn',
  'CarriedOver',
  'CarriedIn',
  'Disbursed',
  'DisbursementReversed',
  'FundsReturned',
  'BalanceOpened',
  'FundsTransferredOut',
  'FundsTransferredIn',
];
