import { onActivity } from '../decision-spec';
import { basis, beneficiaries, decisionBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { RegisterActivity, decideRegisterActivity } from './register-activity.decide';
import { RegisterActivityDto } from './register-activity.dto';

/** Register an activity: a model, project, work or course, with what it aims at. */
export const registerActivityCommand: RequestCommand<RegisterActivityDto, RegisterActivity> = {
  name: 'RegisterActivity',
  route: {
    path: 'register-activity',
    summary: 'Register an activity (model, project, work, course) with its kind, component, communes, beneficiaries and targets',
  },
  dto: RegisterActivityDto,
  toInput: (dto, { newId }) => ({
    activityId: dto.activityId ?? newId(),
    name: dto.name,
    programme: dto.programme,
    component: dto.component,
    kind: dto.kind,
    unit: dto.unit,
    communes: dto.communes ?? [],
    ...(dto.investor ? { investor: dto.investor } : {}),
    beneficiaries: beneficiaries(dto.beneficiaries, 'beneficiaries'),
    targets: (dto.targets ?? []).map((t) => ({ indicator: t.indicator, quantity: t.quantity })),
    basis: basis(decisionBasis(dto.decision), dto),
  }),
  spec: (input, catalogue) => ({
    ...onActivity(input, (activity) => decideRegisterActivity(input, activity, catalogue)),
    // Not registered yet, the activity's stream has no unit: the unit that will run it, and its communes, on the decision's date.
    units: [input.unit, ...input.communes].map((code) => ({ code, when: input.basis.effectiveDate })),
  }),
  journal: {
    kind: 'activity',
    toRequest: (body, j) => ({
      body: j.request(body, {
        activityId: body.activityId ?? j.entryId,
        programme: body.programme ?? j.defaults.programme,
        unit: body.unit === undefined ? j.defaults.unit : j.unit(body.unit, 'unit'),
        targets: j.quantities(body.targets, 'targets'),
        decision: j.decision(body.decision),
      }),
    }),
  },
};
