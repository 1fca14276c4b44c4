import type { ActivityEvent } from './activity.events';
import { ACTIVITY_EVENT_TYPES } from './activity.events';
import type { FundLineEvent } from './fund-line.events';
import { FUND_LINE_EVENT_TYPES } from './fund-line.events';
import type { JournalEvent } from './journal.events';
import { JOURNAL_EVENT_TYPES } from './journal.events';
import type { NoteEvent } from './note.events';
import { NOTE_EVENT_TYPES } from './note.events';
import type { UserEvent } from './user.events';
import { USER_EVENT_TYPES } from './user.events';
import type { ResultsEvent } from './results.events';
import { RESULTS_EVENT_TYPES } from './results.events';
import type { RecordedEvent } from './metadata';
import type { RedFlagEvent } from './red-flag.events';
import { RED_FLAG_EVENT_TYPES } from './red-flag.events';
import { Upcaster, Upcasters } from './upcasting';

export * from './metadata';
export * from './fund-line.events';
export * from './activity.events';
export * from './journal.events';
export * from './user.events';
export * from './note.events';
export * from './red-flag.events';
export * from './results.events';
export * from './upcasting';

/** The closed union of everything the ledger records. Type strings are stored forever: never rename one. */
export type LedgerEvent = FundLineEvent | ActivityEvent | JournalEvent | UserEvent | NoteEvent | ResultsEvent | RedFlagEvent;
export type LedgerEventType = LedgerEvent['type'];
export type RecordedLedgerEvent = RecordedEvent<LedgerEvent>;

/** Types whose shape changed since their first version, with their current version. */
const CHANGED_VERSIONS: Partial<Record<LedgerEventType, number>> = {
  // v2: `partOf` ("trong đó") and `outOf` ("x of y") figures.
  FigureStated: 2,
  // v2: outputs by beneficiary category; `corrects`.
  OutputsRecorded: 2,
};

/** Current schema version of each event type; a change of shape adds a version and an upcaster. */
export const EVENT_SCHEMA_VERSION: Readonly<Record<LedgerEventType, number>> = Object.freeze(
  Object.fromEntries(
    [...FUND_LINE_EVENT_TYPES, ...ACTIVITY_EVENT_TYPES, ...JOURNAL_EVENT_TYPES, ...USER_EVENT_TYPES, ...NOTE_EVENT_TYPES, ...RESULTS_EVENT_TYPES, ...RED_FLAG_EVENT_TYPES].map(
      (t) => [t, CHANGED_VERSIONS[t] ?? 1],
    ),
  ) as Record<LedgerEventType, number>,
);

/**
 * The ledger's upcasters: when a type changes shape, raise its EVENT_SCHEMA_VERSION and add here a step
 * { type, from, up } from each older version. A version that only added optional fields reads its older
 * events unchanged (they lack the fields and mean what they meant); the version still goes up, so that an
 * older ledger refuses an event whose new fields it would ignore.
 */
export const LEDGER_UPCASTER_STEPS: readonly Upcaster[] = [
  // v1 → v2: a v1 figure had no partOf or outOf.
  { type: 'FigureStated', from: 1, up: (data) => data },
  // v1 → v2: v1 outputs had no category and no record corrected another: every v1 record adds, as it did.
  { type: 'OutputsRecorded', from: 1, up: (data) => data },
];
export const LEDGER_UPCASTERS = new Upcasters(EVENT_SCHEMA_VERSION, LEDGER_UPCASTER_STEPS);

export const LEDGER_EVENT_TYPES: readonly LedgerEventType[] = [
  ...FUND_LINE_EVENT_TYPES,
  ...ACTIVITY_EVENT_TYPES,
  ...JOURNAL_EVENT_TYPES,
  ...USER_EVENT_TYPES,
  ...NOTE_EVENT_TYPES,
  ...RESULTS_EVENT_TYPES,
  ...RED_FLAG_EVENT_TYPES,
];

export function isLedgerEvent(e: RecordedEvent): e is RecordedLedgerEvent {
  return (LEDGER_EVENT_TYPES as readonly string[]).includes(e.type);
}
