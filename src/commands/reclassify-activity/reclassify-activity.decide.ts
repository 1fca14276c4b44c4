import type { ActivityReclassified, FundLineEvent, FundLineKey, Money } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { activityStream, fundLineLabel, fundLineStream } from '../../fund-line/fund-line.key';
import { FundLineState, evolveFundLine } from '../../fund-line/fund-line.state';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { decideMove } from '../adjust/adjust.decide';
import { event, requireActivity, requireDecision } from '../rules';

/** Moves part of the activity's allocation from one of its lines to a line of its new component. */
export interface ReclassificationMove {
  readonly from: FundLineKey;
  readonly to: FundLineKey;
  readonly amount: Money;
}

/**
 * Điều chỉnh phân loại: the activity changes kind (and possibly component) from the decision's date,
 * e.g. value-chain → community production support. Its households, hectares and money stay with it;
 * `moves` optionally carry its allocation to lines of the new component.
 */
export interface ReclassifyActivity {
  readonly activityId: string;
  readonly reclassificationId: string;
  readonly toKind: string;
  readonly toComponent?: string;
  readonly reason: string;
  readonly moves: readonly ReclassificationMove[];
  readonly basis: Basis;
}

export function decideReclassifyActivity(
  cmd: ReclassifyActivity,
  activity: ActivityState,
  lines: ReadonlyMap<string, FundLineState>,
  catalogue: Catalogue,
): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'reclassifying an activity');
  requireActivity(activity, cmd.activityId);
  const toComponent = cmd.toComponent ?? activity.component;
  catalogue.requireComponent('toComponent', toComponent, activity.programme);
  const kind = catalogue.requireActivityKind('toKind', cmd.toKind, activity.programme);
  if (!kind.components.includes(toComponent)) {
    throw InvalidCommand.field(
      'toKind',
      `activity kind ${cmd.toKind} does not belong to component ${toComponent}; it belongs to ${kind.components.join(', ')}`,
    );
  }
  if (cmd.toKind === activity.kind && toComponent === activity.component) {
    throw new CommandRefused('NOTHING_TO_RECLASSIFY', `activity ${cmd.activityId} is already ${activity.kind} under ${activity.component}`, {
      activityId: cmd.activityId,
    });
  }
  // The moves see the activity as it will be after the reclassification: its new component.
  const reclassified: ActivityState = { ...activity, kind: cmd.toKind, component: toComponent };
  const byStream = new Map<string, StreamEvents['events'][number][]>();
  const add = (stream: string, events: StreamEvents['events']) => byStream.set(stream, [...(byStream.get(stream) ?? []), ...events]);
  // Each move sees the lines as the earlier moves of this command left them, so that together they
  // cannot take more than the activity has.
  const working = new Map(lines);
  add(activityStream(cmd.activityId), [
    event<ActivityReclassified>('ActivityReclassified', {
      activityId: cmd.activityId,
      reclassificationId: cmd.reclassificationId,
      fromKind: activity.kind,
      toKind: cmd.toKind,
      fromComponent: activity.component,
      toComponent,
      reason: cmd.reason,
    }),
  ]);
  cmd.moves.forEach((m, i) => {
    if (m.from.component !== activity.component) {
      throw InvalidCommand.field(`moves[${i}].from`, `line ${fundLineLabel(m.from)} is not ${activity.component} money of this activity`);
    }
    const decided = decideMove(
      {
        adjustmentId: cmd.reclassificationId,
        from: { line: m.from, activityId: cmd.activityId },
        to: { line: m.to, activityId: cmd.activityId },
        amount: m.amount,
        reason: cmd.reason,
        basis: cmd.basis,
      },
      {
        fromLine: working.get(fundLineStream(m.from)) as FundLineState,
        toLine: working.get(fundLineStream(m.to)) as FundLineState,
        fromActivity: activity,
        toActivity: reclassified,
      },
      catalogue,
    );
    decided.forEach((d) => {
      add(d.stream, d.events);
      working.set(d.stream, (d.events as FundLineEvent[]).reduce(evolveFundLine, working.get(d.stream) as FundLineState));
    });
  });
  return [...byStream].map(([stream, events]) => ({ stream, events }));
}
