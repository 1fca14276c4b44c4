import { PROGRESS } from '../progress';
import type { ReadModel } from '../read-model';
import { ADJUSTMENT_EVENT_TYPES } from './adjustments.fold';
import { AdjustmentsProjector } from './adjustments.projector';
import { AdjustmentQueries } from './adjustments.queries';
import { ADJUSTMENT_TABLES } from './adjustments.tables';

/**
 * Điều chỉnh: every adjustment and correction, filterable by period, unit, component and kind. Uses the progress:
 * what an activity had paid out when it was reclassified or its money moved.
 */
export const ADJUSTMENTS: ReadModel<AdjustmentsProjector, AdjustmentQueries> = {
  name: 'adjustments',
  handles: ADJUSTMENT_EVENT_TYPES,
  uses: [PROGRESS],
  tables: ADJUSTMENT_TABLES,
  projector: (host, earlier) => new AdjustmentsProjector(host, earlier(PROGRESS)),
  queries: (host) => new AdjustmentQueries(host),
};
