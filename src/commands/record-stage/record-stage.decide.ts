import type { ActivityStageReached } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { activityStream } from '../../fund-line/fund-line.key';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { event, requireActivity } from '../rules';

/** Tiến độ công trình: an activity reaches a stage of the lifecycle its kind follows, on a dated basis. */
export interface RecordStage {
  readonly activityId: string;
  readonly stage: string;
  readonly note?: string;
  readonly basis: Basis;
}

/**
 * Stages come from the catalogue (the lifecycle of the activity's kind) and are reached forward only: a stage may
 * be skipped (a maintenance work is not tendered), never reached twice or after a later one. Corrections of a
 * stage are not in this command.
 */
export function decideRecordStage(cmd: RecordStage, activity: ActivityState, catalogue: Catalogue): StreamEvents[] {
  if (cmd.basis.legalBasis.kind === 'voucher') {
    throw InvalidCommand.field('legalBasis', 'a stage rests on a decision (investment decision, contractor selection) or a document (acceptance or handover minutes), not a voucher');
  }
  requireActivity(activity, cmd.activityId);
  const lifecycle = catalogue.lists(activity.programme).lifecycleOf(activity.kind);
  if (!lifecycle) {
    throw InvalidCommand.field('stage', `activities of kind ${activity.kind} follow no lifecycle in the catalogue of ${activity.programme}`);
  }
  const codes = lifecycle.stages.map((s) => s.code);
  const index = codes.indexOf(cmd.stage);
  if (index < 0) throw InvalidCommand.field('stage', `unknown stage "${cmd.stage}" of ${lifecycle.code}; valid, in order: ${codes.join(', ')}`);
  const current = activity.stage ?? codes[0];
  if (index <= codes.indexOf(current)) {
    throw new CommandRefused(
      'STAGE_OUT_OF_ORDER',
      `activity ${cmd.activityId} is at stage ${current}; ${cmd.stage} ${index === codes.indexOf(current) ? 'is that stage' : 'comes before it'} (stages go ${codes.join(' → ')})`,
      { activityId: cmd.activityId, current, requested: cmd.stage },
    );
  }
  return [
    {
      stream: activityStream(cmd.activityId),
      events: [
        event<ActivityStageReached>('ActivityStageReached', {
          activityId: cmd.activityId,
          lifecycle: lifecycle.code,
          stage: cmd.stage,
          ...(cmd.note ? { note: cmd.note } : {}),
        }),
      ],
    },
  ];
}
