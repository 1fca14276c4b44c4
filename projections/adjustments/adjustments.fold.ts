import type { RecordedLedgerEvent } from '../../events';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import type { ActivityProgress } from '../progress/progress.fold';
import type { Cents } from '../shared/cents';
import { toCents } from '../shared/cents';
import type { ProjectionContext } from '../shared/context';
import { DecisionRef, decisionOf } from '../shared/decision';
import type { RecordedLedger } from '../shared/recorded';

/**
 * Điều chỉnh: the list of adjustments inspectors filter — plan increases and decreases, moves between lines or
 * activities, reclassifications, transfers to a successor unit — and the corrections they look at beside them (reversed disbursements,
 * returned or cancelled money), each with how late it was recorded and what the activity had paid before.
 */

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
  'transfer-out',
  'transfer-in',
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
  'FundsTransferredOut',
  'FundsTransferredIn',
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
    // Object.assign, not a literal that begins with ...base: see lineBalance (balances.queries.ts).
    return Object.assign(base, {
      kind: 'reclassification' as const,
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
    });
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
    case 'FundsTransferredOut':
      kind = 'transfer-out';
      reference = event.data.transferId;
      reason = event.data.reason;
      activityId = event.data.activityId;
      counterpart = fundLineStream(event.data.toLine);
      otherComponent = event.data.toLine.component;
      break;
    case 'FundsTransferredIn':
      kind = 'transfer-in';
      reference = event.data.transferId;
      reason = event.data.reason;
      activityId = event.data.activityId;
      counterpart = fundLineStream(event.data.fromLine);
      otherComponent = event.data.fromLine.component;
      break;
    default:
      return null;
  }
  const line = event.data.line;
  return Object.assign(base, {
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
  });
}
