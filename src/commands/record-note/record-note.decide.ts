import type { FundLineKey } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { CommandRefused } from '../../shared/errors';
import type { StreamEvents } from '../command';
import { event, requireActivity, requireLine } from '../rules';

export const NOTE_STREAM_PREFIX = 'note-';
export const noteStream = (noteId: string): string => NOTE_STREAM_PREFIX + noteId;

/** Whether a note's stream holds one already. */
export interface NoteState {
  readonly recorded: boolean;
}

export interface RecordNote {
  readonly noteId: string;
  /** What it is about: a fund line, or an activity. */
  readonly about: { readonly line: FundLineKey } | { readonly activityId: string };
  readonly text: string;
}

/** Ghi chú: an auditor's or inspector's note on something that exists; notes are never overwritten. */
export function decideRecordNote(input: RecordNote, note: NoteState, subject: FundLineState | ActivityState): StreamEvents[] {
  if (note.recorded) throw new CommandRefused('NOTE_EXISTS', `note ${input.noteId} exists already: a note is never changed, write another`, { noteId: input.noteId });
  if ('line' in input.about) {
    requireLine(subject as FundLineState, input.about.line);
    const line = input.about.line;
    return [{ stream: noteStream(input.noteId), events: [event('NoteRecorded', { noteId: input.noteId, line, unit: line.unit, text: input.text })] }];
  }
  const activity = subject as ActivityState;
  requireActivity(activity, input.about.activityId);
  return [
    {
      stream: noteStream(input.noteId),
      events: [event('NoteRecorded', { noteId: input.noteId, activityId: input.about.activityId, unit: activity.unit, text: input.text })],
    },
  ];
}
