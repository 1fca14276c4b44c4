import { legalBasisOf, type RecordedEvent } from '../../events';

/** A decision (quyết định) as the read models name it: number, issuer and date all matter ("12/QĐ-UBND" recurs every year). */
export interface DecisionRef {
  readonly number: string;
  readonly issuer: string;
  readonly date: string;
}

/** The decision an event was recorded under, or null when its legal basis is a voucher or another document. */
export function decisionOf(event: RecordedEvent): DecisionRef | null {
  const b = legalBasisOf(event.metadata);
  if (b.kind !== 'decision') return null;
  return { number: b.number, issuer: b.issuer, date: b.date };
}

/** One decision's identity as a single string. */
export function decisionKey(d: DecisionRef): string {
  return `${d.number}\u0000${d.issuer}\u0000${d.date}`;
}
