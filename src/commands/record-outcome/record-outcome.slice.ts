import type { Basis, StreamEvents } from '../command';
import { OutcomesState, outcomeStream, outcomesFold } from '../../results/outcomes.state';
import { type Decision, decision } from '../decision-spec';
import { journalBasis } from '../shared/journal-basis';
import { decisionOrDocumentBasis } from '../shared/to-input';
import type { JournalBody, JournalReader, RequestCommand } from '../slice';
import { RecordOutcome, decideRecordOutcome } from './record-outcome.decide';
import { RecordOutcomeDto } from './record-outcome.dto';

/** A command on a unit's results stream (its primary stream), deciding on what the stream holds. */
export function onOutcomes(input: { unit: string; basis: Basis }, decide: (state: OutcomesState) => readonly StreamEvents[]): Decision {
  const stream = outcomeStream(input.unit);
  return decision({
    basis: input.basis,
    primaryStream: stream,
    loads: [{ stream, fold: outcomesFold }] as const,
    // Recorded for the unit: the record right in a scope covering it (when its code named it: the basis's date).
    units: [{ code: input.unit, when: input.basis.effectiveDate }],
    decide: ([outcomes]) => decide(outcomes.state as OutcomesState),
  });
}

/** A journal entry of the results framework as its request: programme and unit by default, a Vietnamese value, its basis. */
export function outcomeRequest(body: JournalBody, j: JournalReader, fields: JournalBody = {}): JournalBody {
  return j.request(body, {
    programme: body.programme ?? j.defaults.programme,
    unit: body.unit === undefined ? j.defaults.unit : j.unit(body.unit, 'unit'),
    value: body.value === undefined ? undefined : j.quantity(body.value, 'value'),
    ...journalBasis(body, j),
    ...fields,
  });
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
    basis: decisionOrDocumentBasis(dto),
  }),
  spec: (input, catalogue) => onOutcomes(input, (outcomes) => decideRecordOutcome(input, outcomes, catalogue)),
  journal: {
    kind: 'outcome',
    toRequest: (body, j) => ({ body: outcomeRequest(body, j) }),
  },
};
