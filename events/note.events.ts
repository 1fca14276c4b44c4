import type { DomainEvent } from './metadata';
import type { FundLineKey } from './fund-line.events';

/**
 * Ghi chú kiểm toán / thanh tra: what an auditor or inspector notes about a fund line or an activity (a question, an
 * irregularity, a finding to follow up). It moves no money and changes nothing else; its author is its event's actor.
 * One stream per note (`note-<id>`): a note is never edited; a later note may answer or correct it.
 */
export type NoteRecorded = DomainEvent<'NoteRecorded', {
  readonly noteId: string;
  /** The line noted on, or absent for a note on an activity. */
  readonly line?: FundLineKey;
  readonly activityId?: string;
  /** The unit of what is noted on: the line's, or the activity's. */
  readonly unit: string;
  readonly text: string;
}>;

export type NoteEvent = NoteRecorded;

export const NOTE_EVENT_TYPES: readonly NoteEvent['type'][] = ['NoteRecorded'];
