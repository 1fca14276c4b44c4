import { onLineForActivity } from '../decision-spec';
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
  spec: (input, catalogue) => onLineForActivity(input, (line, activity) => decideDisburse(input, line, activity, catalogue)),
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
