import type { ActivityState } from '../../activity/activity.state';
import { fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import type { Load } from '../command-runner';
import { decision } from '../decision-spec';
import { loadActivity, loadLine } from '../rules';
import { basis, decisionBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { ReturnFunds, decideReturnFunds } from './return-funds.decide';
import { ReturnFundsDto } from './return-funds.dto';

/** Nộp trả / hủy dự toán: return or cancel unspent money. */
export const returnFundsCommand: RequestCommand<ReturnFundsDto, ReturnFunds> = {
  name: 'ReturnFunds',
  route: { path: 'return-funds', summary: 'Nộp trả / hủy dự toán: return or cancel unspent money' },
  dto: ReturnFundsDto,
  toInput: (dto, { newId }) => ({
    line: dto.line,
    returnId: dto.returnId ?? newId(),
    mode: dto.mode,
    amount: dto.amount,
    activityId: dto.activityId,
    reason: dto.reason,
    basis: basis(decisionBasis(dto.decision), dto),
  }),
  spec: (input, catalogue) => {
    const loads: Load[] = [loadLine(input.line), ...(input.activityId ? [loadActivity(input.activityId)] : [])];
    return decision({
      basis: input.basis,
      primaryStream: fundLineStream(input.line),
      loads,
      decide: (states) =>
        decideReturnFunds(input, states[0].state as FundLineState, states[1]?.state as ActivityState | undefined, catalogue),
    });
  },
  journal: {
    kind: 'return',
    toRequest: (body, j) => ({
      body: j.request(body, {
        line: j.line(body.line, 'line'),
        amount: j.amount(body.amount, 'amount'),
        decision: j.decision(body.decision),
        returnId: body.returnId ?? j.entryId,
      }),
    }),
  },
};
