import type { FindingExplained, FindingSubject } from '../../../events';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { event } from '../rules';
import type { FiguresState } from '../state-figure/figure.state';
import { parseFindingId } from './finding-id';

/** Giải trình: an explanation, or a correcting decision, recorded against a reconciliation finding. */
export interface ExplainFinding {
  readonly findingId: string;
  readonly explanation: string;
  readonly basis: Basis;
}

export const EXPLANATION_STREAM_PREFIX = 'explanations-';
export const MAX_EXPLANATION = 4000;

/**
 * Where the explanations of a finding are kept: beside the figures of its document and unit
 * ("explanations-184-VQ-KH-GNBV-2025"), or beside its fund line ("explanations-fundline-…").
 */
export function explanationStream(subject: FindingSubject): string {
  return 'line' in subject ? `${EXPLANATION_STREAM_PREFIX}${subject.line}` : `${EXPLANATION_STREAM_PREFIX}${subject.unit}-${subject.document}`;
}

/** The subject of a finding id, or an invalid command naming the field. */
export function subjectOf(findingId: string): FindingSubject {
  const subject = parseFindingId(findingId);
  if (typeof subject === 'string') throw InvalidCommand.field('findingId', subject);
  return subject;
}

/** What the decider reads about the subject: the figures of its document, or its fund line. */
export type SubjectState = { readonly figures: FiguresState } | { readonly line: FundLineState };

/**
 * An explanation names a finding the reconciliation can report: a figure the document states, or a fund line
 * (and activity) the ledger holds. The finding stays listed; the explanation is attached to it with who and when.
 * A later explanation of the same finding is added beside the earlier ones, never in place of them.
 */
export function decideExplainFinding(cmd: ExplainFinding, subjectState: SubjectState): StreamEvents[] {
  if (cmd.basis.legalBasis.kind === 'voucher') {
    throw InvalidCommand.field('legalBasis', 'an explanation cites a document (the explanation) or a correcting decision, not a voucher');
  }
  const explanation = cmd.explanation.trim();
  if (explanation === '') throw InvalidCommand.field('explanation', 'must say what explains the finding');
  if (explanation.length > MAX_EXPLANATION) throw InvalidCommand.field('explanation', `must be at most ${MAX_EXPLANATION} characters`);
  const subject = subjectOf(cmd.findingId);
  if ('line' in subject) {
    const line = (subjectState as { line: FundLineState }).line;
    if (line.key === null) {
      throw new CommandRefused('FINDING_NOT_FOUND', `finding ${cmd.findingId} names fund line ${subject.line}, which the ledger does not hold`, { findingId: cmd.findingId });
    }
    if (subject.activityId !== undefined && !line.activities.has(subject.activityId)) {
      throw new CommandRefused('FINDING_NOT_FOUND', `finding ${cmd.findingId} names activity ${subject.activityId}, which has no money on that line`, { findingId: cmd.findingId });
    }
  } else {
    const figures = (subjectState as { figures: FiguresState }).figures;
    if (!figures.figures.has(subject.assertionId)) {
      throw new CommandRefused(
        'FINDING_NOT_FOUND',
        `finding ${cmd.findingId} names figure ${subject.assertionId} of document ${subject.document} about unit ${subject.unit}, which is not recorded`,
        { findingId: cmd.findingId },
      );
    }
  }
  return [
    {
      stream: explanationStream(subject),
      events: [event<FindingExplained>('FindingExplained', { findingId: cmd.findingId, subject, explanation })],
    },
  ];
}
