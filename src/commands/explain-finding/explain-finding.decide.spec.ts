import type { FigureStated } from '../../../events';
import { deciderSpec } from '../../../test/support/decider-spec';
import { activityRegistered, catalogue, disbursed, fundsAllocated, HOUSING, LINE, LINE_STREAM, planAssigned, VOUCHER } from '../../../test/support/fixtures';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis } from '../command';
import { evolveFigures, initialFiguresState } from '../state-figure/figure.state';
import { decideStateFigure } from '../state-figure/state-figure.decide';
import { ExplainFinding, decideExplainFinding } from './explain-finding.decide';
import { findingId, parseFindingId } from './finding-id';

const MEMO: Basis = {
  legalBasis: { kind: 'document', title: 'Báo cáo giải trình số liệu', number: '15/BC-LĐTBXH', date: '2024-07-20', issuer: 'Phòng LĐ-TB&XH huyện Văn Quan' },
  effectiveDate: '2024-07-20',
};
const REPORT = { legalBasis: { kind: 'document' as const, title: 'Báo cáo 6 tháng', date: '2024-06-30' }, effectiveDate: '2024-06-30' };

/** The document states NSĐP 2.964 triệu for Văn Quan's 2024 programme. */
const figures = [
  decideStateFigure(
    {
      assertionId: 'a-nsdp',
      document: { id: 'VQ-BC', title: 'Báo cáo 6 tháng' },
      section: 'A.II.2',
      measure: 'plan',
      scope: { programme: 'GNBV-2021-2025', unit: '184', budgetYear: 2024, sources: ['NSDP-HUYEN'] },
      asOf: '2024-06-30',
      amount: '2964000000',
      basis: REPORT,
    },
    initialFiguresState(),
    catalogue,
  )[0].events[0] as FigureStated,
].reduce(evolveFigures, initialFiguresState());

const about = (findingIdText: string, basis: Basis = MEMO): ExplainFinding => ({ findingId: findingIdText, explanation: 'Ngân sách huyện chưa ghi sổ theo dự án thành phần', basis });
const MISMATCH = findingId({ kind: 'assertion-mismatch', unit: '184', document: 'VQ-BC', assertionId: 'a-nsdp' });

/** Explanations of findings about a fund line: the line is folded from the given events. */
const lineSpec = deciderSpec((cmd: ExplainFinding, given) => decideExplainFinding(cmd, { line: given.line(LINE) }));

describe('ExplainFinding (giải trình phát hiện đối chiếu)', () => {
  describe('when the finding is about a stated figure', () => {
    it('records the explanation beside the figures of its document and unit, naming the finding', () => {
      expect(decideExplainFinding(about(MISMATCH), { figures })).toEqual([
        {
          stream: 'explanations-184-VQ-BC',
          events: [
            {
              type: 'FindingExplained',
              version: 1,
              data: {
                findingId: 'assertion-mismatch|184|VQ-BC|a-nsdp',
                subject: { kind: 'assertion-mismatch', unit: '184', document: 'VQ-BC', assertionId: 'a-nsdp' },
                explanation: 'Ngân sách huyện chưa ghi sổ theo dự án thành phần',
              },
            },
          ],
        },
      ]);
    });

    it('refuses a figure the document does not state', () => {
      const id = findingId({ kind: 'assertion-mismatch', unit: '184', document: 'VQ-BC', assertionId: 'a-nothing' });
      expect(() => decideExplainFinding(about(id), { figures })).toThrow(CommandRefused);
      try {
        decideExplainFinding(about(id), { figures });
      } catch (e) {
        expect((e as CommandRefused).code).toBe('FINDING_NOT_FOUND');
      }
    });

    it('accepts a correcting decision as its basis, but not a voucher', () => {
      const decision: Basis = { legalBasis: { kind: 'decision', number: '2150/QĐ-UBND', date: '2024-07-25', issuer: 'UBND huyện Văn Quan' }, effectiveDate: '2024-07-25' };
      expect(() => decideExplainFinding(about(MISMATCH, decision), { figures })).not.toThrow();
      expect(() => decideExplainFinding(about(MISMATCH, VOUCHER), { figures })).toThrow(/not a voucher/);
    });

    it('refuses an empty explanation and a malformed finding id, naming the field', () => {
      expect(() => decideExplainFinding({ ...about(MISMATCH), explanation: '   ' }, { figures })).toThrow(InvalidCommand);
      for (const bad of ['assertion-mismatch|184|VQ-BC', 'no-such-kind|184|VQ-BC|a-nsdp', 'assertion-mismatch|184||a-nsdp']) {
        let thrown: unknown;
        try {
          decideExplainFinding(about(bad), { figures });
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(InvalidCommand);
        expect((thrown as InvalidCommand).problems[0].field).toBe('findingId');
      }
    });
  });

  describe('when the finding is about a fund line', () => {
    const over = findingId({ kind: 'disbursed-beyond-allocation', line: LINE_STREAM, activityId: HOUSING });

    it('records it beside the line', () => {
      lineSpec
        .given([planAssigned('8036000000'), activityRegistered(HOUSING), fundsAllocated(HOUSING, '7700000000'), disbursed(HOUSING, 'UNC-1', '620000000')])
        .when(about(over))
        .then([
          {
            stream: `explanations-${LINE_STREAM}`,
            events: [
              {
                type: 'FindingExplained',
                version: 1,
                data: {
                  findingId: over,
                  subject: { kind: 'disbursed-beyond-allocation', line: LINE_STREAM, activityId: HOUSING },
                  explanation: 'Ngân sách huyện chưa ghi sổ theo dự án thành phần',
                },
              },
            ],
          },
        ]);
    });

    it('refuses a line the ledger does not hold, or an activity without money on it', () => {
      lineSpec.given([]).when(about(over)).thenThrows(CommandRefused, 'FINDING_NOT_FOUND', /does not hold/);
      lineSpec.given([planAssigned('8036000000')]).when(about(over)).thenThrows(CommandRefused, 'FINDING_NOT_FOUND', /has no money on that line/);
    });
  });

  it('reads back every id it makes', () => {
    expect(parseFindingId(MISMATCH)).toEqual({ kind: 'assertion-mismatch', unit: '184', document: 'VQ-BC', assertionId: 'a-nsdp' });
    const facet = findingId({ kind: 'total-not-sum-of-parts', unit: '849', document: 'TC:KH', assertionId: 't-1', facet: 'sumOf[1]' });
    expect(parseFindingId(facet)).toEqual({ kind: 'total-not-sum-of-parts', unit: '849', document: 'TC:KH', assertionId: 't-1', facet: 'sumOf[1]' });
    expect(parseFindingId(`disbursed-beyond-allocation|${LINE_STREAM}`)).toEqual({ kind: 'disbursed-beyond-allocation', line: LINE_STREAM });
    expect(LINE).toMatchObject({ unit: '184' });
  });
});
