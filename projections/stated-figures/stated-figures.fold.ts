import type { FigureStated, RecordedEvent } from '../../events';
import { dateToInt } from '../shared/context';

/** The event type this read model handles. */
export const STATED_FIGURE_EVENT_TYPES: readonly FigureStated['type'][] = ['FigureStated'];

/**
 * Số liệu nêu trong văn bản: a figure a document stated, as a row the reports read. Estimates (ước thực hiện),
 * proposals and targets live only here: they are what a document said, never a ledger figure.
 */
export interface StatedFigureRow {
  readonly position: number;
  /** Recording time, ms since the epoch, and as written. */
  readonly rec: number;
  readonly recordedAt: string;
  /** The date the figure refers to, yyyymmdd. */
  readonly eff: number;
  readonly documentId: string;
  readonly assertionId: string;
  readonly measure: string;
  readonly programme: string;
  readonly unit: string;
  /** Null for a figure of a whole period. */
  readonly budgetYear: number | null;
  /** The figure as stated, JSON of the event's data. */
  readonly data: string;
}

/** The row of one FigureStated event: a pure function of the event. */
export function statedFigureRow(event: RecordedEvent<FigureStated>): StatedFigureRow {
  const f = event.data;
  return {
    position: event.position,
    rec: Date.parse(event.metadata.recordedAt),
    recordedAt: event.metadata.recordedAt,
    eff: dateToInt(f.asOf),
    documentId: f.document.id,
    assertionId: f.assertionId,
    measure: f.measure,
    programme: f.scope.programme,
    unit: f.scope.unit,
    budgetYear: f.scope.budgetYear ?? null,
    data: JSON.stringify(f),
  };
}
