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
import type { RecordedEvent } from './metadata';
import { Upcasters } from './upcasting';

export * from './metadata';
export * from './fund-line.events';
export * from './activity.events';
export * from './journal.events';
export * from './user.events';
export * from './note.events';
export * from './upcasting';

/** The closed union of everything the ledger records. Type strings are stored forever: never rename one. */
export type LedgerEvent = FundLineEvent | ActivityEvent | JournalEvent | UserEvent | NoteEvent;
export type LedgerEventType = LedgerEvent['type'];
export type RecordedLedgerEvent = RecordedEvent<LedgerEvent>;

/** Current schema version of each event type; a change of shape adds a version and an upcaster. */
export const EVENT_SCHEMA_VERSION: Readonly<Record<LedgerEventType, number>> = Object.freeze(
  Object.fromEntries([...FUND_LINE_EVENT_TYPES, ...ACTIVITY_EVENT_TYPES, ...JOURNAL_EVENT_TYPES, ...USER_EVENT_TYPES, ...NOTE_EVENT_TYPES].map((t) => [t, 1])) as Record<LedgerEventType, number>,
);

/**
 * The ledger's upcasters: when a type changes shape, raise its EVENT_SCHEMA_VERSION and add here a step
 * { type, from, up } from each older version. None yet: every type is at its first version.
 */
export const LEDGER_UPCASTERS = new Upcasters(EVENT_SCHEMA_VERSION, []);

export const LEDGER_EVENT_TYPES: readonly LedgerEventType[] = [...FUND_LINE_EVENT_TYPES, ...ACTIVITY_EVENT_TYPES, ...JOURNAL_EVENT_TYPES, ...USER_EVENT_TYPES, ...NOTE_EVENT_TYPES];

export function isLedgerEvent(e: RecordedEvent): e is RecordedLedgerEvent {
  return (LEDGER_EVENT_TYPES as readonly string[]).includes(e.type);
}
