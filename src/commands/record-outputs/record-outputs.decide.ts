import type { Beneficiaries, OutputQuantity, OutputsRecorded } from '../../../events';
import { outputKey } from '../../activity/output-log';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { activityStream } from '../../fund-line/fund-line.key';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { event, requireActivity } from '../rules';

/**
 * Kết quả đầu ra: physical results of an activity (houses, households, hectares, trainees...), optionally per
 * beneficiary category for indicators that count beneficiaries. A record adds to the earlier ones; one that
 * `corrects` states the totals of what it names instead.
 */
export interface RecordOutputs {
  readonly activityId: string;
  readonly outputs: readonly OutputQuantity[];
  readonly beneficiaries?: Beneficiaries;
  readonly completed: boolean;
  readonly corrects?: { readonly reason: string };
  readonly basis: Basis;
}

export function decideRecordOutputs(cmd: RecordOutputs, activity: ActivityState, catalogue: Catalogue): StreamEvents[] {
  if (cmd.basis.legalBasis.kind === 'voucher') {
    throw InvalidCommand.field('legalBasis', 'outputs are recorded on a decision or a document (acceptance minutes, report), not a voucher');
  }
  requireActivity(activity, cmd.activityId);
  const programme = activity.programme;
  const seen = new Set<string>();
  cmd.outputs.forEach((o, i) => {
    const indicator = catalogue.requireIndicator(`outputs[${i}].indicator`, o.indicator, programme);
    if (o.category !== undefined) {
      if (!indicator.byCategory) {
        throw InvalidCommand.field(`outputs[${i}].category`, `${o.indicator} (${indicator.unit}) does not count beneficiaries: it is not recorded by category`);
      }
      catalogue.requireBeneficiaryCategory(`outputs[${i}].category`, o.category, programme);
    }
    const key = outputKey(o.indicator, o.category);
    if (seen.has(key)) throw InvalidCommand.field(`outputs[${i}]`, `${key} is given twice in one record`);
    seen.add(key);
  });
  if (cmd.corrects !== undefined) {
    if (!cmd.corrects.reason.trim()) throw InvalidCommand.field('corrects.reason', 'a correction says why');
    if (cmd.outputs.length === 0) throw InvalidCommand.field('corrects', 'a correction states the corrected totals in outputs');
  }
  Object.keys(cmd.beneficiaries ?? {}).forEach((c) => catalogue.requireBeneficiaryCategory(`beneficiaries.${c}`, c, programme));
  if (activity.status === 'completed') {
    throw new CommandRefused('ACTIVITY_COMPLETED', `activity ${cmd.activityId} was completed; outputs after completion need a correcting decision`, {
      activityId: cmd.activityId,
    });
  }
  if (cmd.outputs.length === 0 && !cmd.completed && !cmd.beneficiaries) {
    throw InvalidCommand.field('outputs', 'nothing to record: give outputs, beneficiaries or completed=true');
  }
  const { basis: _basis, ...data } = cmd;
  const outputs = cmd.outputs.map((o) => ({ indicator: o.indicator, quantity: o.quantity, ...(o.category !== undefined ? { category: o.category } : {}) }));
  return [{ stream: activityStream(cmd.activityId), events: [event<OutputsRecorded>('OutputsRecorded', { ...data, outputs })] }];
}
