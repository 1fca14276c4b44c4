import type { DomainEvent } from './metadata';

/** Số đối tượng thụ hưởng by catalogue category code (poor, near-poor, newly-escaped, ethnic-minority...). */
export type Beneficiaries = Readonly<Record<string, number>>;

/** A physical target or output: a catalogue indicator and a quantity (decimal string: hectares can be fractional). */
export interface Quantity {
  readonly indicator: string;
  readonly quantity: string;
}

/** Đăng ký hoạt động / dự án: a model, production-support project, work, course... that money can be allocated to. */
export type ActivityRegistered = DomainEvent<'ActivityRegistered', {
  readonly activityId: string;
  readonly name: string;
  readonly programme: string;
  readonly component: string;
  readonly kind: string;
  /** Unit that runs the activity (district or commune code). */
  readonly unit: string;
  /** Communes where it takes place (unit codes). */
  readonly communes: readonly string[];
  /** Chủ đầu tư, when the activity is an investment project. */
  readonly investor?: string;
  readonly beneficiaries: Beneficiaries;
  readonly targets: readonly Quantity[];
}>;

/**
 * Điều chỉnh phân loại: the activity changes kind (e.g. value-chain → community production support) and
 * possibly component, from the decision's effective date. Its money, households and hectares stay with it.
 */
export type ActivityReclassified = DomainEvent<'ActivityReclassified', {
  readonly activityId: string;
  readonly reclassificationId: string;
  readonly fromKind: string;
  readonly toKind: string;
  readonly fromComponent: string;
  readonly toComponent: string;
  readonly reason: string;
}>;

/**
 * An output quantity, optionally counted for one beneficiary category (v2): "trainees 120", "trainees, women: 60",
 * "households-supported, poor: 19". A count by category is a part of the indicator's total, recorded beside it;
 * categories overlap (an ethnic-minority household may be poor), so they are not added up into the total.
 */
export interface OutputQuantity extends Quantity {
  readonly category?: string;
}

/**
 * Kết quả đầu ra: physical results achieved by the activity. Each record adds to what was recorded before, per
 * indicator and category; a record that `corrects` (v2) replaces the totals of the indicators and categories it
 * names, as of its effective date (later additions still add).
 */
export type OutputsRecorded = DomainEvent<'OutputsRecorded', {
  readonly activityId: string;
  readonly outputs: readonly OutputQuantity[];
  /**
   * The activity's beneficiary profile, households by category, as last stated (each category replaced, as at
   * registration). Counts that add up are outputs by category.
   */
  readonly beneficiaries?: Beneficiaries;
  /** True when this record closes the activity (nghiệm thu hoàn thành). */
  readonly completed: boolean;
  /** v2: the record corrects earlier ones: its quantities are the totals, and why. */
  readonly corrects?: { readonly reason: string };
}>;

/**
 * Chuyển giao hoạt động: the unit running the activity ended, and the decision that hands its money to a successor
 * hands the activity along (recorded with the FundsTransferredOut/In pair of its money). Its history stays.
 */
export type ActivityTransferred = DomainEvent<'ActivityTransferred', {
  readonly activityId: string;
  readonly transferId: string;
  readonly fromUnit: string;
  readonly toUnit: string;
  readonly reason: string;
}>;

/**
 * Tiến độ công trình: the activity reached a stage of its lifecycle (catalogue data: a work is planned, its
 * investment procedure done, tendered, under construction, completed, handed over), on the basis's effective date.
 */
export type ActivityStageReached = DomainEvent<'ActivityStageReached', {
  readonly activityId: string;
  /** The lifecycle's code in the catalogue, e.g. "works". */
  readonly lifecycle: string;
  readonly stage: string;
  readonly note?: string;
}>;

export type ActivityEvent = ActivityRegistered | ActivityReclassified | OutputsRecorded | ActivityTransferred | ActivityStageReached;

export const ACTIVITY_EVENT_TYPES: readonly ActivityEvent['type'][] = [
  'ActivityRegistered',
  'ActivityReclassified',
  'OutputsRecorded',
  'ActivityTransferred',
  'ActivityStageReached',
];
