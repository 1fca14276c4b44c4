import { decision, disbursed, fundsAllocated, fundsMoved, line, planAssigned, recorded, voucher } from '../../test/support/ledger-events';
import { balanceFigures } from '../balances/balances.fold';
import { historyEntry, runningMeasures } from './history.fold';
import type { RecordedFundLineEvent } from '../shared/recorded';

describe('fund-line history', () => {
  const L = line();
  const other = line({ component: 'DA2' });
  const events = recorded(
    planAssigned(L, '1000000', { basis: decision('4888/QĐ-UBND', '2023-12-22') }),
    fundsAllocated(L, 'a-1', '600000', { basis: decision('5489/QĐ-UBND', '2023-12-31') }),
    disbursed(L, 'a-1', 'gn-1', '250000.5', { basis: voucher('UNC-12', '2024-03-04') }),
    fundsMoved(L, other, 'dc-7', '100000', { basis: decision('900/QĐ-UBND', '2024-05-02') }),
  ).filter((e) => e.stream.includes('DA3.TDA1')) as RecordedFundLineEvent[];

  it('gives each event its running balance, in the order shown', () => {
    const after = runningMeasures(events.map((e) => historyEntry(e).delta));
    expect(after.map((m) => balanceFigures(m).available)).toEqual(['1000000', '1000000', '749999.5', '649999.5']);
    expect(after.map((m) => balanceFigures(m).unallocated)).toEqual(['1000000', '400000', '400000', '300000']);
  });

  it('names the decision or voucher behind each event and the other line of a move', () => {
    const entries = events.map((e) => historyEntry(e));
    expect(entries[2]).toMatchObject({ reference: 'gn-1', activityId: 'a-1', legalBasis: { kind: 'voucher', number: 'UNC-12' } });
    expect(entries[3]).toMatchObject({ type: 'FundsMovedOut', reference: 'dc-7', counterpart: expect.stringContaining(':DA2:'), details: { toLine: expect.any(String) } });
  });
});
