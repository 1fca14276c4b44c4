import type { ActivityTransferred, FundLineKey, FundsTransferredIn, FundsTransferredOut, Money } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { inForce } from '../../catalogue/units/unit-registry';
import { activityStream, fundLineLabel, fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { money } from '../../money/money';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { checkLineKey, event, requireDecision, requireLine } from '../rules';
import { requireTakeable } from '../sources-of-money';

/**
 * Chuyển giao cho đơn vị kế thừa: the unit holding a line ended (the reform of 1/7/2025) and a decision hands its
 * unspent money to one of its successors: the line's unallocated money, or one activity's undisbursed allocation
 * (the activity goes along). The successor holds it on its line of the same programme, component, years, source
 * and capital type. A unit split between several successors is split by decisions, one transfer per successor
 * named: the ledger never guesses where a split unit's money went.
 */
export interface TransferToSuccessor {
  readonly from: FundLineKey;
  readonly toUnit: string;
  readonly transferId: string;
  readonly amount: Money;
  readonly activityId?: string;
  readonly reason: string;
  readonly basis: Basis;
}

/** The successor's line: the same dimensions, the successor's unit. */
export function transferTarget(from: FundLineKey, toUnit: string): FundLineKey {
  return { ...from, unit: toUnit };
}

export function decideTransferToSuccessor(
  cmd: TransferToSuccessor,
  from: FundLineState,
  activity: ActivityState | undefined,
  catalogue: Catalogue,
): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'handing money to a successor unit');
  const source = checkLineKey(catalogue, cmd.from, 'from');
  const day = cmd.basis.effectiveDate;
  const units = catalogue.units;
  // The unit as the line holds it: its version in the budget year that has ended by the decision's day.
  const ended = units.during(source.unit, source.budgetYear).find((v) => v.to !== null && v.to < day);
  if (!ended) {
    throw new CommandRefused(
      'UNIT_NOT_ENDED',
      `unit ${source.unit} of line ${fundLineLabel(source)} is still in force on ${day}: money passes to a successor only once its unit has ended`,
      { line: source, effectiveDate: day },
    );
  }
  if (cmd.toUnit === source.unit) {
    throw new CommandRefused(
      'SAME_LINE',
      `the successor keeps code ${source.unit}: line ${fundLineLabel(source)} is already the line it holds (a code names the unit in force on the day)`,
      { line: source },
    );
  }
  const heirs = units.heirs(source.unit);
  if (!heirs.some((h) => h.code === cmd.toUnit)) {
    const named = heirs.slice(0, 12).map((h) => units.label(h));
    throw new CommandRefused(
      'NOT_A_SUCCESSOR',
      `unit ${cmd.toUnit} did not take over ${units.label(ended)}; its successors are ${named.length > 0 ? named.join(', ') : 'not in the succession lists'}${heirs.length > named.length ? ` … (${heirs.length} in all)` : ''}`,
      { line: source, toUnit: cmd.toUnit, successors: heirs.map((h) => h.code) },
    );
  }
  const heir = catalogue.requireUnit('toUnit', cmd.toUnit, day);
  if (!inForce(heir, source.budgetYear)) {
    throw InvalidCommand.field(
      'toUnit',
      `${units.label(heir)} began on ${heir.from}: it holds no line of ${source.budgetYear}; carry the money over into ${Number((heir.from as string).slice(0, 4))} first`,
    );
  }
  const target = checkLineKey(catalogue, transferTarget(source, cmd.toUnit), 'from');
  requireLine(from, source);
  requireTakeable(from, source, money(cmd.amount), cmd.activityId, activity);

  const shared = { transferId: cmd.transferId, amount: cmd.amount, ...(cmd.activityId ? { activityId: cmd.activityId } : {}), reason: cmd.reason };
  const out: StreamEvents[] = [
    { stream: fundLineStream(source), events: [event<FundsTransferredOut>('FundsTransferredOut', { line: source, ...shared, toLine: target })] },
    { stream: fundLineStream(target), events: [event<FundsTransferredIn>('FundsTransferredIn', { line: target, ...shared, fromLine: source })] },
  ];
  if (cmd.activityId !== undefined) {
    const a = activity as ActivityState;
    // The activity goes with its money unless it already runs under the successor (a transfer of its other money).
    const under = (unit: string) => unit === cmd.toUnit || units.ancestors(unit, day).includes(cmd.toUnit);
    if (!under(a.unit)) {
      const ofOldUnit = a.handedTo === undefined && (a.unit === source.unit || units.ancestors(a.unit, source.budgetYear).includes(source.unit));
      if (!ofOldUnit) {
        throw new CommandRefused(
          'ACTIVITY_HANDED_ELSEWHERE',
          `activity ${cmd.activityId} ${a.handedTo !== undefined ? `was handed to unit ${a.handedTo}` : `is run by unit ${a.unit}`}, not by ${source.unit} nor by ${cmd.toUnit}: its money follows it (register the part that goes to ${cmd.toUnit} as an activity of its own)`,
          { activityId: cmd.activityId, activityUnit: a.unit, toUnit: cmd.toUnit },
        );
      }
      out.push({
        stream: activityStream(cmd.activityId),
        events: [event<ActivityTransferred>('ActivityTransferred', { activityId: cmd.activityId, transferId: cmd.transferId, fromUnit: a.unit, toUnit: cmd.toUnit, reason: cmd.reason })],
      });
    }
  }
  return out;
}
