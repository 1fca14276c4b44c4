import { median, robustOutliers } from './peers';

const units = (rates: number[]) => rates.map((value, i) => ({ key: `u${i + 1}`, value }));

describe('robust z-score among peers', () => {
  it('finds the unit far above the others, measured by the median absolute deviation', () => {
    const out = robustOutliers(units([0.02, 0.03, 0.025, 0.04, 0.03, 0.35]), 3.5, 5);
    expect(out.map((o) => o.key)).toEqual(['u6']);
    expect(out[0]).toMatchObject({ method: 'mad', median: 0.03, peers: 6 });
    expect(out[0].spread).toBeCloseTo(0.0075, 9);
    expect(out[0].score).toBeCloseTo((0.6745 * (0.35 - 0.03)) / 0.0075, 6);
  });

  it('finds nothing among units that differ only a little, nor below the median', () => {
    expect(robustOutliers(units([0.02, 0.03, 0.025, 0.04, 0.03, 0.045]), 3.5, 5)).toEqual([]);
    expect(robustOutliers(units([0.3, 0.3, 0.31, 0.29, 0.3, 0]), 3.5, 5)).toEqual([]);
  });

  it('uses the mean absolute deviation when most units reverse nothing', () => {
    const out = robustOutliers(units([0, 0, 0, 0, 0, 0, 0.2]), 3.5, 5);
    expect(out).toMatchObject([{ key: 'u7', method: 'mean-absolute-deviation', median: 0 }]);
    expect(out[0].score).toBeCloseTo(0.2 / (1.253314 * (0.2 / 7)), 6);
  });

  it('compares nothing with fewer peers than asked, or when every unit is alike', () => {
    expect(robustOutliers(units([0, 0, 0.9]), 3.5, 5)).toEqual([]);
    expect(robustOutliers(units([0.1, 0.1, 0.1, 0.1, 0.1]), 3.5, 5)).toEqual([]);
    expect(median([3, 1, 2, 4])).toBe(2.5);
  });
});
