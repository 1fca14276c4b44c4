import type { ReadModel } from '../read-model';
import { STATED_FIGURE_EVENT_TYPES } from './stated-figures.fold';
import { StatedFiguresProjector } from './stated-figures.projector';
import { StatedFigureQueries } from './stated-figures.queries';
import { STATED_FIGURE_TABLES } from './stated-figures.tables';

/**
 * Số liệu nêu trong văn bản: the figures documents stated (journals' `figure` entries), by unit, year and measure.
 * The reports take their estimates (ước thực hiện) from here, labelled as stated, apart from the ledger's figures.
 */
export const STATED_FIGURES: ReadModel<StatedFiguresProjector, StatedFigureQueries> = {
  name: 'stated-figures',
  handles: STATED_FIGURE_EVENT_TYPES,
  uses: [],
  tables: STATED_FIGURE_TABLES,
  projector: (host) => new StatedFiguresProjector(host),
  queries: (host) => new StatedFigureQueries(host),
};
