import type { FundLineKey, FundsReturned, Money } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { money } from '../../money/money';
import type { Basis, StreamEvents } from '../command';
import { checkLineKey, event, requireDecision, requireLine } from '../rules';
import { requireTakeable } from '../sources-of-money';

/** Nộp trả / hủy dự toán: unspent money leaves the line, from its unallocated part or from one activity. */
export interface ReturnFunds {
  readonly line: FundLineKey;
  readonly returnId: string;
  readonly mode: 'returned' | 'cancelled';
  readonly amount: Money;
  readonly activityId?: string;
  readonly reason: string;
  readonly basis: Basis;
}

export function decideReturnFunds(
  cmd: ReturnFunds,
  line: FundLineState,
  activity: ActivityState | undefined,
  catalogue: Catalogue,
): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'returning or cancelling funds');
  const key = checkLineKey(catalogue, cmd.line, 'line');
  requireLine(line, key);
  requireTakeable(line, key, money(cmd.amount), cmd.activityId, activity);
  return [
    {
      stream: fundLineStream(key),
      events: [
        event<FundsReturned>('FundsReturned', {
          line: key,
          returnId: cmd.returnId,
          mode: cmd.mode,
          amount: cmd.amount,
          ...(cmd.activityId ? { activityId: cmd.activityId } : {}),
          reason: cmd.reason,
        }),
      ],
    },
  ];
}
