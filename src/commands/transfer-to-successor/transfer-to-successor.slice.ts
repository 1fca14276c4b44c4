import type { ActivityState } from '../../activity/activity.state';
import { fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import type { Load } from '../command-runner';
import { decision } from '../decision-spec';
import { loadActivity, loadLine } from '../rules';
import { basis, decisionBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { TransferToSuccessor, decideTransferToSuccessor, transferTarget } from './transfer-to-successor.decide';
import { TransferToSuccessorDto } from './transfer-to-successor.dto';

/** Chuyển giao: a decision hands an ended unit's unspent money (and activities) to a successor. */
export const transferToSuccessorCommand: RequestCommand<TransferToSuccessorDto, TransferToSuccessor> = {
  name: 'TransferToSuccessor',
  route: {
    path: 'transfer-to-successor',
    summary: "Chuyển giao: a decision hands an ended unit's unspent money, and its activities, to a successor unit (the 2025 reform)",
  },
  dto: TransferToSuccessorDto,
  toInput: (dto, { newId }) => ({
    from: dto.from,
    toUnit: dto.toUnit,
    transferId: dto.transferId ?? newId(),
    amount: dto.amount,
    ...(dto.activityId ? { activityId: dto.activityId } : {}),
    reason: dto.reason,
    basis: basis(decisionBasis(dto.decision), dto),
  }),
  spec: (input, catalogue) => {
    const loads: Load[] = [
      loadLine(input.from),
      loadLine(transferTarget(input.from, input.toUnit)),
      ...(input.activityId ? [loadActivity(input.activityId)] : []),
    ];
    return decision({
      basis: input.basis,
      primaryStream: fundLineStream(input.from),
      loads,
      decide: (states) => decideTransferToSuccessor(input, states[0].state as FundLineState, states[2]?.state as ActivityState | undefined, catalogue),
    });
  },
  journal: {
    kind: 'transfer',
    toRequest: (body, j) => ({
      body: j.request(body, {
        from: j.line(body.from, 'from'),
        toUnit: body.toUnit === undefined ? undefined : j.unit(body.toUnit, 'toUnit'),
        amount: j.amount(body.amount, 'amount'),
        decision: j.decision(body.decision),
        transferId: body.transferId ?? j.entryId,
      }),
    }),
  },
};
