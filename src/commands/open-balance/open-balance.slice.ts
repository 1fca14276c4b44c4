import type { ActivityState } from '../../activity/activity.state';
import { fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import type { Load } from '../command-runner';
import { decision } from '../decision-spec';
import { loadActivity, loadLine } from '../rules';
import { basis, decisionBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { OpenBalance, decideOpenBalance, openingSource } from './open-balance.decide';
import { OpenBalanceDto } from './open-balance.dto';

/** Số dư đầu kỳ: money carried into the ledger's first year from a year it does not hold. */
export const openBalanceCommand: RequestCommand<OpenBalanceDto, OpenBalance> = {
  name: 'OpenBalance',
  route: {
    path: 'opening-balance',
    summary: 'Số dư đầu kỳ: money carried into the first year the ledger records from a year it does not hold (origin year, deadline, decision kept)',
  },
  dto: OpenBalanceDto,
  toInput: (dto, { newId }) => ({
    line: dto.line,
    openingId: dto.openingId ?? newId(),
    amount: dto.amount,
    ...(dto.activityId ? { activityId: dto.activityId } : {}),
    deadline: dto.deadline,
    ...(dto.note ? { note: dto.note } : {}),
    basis: basis(decisionBasis(dto.decision), dto),
  }),
  spec: (input, catalogue) => {
    const loads: Load[] = [loadLine(input.line), loadLine(openingSource(input.line)), ...(input.activityId ? [loadActivity(input.activityId)] : [])];
    return decision({
      basis: input.basis,
      primaryStream: fundLineStream(input.line),
      loads,
      decide: (states) =>
        decideOpenBalance(input, states[0].state as FundLineState, states[1].state as FundLineState, states[2]?.state as ActivityState | undefined, catalogue),
    });
  },
  journal: {
    kind: 'openingBalance',
    toRequest: (body, j) => ({
      body: j.request(body, {
        line: j.line(body.line, 'line'),
        amount: j.amount(body.amount, 'amount'),
        deadline: j.date(body, 'deadline', 'deadline', true),
        decision: j.decision(body.decision),
        openingId: body.openingId ?? j.entryId,
      }),
    }),
  },
};
