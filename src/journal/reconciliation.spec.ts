import type { DomainEvent, FigureStated, RecordedEvent } from '../../events';
import {
  HOUSING,
  LINE,
  LINE_STREAM,
  activityRegistered,
  catalogue,
  disbursed,
  fundsAllocated,
  planAssigned,
} from '../../test/support/fixtures';
import { activityStream } from '../fund-line/fund-line.key';
import { reconcile, unitSlipHint } from './reconciliation';
import { D } from '../money/money';

let position = 0;
/** An event as the store would give it back: the reconciliation is a pure function of these. */
function recorded(stream: string, e: DomainEvent, effectiveDate = '2024-06-30'): RecordedEvent {
  position += 1;
  return {
    ...e,
    stream,
    revision: 0,
    position,
    metadata: {
      eventId: `e-${position}`,
      actor: { id: 'tester', role: 'importer' },
      recordedAt: '2026-01-01T00:00:00.000Z',
      effectiveDate,
      legalBasis: { kind: 'document', title: 'test', date: effectiveDate },
      correlationId: 'c',
      causationId: 'c',
      command: 'Test',
    },
  };
}

const figure = (data: Partial<FigureStated['data']> & { assertionId: string }): FigureStated => ({
  type: 'FigureStated',
  version: 1,
  data: {
    document: { id: 'BC', title: 'Báo cáo' },
    section: 'I',
    measure: 'plan',
    scope: { programme: 'GNBV-2021-2025', unit: '184', component: 'DA5', budgetYear: 2024 },
    asOf: '2024-06-30',
    ...data,
  },
});

describe('reconcile (a pure function of the log)', () => {
  describe('when the log itself has more disbursed than allocated', () => {
    // The deciders never produce this; events that arrived another way (an old import, a repair) can.
    const log = [
      recorded(activityStream(HOUSING), activityRegistered()),
      recorded(LINE_STREAM, planAssigned('1000000000')),
      recorded(LINE_STREAM, fundsAllocated(HOUSING, '300000000')),
      recorded(LINE_STREAM, disbursed(HOUSING, 'GN-1', '450000000')),
    ];

    it('reports the activity, with both figures and the line', () => {
      const report = reconcile(log, catalogue);
      expect(report.findings).toEqual([
        expect.objectContaining({
          kind: 'disbursed-beyond-allocation',
          severity: 'error',
          line: 'DA5/NSTW/SN/2024@184',
          stated: '450000000',
          ledger: '300000000',
          difference: '150000000',
          message: 'line DA5/NSTW/SN/2024@184: activity VQ-DA5-2024-01 has 450.000.000 đ disbursed against 300.000.000 đ allocated',
        }),
      ]);
    });

    it('is the same report for the same events', () => {
      expect(reconcile(log, catalogue)).toEqual(reconcile(log, catalogue));
    });
  });

  describe('when a part or a rate base is not a stated figure', () => {
    it('reports the reference it cannot resolve', () => {
      const report = reconcile(
        [
          recorded('assertions-184-BC', figure({ assertionId: 'total', amount: '100', parts: [['a', 'missing']] })),
          recorded('assertions-184-BC', figure({ assertionId: 'a', amount: '100', measure: 'proposed' })),
          recorded('assertions-184-BC', figure({ assertionId: 'rate', measure: 'disbursed', amount: '10', rate: { percent: '10', decimals: 0, of: 'gone' } })),
        ],
        catalogue,
      );
      expect(report.findings.filter((f) => f.kind === 'unresolved-reference').map((f) => [f.assertionId, f.message])).toEqual([
        ['total', 'BC I is said to be the sum of a + missing, but missing is not a stated figure of BC'],
        ['rate', 'BC I states a rate of 10 % of gone, which is not a stated figure of BC'],
      ]);
    });
  });

  it('reads figures as of their date and line events by their effective date', () => {
    const report = reconcile(
      [
        recorded(LINE_STREAM, planAssigned('1000000000', LINE), '2024-01-10'),
        recorded(LINE_STREAM, planAssigned('500000000', LINE), '2024-08-01'),
        recorded('assertions-184-BC', figure({ assertionId: 'mid-year', amount: '1000000000' })),
        recorded('assertions-184-BC', figure({ assertionId: 'year-end', amount: '1500000000', asOf: '2024-12-31' })),
      ],
      catalogue,
    );
    expect(report.findings).toEqual([]);
    expect(report.holding).toBe(report.checks);
  });
});

describe('unit slips', () => {
  it('recognises a figure a million times too large or too small', () => {
    expect(unitSlipHint(new D('6858200000000000'), new D('6858206000'))).toMatch(/read in đồng instead of triệu đồng/);
    expect(unitSlipHint(new D('8036'), new D('8036000000'))).toMatch(/read in triệu đồng instead of đồng/);
    expect(unitSlipHint(new D('8036000000'), new D('8000000000'))).toBeUndefined();
  });
});
