import type { DocumentBasis, DomainEvent, RedFlagReviewed } from '../../../events';
import { FLAG_ID_PATTERN } from '../../../projections/red-flags/red-flags.fold';
import { RULE_CODES } from '../../../projections/red-flags/rules';
import type { UnitUse } from '../../identity/rights';
import type { Fold } from '../aggregate-cache';
import type { Basis, StreamEvents } from '../command';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { event } from '../rules';

/** Stream of one red flag's reviews: the one place its name is made. */
export function redFlagStream(flagId: string): string {
  return `redflag-${flagId}`;
}

/** A red flag as it is listed when the review is recorded (looked up at the edge). */
export interface ListedFlag {
  readonly rule: string;
  readonly evidenceCount: number;
  readonly lastEvidencePosition: number;
  /** The flag's unit and the last day of its period: whose scope the review falls in. */
  readonly unit?: UnitUse;
}

/** Rà soát cờ đỏ: an inspector marks a red flag reviewed, with a note. */
export interface ReviewRedFlag {
  readonly flagId: string;
  readonly note: string;
  /** The inspection minutes or note it rests on, if the reviewer names one. */
  readonly document: DocumentBasis | null;
  readonly effectiveDate: string | null;
  /** The day the review is recorded (Vietnam time), set at the edge: the date of a note without a document. */
  readonly recordedOn: string;
  /** The flag as listed now (looked up at the edge); null when no flag has that id (any more). */
  readonly flag: ListedFlag | null;
}

/** The note without a document of its own. */
export const NOTE_TITLE = 'Ghi chú rà soát cờ đỏ';

/** The review's legal basis and valid time: its document, or the note itself dated the day it is recorded. */
export function reviewBasis(cmd: ReviewRedFlag): Basis {
  const legalBasis = cmd.document ?? { kind: 'document' as const, title: NOTE_TITLE, date: cmd.recordedOn };
  return { legalBasis, effectiveDate: cmd.effectiveDate ?? legalBasis.date };
}

/** The reviews a flag has had. */
export interface FlagReviews {
  readonly reviews: number;
}

export const flagReviewsFold: Fold<FlagReviews, DomainEvent> = {
  initial: () => ({ reviews: 0 }),
  evolve: (s, e) => (e.type === 'RedFlagReviewed' ? { reviews: s.reviews + 1 } : s),
};

export function decideReviewRedFlag(cmd: ReviewRedFlag, _reviews: FlagReviews): StreamEvents[] {
  const m = FLAG_ID_PATTERN.exec(cmd.flagId);
  if (!m || !(RULE_CODES as readonly string[]).includes(m[1])) {
    throw InvalidCommand.field('flagId', `"${cmd.flagId}" is not a red flag id: a rule (${RULE_CODES.join(', ')}), "-" and 16 hexadecimal digits`);
  }
  if (cmd.note.trim().length === 0) throw InvalidCommand.field('note', 'must say what the review found');
  if (!cmd.document && !cmd.recordedOn) throw new Error('ReviewRedFlag: the day of recording was not set at the edge (prepare)');
  if (!cmd.flag) {
    throw new CommandRefused('RED_FLAG_NOT_FOUND', `no red flag ${cmd.flagId} is listed now: it may no longer hold (a reversal or a correction undid it)`, {
      flagId: cmd.flagId,
    });
  }
  return [
    {
      stream: redFlagStream(cmd.flagId),
      events: [
        event<RedFlagReviewed>('RedFlagReviewed', {
          flagId: cmd.flagId,
          rule: cmd.flag.rule,
          note: cmd.note,
          evidenceCount: cmd.flag.evidenceCount,
          lastEvidencePosition: cmd.flag.lastEvidencePosition,
        }),
      ],
    },
  ];
}
