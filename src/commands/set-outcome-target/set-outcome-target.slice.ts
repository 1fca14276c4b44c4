import { onOutcomes, outcomeRequest } from '../record-outcome/record-outcome.slice';
import { decisionOrDocumentBasis } from '../shared/to-input';
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
    basis: decisionOrDocumentBasis(dto),
  }),
  spec: (input, catalogue) => onOutcomes(input, (outcomes) => decideSetOutcomeTarget(input, outcomes, catalogue)),
  journal: {
    kind: 'outcomeTarget',
    toRequest: (body, j) => ({ body: outcomeRequest(body, j, { targetId: body.targetId ?? j.entryId }) }),
  },
};
