import { decision, disbursed, line, planAssigned, recorded, voucher } from '../../test/support/ledger-events';
import { decisionOf } from '../shared/decision';
import { DecisionSummary, evolveDecision } from './decision-trail.fold';

describe('decision trail', () => {
  const QD = decision('4888/QĐ-UBND', '2023-12-22');

  describe('when one decision assigns plans to several lines', () => {
    it('counts its events by type and keeps when they were recorded', () => {
      const events = recorded(
        planAssigned(line(), '100', { basis: QD, recordedAt: '2023-12-23T01:00:00.000Z' }),
        planAssigned(line({ component: 'DA5' }), '200', { basis: QD, recordedAt: '2023-12-24T01:00:00.000Z' }),
        disbursed(line(), 'a', 'gn', '50', { basis: voucher('UNC-1', '2024-01-10') }),
      );
      const mine = events.filter((e) => decisionOf(e) !== null);
      const doc = mine.reduce<DecisionSummary | null>((d, e) => evolveDecision(d, e), null) as DecisionSummary;
      expect(doc).toMatchObject({
        number: '4888/QĐ-UBND',
        issuer: 'UBND huyện Văn Quan',
        date: '2023-12-22',
        eventCount: 2,
        firstRecordedAt: '2023-12-23T01:00:00.000Z',
        lastRecordedAt: '2023-12-24T01:00:00.000Z',
        byType: { PlanAssigned: 2 },
      });
    });
  });
});
