import { FUND_LINE_EVENT_TYPES } from '../../events';
import { BALANCES } from '../balances';
import type { ReadModel } from '../read-model';
import { HistoryProjector } from './history.projector';
import { HistoryQueries } from './history.queries';
import { HISTORY_TABLES } from './history.tables';

/**
 * Sổ chi tiết dòng vốn: every fund-line event with its change, legal basis and who recorded it; a line's history
 * with running balances, and the bitemporal balances (as of a date, as known at a time). Uses the balances: the
 * line each entry belongs to, its change, and the balance filters and grouping.
 */
export const HISTORY: ReadModel<HistoryProjector, HistoryQueries> = {
  name: 'history',
  handles: FUND_LINE_EVENT_TYPES,
  uses: [BALANCES],
  tables: HISTORY_TABLES,
  projector: (host, earlier) => new HistoryProjector(host, earlier(BALANCES)),
  queries: (host, earlier) => new HistoryQueries(host, earlier(BALANCES)),
};
