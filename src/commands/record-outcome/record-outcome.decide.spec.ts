import type { OutcomeMeasured, ResultsEvent } from '../../../events';
import { catalogue, VOUCHER } from '../../../test/support/fixtures';
import { evolveOutcomes, initialOutcomesState } from '../../results/outcomes.state';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis } from '../command';
import { RecordOutcome, decideRecordOutcome } from './record-outcome.decide';

/** Quyết định phê duyệt kết quả rà soát hộ nghèo, hộ cận nghèo năm 2023 của huyện Sơn Dương. */
const REVIEW: Basis = { legalBasis: { kind: 'decision', number: '3012/QĐ-UBND', date: '2023-12-28', issuer: 'UBND huyện Sơn Dương' }, effectiveDate: '2023-12-28' };
const measure = (overrides: Partial<RecordOutcome> = {}): RecordOutcome => ({
  programme: 'GNBV-2021-2025',
  unit: '076',
  indicator: 'poverty-rate',
  year: 2023,
  value: '8.1',
  basis: REVIEW,
  ...overrides,
});
/** given(events).when(command): the events it decides, or what it throws. */
const given = (...events: ResultsEvent[]) => ({
  when: (cmd: RecordOutcome) => () => decideRecordOutcome(cmd, events.reduce(evolveOutcomes, initialOutcomesState()), catalogue),
});
const recorded = (cmd: RecordOutcome): OutcomeMeasured => decideRecordOutcome(cmd, initialOutcomesState(), catalogue)[0].events[0] as OutcomeMeasured;
const problemsOf = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return (e as InvalidCommand).problems;
  }
  return [];
};

describe('RecordOutcome (kết quả rà soát hộ nghèo)', () => {
  it("records a unit's indicator for a year on the unit's results stream, citing the review", () => {
    expect(given().when(measure())()).toEqual([
      {
        stream: 'outcomes-076',
        events: [{ type: 'OutcomeMeasured', version: 1, data: { programme: 'GNBV-2021-2025', unit: '076', indicator: 'poverty-rate', year: 2023, value: '8.1' } }],
      },
    ]);
  });

  it('refuses a second figure for the same year unless it corrects the first, and a correction of nothing', () => {
    expect(given(recorded(measure())).when(measure({ value: '8.5' }))).toThrow(CommandRefused);
    expect(given(recorded(measure())).when(measure({ value: '8.5' }))).toThrow(/already recorded as 8.1: a different figure corrects it/);
    expect(given(recorded(measure())).when(measure({ value: '8.5', corrects: { reason: 'QĐ điều chỉnh' } }))()).toHaveLength(1);
    expect(given().when(measure({ corrects: { reason: 'x' } }))).toThrow(/has no measurement to correct/);
  });

  it('checks the indicator, the value and the unit in the year measured, listing every problem', () => {
    expect(problemsOf(given().when(measure({ indicator: 'happiness', value: '1,5' })))).toEqual([
      { field: 'indicator', problem: expect.stringMatching(/^unknown outcome indicator "happiness"; valid: households, poor-households, poverty-rate/) },
      { field: 'value', problem: '"1,5" is not a number (households, or a percentage such as "12.35")' },
    ]);
    expect(problemsOf(given().when(measure({ value: '100.5' })))).toEqual([{ field: 'value', problem: 'poverty-rate is a percentage: at most 100' }]);
    expect(problemsOf(given().when(measure({ indicator: 'poor-households', value: '12.5' })))).toEqual([{ field: 'value', problem: 'poor-households counts households: a whole number' }]);
    // huyện Sơn Dương ended on 30/6/2025: it has no 2026 review
    const problems = problemsOf(given().when(measure({ year: 2026, basis: { ...REVIEW, effectiveDate: '2026-12-28' } })));
    expect(problems.map((p) => p.field)).toEqual(['unit']);
    expect(problems[0].problem).toMatch(/^administrative unit "076" \(Huyện Sơn Dương\) did not exist in 2026/);
    expect(problemsOf(given().when(measure({ year: 2024 })))).toEqual([{ field: 'year', problem: 'a review of 2024 cannot take effect before that year (2023-12-28)' }]);
  });

  it('refuses a voucher as its basis', () => {
    expect(given().when(measure({ basis: VOUCHER }))).toThrow(/cites the poverty review/);
  });
});
