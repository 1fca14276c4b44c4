import type { JournalProblem } from './journal.format';
import { groupUnitProblems } from './group-unit-problems';

const UNKNOWN = (year: number) => `unknown administrative unit "99999"; nearest in ${year}: 99998 Xã A (Huyện B)`;
const ENDED = 'administrative unit "06295" (Xã Đồng Giáp) did not exist on 2025-03-01: it existed from before 2021-02-01 to 2024-12-31';
const at = (entry: number, problem: string, field = 'plan.line.unit'): JournalProblem => ({ entry, id: `e-${entry}`, line: 10 + entry, field, problem });

describe('groupUnitProblems', () => {
  describe('when one unknown code is used by many entries', () => {
    const problems = [...Array.from({ length: 12 }, (_, i) => at(i, UNKNOWN(2024))), at(12, UNKNOWN(2025), 'figure.scope.unit')];
    const grouped = groupUnitProblems(problems);

    it('gives one problem, whatever the years, with the first sentence and the entries that use the code', () => {
      expect(grouped).toEqual([
        {
          field: 'unit',
          problem:
            `${UNKNOWN(2024)} — in 13 entries: e-0 (line 10), e-1 (line 11), e-2 (line 12), e-3 (line 13), e-4 (line 14), ` +
            'e-5 (line 15), e-6 (line 16), e-7 (line 17), e-8 (line 18), e-9 (line 19), and 3 more',
        },
      ]);
    });
  });

  describe('when a code is out of its period for several days', () => {
    it('gives one problem per period asked', () => {
      const other = ENDED.replace(/2025-03-01/g, '2025-04-01');
      const grouped = groupUnitProblems([at(0, ENDED, 'activity.communes[0]'), at(1, ENDED, 'activity.communes[2]'), at(2, other), at(3, other)]);
      expect(grouped.map((p) => p.problem)).toEqual([`${ENDED} — in 2 entries: e-0 (line 10), e-1 (line 11)`, `${other} — in 2 entries: e-2 (line 12), e-3 (line 13)`]);
    });
  });

  describe('when only one entry uses a bad code', () => {
    it('keeps the problem on its entry and field, even if the entry names the code twice', () => {
      const single = [at(4, UNKNOWN(2024), 'adjust.from.line.unit'), at(4, UNKNOWN(2024), 'adjust.to.line.unit')];
      expect(groupUnitProblems(single)).toEqual(single);
    });
  });

  describe('when other problems are there', () => {
    it('passes them unchanged, in their places', () => {
      const amount = { entry: 1, id: 'e-1', field: 'plan.amount', problem: '"tr" is not a unit of money' };
      const refused = { entry: 3, id: 'e-3', field: 'disburse', problem: 'line has 0 đ', code: 'INSUFFICIENT_ALLOCATION' };
      const grouped = groupUnitProblems([at(0, UNKNOWN(2024)), amount, at(2, UNKNOWN(2024)), refused]);
      expect(grouped).toEqual([{ field: 'unit', problem: `${UNKNOWN(2024)} — in 2 entries: e-0 (line 10), e-2 (line 12)` }, amount, refused]);
    });
  });
});
