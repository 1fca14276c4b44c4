import { BALANCES } from '../balances';
import { HISTORY } from '../history';
import { PROGRESS } from '../progress';
import { STATED_FIGURES } from '../stated-figures';
import type { ReadModel } from '../read-model';
import { RED_FLAG_HANDLED_TYPES } from './red-flags.fold';
import { RedFlagsProjector } from './red-flags.projector';
import { RedFlagQueries } from './red-flags.queries';
import { RED_FLAG_TABLES } from './red-flags.tables';

/**
 * Cờ đỏ: patterns inspectors look for (rules.json), each flag with its rule, evidence events, unit, period and
 * amounts, and the reviews inspectors recorded. Its evidence is shown from the history (fund-line events, their
 * lines), the progress (activity events) and the stated figures.
 */
export const RED_FLAGS: ReadModel<RedFlagsProjector, RedFlagQueries> = {
  name: 'red-flags',
  handles: RED_FLAG_HANDLED_TYPES,
  uses: [BALANCES, HISTORY, PROGRESS, STATED_FIGURES],
  tables: RED_FLAG_TABLES,
  projector: (host) => new RedFlagsProjector(host),
  queries: (host) => new RedFlagQueries(host),
};
