import { vietnamDate } from '../../../projections/red-flags/red-flags.fold';
import { decision } from '../decision-spec';
import { documentBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { ReviewRedFlag, decideReviewRedFlag, flagReviewsFold, redFlagStream, reviewBasis } from './review-red-flag.decide';
import { ReviewRedFlagDto } from './review-red-flag.dto';
import type { DocumentBasis } from '../../../events';

/**
 * Rà soát cờ đỏ: an inspector or auditor marks a red flag reviewed, with a note. The flag must be listed when the
 * review is recorded: the edge looks it up in the red-flags read model (as of the day of recording), and the review
 * keeps how much evidence the flag had. Recorded over HTTP only (a journal is decided without the read models).
 */
export const reviewRedFlagCommand: RequestCommand<ReviewRedFlagDto, ReviewRedFlag> = {
  name: 'ReviewRedFlag',
  route: { path: 'red-flags/:flagId/review', summary: 'Rà soát cờ đỏ: mark a red flag reviewed, with a note (inspectors, auditors)' },
  dto: ReviewRedFlagDto,
  // An inspector's or auditor's own record, like a note: the note right, in a scope covering the flag's unit.
  right: 'note',
  toInput: (dto, { params }) => ({
    flagId: params.flagId,
    note: dto.note.trim(),
    document: dto.document ? (documentBasis(dto.document) as DocumentBasis) : null,
    effectiveDate: dto.effectiveDate ?? null,
    recordedOn: '',
    flag: null,
  }),
  prepare: async (input, { readModels, now }) => {
    const recordedOn = vietnamDate(now);
    if (!readModels) return { ...input, recordedOn };
    try {
      const f = await readModels.redFlag(input.flagId, recordedOn);
      const unit = { code: f.unit, when: f.period.to };
      return { ...input, recordedOn, flag: { rule: f.rule, evidenceCount: f.evidenceCount, lastEvidencePosition: f.lastEvidencePosition, unit } };
    } catch (error) {
      if (error instanceof Error && error.name === 'NotInReadModel') return { ...input, recordedOn };
      throw error;
    }
  },
  spec: (input) =>
    decision({
      basis: reviewBasis(input),
      primaryStream: redFlagStream(input.flagId),
      loads: [{ stream: redFlagStream(input.flagId), fold: flagReviewsFold }] as const,
      // The flag's unit as listed (a flag no longer listed has none, and the decider refuses it).
      units: input.flag?.unit ? [input.flag.unit] : [],
      decide: ([reviews]) => decideReviewRedFlag(input, reviews.state),
    }),
};
