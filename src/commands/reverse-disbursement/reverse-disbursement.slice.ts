import { onLine } from '../decision-spec';
import { basis, voucherBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { ReverseDisbursement, decideReverseDisbursement } from './reverse-disbursement.decide';
import { ReverseDisbursementDto } from './reverse-disbursement.dto';

/** Reverse one whole disbursement by a correcting event. */
export const reverseDisbursementCommand: RequestCommand<ReverseDisbursementDto, ReverseDisbursement> = {
  name: 'ReverseDisbursement',
  route: { path: 'reverse-disbursement', summary: 'Reverse a whole disbursement by a correcting event' },
  dto: ReverseDisbursementDto,
  toInput: (dto) => ({
    line: dto.line,
    disbursementId: dto.disbursementId,
    reason: dto.reason,
    basis: basis(voucherBasis(dto.voucher), dto),
  }),
  spec: (input, catalogue) => onLine(input, (line) => decideReverseDisbursement(input, line, catalogue)),
  journal: {
    kind: 'reverseDisbursement',
    toRequest: (body, j) => ({ body: j.request(body, { line: j.line(body.line, 'line'), voucher: j.voucher(body.voucher) }) }),
  },
};
