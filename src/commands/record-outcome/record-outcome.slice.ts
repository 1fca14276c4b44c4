import { OutcomesState, outcomeStream, outcomesFold } from '../../results/outcomes.state';
import { decision } from '../decision-spec';
import { basis, decisionBasis, documentBasis } from '../shared/to-input';
import { type JournalReader, type JournalBody, type RequestCommand, withoutUndefined } from '../slice';
import { RecordOutcome, decideRecordOutcome } from './record-outcome.decide';
import { RecordOutcomeDto } from './record-outcome.dto';

/** A journal's decision or document, named or written out, as a request's basis fields. */
export function basisFields(body: JournalBody, j: JournalReader): JournalBody {
  const doc = body.document === undefined ? undefined : j.document(body.document, 'document');
  return {
    decision: body.decision === undefined ? undefined : j.decision(body.decision),
    document: doc ? withoutUndefined({ title: doc.title, number: doc.number, date: doc.date, issuer: doc.issuer }) : undefined,
  };
}

/** Kết quả rà soát hộ nghèo: one outcome indicator of a unit for a year, from the annual poverty review. */
export const recordOutcomeCommand: RequestCommand<RecordOutcomeDto, RecordOutcome> = {
  name: 'RecordOutcome',
  route: {
    path: 'outcomes/measure',
    summary: 'Kết quả rà soát: an outcome indicator (poverty rate, poor households...) of a unit for a year, from the annual poverty review',
  },
  dto: RecordOutcomeDto,
  toInput: (dto) => ({
    programme: dto.programme,
    unit: dto.unit,
    indicator: dto.indicator,
    year: dto.year,
    value: dto.value,
    ...(dto.corrects ? { corrects: { reason: dto.corrects.reason } } : {}),
    ...(dto.note ? { note: dto.note } : {}),
    basis: basis(dto.decision ? decisionBasis(dto.decision) : documentBasis(dto.document!), dto),
  }),
  spec: (input, catalogue) =>
    decision({
      basis: input.basis,
      primaryStream: outcomeStream(input.unit),
      loads: [{ stream: outcomeStream(input.unit), fold: outcomesFold }] as const,
      decide: ([outcomes]) => decideRecordOutcome(input, outcomes.state as OutcomesState, catalogue),
    }),
  journal: {
    kind: 'outcome',
    toRequest: (body, j) => ({
      body: j.request(body, {
        programme: body.programme ?? j.defaults.programme,
        unit: body.unit === undefined ? j.defaults.unit : j.unit(body.unit, 'unit'),
        value: body.value === undefined ? undefined : j.quantity(body.value, 'value'),
        ...basisFields(body, j),
      }),
    }),
  },
};
