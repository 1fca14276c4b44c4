import type { ActivityState } from '../../activity/activity.state';
import { activityStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { decision, distinct } from '../decision-spec';
import { loadActivity, loadLine } from '../rules';
import { basis, decisionBasis } from '../shared/to-input';
import { isMapping, type RequestCommand } from '../slice';
import { ReclassifyActivity, decideReclassifyActivity } from './reclassify-activity.decide';
import { ReclassifyActivityDto } from './reclassify-activity.dto';

/** Điều chỉnh phân loại: change an activity's kind, optionally moving its money. */
export const reclassifyActivityCommand: RequestCommand<ReclassifyActivityDto, ReclassifyActivity> = {
  name: 'ReclassifyActivity',
  route: {
    path: 'activities/:activityId/reclassify',
    summary: "Điều chỉnh phân loại: change an activity's kind (e.g. value-chain → community production), optionally moving its money",
  },
  dto: ReclassifyActivityDto,
  toInput: (dto, { params, newId }) => ({
    activityId: params.activityId,
    reclassificationId: dto.reclassificationId ?? newId(),
    toKind: dto.toKind,
    ...(dto.toComponent ? { toComponent: dto.toComponent } : {}),
    reason: dto.reason,
    moves: (dto.moves ?? []).map((m) => ({ from: m.from, to: m.to, amount: m.amount })),
    basis: basis(decisionBasis(dto.decision), dto),
  }),
  spec: (input, catalogue) => {
    const loads = distinct([loadActivity(input.activityId), ...input.moves.flatMap((m) => [loadLine(m.from), loadLine(m.to)])]);
    return decision({
      basis: input.basis,
      primaryStream: activityStream(input.activityId),
      loads,
      decide: (states) => {
        const lines = new Map(loads.slice(1).map((l, i) => [l.stream, states[i + 1].state as FundLineState]));
        return decideReclassifyActivity(input, states[0].state as ActivityState, lines, catalogue);
      },
    });
  },
  journal: {
    kind: 'reclassify',
    toRequest: (body, j) => {
      const { activityId, ...rest } = body;
      const moves = Array.isArray(rest.moves)
        ? rest.moves.map((m, i) =>
            isMapping(m)
              ? { ...m, from: j.line(m.from, `moves[${i}].from`), to: j.line(m.to, `moves[${i}].to`), amount: j.amount(m.amount, `moves[${i}].amount`) }
              : m,
          )
        : rest.moves;
      const id = j.activityId(activityId);
      return {
        params: { activityId: id },
        body: j.request(rest, { moves, decision: j.decision(rest.decision), reclassificationId: rest.reclassificationId ?? j.entryId }),
      };
    },
  },
};
