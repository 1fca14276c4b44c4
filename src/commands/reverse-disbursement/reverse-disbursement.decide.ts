import type { DisbursementReversed, FundLineKey } from '../../../events';
import type { Catalogue } from '../../catalogue/catalogue';
import { fundLineLabel, fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { CommandRefused } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { checkLineKey, event, requireLine, requireVoucher } from '../rules';

/** A correcting event that reverses one whole disbursement; the original stays in the log. */
export interface ReverseDisbursement {
  readonly line: FundLineKey;
  readonly disbursementId: string;
  readonly reason: string;
  readonly basis: Basis;
}

export function decideReverseDisbursement(cmd: ReverseDisbursement, line: FundLineState, catalogue: Catalogue): StreamEvents[] {
  requireVoucher(cmd.basis.legalBasis, 'reversing a disbursement');
  const key = checkLineKey(catalogue, cmd.line, 'line');
  requireLine(line, key);
  const original = line.disbursements.get(cmd.disbursementId);
  if (!original) {
    throw new CommandRefused(
      'DISBURSEMENT_NOT_FOUND',
      `line ${fundLineLabel(key)} has no disbursement ${cmd.disbursementId}`,
      { disbursementId: cmd.disbursementId },
    );
  }
  if (line.reversed.has(cmd.disbursementId)) {
    throw new CommandRefused('ALREADY_REVERSED', `disbursement ${cmd.disbursementId} was already reversed`, {
      disbursementId: cmd.disbursementId,
    });
  }
  return [
    {
      stream: fundLineStream(key),
      events: [
        event<DisbursementReversed>('DisbursementReversed', {
          line: key,
          activityId: original.activityId,
          disbursementId: cmd.disbursementId,
          amount: original.amount.toFixed(),
          reason: cmd.reason,
        }),
      ],
    },
  ];
}
