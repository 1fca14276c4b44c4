import type { FundLineKey, FundsAllocated, Money } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { fundLineLabel, fundLineStream } from '../../fund-line/fund-line.key';
import { FundLineState, unallocated } from '../../fund-line/fund-line.state';
import { money } from '../../money/money';
import type { Basis, StreamEvents } from '../command';
import {
  checkLineKey,
  event,
  requireActivity,
  requireActivityFitsLine,
  requireDecision,
  requireLine,
  requireWithin,
} from '../rules';

/** Phân bổ chi tiết: part of a line's unallocated money goes to an activity. */
export interface AllocateFunds {
  readonly line: FundLineKey;
  readonly activityId: string;
  readonly amount: Money;
  readonly basis: Basis;
}

export function decideAllocateFunds(
  cmd: AllocateFunds,
  line: FundLineState,
  activity: ActivityState,
  catalogue: Catalogue,
): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'allocating funds');
  const key = checkLineKey(catalogue, cmd.line, 'line');
  requireLine(line, key);
  requireActivity(activity, cmd.activityId);
  requireActivityFitsLine(catalogue, activity, key);
  requireWithin('INSUFFICIENT_UNALLOCATED', `line ${fundLineLabel(key)}`, unallocated(line), 'not yet allocated', money(cmd.amount), {
    line: key,
  });
  return [
    {
      stream: fundLineStream(key),
      events: [event<FundsAllocated>('FundsAllocated', { line: key, activityId: cmd.activityId, amount: cmd.amount })],
    },
  ];
}
