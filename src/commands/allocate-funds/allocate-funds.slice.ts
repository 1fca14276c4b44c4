import { fundLineStream } from '../../fund-line/fund-line.key';
import { decision } from '../decision-spec';
import { loadActivity, loadLine } from '../rules';
import { basis, decisionBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { AllocateFunds, decideAllocateFunds } from './allocate-funds.decide';
import { AllocateFundsDto } from './allocate-funds.dto';

/** Phân bổ chi tiết. */
export const allocateFundsCommand: RequestCommand<AllocateFundsDto, AllocateFunds> = {
  name: 'AllocateFunds',
  route: { path: 'allocate', summary: 'Phân bổ chi tiết: allocate part of a line to an activity' },
  dto: AllocateFundsDto,
  toInput: (dto) => ({
    line: dto.line,
    activityId: dto.activityId,
    amount: dto.amount,
    basis: basis(decisionBasis(dto.decision), dto),
  }),
  spec: (input, catalogue) =>
    decision({
      basis: input.basis,
      primaryStream: fundLineStream(input.line),
      loads: [loadLine(input.line), loadActivity(input.activityId)] as const,
      decide: ([line, activity]) => decideAllocateFunds(input, line.state, activity.state, catalogue),
    }),
  journal: {
    kind: 'allocate',
    toRequest: (body, j) => ({
      body: j.request(body, { line: j.line(body.line, 'line'), amount: j.amount(body.amount, 'amount'), decision: j.decision(body.decision) }),
    }),
  },
};
