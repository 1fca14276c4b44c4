import type { DomainEvent, OutcomeTargetSet, ResultsEvent } from '../../events';
import type { Fold } from '../commands/aggregate-cache';

/** Stream of one unit's results framework: its measured outcome indicators and its targets. */
export const OUTCOME_STREAM_PREFIX = 'outcomes-';
export const outcomeStream = (unit: string): string => `${OUTCOME_STREAM_PREFIX}${unit}`;

/** What a unit's results stream holds: each indicator's measurement per year, and its targets by id. */
export interface OutcomesState {
  /** "poverty-rate@2023" → "12.35". */
  readonly measured: ReadonlyMap<string, string>;
  readonly targets: ReadonlyMap<string, OutcomeTargetSet['data']>;
}

export const measurementKey = (indicator: string, year: number): string => `${indicator}@${year}`;

export const initialOutcomesState = (): OutcomesState => ({ measured: new Map(), targets: new Map() });

export function evolveOutcomes(s: OutcomesState, event: ResultsEvent): OutcomesState {
  switch (event.type) {
    case 'OutcomeMeasured': {
      const measured = new Map(s.measured);
      measured.set(measurementKey(event.data.indicator, event.data.year), event.data.value);
      return { ...s, measured };
    }
    case 'OutcomeTargetSet': {
      const targets = new Map(s.targets);
      targets.set(event.data.targetId, event.data);
      return { ...s, targets };
    }
  }
}

export const outcomesFold: Fold<OutcomesState, DomainEvent> = {
  initial: initialOutcomesState,
  evolve: evolveOutcomes as Fold<OutcomesState, DomainEvent>['evolve'],
};
