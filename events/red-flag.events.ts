import type { DomainEvent } from './metadata';

/**
 * Cờ đỏ đã được rà soát: an inspector (or auditor) looked at a red flag and wrote down what they found. The
 * flag stays listed, marked as reviewed; a later review adds another note. The flag is named by its stable id
 * (derived from its rule and evidence, see projections/red-flags), and the review keeps how much evidence the
 * reviewer saw, so evidence that joins the flag afterwards shows as new.
 */
export type RedFlagReviewed = DomainEvent<'RedFlagReviewed', {
  readonly flagId: string;
  /** The flag's rule code, e.g. "duplicate-voucher". */
  readonly rule: string;
  /** What the reviewer found, in their words. */
  readonly note: string;
  /** Evidence events the flag had when it was reviewed. */
  readonly evidenceCount: number;
  /** Log position of the flag's latest evidence event when it was reviewed (0 for a flag computed at query time from counts). */
  readonly lastEvidencePosition: number;
}>;

export type RedFlagEvent = RedFlagReviewed;

export const RED_FLAG_EVENT_TYPES: readonly RedFlagEvent['type'][] = ['RedFlagReviewed'];
