import type { Beneficiaries, LegalBasis } from '../../../events';
import { InvalidCommand } from '../../shared/errors';
import type { Basis } from '../command';
import type { CommandBodyDto, DecisionDto, DecisionOrDocumentCommandDto, DocumentDto, VoucherDto } from './common.dto';

/** From the validated parts of a command body to the decider's input: legal basis, valid time, beneficiaries. */

export const decisionBasis = (d: DecisionDto): LegalBasis => ({ kind: 'decision', number: d.number, date: d.date, issuer: d.issuer });
export const voucherBasis = (v: VoucherDto): LegalBasis => ({ kind: 'voucher', number: v.number, date: v.date, treasury: v.treasury });
export const documentBasis = (d: DocumentDto): LegalBasis => ({
  kind: 'document',
  title: d.title,
  date: d.date,
  ...(d.number ? { number: d.number } : {}),
  ...(d.issuer ? { issuer: d.issuer } : {}),
});

/** The legal basis and the valid time: effectiveDate, or the date of the decision or voucher. */
export const basis = (legalBasis: LegalBasis, dto: CommandBodyDto): Basis => ({
  legalBasis,
  effectiveDate: dto.effectiveDate ?? legalBasis.date,
});

/** The basis of a command that rests on a decision or a document, whichever the body gives. */
export const decisionOrDocumentBasis = (dto: DecisionOrDocumentCommandDto): Basis =>
  basis(dto.decision ? decisionBasis(dto.decision) : documentBasis(dto.document as DocumentDto), dto);

export function beneficiaries(value: Record<string, unknown> | undefined, field: string): Beneficiaries {
  const out: Record<string, number> = {};
  for (const [category, n] of Object.entries(value ?? {})) {
    if (!Number.isSafeInteger(n) || (n as number) < 0) {
      throw InvalidCommand.field(`${field}.${category}`, 'must be a whole number of beneficiaries, 0 or more');
    }
    out[category] = n as number;
  }
  return out;
}
