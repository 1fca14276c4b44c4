import { fundLineStream } from '../../fund-line/fund-line.key';
import { decision } from '../decision-spec';
import { loadActivity, loadLine } from '../rules';
import { basis, voucherBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { Disburse, decideDisburse } from './disburse.decide';
import { DisburseDto } from './disburse.dto';

/** Giải ngân, by State Treasury voucher. */
export const disburseCommand: RequestCommand<DisburseDto, Disburse> = {
  name: 'Disburse',
  route: { path: 'disburse', summary: "Giải ngân: disburse against an activity's allocation, by treasury voucher" },
  dto: DisburseDto,
  toInput: (dto, { newId }) => ({
    line: dto.line,
    activityId: dto.activityId,
    disbursementId: dto.disbursementId ?? newId(),
    amount: dto.amount,
    basis: basis(voucherBasis(dto.voucher), dto),
  }),
  spec: (input, catalogue) =>
    decision({
      basis: input.basis,
      primaryStream: fundLineStream(input.line),
      loads: [loadLine(input.line), loadActivity(input.activityId)] as const,
      decide: ([line, activity]) => decideDisburse(input, line.state, activity.state, catalogue),
    }),
  journal: {
    kind: 'disburse',
    toRequest: (body, j) => ({
      body: j.request(body, {
        line: j.line(body.line, 'line'),
        amount: j.amount(body.amount, 'amount'),
        voucher: j.voucher(body.voucher),
        disbursementId: body.disbursementId ?? j.entryId,
      }),
    }),
  },
};
