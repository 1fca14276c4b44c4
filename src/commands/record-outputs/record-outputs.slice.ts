import { onActivity } from '../decision-spec';
import { journalBasis } from '../shared/journal-basis';
import { beneficiaries, decisionOrDocumentBasis } from '../shared/to-input';
import { type JournalReader, type RequestCommand, isMapping } from '../slice';
import { RecordOutputs, decideRecordOutputs } from './record-outputs.decide';
import { RecordOutputsDto } from './record-outputs.dto';

/**
 * Outputs as a journal writes them: `{ houses-new: 6 }`, a list of `{ indicator, quantity, category? }`, or per
 * category: `{ trainees: { total: 120, women: 60, ethnic-minority: 85 } }`.
 */
function outputsOf(v: unknown, j: JournalReader): { indicator: string; quantity: string; category?: string }[] {
  if (v === undefined) return [];
  if (isMapping(v) && Object.values(v).some(isMapping)) {
    const out: { indicator: string; quantity: string; category?: string }[] = [];
    for (const [indicator, q] of Object.entries(v)) {
      if (!isMapping(q)) {
        const [parsed] = j.quantities({ [indicator]: q }, 'outputs') ?? [];
        if (parsed) out.push(parsed);
        continue;
      }
      for (const [category, n] of Object.entries(q)) {
        const [parsed] = j.quantities({ [category]: n }, `outputs.${indicator}`) ?? [];
        if (parsed) out.push({ indicator, quantity: parsed.quantity, ...(category === 'total' ? {} : { category }) });
      }
    }
    return out;
  }
  if (Array.isArray(v)) {
    const parsed = j.quantities(v, 'outputs') ?? [];
    return parsed.map((p, i) => {
      const category = isMapping(v[i]) ? (v[i] as { category?: unknown }).category : undefined;
      return typeof category === 'string' ? { ...p, category } : p;
    });
  }
  return j.quantities(v, 'outputs') ?? [];
}

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
    outputs: dto.outputs.map((o) => ({ indicator: o.indicator, quantity: o.quantity, ...(o.category !== undefined ? { category: o.category } : {}) })),
    ...(dto.beneficiaries ? { beneficiaries: beneficiaries(dto.beneficiaries, 'beneficiaries') } : {}),
    completed: dto.completed ?? false,
    ...(dto.corrects ? { corrects: { reason: dto.corrects.reason } } : {}),
    basis: decisionOrDocumentBasis(dto),
  }),
  spec: (input, catalogue) => onActivity(input, (activity) => decideRecordOutputs(input, activity, catalogue)),
  journal: {
    kind: 'outputs',
    toRequest: (body, j) => {
      const { activityId, ...rest } = body;
      return {
        params: { activityId: j.activityId(activityId) },
        body: j.request(rest, { outputs: outputsOf(rest.outputs, j), ...journalBasis(rest, j) }),
      };
    },
  },
};
