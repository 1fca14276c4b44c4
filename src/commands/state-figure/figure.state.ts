import type { DomainEvent, FigureStated } from '../../../events';
import type { Fold } from '../aggregate-cache';

/** The figures one document has stated so far, by assertion id. */
export interface FiguresState {
  readonly figures: ReadonlyMap<string, FigureStated['data']>;
}

export const initialFiguresState = (): FiguresState => ({ figures: new Map() });

export function evolveFigures(s: FiguresState, event: FigureStated): FiguresState {
  const figures = new Map(s.figures);
  figures.set(event.data.assertionId, event.data);
  return { figures };
}

export const figuresFold: Fold<FiguresState, DomainEvent> = {
  initial: initialFiguresState,
  evolve: evolveFigures as Fold<FiguresState, DomainEvent>['evolve'],
};

export const ASSERTION_STREAM_PREFIX = 'assertions-';

/** Stream of the figures one document states about one unit, e.g. "assertions-184-VQ-KH-GNBV-2025". */
export function assertionStream(unit: string, documentId: string): string {
  return `${ASSERTION_STREAM_PREFIX}${unit}-${documentId}`;
}
