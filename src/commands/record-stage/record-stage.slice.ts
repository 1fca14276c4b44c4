import { onActivity } from '../decision-spec';
import { basis, decisionBasis, documentBasis } from '../shared/to-input';
import { type RequestCommand, withoutUndefined } from '../slice';
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
    basis: basis(dto.decision ? decisionBasis(dto.decision) : documentBasis(dto.document!), dto),
  }),
  spec: (input, catalogue) => onActivity(input, (activity) => decideRecordStage(input, activity, catalogue)),
  journal: {
    kind: 'stage',
    toRequest: (body, j) => {
      const { activityId, ...rest } = body;
      const id = j.activityId(activityId);
      const doc = rest.document === undefined ? undefined : j.document(rest.document, 'document');
      return {
        params: { activityId: id },
        body: j.request(rest, {
          decision: rest.decision === undefined ? undefined : j.decision(rest.decision),
          document: doc ? withoutUndefined({ title: doc.title, number: doc.number, date: doc.date, issuer: doc.issuer }) : undefined,
        }),
      };
    },
  },
};
