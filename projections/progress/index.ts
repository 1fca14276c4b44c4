import { ACTIVITY_EVENT_TYPES, FUND_LINE_EVENT_TYPES } from '../../events';
import { BALANCES } from '../balances';
import { HISTORY } from '../history';
import type { ReadModel } from '../read-model';
import { ProgressProjector } from './progress.projector';
import { ProgressQueries } from './progress.queries';
import { PROGRESS_TABLES } from './progress.tables';

/**
 * Tiến độ thực hiện: each activity (kind, component, status, money, beneficiaries, outputs against targets) and
 * their sums per sub-project and kind, now and as of a date. Uses the balances (what each fund-line event did
 * to an activity's money; a sub-project's money) and, as of a date, the history's entries.
 */
export const PROGRESS: ReadModel<ProgressProjector, ProgressQueries> = {
  name: 'progress',
  handles: [...ACTIVITY_EVENT_TYPES, ...FUND_LINE_EVENT_TYPES],
  uses: [BALANCES, HISTORY],
  tables: PROGRESS_TABLES,
  projector: (host, earlier) => new ProgressProjector(host, earlier(BALANCES)),
  queries: (host, earlier) => new ProgressQueries(host, earlier(BALANCES)),
};
