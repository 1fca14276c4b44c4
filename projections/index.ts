import { ADJUSTMENTS } from './adjustments';
import { BALANCES } from './balances';
import { DECISION_TRAIL } from './decision-trail';
import { HISTORY } from './history';
import { NOTES } from './notes';
import { PROGRESS } from './progress';
import { RESULTS } from './results';
import { STATED_FIGURES } from './stated-figures';
import type { ReadModel } from './read-model';
import { RED_FLAGS } from './red-flags';

/**
 * What the ledger shows: one folder per read model, each holding the event types it handles, its pure fold
 * (*.fold.ts, with its spec), its tables (*.tables.ts), the projector that writes them in the engine's batches
 * (*.projector.ts) and its queries (*.queries.ts). shared/ holds what several use (money in cents, the
 * catalogue's trees, time slices, filters, provenance columns). The engine that feeds them (batches and their
 * checkpoint, generations, rebuild, verify) is src/projections/; it knows the read models only through this list.
 *
 * Dependencies run one way: a read model uses only those above it here (checked when the engine starts).
 *  balances        each line's counters now and their roll-ups
 *  history         each fund-line event with its change; a line's history; balances as of a date / as known at a time   (uses balances)
 *  progress        activities and their sums per sub-project and kind, now and as of a date   (uses balances, history)
 *  adjustments     adjustments and corrections inspectors filter   (uses progress)
 *  decision-trail  decisions and everything each caused   (uses balances, history, progress)
 *  stated-figures  what documents stated (estimates, proposals, targets), by unit, year and measure
 *  notes           auditors' and inspectors' notes on lines and activities
 *  results         outcome indicators per unit and year, and progress against targets
 *  red-flags       patterns inspectors look for, with their evidence and reviews   (uses balances, history, progress, stated-figures)
 *
 * Adding a read model: its folder, and one line below.
 */
export const READ_MODELS: readonly ReadModel[] = [BALANCES, HISTORY, PROGRESS, ADJUSTMENTS, DECISION_TRAIL, STATED_FIGURES, NOTES, RESULTS, RED_FLAGS];

/**
 * Bumped when a fold changes what it writes without a table changing shape (table changes are noticed on their
 * own): a read model built by other code is rebuilt, never reused.
 */
export const READ_MODEL_SCHEMA_VERSION = 8;
