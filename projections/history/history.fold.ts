import { type Actor, type FundLineEvent, type LegalBasis, legalBasisOf } from '../../events';
import { fundLineLabel, fundLineStream } from '../../src/fund-line/fund-line.key';
import { MeasureDelta, Measures, ZERO_MEASURES, activityOfFundLineEvent, addMeasures, fundLineDelta } from '../balances/balances.fold';
import type { Cents } from '../shared/cents';
import { toCents } from '../shared/cents';
import type { RecordedFundLineEvent } from '../shared/recorded';

/**
 * Sổ chi tiết dòng vốn: the events of one line in order, each with what it changed, the decision or
 * voucher behind it, who recorded it and when, and the running balance after it.
 */
export interface HistoryEntry {
  readonly position: number;
  readonly stream: string;
  readonly type: FundLineEvent['type'];
  /** Valid time (YYYY-MM-DD). */
  readonly effectiveDate: string;
  /** Transaction time (ISO instant). */
  readonly recordedAt: string;
  readonly actor: Actor;
  readonly command: string;
  readonly legalBasis: LegalBasis;
  readonly amount: Cents;
  readonly activityId?: string;
  /** The event's own id: disbursementId, adjustmentId, carryOverId, returnId, openingId or transferId. */
  readonly reference?: string;
  /** The other line of a move, carry-over or transfer (its stream). */
  readonly counterpart?: string;
  /** Reason, note, deadline, direction, mode, the other side's activity: whatever the event adds. */
  readonly details?: Readonly<Record<string, string>>;
  readonly delta: MeasureDelta;
}

/** `delta` may be passed when the caller already computed fundLineDelta(event). */
export function historyEntry(event: RecordedFundLineEvent, delta: MeasureDelta = fundLineDelta(event)): HistoryEntry {
  const d = event.data;
  let reference: string | undefined;
  let counterpart: string | undefined;
  const details: Record<string, string> = {};
  let hasDetails = true;
  switch (event.type) {
    case 'PlanAssigned':
      if (event.data.note) details.note = event.data.note;
      else hasDetails = false;
      break;
    case 'FundsAllocated':
      hasDetails = false;
      break;
    case 'PlanAdjusted':
      reference = event.data.adjustmentId;
      details.direction = event.data.direction;
      details.reason = event.data.reason;
      break;
    case 'FundsMovedOut':
      reference = event.data.adjustmentId;
      counterpart = fundLineStream(event.data.toLine);
      details.toLine = fundLineLabel(event.data.toLine);
      if (event.data.toActivityId) details.toActivityId = event.data.toActivityId;
      details.reason = event.data.reason;
      break;
    case 'FundsMovedIn':
      reference = event.data.adjustmentId;
      counterpart = fundLineStream(event.data.fromLine);
      details.fromLine = fundLineLabel(event.data.fromLine);
      if (event.data.fromActivityId) details.fromActivityId = event.data.fromActivityId;
      details.reason = event.data.reason;
      break;
    case 'CarriedOver':
      reference = event.data.carryOverId;
      counterpart = fundLineStream(event.data.toLine);
      details.toLine = fundLineLabel(event.data.toLine);
      details.deadline = event.data.deadline;
      break;
    case 'CarriedIn':
      reference = event.data.carryOverId;
      counterpart = fundLineStream(event.data.fromLine);
      details.fromLine = fundLineLabel(event.data.fromLine);
      details.deadline = event.data.deadline;
      break;
    case 'Disbursed':
      reference = event.data.disbursementId;
      hasDetails = false;
      break;
    case 'DisbursementReversed':
      reference = event.data.disbursementId;
      details.reason = event.data.reason;
      break;
    case 'FundsReturned':
      reference = event.data.returnId;
      details.mode = event.data.mode;
      details.reason = event.data.reason;
      break;
    case 'BalanceOpened':
      reference = event.data.openingId;
      details.deadline = event.data.deadline;
      details.originYear = String(event.data.line.originYear);
      if (event.data.note) details.note = event.data.note;
      break;
    case 'FundsTransferredOut':
      reference = event.data.transferId;
      counterpart = fundLineStream(event.data.toLine);
      details.toLine = fundLineLabel(event.data.toLine);
      details.toUnit = event.data.toLine.unit;
      details.reason = event.data.reason;
      break;
    case 'FundsTransferredIn':
      reference = event.data.transferId;
      counterpart = fundLineStream(event.data.fromLine);
      details.fromLine = fundLineLabel(event.data.fromLine);
      details.fromUnit = event.data.fromLine.unit;
      details.reason = event.data.reason;
      break;
  }
  const m = event.metadata;
  // Absent optional fields stay undefined (no spreads: this runs for every event of a rebuild).
  return {
    position: event.position,
    stream: event.stream,
    type: event.type,
    effectiveDate: m.effectiveDate,
    recordedAt: m.recordedAt,
    actor: m.actor,
    command: m.command,
    legalBasis: legalBasisOf(m),
    amount: toCents(d.amount),
    activityId: activityOfFundLineEvent(event),
    reference,
    counterpart,
    details: hasDetails ? details : undefined,
    delta,
  };
}

/**
 * The counters after each change, folded in the order given (log order, or valid-time order) from those before the
 * first: a history's running balance.
 */
export function runningMeasures(deltas: readonly MeasureDelta[], start: Measures = ZERO_MEASURES): Measures[] {
  let measures = start;
  return deltas.map((delta) => (measures = addMeasures(measures, delta)));
}
