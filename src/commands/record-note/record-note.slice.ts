import type { DomainEvent } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { FundLineState } from '../../fund-line/fund-line.state';
import type { Fold } from '../aggregate-cache';
import type { Load } from '../command-runner';
import { decision } from '../decision-spec';
import { loadActivity, loadLine } from '../rules';
import { decisionBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { vietnamDay } from '../users/users.slice';
import { NoteState, RecordNote, decideRecordNote, noteStream } from './record-note.decide';
import { RecordNoteDto } from './record-note.dto';

const noteFold: Fold<NoteState, DomainEvent> = { initial: () => ({ recorded: false }), evolve: () => ({ recorded: true }) };

type Input = RecordNote & { readonly basis: { readonly legalBasis?: ReturnType<typeof decisionBasis>; readonly effectiveDate: string } };

/**
 * Ghi chú kiểm toán: auditors and inspectors record their own notes on what they read (the note right, in the scope
 * of the line's or the activity's unit); nothing else they may record.
 */
export const recordNoteCommand: RequestCommand<RecordNoteDto, Input> = {
  name: 'RecordNote',
  route: { path: 'notes', summary: 'Ghi chú: an auditor’s or inspector’s note on a fund line or an activity' },
  dto: RecordNoteDto,
  right: 'note',
  toInput: (dto, edge) => ({
    noteId: dto.noteId ?? edge.newId(),
    about: dto.line ? { line: dto.line } : { activityId: dto.activityId as string },
    text: dto.text,
    basis: { effectiveDate: vietnamDay(edge.now), ...(dto.decision ? { legalBasis: decisionBasis(dto.decision) } : {}) },
  }),
  spec: (input) => {
    const note: Load<NoteState> = { stream: noteStream(input.noteId), fold: noteFold };
    // The subject's stream gives the units: a line's from its key, an activity's from its registration.
    const subject: Load = 'line' in input.about ? loadLine(input.about.line) : loadActivity(input.about.activityId);
    return decision({
      basis: input.basis,
      primaryStream: note.stream,
      loads: [note, subject as Load<FundLineState | ActivityState>] as const,
      decide: ([n, s]) => decideRecordNote(input, n.state, s.state as FundLineState | ActivityState),
    });
  },
};
