import type { FigureStated, RecordedEvent } from '../../events';
import { decision, figureStated, recorded } from '../../test/support/ledger-events';
import { statedFigureRow } from './stated-figures.fold';

describe('stated figures', () => {
  describe('when a document states an estimate for the year', () => {
    it('keeps it as a row by unit, year, measure and the date it refers to, with the figure as stated', () => {
      const [event] = recorded(
        figureStated(
          {
            assertionId: 'a-nstw-estimate-year',
            section: 'A.II.1',
            quote: 'ước thực hiện cả năm: 98.801 triệu đồng = 100% KH',
            measure: 'estimate',
            scope: { budgetYear: 2024, sources: ['NSTW'] },
            asOf: '2024-12-31',
            amount: '98801000000',
            rate: { percent: '100', decimals: 0 },
          },
          { basis: decision('VQ-KH-GNBV-2025', '2024-06-30'), recordedAt: '2024-07-02T03:00:00.000Z' },
        ),
      ) as RecordedEvent<FigureStated>[];
      const row = statedFigureRow(event);
      expect(row).toMatchObject({
        position: 1,
        rec: Date.parse('2024-07-02T03:00:00.000Z'),
        eff: 20241231,
        documentId: 'VQ-KH-GNBV-2025',
        assertionId: 'a-nstw-estimate-year',
        measure: 'estimate',
        programme: 'GNBV-2021-2025',
        unit: '184',
        budgetYear: 2024,
      });
      expect(JSON.parse(row.data)).toEqual(event.data);
    });
  });

  describe('when a figure is about a whole period', () => {
    it('has no budget year', () => {
      const [event] = recorded(
        figureStated({ assertionId: 'tc-total', section: 'IV.1', measure: 'proposed', asOf: '2022-08-16', amount: '62076750000' }, { basis: decision('TC', '2022-08-16') }),
      ) as RecordedEvent<FigureStated>[];
      expect(statedFigureRow(event).budgetYear).toBeNull();
    });
  });
});
