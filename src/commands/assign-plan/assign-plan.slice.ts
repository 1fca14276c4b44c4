import { onLine } from '../decision-spec';
import { basis, decisionBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { AssignPlan, decideAssignPlan } from './assign-plan.decide';
import { AssignPlanDto } from './assign-plan.dto';

/** Giao kế hoạch vốn. */
export const assignPlanCommand: RequestCommand<AssignPlanDto, AssignPlan> = {
  name: 'AssignPlan',
  route: { path: 'assign-plan', summary: 'Giao kế hoạch vốn: assign a plan to a fund line' },
  dto: AssignPlanDto,
  toInput: (dto) => ({
    line: dto.line,
    amount: dto.amount,
    note: dto.note,
    basis: basis(decisionBasis(dto.decision), dto),
  }),
  spec: (input, catalogue) => onLine(input, (line) => decideAssignPlan(input, line, catalogue)),
  journal: {
    kind: 'plan',
    toRequest: (body, j) => ({
      body: j.request(body, { line: j.line(body.line, 'line'), amount: j.amount(body.amount, 'amount'), decision: j.decision(body.decision) }),
    }),
  },
};
