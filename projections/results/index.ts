import { RESULTS_EVENT_TYPES } from '../../events';
import type { ReadModel } from '../read-model';
import { ResultsProjector } from './results.projector';
import { ResultsQueries } from './results.queries';
import { RESULTS_TABLES } from './results.tables';

/**
 * Khung kết quả: the outcome indicators each unit measured year by year (the annual poverty review) and the targets
 * its plans set, with progress against each. Uses no other read model.
 */
export const RESULTS: ReadModel<ResultsProjector, ResultsQueries> = {
  name: 'results',
  handles: RESULTS_EVENT_TYPES,
  uses: [],
  tables: RESULTS_TABLES,
  projector: (host) => new ResultsProjector(host),
  queries: (host) => new ResultsQueries(host),
};
