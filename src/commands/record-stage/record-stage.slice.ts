import { onActivity } from '../decision-spec';
import { journalBasis } from '../shared/journal-basis';
import { decisionOrDocumentBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { RecordStage, decideRecordStage } from './record-stage.decide';
import { RecordStageDto } from './record-stage.dto';

/** Tiến độ công trình: an activity (a work) reaches a stage of its lifecycle. */
export const recordStageCommand: RequestCommand<RecordStageDto, RecordStage> = {
  name: 'RecordStage',
  route: {
    path: 'activities/:activityId/stage',
    summary: 'Tiến độ công trình: an activity reaches a stage of its lifecycle (planned, investment procedure, tendering, under construction, completed, handed over)',
  },
  dto: RecordStageDto,
  toInput: (dto, { params }) => ({
    activityId: params.activityId,
    stage: dto.stage,
    ...(dto.note ? { note: dto.note } : {}),
    basis: decisionOrDocumentBasis(dto),
  }),
  spec: (input, catalogue) => onActivity(input, (activity) => decideRecordStage(input, activity, catalogue)),
  journal: {
    kind: 'stage',
    toRequest: (body, j) => {
      const { activityId, ...rest } = body;
      return { params: { activityId: j.activityId(activityId) }, body: j.request(rest, journalBasis(rest, j)) };
    },
  },
};
