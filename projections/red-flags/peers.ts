/**
 * Which units stand out from their peers: a robust z-score (Iglewicz and Hoaglin's modified z-score), so that the
 * units being compared cannot hide an outlier by pulling the mean and the standard deviation towards it.
 *
 *   z = 0.6745 × (x − median) / MAD            MAD = median of |x − median|
 *
 * When more than half the peers have the same value (most units reverse nothing), MAD is 0; the score then uses the
 * mean absolute deviation instead: z = (x − median) / (1.253314 × mean |x − median|). When every peer has the same
 * value, nothing stands out. Only values above the median are outliers here (an unusually high reversal rate).
 */

export interface PeerValue<K> {
  readonly key: K;
  readonly value: number;
}

export interface Outlier<K> {
  readonly key: K;
  readonly value: number;
  readonly score: number;
  readonly median: number;
  /** The spread the score divides by: MAD, or the mean absolute deviation when MAD is 0. */
  readonly spread: number;
  readonly method: 'mad' | 'mean-absolute-deviation';
  readonly peers: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The values whose robust z-score is above `threshold` (none when fewer than `minPeers` values compare). */
export function robustOutliers<K>(values: readonly PeerValue<K>[], threshold: number, minPeers: number): Outlier<K>[] {
  if (values.length < minPeers || values.length === 0) return [];
  const m = median(values.map((v) => v.value));
  const deviations = values.map((v) => Math.abs(v.value - m));
  const mad = median(deviations);
  const meanAd = deviations.reduce((a, b) => a + b, 0) / deviations.length;
  let scale: number;
  let method: Outlier<K>['method'];
  if (mad > 0) {
    scale = mad / 0.6745;
    method = 'mad';
  } else if (meanAd > 0) {
    scale = 1.253314 * meanAd;
    method = 'mean-absolute-deviation';
  } else {
    return [];
  }
  return values
    .map((v) => ({ key: v.key, value: v.value, score: (v.value - m) / scale, median: m, spread: method === 'mad' ? mad : meanAd, method, peers: values.length }))
    .filter((o) => o.score > threshold);
}
