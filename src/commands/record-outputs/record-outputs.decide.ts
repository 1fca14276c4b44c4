import type { Beneficiaries, OutputsRecorded, Quantity } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { activityStream } from '../../fund-line/fund-line.key';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { event, requireActivity } from '../rules';

/** Kết quả đầu ra: physical results of an activity (houses, households, hectares, trainees...). */
export interface RecordOutputs {
  readonly activityId: string;
  readonly outputs: readonly Quantity[];
  readonly beneficiaries?: Beneficiaries;
  readonly completed: boolean;
  readonly basis: Basis;
}

export function decideRecordOutputs(cmd: RecordOutputs, activity: ActivityState, catalogue: Catalogue): StreamEvents[] {
  if (cmd.basis.legalBasis.kind === 'voucher') {
    throw InvalidCommand.field('legalBasis', 'outputs are recorded on a decision or a document (acceptance minutes, report), not a voucher');
  }
  requireActivity(activity, cmd.activityId);
  const programme = activity.programme;
  cmd.outputs.forEach((o, i) => catalogue.requireIndicator(`outputs[${i}].indicator`, o.indicator, programme));
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
  return [{ stream: activityStream(cmd.activityId), events: [event<OutputsRecorded>('OutputsRecorded', data)] }];
}
