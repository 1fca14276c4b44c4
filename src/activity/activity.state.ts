import type { ActivityEvent, Beneficiaries, Quantity } from '../../events';
import { D } from '../money/money';

/** Trạng thái: derived from what happened to the activity. Money-driven states come from the projections. */
export type ActivityStatus = 'registered' | 'completed';

export interface ActivityState {
  readonly activityId: string | null;
  readonly name: string;
  readonly programme: string;
  readonly component: string;
  readonly kind: string;
  readonly unit: string;
  /** The successor unit a transfer decision handed it to (the 2025 reform), if one did. */
  readonly handedTo?: string;
  readonly communes: readonly string[];
  readonly beneficiaries: Beneficiaries;
  readonly targets: readonly Quantity[];
  /** Cumulative outputs per indicator, exact decimal strings. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly status: ActivityStatus;
}

export const initialActivityState = (): ActivityState => ({
  activityId: null,
  name: '',
  programme: '',
  component: '',
  kind: '',
  unit: '',
  communes: [],
  beneficiaries: {},
  targets: [],
  outputs: {},
  status: 'registered',
});

export function evolveActivity(s: ActivityState, event: ActivityEvent): ActivityState {
  switch (event.type) {
    case 'ActivityRegistered': {
      const d = event.data;
      return {
        ...s,
        activityId: d.activityId,
        name: d.name,
        programme: d.programme,
        component: d.component,
        kind: d.kind,
        unit: d.unit,
        communes: d.communes,
        beneficiaries: d.beneficiaries,
        targets: d.targets,
      };
    }
    case 'ActivityReclassified':
      return { ...s, kind: event.data.toKind, component: event.data.toComponent };
    case 'ActivityTransferred':
      return { ...s, unit: event.data.toUnit, handedTo: event.data.toUnit };
    case 'OutputsRecorded': {
      const outputs: Record<string, string> = { ...s.outputs };
      for (const o of event.data.outputs) outputs[o.indicator] = new D(outputs[o.indicator] ?? 0).plus(o.quantity).toFixed();
      const beneficiaries: Record<string, number> = { ...s.beneficiaries };
      for (const [category, n] of Object.entries(event.data.beneficiaries ?? {})) beneficiaries[category] = n;
      return { ...s, outputs, beneficiaries, status: event.data.completed ? 'completed' : s.status };
    }
  }
}
