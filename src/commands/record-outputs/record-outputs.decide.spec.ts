import { CommandRefused, InvalidCommand } from '../../shared/errors';
import { deciderSpec } from '../../../test/support/decider-spec';
import { ACCEPTANCE, DECISION, HOUSING, VOUCHER, activityRegistered, catalogue, outputsRecorded } from '../../../test/support/fixtures';
import { RecordOutputs, decideRecordOutputs } from './record-outputs.decide';

const spec = deciderSpec((cmd: RecordOutputs, given) => decideRecordOutputs(cmd, given.activity(cmd.activityId), catalogue));

const record = (overrides: Partial<RecordOutputs> = {}): RecordOutputs => ({
  activityId: HOUSING,
  outputs: [
    { indicator: 'houses-new', quantity: '6' },
    { indicator: 'houses-repaired', quantity: '19' },
  ],
  completed: false,
  basis: ACCEPTANCE,
  ...overrides,
});

const STREAM = 'activity-VQ-DA5-2024-01';

describe('RecordOutputs (kết quả đầu ra)', () => {
  describe('when the activity is under way', () => {
    it('records the outputs on the activity stream, without the basis', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(record())
        .then([
          {
            stream: STREAM,
            events: [
              outputsRecorded(HOUSING, {
                outputs: [
                  { indicator: 'houses-new', quantity: '6' },
                  { indicator: 'houses-repaired', quantity: '19' },
                ],
              }),
            ],
          },
        ]);
    });

    it('records beneficiaries and completion on a decision', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(record({ outputs: [], beneficiaries: { poor: 95, 'ethnic-minority': 88 }, completed: true, basis: DECISION }))
        .then([
          {
            stream: STREAM,
            events: [outputsRecorded(HOUSING, { outputs: [], beneficiaries: { poor: 95, 'ethnic-minority': 88 }, completed: true })],
          },
        ]);
    });

    it('adds to the outputs recorded before', () => {
      spec
        .given([activityRegistered(HOUSING), outputsRecorded(HOUSING, { outputs: [{ indicator: 'houses-repaired', quantity: '19' }] })])
        .when(record({ outputs: [{ indicator: 'houses-repaired', quantity: '158' }], completed: true }))
        .thenWorld((after) => {
          expect(after.activity(HOUSING).outputs).toEqual({ 'houses-repaired': '177' });
          expect(after.activity(HOUSING).status).toBe('completed');
        });
    });
  });

  describe('when outputs are counted by beneficiary category', () => {
    const trainees = (quantity: string, category?: string) => ({ indicator: 'trainees', quantity, ...(category ? { category } : {}) });

    it('records each category beside the total, and adds a second record to the first', () => {
      spec
        .given([activityRegistered(HOUSING), outputsRecorded(HOUSING, { outputs: [trainees('40'), trainees('25', 'women')] })])
        .when(record({ outputs: [trainees('30'), trainees('10', 'women'), trainees('12', 'ethnic-minority')] }))
        .thenWorld((after) => expect(after.activity(HOUSING).outputs).toMatchObject({ trainees: '70', 'trainees/women': '35', 'trainees/ethnic-minority': '12' }));
    });

    it('replaces the totals it names when it says it corrects, and leaves the others', () => {
      spec
        .given([activityRegistered(HOUSING), outputsRecorded(HOUSING, { outputs: [trainees('40'), trainees('25', 'women')] })])
        .when(record({ outputs: [trainees('24', 'women')], corrects: { reason: 'Danh sách lớp 1 ghi trùng một học viên nữ' } }))
        .thenWorld((after) => expect(after.activity(HOUSING).outputs).toMatchObject({ trainees: '40', 'trainees/women': '24' }));
    });

    it('refuses a category on an indicator that does not count beneficiaries, an unknown category, and a key given twice', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(record({ outputs: [{ indicator: 'hectares', quantity: '2', category: 'women' }] }))
        .thenThrows(InvalidCommand, 'outputs[0].category', 'hectares (ha) does not count beneficiaries: it is not recorded by category');
      spec.given([activityRegistered(HOUSING)]).when(record({ outputs: [trainees('2', 'retirees')] })).thenThrows(InvalidCommand, 'outputs[0].category', /^unknown beneficiary category "retirees"/);
      spec.given([activityRegistered(HOUSING)]).when(record({ outputs: [trainees('2', 'women'), trainees('3', 'women')] })).thenThrows(InvalidCommand, 'outputs[1]', 'trainees/women is given twice in one record');
    });

    it('refuses a correction without its reason or without totals', () => {
      spec.given([activityRegistered(HOUSING)]).when(record({ corrects: { reason: ' ' } })).thenThrows(InvalidCommand, 'corrects.reason');
      spec.given([activityRegistered(HOUSING)]).when(record({ outputs: [], completed: true, corrects: { reason: 'x' } })).thenThrows(InvalidCommand, 'corrects');
    });
  });

  describe('when the activity was completed', () => {
    it('refuses further outputs', () => {
      spec
        .given([activityRegistered(HOUSING), outputsRecorded(HOUSING, { completed: true })])
        .when(record())
        .thenThrows(
          CommandRefused,
          'ACTIVITY_COMPLETED',
          'activity VQ-DA5-2024-01 was completed; outputs after completion need a correcting decision',
        );
    });
  });

  describe('when the activity is not registered', () => {
    it('refuses the outputs', () => {
      spec.given([]).when(record()).thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND', 'activity VQ-DA5-2024-01 is not registered');
    });
  });

  describe('when the basis is a treasury voucher', () => {
    it('refuses it: outputs rest on a decision or a document', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(record({ basis: VOUCHER }))
        .thenThrows(
          InvalidCommand,
          'legalBasis',
          'outputs are recorded on a decision or a document (acceptance minutes, report), not a voucher',
        );
    });
  });

  describe('when a code is not in the catalogue', () => {
    it('refuses an unknown indicator and lists the valid ones', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(record({ outputs: [{ indicator: 'houses-new', quantity: '6' }, { indicator: 'nha-o', quantity: '1' }] }))
        .thenThrows(InvalidCommand, 'outputs[1].indicator', /^unknown indicator "nha-o"; valid: houses-new, houses-repaired, households-supported, /);
    });

    it('refuses an unknown beneficiary category', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(record({ beneficiaries: { 'ho-ngheo': 3 } }))
        .thenThrows(InvalidCommand, 'beneficiaries.ho-ngheo', /^unknown beneficiary category "ho-ngheo"; valid: poor, near-poor/);
    });
  });

  describe('when there is nothing to record', () => {
    it('refuses an empty record', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(record({ outputs: [] }))
        .thenThrows(InvalidCommand, 'outputs', 'nothing to record: give outputs, beneficiaries or completed=true');
    });

    it('accepts a record that only completes the activity', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when(record({ outputs: [], completed: true }))
        .then([{ stream: STREAM, events: [outputsRecorded(HOUSING, { outputs: [], completed: true })] }]);
    });
  });
});
