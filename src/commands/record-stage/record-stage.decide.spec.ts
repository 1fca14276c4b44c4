import { deciderSpec } from '../../../test/support/decider-spec';
import { ACCEPTANCE, DECISION, HOUSING, VOUCHER, activityRegistered, catalogue } from '../../../test/support/fixtures';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis } from '../command';
import { RecordStage, decideRecordStage } from './record-stage.decide';

const spec = deciderSpec((cmd: RecordStage, given) => decideRecordStage(cmd, given.activity(cmd.activityId), catalogue));

const WORK = 'VQ-DA1-2024-DUONG-01';
const work = activityRegistered(WORK, { name: 'Đường giao thông thôn Nà Thoi', component: 'DA1.TDA1', kind: 'infrastructure-work', beneficiaries: {}, targets: [{ indicator: 'works', quantity: '1' }] });
/** Quyết định phê duyệt kết quả lựa chọn nhà thầu. */
const TENDER: Basis = { legalBasis: { kind: 'decision', number: '1120/QĐ-UBND', date: '2024-04-02', issuer: 'UBND huyện Văn Quan' }, effectiveDate: '2024-04-02' };
const stage = (code: string, basis: Basis = DECISION): RecordStage => ({ activityId: WORK, stage: code, basis });
const reached = (code: string) => ({ type: 'ActivityStageReached' as const, version: 1, data: { activityId: WORK, lifecycle: 'works', stage: code } });

describe('RecordStage (tiến độ công trình)', () => {
  describe('when a work moves on', () => {
    it('records the stage it reached, dated by its basis', () => {
      spec
        .given([work])
        .when(stage('tendering', TENDER))
        .then([{ stream: `activity-${WORK}`, events: [reached('tendering')] }]);
    });

    it('may skip stages, forward only', () => {
      spec.given([work, reached('investment-procedure')]).when(stage('under-construction')).thenWorld((after) => expect(after.activity(WORK).stage).toBe('under-construction'));
      spec.given([work, reached('under-construction')]).when(stage('handed-over', ACCEPTANCE)).thenWorld((after) => expect(after.activity(WORK).stage).toBe('handed-over'));
    });
  });

  describe('when the stage does not move it forward', () => {
    it('refuses a stage it has passed, or the one it is at, naming where it is', () => {
      spec
        .given([work, reached('under-construction')])
        .when(stage('tendering'))
        .thenThrows(
          CommandRefused,
          'STAGE_OUT_OF_ORDER',
          `activity ${WORK} is at stage under-construction; tendering comes before it (stages go planned → investment-procedure → tendering → under-construction → completed → handed-over)`,
        );
      spec.given([work]).when(stage('planned')).thenThrows(CommandRefused, 'STAGE_OUT_OF_ORDER', /is at stage planned; planned is that stage/);
    });
  });

  describe('when the stage or the activity does not fit', () => {
    it('refuses a stage the lifecycle does not have, listing them in order', () => {
      spec.given([work]).when(stage('paid')).thenThrows(InvalidCommand, 'stage', 'unknown stage "paid" of works; valid, in order: planned, investment-procedure, tendering, under-construction, completed, handed-over');
    });

    it('refuses an activity whose kind follows no lifecycle', () => {
      spec
        .given([activityRegistered(HOUSING)])
        .when({ activityId: HOUSING, stage: 'under-construction', basis: DECISION })
        .thenThrows(InvalidCommand, 'stage', 'activities of kind housing-support follow no lifecycle in the catalogue of GNBV-2021-2025');
    });

    it('refuses an activity that is not registered, and a voucher as basis', () => {
      spec.given([]).when(stage('tendering')).thenThrows(CommandRefused, 'ACTIVITY_NOT_FOUND');
      spec.given([work]).when(stage('tendering', VOUCHER)).thenThrows(InvalidCommand, 'legalBasis');
    });
  });
});
