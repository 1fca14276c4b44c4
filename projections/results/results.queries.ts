import type { QueryHost } from '../read-model';
import { type ReadScope, TreeFilters } from '../shared/filters';
import { basisOf } from '../shared/provenance';
import { TimeSlice, sliceOf } from '../shared/query';
import { Row, str } from '../shared/sql';
import { OutcomeFact, foldOutcomes, targetProgress } from './results.fold';
import { RESULTS_TABLES } from './results.tables';

export interface ResultsQuery extends TimeSlice {
  readonly unit?: string;
  readonly programme?: string;
  /** The reader's scopes: only their units' measurements and targets. */
  readonly scope?: ReadScope;
}


/**
 * GET /results: per unit, each outcome indicator year by year (with the review that measured it) and each target
 * with its progress. A unit filter covers the unit and the units under it, each with its own figures (a district's
 * poverty rate is not the sum of its communes'). asOf/knownAt as elsewhere.
 */
export class ResultsQueries {
  private readonly filters: TreeFilters;

  constructor(private readonly host: QueryHost) {
    this.filters = new TreeFilters(host.catalogue);
  }

  results(q: ResultsQuery) {
    const level = q.unit !== undefined ? this.filters.unitLevel(q.unit) : null;
    const slice = sliceOf(q);
    const { catalogue } = this.host;
    return this.host.reader.read((tx) => {
      const t = RESULTS_TABLES.in(tx.schema);
      const w: string[] = [];
      const params: unknown[] = [];
      if (level !== null) {
        w.push(`${level} = ?`);
        params.push(q.unit);
      }
      if (slice) {
        w.push('eff <= ?', 'rec <= ?');
        params.push(slice.eff, slice.rec);
      }
      const scoped = { sql: w, params };
      this.filters.scopeFilter(q.scope, '', scoped);
      const rows = tx.stmt(`SELECT * FROM ${t.outcome_facts} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY position`).all(...params) as Row[];
      const facts = rows
        .map((r) => ({ type: str(r.type), data: JSON.parse(str(r.data)), basis: basisOf(r), recordedAt: str(r.recorded_at) }) as OutcomeFact)
        .filter((f) => q.programme === undefined || f.data.programme === q.programme);
      const units = foldOutcomes(facts);
      return {
        asOf: slice?.asOf ?? null,
        knownAt: slice?.knownAt ?? null,
        units: [...units.values()]
          .sort((a, b) => a.unit.localeCompare(b.unit))
          .map((u) => {
            const version = catalogue.units.versionsOf(u.unit)[0];
            const indicatorOf = (code: string) => catalogue.lists(q.programme).outcomeIndicators.get(code);
            return {
              unit: u.unit,
              name: version?.nameVi ?? u.unit,
              indicators: [...u.measurements.entries()]
                .sort((a, b) => a[0].localeCompare(b[0]))
                .map(([code, byYear]) => ({
                  indicator: code,
                  name: indicatorOf(code)?.nameVi ?? code,
                  unit: indicatorOf(code)?.unit ?? '',
                  years: [...byYear.values()].sort((a, b) => a.year - b.year),
                })),
              targets: u.targets.map((target) => ({
                ...target,
                name: indicatorOf(target.indicator)?.nameVi ?? target.indicator,
                unit: indicatorOf(target.indicator)?.unit ?? '',
                progress: targetProgress(target, u.measurements.get(target.indicator)),
              })),
            };
          }),
      };
    });
  }
}
