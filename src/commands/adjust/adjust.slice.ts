import { activityStream, fundLineStream } from '../../fund-line/fund-line.key';
import { decision, distinct, stateOf } from '../decision-spec';
import { loadActivity, loadLine } from '../rules';
import { basis, decisionBasis } from '../shared/to-input';
import { isMapping, type RequestCommand } from '../slice';
import { Adjust, decideMove, decideResize } from './adjust.decide';
import { AdjustDto } from './adjust.dto';

/** Điều chỉnh: increase or decrease a line, or move money between lines or activities. */
export const adjustCommand: RequestCommand<AdjustDto, Adjust> = {
  name: 'Adjust',
  route: { path: 'adjust', summary: 'Điều chỉnh: increase or decrease a line, or move money between lines or activities' },
  dto: AdjustDto,
  toInput: (dto, { newId }) => {
    const common = {
      adjustmentId: dto.adjustmentId ?? newId(),
      amount: dto.amount,
      reason: dto.reason,
      basis: basis(decisionBasis(dto.decision), dto),
    };
    if (dto.kind === 'move') {
      const end = (e: NonNullable<AdjustDto['from']>) => ({ line: e.line, ...(e.activityId ? { activityId: e.activityId } : {}) });
      return { kind: 'move', from: end(dto.from!), to: end(dto.to!), ...common };
    }
    return { kind: dto.kind, line: dto.line!, ...common };
  },
  spec: (input, catalogue) => {
    if (input.kind !== 'move') {
      return decision({
        basis: input.basis,
        primaryStream: fundLineStream(input.line),
        loads: [loadLine(input.line)] as const,
        decide: ([line]) => decideResize(input, line.state, catalogue),
      });
    }
    const { from, to } = input;
    const loads = distinct([
      loadLine(from.line),
      loadLine(to.line),
      ...(from.activityId ? [loadActivity(from.activityId)] : []),
      ...(to.activityId ? [loadActivity(to.activityId)] : []),
    ]);
    return decision({
      basis: input.basis,
      primaryStream: fundLineStream(from.line),
      loads,
      decide: (states) =>
        decideMove(
          input,
          {
            fromLine: stateOf(loads, states, fundLineStream(from.line)),
            toLine: stateOf(loads, states, fundLineStream(to.line)),
            fromActivity: from.activityId ? stateOf(loads, states, activityStream(from.activityId)) : undefined,
            toActivity: to.activityId ? stateOf(loads, states, activityStream(to.activityId)) : undefined,
          },
          catalogue,
        ),
    });
  },
  journal: {
    kind: 'adjust',
    toRequest: (body, j) => {
      const end = (v: unknown, f: string) =>
        v === undefined ? undefined : isMapping(v) ? { ...v, line: j.line(v.line, `${f}.line`) } : (j.problem(f, 'must be { line, activityId? }'), undefined);
      return {
        body: j.request(body, {
          line: body.line === undefined ? undefined : j.line(body.line, 'line'),
          from: end(body.from, 'from'),
          to: end(body.to, 'to'),
          amount: j.amount(body.amount, 'amount'),
          decision: j.decision(body.decision),
          adjustmentId: body.adjustmentId ?? j.entryId,
        }),
      };
    },
  },
};
