import type { DomainEvent } from './metadata';

/**
 * Khung kết quả: the programme's outcome indicators per unit and year (poverty rate, near-poverty rate, the same
 * for ethnic-minority households, households escaped, re-fallen and newly poor), measured each year by the poverty
 * review, and the targets the unit's plans set for them. The indicators are catalogue data (outcomeIndicators).
 */

/**
 * Kết quả rà soát hộ nghèo: one indicator of one unit at the end of one year, from the annual poverty review
 * (its decision is the event's legal basis). A second measurement of the same indicator and year corrects the first.
 */
export type OutcomeMeasured = DomainEvent<'OutcomeMeasured', {
  readonly programme: string;
  readonly unit: string;
  readonly indicator: string;
  /** The year the review measures (its figures are as of the end of that year). */
  readonly year: number;
  /** Exact decimal string: households, or a percentage ("12.35" for 12,35 %). */
  readonly value: string;
  readonly corrects?: { readonly reason: string };
  readonly note?: string;
}>;

/**
 * Mục tiêu: what a plan sets for an indicator of a unit over a period: an average yearly change ("giảm bình quân
 * 3 %/năm", "từ 4 %/năm trở lên") or a level to reach ("dưới 5 % đến năm 2025").
 */
export type OutcomeTargetSet = DomainEvent<'OutcomeTargetSet', {
  readonly programme: string;
  readonly unit: string;
  readonly targetId: string;
  readonly indicator: string;
  readonly kind: 'average-annual-change' | 'level';
  /** For a change: which way. */
  readonly direction?: 'decrease' | 'increase';
  /** The figure, in the indicator's unit (percentage points a year for a rate's change). */
  readonly value: string;
  /** How the achieved figure must compare with `value`: "từ … trở lên" is at-least, "trên" more-than. */
  readonly comparator: 'at-least' | 'more-than' | 'at-most' | 'less-than';
  readonly fromYear: number;
  readonly toYear: number;
  /** The year whose measurement the change is counted from; default: the year before fromYear, if measured. */
  readonly baselineYear?: number;
  readonly note?: string;
}>;

export type ResultsEvent = OutcomeMeasured | OutcomeTargetSet;

export const RESULTS_EVENT_TYPES: readonly ResultsEvent['type'][] = ['OutcomeMeasured', 'OutcomeTargetSet'];
