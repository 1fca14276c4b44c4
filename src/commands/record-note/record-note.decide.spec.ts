import { initialActivityState } from '../../activity/activity.state';
import { CommandRefused } from '../../shared/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import { activityRegistered, HOUSING, LINE, planAssigned } from '../../../test/support/fixtures';
import { decideRecordNote, type RecordNote } from './record-note.decide';

const spec = deciderSpec((cmd: RecordNote, given) =>
  decideRecordNote(cmd, { recorded: false }, 'line' in cmd.about ? given.line(cmd.about.line) : given.activity(cmd.about.activityId)),
);

describe('RecordNote (ghi chú kiểm toán)', () => {
  it('notes on a line that exists, with its unit', () => {
    spec
      .given([planAssigned('8036000000')])
      .when({ noteId: 'n-1', about: { line: LINE }, text: 'Đề nghị giải trình' })
      .then([{ stream: 'note-n-1', events: [{ type: 'NoteRecorded', version: 1, data: { noteId: 'n-1', line: LINE, unit: '184', text: 'Đề nghị giải trình' } }] }]);
  });

  it('notes on an activity with the activity’s unit', () => {
    spec
      .given([activityRegistered(HOUSING)])
      .when({ noteId: 'n-2', about: { activityId: HOUSING }, text: 'Kiểm tra hồ sơ nghiệm thu' })
      .then([{ stream: 'note-n-2', events: [{ type: 'NoteRecorded', version: 1, data: { noteId: 'n-2', activityId: HOUSING, unit: '184', text: 'Kiểm tra hồ sơ nghiệm thu' } }] }]);
  });

  it('refuses a note on what does not exist', () => {
    spec.given([]).when({ noteId: 'n-3', about: { line: LINE }, text: 'x' }).thenThrows(CommandRefused, 'LINE_NOT_FOUND');
    spec.given([]).when({ noteId: 'n-4', about: { activityId: 'NONE' }, text: 'x' }).thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND');
  });

  it('never overwrites a note', () => {
    expect(() => decideRecordNote({ noteId: 'n-1', about: { activityId: HOUSING }, text: 'x' }, { recorded: true }, initialActivityState())).toThrow(/never changed/);
  });
});
