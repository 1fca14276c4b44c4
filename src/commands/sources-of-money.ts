import type { FundLineKey } from '../../events';
import type { ActivityState } from '../activity/activity.state';
import { fundLineLabel } from '../fund-line/fund-line.key';
import { FundLineState, unallocated, undisbursed } from '../fund-line/fund-line.state';
import type { D } from '../money/money';
import { requireActivity, requireWithin } from './rules';

/**
 * Money leaving a line comes either from its unallocated part or, when an activity is named, from that
 * activity's allocation not yet disbursed. One rule for moves, carry-overs and returns.
 */
export function requireTakeable(
  line: FundLineState,
  key: FundLineKey,
  amount: D,
  activityId: string | undefined,
  activity: ActivityState | undefined,
): void {
  if (activityId === undefined) {
    requireWithin('INSUFFICIENT_UNALLOCATED', `line ${fundLineLabel(key)}`, unallocated(line), 'not yet allocated', amount, {
      line: key,
    });
    return;
  }
  if (activity) requireActivity(activity, activityId);
  requireWithin(
    'INSUFFICIENT_ALLOCATION',
    `activity ${activityId} on line ${fundLineLabel(key)}`,
    undisbursed(line, activityId),
    'allocated and not yet disbursed',
    amount,
    { line: key, activityId },
  );
}
