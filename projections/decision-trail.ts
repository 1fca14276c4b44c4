import type { DecisionBasis, RecordedEvent, RecordedLedgerEvent } from '../events';
import { LEDGER_EVENT_TYPES } from '../events';
import { fundLineStream } from '../src/fund-line/fund-line.key';
import type { ActivityProgress } from './activity-progress';
import type { Cents } from './cents';
import { toCents } from './cents';
import type { ProjectionContext } from './context';
import type { RecordedLedger } from './recorded';

/**
 * Dấu vết quyết định: every decision (số, cơ quan ban hành, ngày) and what it caused. The events of one
 * decision, with before → after figures, are read from the fund-line and activity entries at query time;
 * this fold keeps the decision's own summary and the list of adjustments inspectors filter.
 */
export const DECISION_TRAIL_HANDLES: readonly RecordedLedgerEvent['type'][] = LEDGER_EVENT_TYPES;

export interface DecisionRef {
  readonly number: string;
  readonly issuer: string;
  readonly date: string;
}

export function decisionOf(event: RecordedEvent): DecisionRef | null {
  const b = event.metadata.legalBasis;
  if (b.kind !== 'decision') return null;
  return { number: (b as DecisionBasis).number, issuer: b.issuer, date: b.date };
}

/** One decision's identity as a single string: number, issuer and date all matter ("12/QĐ-UBND" recurs every year). */
export function decisionKey(d: DecisionRef): string {
  return `${d.number}\u0000${d.issuer}\u0000${d.date}`;
}

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
    return {
      ...ref,
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

/** Kinds of change in the adjustments list (điều chỉnh, and the corrections inspectors look at beside them). */
export const ADJUSTMENT_KINDS = [
  'plan-increase',
  'plan-decrease',
  'move-out',
  'move-in',
  'reclassification',
  'disbursement-reversal',
  'returned',
  'cancelled',
] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];

/** The event types that can be adjustments (adjustmentOf returns null for every other type). */
export const ADJUSTMENT_EVENT_TYPES: readonly RecordedLedgerEvent['type'][] = [
  'PlanAdjusted',
  'FundsMovedOut',
  'FundsMovedIn',
  'ActivityReclassified',
  'DisbursementReversed',
  'FundsReturned',
];

export interface Adjustment {
  readonly position: number;
  readonly kind: AdjustmentKind;
  /** adjustmentId, reclassificationId, disbursementId or returnId. */
  readonly reference: string;
  readonly effectiveDate: string;
  readonly recordedAt: string;
  readonly actorId: string;
  readonly actorRole: string;
  readonly decision: DecisionRef | null;
  readonly unit: string;
  readonly district: string;
  readonly province: string;
  /** The component the change is on (for a reclassification: the new one). */
  readonly component: string;
  /** The other component involved: a move's other line, a reclassification's former component. */
  readonly otherComponent: string;
  /** The line changed (stream), when a line is. */
  readonly stream: string | null;
  readonly activityId: string | null;
  readonly amount: Cents | null;
  readonly fromKind: string | null;
  readonly toKind: string | null;
  /** A move's or carry-over's other line (stream). */
  readonly counterpart: string | null;
  readonly reason: string;
  /** Whole days between the effective date and the (UTC) recording date; > 0 means recorded after taking effect. */
  readonly recordedDaysAfterEffect: number;
  /** What the activity had disbursed when the change was recorded: a reclassification after payments started shows here. */
  readonly activityDisbursedBefore: Cents | null;
}

const DAY_MS = 86_400_000;

/**
 * The adjustment an event is, or null. `activity` is the activity's progress document just before the
 * event (for a reclassification: its unit and what it had paid out).
 */
export function adjustmentOf(event: RecordedLedger, ctx: ProjectionContext, activity: ActivityProgress | null): Adjustment | null {
  const m = event.metadata;
  const base = {
    position: event.position,
    effectiveDate: m.effectiveDate,
    recordedAt: m.recordedAt,
    actorId: m.actor.id,
    actorRole: m.actor.role,
    decision: decisionOf(event),
    recordedDaysAfterEffect: Math.floor((Date.parse(m.recordedAt.slice(0, 10)) - Date.parse(m.effectiveDate)) / DAY_MS),
    activityDisbursedBefore: activity ? activity.disbursed : null,
  };
  if (event.type === 'ActivityReclassified') {
    const d = event.data;
    const unit = activity?.info.unit ?? '';
    return {
      ...base,
      kind: 'reclassification',
      reference: d.reclassificationId,
      unit,
      ...ctx.unitPlace(unit),
      component: d.toComponent,
      otherComponent: d.fromComponent,
      stream: null,
      activityId: d.activityId,
      amount: null,
      fromKind: d.fromKind,
      toKind: d.toKind,
      counterpart: null,
      reason: d.reason,
    };
  }
  let kind: AdjustmentKind;
  let reference: string;
  let reason: string;
  let activityId: string | undefined;
  let counterpart: string | null = null;
  let otherComponent = '';
  switch (event.type) {
    case 'PlanAdjusted':
      kind = event.data.direction === 'increase' ? 'plan-increase' : 'plan-decrease';
      reference = event.data.adjustmentId;
      reason = event.data.reason;
      break;
    case 'FundsMovedOut':
      kind = 'move-out';
      reference = event.data.adjustmentId;
      reason = event.data.reason;
      activityId = event.data.fromActivityId;
      counterpart = fundLineStream(event.data.toLine);
      otherComponent = event.data.toLine.component;
      break;
    case 'FundsMovedIn':
      kind = 'move-in';
      reference = event.data.adjustmentId;
      reason = event.data.reason;
      activityId = event.data.toActivityId;
      counterpart = fundLineStream(event.data.fromLine);
      otherComponent = event.data.fromLine.component;
      break;
    case 'DisbursementReversed':
      kind = 'disbursement-reversal';
      reference = event.data.disbursementId;
      reason = event.data.reason;
      activityId = event.data.activityId;
      break;
    case 'FundsReturned':
      kind = event.data.mode;
      reference = event.data.returnId;
      reason = event.data.reason;
      activityId = event.data.activityId;
      break;
    default:
      return null;
  }
  const line = event.data.line;
  return {
    ...base,
    kind,
    reference,
    unit: line.unit,
    ...ctx.unitPlace(line.unit, line.budgetYear),
    component: line.component,
    otherComponent,
    stream: event.stream,
    activityId: activityId || null,
    amount: toCents(event.data.amount),
    fromKind: null,
    toKind: null,
    counterpart,
    reason,
  };
}
