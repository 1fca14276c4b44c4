import type { ActivityState } from '../../activity/activity.state';
import { fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import type { Load } from '../command-runner';
import { decision } from '../decision-spec';
import { loadActivity, loadLine } from '../rules';
import { basis, decisionBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { CarryOver, carryOverTarget, decideCarryOver } from './carry-over.decide';
import { CarryOverDto } from './carry-over.dto';

/** Chuyển nguồn: unspent money moves to year N+1, its origin year kept. */
export const carryOverCommand: RequestCommand<CarryOverDto, CarryOver> = {
  name: 'CarryOver',
  route: { path: 'carry-over', summary: 'Chuyển nguồn: carry unspent money into the next budget year, keeping its origin year' },
  dto: CarryOverDto,
  toInput: (dto, { newId }) => ({
    from: dto.from,
    carryOverId: dto.carryOverId ?? newId(),
    amount: dto.amount,
    activityId: dto.activityId,
    deadline: dto.deadline,
    basis: basis(decisionBasis(dto.decision), dto),
  }),
  spec: (input, catalogue) => {
    const loads: Load[] = [
      loadLine(input.from),
      loadLine(carryOverTarget(input.from)),
      ...(input.activityId ? [loadActivity(input.activityId)] : []),
    ];
    return decision({
      basis: input.basis,
      primaryStream: fundLineStream(input.from),
      loads,
      decide: (states) =>
        decideCarryOver(input, states[0].state as FundLineState, states[2]?.state as ActivityState | undefined, catalogue),
    });
  },
  journal: {
    kind: 'carryOver',
    toRequest: (body, j) => {
      const deadline = j.date(body, 'deadline', 'deadline', true);
      return {
        body: j.request(body, {
          from: j.line(body.from, 'from'),
          amount: j.amount(body.amount, 'amount'),
          decision: j.decision(body.decision),
          deadline,
          carryOverId: body.carryOverId ?? j.entryId,
        }),
      };
    },
  },
};
