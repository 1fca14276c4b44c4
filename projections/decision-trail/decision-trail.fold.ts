import type { RecordedEvent } from '../../events';
import { DecisionRef, decisionOf } from '../shared/decision';

/**
 * Dấu vết quyết định: every decision (số, cơ quan ban hành, ngày) and what it caused. The events of one
 * decision, with before → after figures, are read from the fund-line and activity entries at query time;
 * this fold keeps the decision's own summary.
 */
export interface DecisionSummary extends DecisionRef {
  readonly eventCount: number;
  readonly firstPosition: number;
  readonly lastPosition: number;
  readonly firstRecordedAt: string;
  readonly lastRecordedAt: string;
  /** Effective dates of its events (usually one: the decision's date). */
  readonly firstEffectiveDate: string;
  readonly lastEffectiveDate: string;
  /** Events per type, e.g. { PlanAssigned: 42 }. */
  readonly byType: Readonly<Record<string, number>>;
}

export function evolveDecision(doc: DecisionSummary | null, event: RecordedEvent): DecisionSummary {
  const ref = decisionOf(event);
  if (!ref) throw new Error(`event at position ${event.position} has no decision as its legal basis`);
  const m = event.metadata;
  if (!doc) {
    // Named one by one as below, not `...ref` and then more: see lineBalance (balances.queries.ts).
    return {
      number: ref.number,
      issuer: ref.issuer,
      date: ref.date,
      eventCount: 1,
      firstPosition: event.position,
      lastPosition: event.position,
      firstRecordedAt: m.recordedAt,
      lastRecordedAt: m.recordedAt,
      firstEffectiveDate: m.effectiveDate,
      lastEffectiveDate: m.effectiveDate,
      byType: { [event.type]: 1 },
    };
  }
  const byType: Record<string, number> = {};
  for (const t in doc.byType) byType[t] = doc.byType[t];
  byType[event.type] = (byType[event.type] ?? 0) + 1;
  return {
    number: doc.number,
    issuer: doc.issuer,
    date: doc.date,
    eventCount: doc.eventCount + 1,
    firstPosition: doc.firstPosition,
    lastPosition: event.position,
    firstRecordedAt: doc.firstRecordedAt,
    lastRecordedAt: m.recordedAt,
    firstEffectiveDate: m.effectiveDate < doc.firstEffectiveDate ? m.effectiveDate : doc.firstEffectiveDate,
    lastEffectiveDate: m.effectiveDate > doc.lastEffectiveDate ? m.effectiveDate : doc.lastEffectiveDate,
    byType,
  };
}

