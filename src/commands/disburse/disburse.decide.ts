import type { Disbursed, FundLineKey, Money } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { money } from '../../money/money';
import { CommandRefused } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { checkLineKey, event, requireLine, requireVoucher } from '../rules';
import { requireTakeable } from '../sources-of-money';

/** Giải ngân: a treasury voucher pays part of an activity's allocation on a line. */
export interface Disburse {
  readonly line: FundLineKey;
  readonly activityId: string;
  readonly disbursementId: string;
  readonly amount: Money;
  readonly basis: Basis;
}

export function decideDisburse(cmd: Disburse, line: FundLineState, activity: ActivityState, catalogue: Catalogue): StreamEvents[] {
  requireVoucher(cmd.basis.legalBasis, 'a disbursement');
  const key = checkLineKey(catalogue, cmd.line, 'line');
  requireLine(line, key);
  if (line.disbursements.has(cmd.disbursementId)) {
    throw new CommandRefused('DISBURSEMENT_EXISTS', `disbursement ${cmd.disbursementId} is already recorded on this line`, {
      disbursementId: cmd.disbursementId,
    });
  }
  requireTakeable(line, key, money(cmd.amount), cmd.activityId, activity);
  return [
    {
      stream: fundLineStream(key),
      events: [
        event<Disbursed>('Disbursed', {
          line: key,
          activityId: cmd.activityId,
          disbursementId: cmd.disbursementId,
          amount: cmd.amount,
        }),
      ],
    },
  ];
}
