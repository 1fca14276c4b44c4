import { OutcomesState, outcomeStream, outcomesFold } from '../../results/outcomes.state';
import { decision } from '../decision-spec';
import { basisFields } from '../record-outcome/record-outcome.slice';
import { basis, decisionBasis, documentBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { SetOutcomeTarget, decideSetOutcomeTarget } from './set-outcome-target.decide';
import { SetOutcomeTargetDto } from './set-outcome-target.dto';

/** Mục tiêu giảm nghèo: what a plan sets for an outcome indicator of a unit over a period. */
export const setOutcomeTargetCommand: RequestCommand<SetOutcomeTargetDto, SetOutcomeTarget> = {
  name: 'SetOutcomeTarget',
  route: {
    path: 'outcomes/target',
    summary: 'Mục tiêu: a target a plan sets for an outcome indicator of a unit ("giảm bình quân 3 %/năm", "từ 4 %/năm trở lên")',
  },
  dto: SetOutcomeTargetDto,
  toInput: (dto, { newId }) => ({
    programme: dto.programme,
    unit: dto.unit,
    targetId: dto.targetId ?? newId(),
    indicator: dto.indicator,
    kind: dto.kind,
    ...(dto.direction ? { direction: dto.direction } : {}),
    value: dto.value,
    comparator: dto.comparator ?? 'at-least',
    fromYear: dto.fromYear,
    toYear: dto.toYear,
    ...(dto.baselineYear !== undefined ? { baselineYear: dto.baselineYear } : {}),
    ...(dto.note ? { note: dto.note } : {}),
    basis: basis(dto.decision ? decisionBasis(dto.decision) : documentBasis(dto.document!), dto),
  }),
  spec: (input, catalogue) =>
    decision({
      basis: input.basis,
      primaryStream: outcomeStream(input.unit),
      loads: [{ stream: outcomeStream(input.unit), fold: outcomesFold }] as const,
      decide: ([outcomes]) => decideSetOutcomeTarget(input, outcomes.state as OutcomesState, catalogue),
    }),
  journal: {
    kind: 'outcomeTarget',
    toRequest: (body, j) => ({
      body: j.request(body, {
        programme: body.programme ?? j.defaults.programme,
        unit: body.unit === undefined ? j.defaults.unit : j.unit(body.unit, 'unit'),
        targetId: body.targetId ?? j.entryId,
        value: body.value === undefined ? undefined : j.quantity(body.value, 'value'),
        ...basisFields(body, j),
      }),
    }),
  },
};
