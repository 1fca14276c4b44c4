import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { ReviewRedFlag, decideReviewRedFlag, flagReviewsFold, redFlagStream, reviewBasis } from './review-red-flag.decide';

const FLAG = 'duplicate-voucher-0a1b2c3d4e5f6071';
const LISTED = { rule: 'duplicate-voucher', evidenceCount: 5, lastEvidencePosition: 112 };

const review = (overrides: Partial<ReviewRedFlag> = {}): ReviewRedFlag => ({
  flagId: FLAG,
  note: 'Chứng từ thay thế của bản chép báo cáo: không phải thanh toán trùng',
  document: null,
  effectiveDate: null,
  recordedOn: '2025-03-04',
  flag: LISTED,
  ...overrides,
});

/** given(the flag's earlier reviews).when(review).then(events) */
const given = (earlier: number) => ({
  when: (cmd: ReviewRedFlag) => () => decideReviewRedFlag(cmd, Array.from({ length: earlier }).reduce(
    (s: ReturnType<typeof flagReviewsFold.initial>) => flagReviewsFold.evolve(s, { type: 'RedFlagReviewed', version: 1, data: {} }),
    flagReviewsFold.initial(),
  )),
});

describe('ReviewRedFlag (rà soát cờ đỏ)', () => {
  describe('when the flag is listed', () => {
    it('records the review on the flag’s own stream, with the evidence the reviewer saw', () => {
      expect(given(0).when(review())()).toEqual([
        {
          stream: redFlagStream(FLAG),
          events: [
            {
              type: 'RedFlagReviewed',
              version: 1,
              data: { flagId: FLAG, rule: 'duplicate-voucher', note: 'Chứng từ thay thế của bản chép báo cáo: không phải thanh toán trùng', evidenceCount: 5, lastEvidencePosition: 112 },
            },
          ],
        },
      ]);
    });

    it('records a further review of a flag already reviewed (a follow-up note)', () => {
      expect(given(2).when(review({ note: 'KBNN đã xác nhận' }))()[0].events[0].data).toMatchObject({ note: 'KBNN đã xác nhận' });
    });

    it('rests on the note itself, dated the day it is recorded, unless the reviewer names the minutes', () => {
      expect(reviewBasis(review())).toEqual({ legalBasis: { kind: 'document', title: 'Ghi chú rà soát cờ đỏ', date: '2025-03-04' }, effectiveDate: '2025-03-04' });
      const minutes = { kind: 'document' as const, title: 'Biên bản kiểm tra', number: '12/BB-TTr', date: '2025-02-28' };
      expect(reviewBasis(review({ document: minutes }))).toEqual({ legalBasis: minutes, effectiveDate: '2025-02-28' });
    });
  });

  describe('when the flag is not listed (any more)', () => {
    it('refuses the review', () => {
      expect(given(0).when(review({ flag: null }))).toThrow(CommandRefused);
      expect(given(0).when(review({ flag: null }))).toThrow(`no red flag ${FLAG} is listed now: it may no longer hold (a reversal or a correction undid it)`);
    });
  });

  describe('when the request is malformed', () => {
    it('refuses an id that is not a red flag id, and a note of blanks', () => {
      expect(given(0).when(review({ flagId: 'voucher-0a1b2c3d4e5f6071' }))).toThrow(InvalidCommand);
      expect(given(0).when(review({ flagId: 'duplicate-voucher-XYZ' }))).toThrow(/flagId: "duplicate-voucher-XYZ" is not a red flag id/);
      expect(given(0).when(review({ note: '   ' }))).toThrow('note: must say what the review found');
    });
  });
});
