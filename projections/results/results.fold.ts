import Decimal from 'decimal.js';
import type { OutcomeMeasured, OutcomeTargetSet } from '../../events';
import { D } from '../../src/money/money';
import type { basisOf } from '../shared/provenance';

/** A fact's legal basis as the read model keeps it (number, date, issuer or title). */
export type FactBasis = ReturnType<typeof basisOf>;
type LegalBasis = FactBasis;

/**
 * Khung kết quả: a unit's outcome indicators year by year, and its progress against each target. Pure: the facts
 * (measurements and targets, in log order) in, the figures out. A later measurement of the same indicator and
 * year is a correction and replaces the earlier one.
 */
export interface Measurement {
  readonly year: number;
  readonly value: string;
  readonly basis: LegalBasis;
  readonly recordedAt: string;
  /** Earlier figures this one corrected. */
  readonly corrected: readonly string[];
}

export interface UnitOutcomes {
  readonly unit: string;
  readonly measurements: ReadonlyMap<string, ReadonlyMap<number, Measurement>>;
  readonly targets: readonly (OutcomeTargetSet['data'] & { readonly basis: LegalBasis })[];
}


export type OutcomeFact =
  | { readonly type: 'OutcomeMeasured'; readonly data: OutcomeMeasured['data']; readonly basis: LegalBasis; readonly recordedAt: string }
  | { readonly type: 'OutcomeTargetSet'; readonly data: OutcomeTargetSet['data']; readonly basis: LegalBasis; readonly recordedAt: string };

type Target = OutcomeTargetSet['data'] & { readonly basis: LegalBasis };

export function foldOutcomes(facts: readonly OutcomeFact[]): Map<string, UnitOutcomes> {
  const units = new Map<string, { measurements: Map<string, Map<number, Measurement>>; targets: Target[] }>();
  for (const f of facts) {
    const u = units.get(f.data.unit) ?? { measurements: new Map<string, Map<number, Measurement>>(), targets: [] as Target[] };
    units.set(f.data.unit, u);
    if (f.type === 'OutcomeTargetSet') {
      u.targets.push({ ...f.data, basis: f.basis });
      continue;
    }
    const byYear = u.measurements.get(f.data.indicator) ?? new Map<number, Measurement>();
    const earlier = byYear.get(f.data.year);
    byYear.set(f.data.year, {
      year: f.data.year,
      value: f.data.value,
      basis: f.basis,
      recordedAt: f.recordedAt,
      corrected: earlier ? [...earlier.corrected, earlier.value] : [],
    });
    u.measurements.set(f.data.indicator, byYear);
  }
  return new Map([...units].map(([unit, u]) => [unit, { unit, measurements: u.measurements, targets: u.targets }]));
}

export type TargetStatus = 'met' | 'not-met' | 'on-track' | 'behind' | 'no-baseline' | 'no-measurement';

export interface TargetProgress {
  readonly baseline: { readonly year: number; readonly value: string } | null;
  readonly latest: { readonly year: number; readonly value: string } | null;
  /**
   * For a change: the average change a year from the baseline to the latest measurement, in the target's direction
   * (a fall of the poverty rate from 14,2 % to 8,1 % over 2 years is 3,05 for a "decrease" target). For a level: the
   * latest measurement. Exact; rounded to 4 places when not.
   */
  readonly achieved: string | null;
  /**
   * met / not-met once the period's last year is measured; on-track / behind before; no-baseline or no-measurement
   * when the figures to compare are not recorded.
   */
  readonly status: TargetStatus;
}

function compare(achieved: D, value: D, comparator: OutcomeTargetSet['data']['comparator']): boolean {
  switch (comparator) {
    case 'at-least':
      return achieved.gte(value);
    case 'more-than':
      return achieved.gt(value);
    case 'at-most':
      return achieved.lte(value);
    case 'less-than':
      return achieved.lt(value);
  }
}

const exact = (d: D) => (d.decimalPlaces() > 4 ? d.toDecimalPlaces(4, Decimal.ROUND_HALF_UP) : d).toFixed();

export function targetProgress(target: OutcomeTargetSet['data'], measured: ReadonlyMap<number, Measurement> | undefined): TargetProgress {
  const years = [...(measured?.keys() ?? [])].sort((a, b) => a - b);
  const at = (year: number) => ({ year, value: (measured as ReadonlyMap<number, Measurement>).get(year)?.value as string });
  const within = years.filter((y) => y <= target.toYear);
  const judged = (achieved: D, latestYear: number): TargetStatus => {
    const ok = compare(achieved, new D(target.value), target.comparator);
    return latestYear >= target.toYear ? (ok ? 'met' : 'not-met') : ok ? 'on-track' : 'behind';
  };
  if (target.kind === 'level') {
    const last = within.filter((y) => y >= target.fromYear).pop();
    if (last === undefined) return { baseline: null, latest: null, achieved: null, status: 'no-measurement' };
    const latest = at(last);
    return { baseline: null, latest, achieved: latest.value, status: judged(new D(latest.value), last) };
  }
  const baselineYear =
    target.baselineYear ?? (years.includes(target.fromYear - 1) ? target.fromYear - 1 : within.find((y) => y >= target.fromYear));
  if (baselineYear === undefined || !years.includes(baselineYear)) return { baseline: null, latest: null, achieved: null, status: 'no-baseline' };
  const baseline = at(baselineYear);
  const last = within.filter((y) => y > baselineYear).pop();
  if (last === undefined) return { baseline, latest: null, achieved: null, status: 'no-measurement' };
  const latest = at(last);
  const perYear = new D(latest.value).minus(baseline.value).div(last - baselineYear);
  const achieved = target.direction === 'decrease' ? perYear.neg() : perYear;
  return { baseline, latest, achieved: exact(achieved), status: judged(achieved, last) };
}
