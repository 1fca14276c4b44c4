import { FUND_LINE_EVENT_TYPES } from '../../events';
import type { ReadModel } from '../read-model';
import { BalancesProjector } from './balances.projector';
import { BalanceQueries } from './balances.queries';
import { BALANCE_TABLES } from './balances.tables';

/**
 * Số dư dòng vốn: each fund line's counters now, and their sums by unit, district, province, component,
 * sub-project, project, source, capital type and years (roll-ups). Uses no other read model.
 */
export const BALANCES: ReadModel<BalancesProjector, BalanceQueries> = {
  name: 'balances',
  handles: FUND_LINE_EVENT_TYPES,
  uses: [],
  tables: BALANCE_TABLES,
  projector: (host) => new BalancesProjector(host),
  queries: (host) => new BalanceQueries(host),
};
