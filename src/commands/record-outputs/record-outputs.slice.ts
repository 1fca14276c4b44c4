import { onActivity } from '../decision-spec';
import { basis, beneficiaries, decisionBasis, documentBasis } from '../shared/to-input';
import { type RequestCommand, withoutUndefined } from '../slice';
import { RecordOutputs, decideRecordOutputs } from './record-outputs.decide';
import { RecordOutputsDto } from './record-outputs.dto';

/** Kết quả đầu ra: what an activity produced, by decision or by acceptance minutes. */
export const recordOutputsCommand: RequestCommand<RecordOutputsDto, RecordOutputs> = {
  name: 'RecordOutputs',
  route: {
    path: 'activities/:activityId/outputs',
    summary: 'Kết quả đầu ra: record outputs of an activity (houses, households, hectares, trainees...)',
  },
  dto: RecordOutputsDto,
  toInput: (dto, { params }) => ({
    activityId: params.activityId,
    outputs: dto.outputs.map((o) => ({ indicator: o.indicator, quantity: o.quantity })),
    ...(dto.beneficiaries ? { beneficiaries: beneficiaries(dto.beneficiaries, 'beneficiaries') } : {}),
    completed: dto.completed ?? false,
    basis: basis(dto.decision ? decisionBasis(dto.decision) : documentBasis(dto.document!), dto),
  }),
  spec: (input, catalogue) => onActivity(input, (activity) => decideRecordOutputs(input, activity, catalogue)),
  journal: {
    kind: 'outputs',
    toRequest: (body, j) => {
      const { activityId, ...rest } = body;
      const id = j.activityId(activityId);
      const doc = rest.document === undefined ? undefined : j.document(rest.document, 'document');
      return {
        params: { activityId: id },
        body: j.request(rest, {
          outputs: j.quantities(rest.outputs, 'outputs') ?? [],
          decision: rest.decision === undefined ? undefined : j.decision(rest.decision),
          document: doc ? withoutUndefined({ title: doc.title, number: doc.number, date: doc.date, issuer: doc.issuer }) : undefined,
        }),
      };
    },
  },
};
