import type { ActivityRegistered, Beneficiaries, Quantity } from '../../../events';
import type { ActivityState } from '../../activity/activity.state';
import type { Catalogue } from '../../catalogue/catalogue';
import { activityStream } from '../../fund-line/fund-line.key';
import { CommandRefused, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { event, requireDecision } from '../rules';

/** Đăng ký hoạt động: a model, project, work or course that money can be allocated to. */
export interface RegisterActivity {
  readonly activityId: string;
  readonly name: string;
  readonly programme: string;
  readonly component: string;
  readonly kind: string;
  readonly unit: string;
  readonly communes: readonly string[];
  readonly investor?: string;
  readonly beneficiaries: Beneficiaries;
  readonly targets: readonly Quantity[];
  readonly basis: Basis;
}

export function decideRegisterActivity(cmd: RegisterActivity, state: ActivityState, catalogue: Catalogue): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'registering an activity');
  catalogue.requireProgramme('programme', cmd.programme);
  catalogue.requireComponent('component', cmd.component, cmd.programme);
  const kind = catalogue.requireActivityKind('kind', cmd.kind, cmd.programme);
  if (!kind.components.includes(cmd.component)) {
    throw InvalidCommand.field(
      'kind',
      `activity kind ${cmd.kind} does not belong to component ${cmd.component}; it belongs to ${kind.components.join(', ')}`,
    );
  }
  // Units as they were on the day the decision took effect.
  catalogue.requireUnit('unit', cmd.unit, cmd.basis.effectiveDate);
  cmd.communes.forEach((c, i) => catalogue.requireUnit(`communes[${i}]`, c, cmd.basis.effectiveDate));
  Object.keys(cmd.beneficiaries).forEach((c) => catalogue.requireBeneficiaryCategory(`beneficiaries.${c}`, c, cmd.programme));
  cmd.targets.forEach((t, i) => catalogue.requireIndicator(`targets[${i}].indicator`, t.indicator, cmd.programme));
  if (state.activityId !== null) {
    throw new CommandRefused('ACTIVITY_EXISTS', `activity ${cmd.activityId} is already registered ("${state.name}")`, {
      activityId: cmd.activityId,
    });
  }
  const { basis: _basis, ...data } = cmd;
  return [{ stream: activityStream(cmd.activityId), events: [event<ActivityRegistered>('ActivityRegistered', data)] }];
}
