import type { OutcomeTargetSet } from '../../events';
import { OutcomeFact, foldOutcomes, targetProgress } from './results.fold';

const REVIEW = (year: number) => ({ kind: 'decision' as const, number: `${100 + year - 2020}/QĐ-UBND`, date: `${year}-12-28`, issuer: 'UBND huyện Sơn Dương' });
const measured = (indicator: string, year: number, value: string, corrects?: string): OutcomeFact => ({
  type: 'OutcomeMeasured',
  data: { programme: 'GNBV-2021-2025', unit: '076', indicator, year, value, ...(corrects ? { corrects: { reason: corrects } } : {}) },
  basis: REVIEW(year),
  recordedAt: `${year + 1}-01-05T02:00:00.000Z`,
});
const target = (overrides: Partial<OutcomeTargetSet['data']> = {}): OutcomeTargetSet['data'] => ({
  programme: 'GNBV-2021-2025',
  unit: '076',
  targetId: 'ho-ngheo',
  indicator: 'poverty-rate',
  kind: 'average-annual-change',
  direction: 'decrease',
  value: '3',
  comparator: 'at-least',
  fromYear: 2021,
  toYear: 2025,
  ...overrides,
});
const series = (facts: OutcomeFact[], indicator = 'poverty-rate') => foldOutcomes(facts).get('076')?.measurements.get(indicator);

describe('progress against an outcome target', () => {
  describe('"tỷ lệ hộ nghèo giảm bình quân 3 %/năm" (2021-2025)', () => {
    const facts = [measured('poverty-rate', 2021, '14.2'), measured('poverty-rate', 2022, '11.5'), measured('poverty-rate', 2023, '8.1')];

    it('counts the average yearly fall from the first year measured to the latest', () => {
      expect(targetProgress(target(), series(facts))).toEqual({
        baseline: { year: 2021, value: '14.2' },
        latest: { year: 2023, value: '8.1' },
        achieved: '3.05',
        status: 'on-track',
      });
    });

    it('counts from the year before the period when it is measured, and judges once the last year is', () => {
      const withBaseline = [measured('poverty-rate', 2020, '16.9'), ...facts, measured('poverty-rate', 2024, '6.2'), measured('poverty-rate', 2025, '4.9')];
      expect(targetProgress(target(), series(withBaseline))).toMatchObject({ baseline: { year: 2020 }, latest: { year: 2025 }, achieved: '2.4', status: 'not-met' });
      expect(targetProgress(target({ baselineYear: 2021 }), series(withBaseline))).toMatchObject({ achieved: '2.325', status: 'not-met' });
    });

    it('uses a corrected measurement in place of the one it corrects', () => {
      const corrected = [...facts, measured('poverty-rate', 2023, '8.5', 'Quyết định điều chỉnh kết quả rà soát')];
      expect(series(corrected)?.get(2023)).toMatchObject({ value: '8.5', corrected: ['8.1'] });
      expect(targetProgress(target(), series(corrected))).toMatchObject({ achieved: '2.85', status: 'behind' });
    });
  });

  it('"hộ nghèo dân tộc thiểu số giảm bình quân từ 4 %/năm trở lên": behind at 3,7 a year', () => {
    const facts = [measured('em-poverty-rate', 2021, '30.5'), measured('em-poverty-rate', 2023, '23.1')];
    expect(targetProgress(target({ indicator: 'em-poverty-rate', value: '4' }), series(facts, 'em-poverty-rate'))).toMatchObject({ achieved: '3.7', status: 'behind' });
    expect(targetProgress(target({ indicator: 'em-poverty-rate', value: '3.7' }), series(facts, 'em-poverty-rate'))).toMatchObject({ status: 'on-track' });
    expect(targetProgress(target({ indicator: 'em-poverty-rate', value: '3.7', comparator: 'more-than' }), series(facts, 'em-poverty-rate'))).toMatchObject({ status: 'behind' });
  });

  it('judges a level by the latest measurement', () => {
    const facts = [measured('poverty-rate', 2024, '5.6'), measured('poverty-rate', 2025, '4.8')];
    expect(targetProgress(target({ kind: 'level', direction: undefined, value: '5', comparator: 'less-than' }), series(facts))).toEqual({
      baseline: null,
      latest: { year: 2025, value: '4.8' },
      achieved: '4.8',
      status: 'met',
    });
  });

  it('says what is missing rather than guessing', () => {
    expect(targetProgress(target(), undefined)).toMatchObject({ status: 'no-baseline', achieved: null });
    expect(targetProgress(target(), series([measured('poverty-rate', 2021, '14.2')]))).toMatchObject({ status: 'no-measurement', baseline: { year: 2021 } });
    // a 2026-2030 target of a unit whose measurements end in 2025
    expect(targetProgress(target({ fromYear: 2026, toYear: 2030, value: '2', comparator: 'more-than' }), series([measured('poverty-rate', 2025, '4.8')]))).toMatchObject({
      status: 'no-measurement',
      baseline: { year: 2025 },
    });
  });
});
