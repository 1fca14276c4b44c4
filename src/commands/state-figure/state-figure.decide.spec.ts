import type { FigureStated } from '../../../events';
import { catalogue } from '../../../test/support/fixtures';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { FiguresState, evolveFigures, initialFiguresState } from './figure.state';
import { StateFigure, decideStateFigure } from './state-figure.decide';

const REPORT = { legalBasis: { kind: 'document' as const, title: 'Báo cáo 6 tháng', date: '2024-06-30' }, effectiveDate: '2024-06-30' };

const state = (cmd: Partial<StateFigure> = {}): StateFigure => ({
  assertionId: 'a-nstw',
  document: { id: 'VQ-BC', title: 'Báo cáo 6 tháng' },
  section: 'A.II.1',
  measure: 'plan',
  scope: { programme: 'GNBV-2021-2025', unit: '184', budgetYear: 2024, sources: ['NSTW'] },
  asOf: '2024-06-30',
  amount: '98801000000',
  resolution: '1000000',
  basis: REPORT,
  ...cmd,
});

const given = (...figures: StateFigure[]): FiguresState =>
  figures.reduce((s, f) => {
    const [{ events }] = decideStateFigure(f, s, catalogue);
    return evolveFigures(s, events[0] as FigureStated);
  }, initialFiguresState());

describe('StateFigure (ghi nhận số liệu nêu trong văn bản)', () => {
  it('records the figure on the stream of its unit and document', () => {
    expect(decideStateFigure(state(), initialFiguresState(), catalogue)).toEqual([
      {
        stream: 'assertions-184-VQ-BC',
        events: [
          {
            type: 'FigureStated',
            version: 2,
            data: {
              assertionId: 'a-nstw',
              document: { id: 'VQ-BC', title: 'Báo cáo 6 tháng' },
              section: 'A.II.1',
              measure: 'plan',
              scope: { programme: 'GNBV-2021-2025', unit: '184', budgetYear: 2024, sources: ['NSTW'] },
              asOf: '2024-06-30',
              amount: '98801000000',
              resolution: '1000000',
            },
          },
        ],
      },
    ]);
  });

  it('refuses to state the same figure twice', () => {
    expect(() => decideStateFigure(state(), given(state()), catalogue)).toThrow(CommandRefused);
  });

  it('checks the scope against the catalogue and lists every problem', () => {
    const error = (() => {
      try {
        decideStateFigure(
          state({ scope: { programme: 'GNBV-2021-2025', unit: '999', component: 'DA9', sources: ['NSTW', 'XYZ'] }, measure: 'output', amount: '1' }),
          initialFiguresState(),
          catalogue,
        );
      } catch (e) {
        return e as InvalidCommand;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InvalidCommand);
    expect(error?.problems.map((p) => p.field)).toEqual(['scope.unit', 'scope.component', 'scope.sources[1]', 'indicator', 'amount']);
  });

  it('cites a document, not a decision or a voucher', () => {
    const decision = { legalBasis: { kind: 'decision' as const, number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' }, effectiveDate: '2023-12-22' };
    expect(() => decideStateFigure(state({ basis: decision }), initialFiguresState(), catalogue)).toThrow(/cites the document/);
  });

  it('accepts a stated zero, but not a money figure without an amount', () => {
    expect(() => decideStateFigure(state({ amount: '0' }), initialFiguresState(), catalogue)).not.toThrow();
    expect(() => decideStateFigure(state({ amount: undefined }), initialFiguresState(), catalogue)).toThrow(/needs an amount/);
  });
});
