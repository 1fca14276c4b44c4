import type { ActivityEvent, Beneficiaries, Quantity } from '../../events';
import { OutputLog, recordOutputs } from './output-log';

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
  /**
   * Outputs per indicator ("trainees") and per indicator and category ("trainees/women"), exact decimal strings:
   * the additions since the latest corrected total (see output-log.ts).
   */
  readonly outputs: Readonly<Record<string, string>>;
  readonly outputLog: OutputLog;
  /** Records of outputs folded so far (orders them when events come without their place in the log). */
  readonly outputRecords: number;
  /** The lifecycle stage last reached (null: none recorded; an activity with a lifecycle starts at its first stage). */
  readonly stage: string | null;
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
  outputLog: {},
  outputRecords: 0,
  stage: null,
  status: 'registered',
});

/**
 * When an output record takes effect: its effective date and place in the log when the event is read back from the
 * store (as the command side and the reconciliation fold it), else the order it is folded in.
 */
function stampOf(event: ActivityEvent, sequence: number): [number, number] {
  const recorded = event as ActivityEvent & { metadata?: { effectiveDate?: string }; position?: number };
  const day = recorded.metadata?.effectiveDate;
  return day ? [Number(day.replace(/-/g, '')), recorded.position ?? sequence] : [0, sequence];
}

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
    case 'ActivityStageReached':
      return { ...s, stage: event.data.stage };
    case 'OutputsRecorded': {
      const { log, values } = recordOutputs(s.outputLog, s.outputs, event.data.outputs, event.data.corrects !== undefined, stampOf(event, s.outputRecords + 1));
      const beneficiaries: Record<string, number> = { ...s.beneficiaries };
      for (const [category, n] of Object.entries(event.data.beneficiaries ?? {})) beneficiaries[category] = n;
      return {
        ...s,
        outputs: values,
        outputLog: log,
        outputRecords: s.outputRecords + 1,
        beneficiaries,
        status: event.data.completed ? 'completed' : s.status,
      };
    }
  }
}
