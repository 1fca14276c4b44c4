import { ACTIVITY_EVENT_TYPES, FUND_LINE_EVENT_TYPES } from '../../events';
import { BALANCES } from '../balances';
import { HISTORY } from '../history';
import { PROGRESS } from '../progress';
import type { ReadModel } from '../read-model';
import { DecisionTrailProjector } from './decision-trail.projector';
import { DecisionTrailQueries } from './decision-trail.queries';
import { DECISION_TABLES } from './decision-trail.tables';

/**
 * Dấu vết quyết định: each decision with its summary, and the trail of everything it caused. Its events are read
 * from the history (fund lines, before → after) and the progress (activities, before → after).
 */
export const DECISION_TRAIL: ReadModel<DecisionTrailProjector, DecisionTrailQueries> = {
  name: 'decision-trail',
  handles: [...FUND_LINE_EVENT_TYPES, ...ACTIVITY_EVENT_TYPES],
  uses: [BALANCES, HISTORY, PROGRESS],
  tables: DECISION_TABLES,
  projector: (host) => new DecisionTrailProjector(host),
  queries: (host, earlier) => new DecisionTrailQueries(host, earlier(PROGRESS)),
};
