import { onLineForActivity } from '../decision-spec';
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
  spec: (input, catalogue) => onLineForActivity(input, (line, activity) => decideAllocateFunds(input, line, activity, catalogue)),
  journal: {
    kind: 'allocate',
    toRequest: (body, j) => ({
      body: j.request(body, { line: j.line(body.line, 'line'), amount: j.amount(body.amount, 'amount'), decision: j.decision(body.decision) }),
    }),
  },
};
