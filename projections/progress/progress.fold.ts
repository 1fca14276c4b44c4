import type { ActivityEvent } from '../../events';
import { ACTIVITY_EVENT_TYPES } from '../../events';
import { MeasureDelta, activityOfFundLineEvent, fundLineDelta } from '../balances/balances.fold';
import type { Cents } from '../shared/cents';
import type { ProjectionContext } from '../shared/context';
import { dateToInt } from '../shared/context';
import { addDecimalText } from '../shared/exact-decimal';
import { OutputLog, recordOutputs } from '../../src/activity/output-log';
import type { RecordedActivityEvent, RecordedFundLineEvent, RecordedLedger } from '../shared/recorded';

/**
 * Tiến độ thực hiện: what each activity is (kind, component, unit), what it has received and paid out on
 * every line, its beneficiaries and its outputs against its targets.
 *
 * Valid time: a classification, a beneficiary count or a completion is in force from its effective date.
 * When two facts set the same thing, the one with the later effective date wins (ties: the later in the
 * log). That makes the fold independent of the order facts are applied in, so the same evolve answers
 * "now" (all facts, in log order) and "as of a date, as known at a time" (a filtered subset): after a
 * reclassification, counts and sums per kind move from the decision's effective date.
 */
/** When a fact takes effect: [effective date as yyyymmdd, log position]. Later wins. */
export type Stamp = readonly [number, number];
const later = (a: Stamp, b: Stamp): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
const NEVER: Stamp = [0, 0];

/** An activity event reduced to what the fold needs, as read back from the log or the read model. */
export interface ActivityEventFact {
  readonly fact: 'event';
  readonly position: number;
  readonly effectiveDate: string;
  readonly type: ActivityEvent['type'];
  readonly data: ActivityEvent['data'];
}

/** What a fund-line event did to one activity's money (cents). */
export interface ActivityMoneyFact {
  readonly fact: 'money';
  readonly position: number;
  readonly effectiveDate: string;
  readonly activityId: string;
  readonly allocated: Cents;
  readonly disbursed: Cents;
}

export type ActivityFact = ActivityEventFact | ActivityMoneyFact;

/** The activity a recorded event concerns and what it did to it, or null. */
export function activityFact(event: RecordedLedger): { activityId: string; fact: ActivityFact } | null {
  if ((ACTIVITY_EVENT_TYPES as readonly string[]).includes(event.type)) {
    const e = event as RecordedActivityEvent;
    return {
      activityId: e.data.activityId,
      fact: { fact: 'event', position: e.position, effectiveDate: e.metadata.effectiveDate, type: e.type, data: e.data },
    };
  }
  const e = event as RecordedFundLineEvent;
  const activityId = activityOfFundLineEvent(e);
  if (!activityId) return null;
  return { activityId, fact: moneyFact(e.position, e.metadata.effectiveDate, activityId, fundLineDelta(e)) };
}

/** The activity's share of a fund-line event's change: the line's allocated and disbursed move with the activity's. */
export function moneyFact(position: number, effectiveDate: string, activityId: string, delta: MeasureDelta): ActivityMoneyFact {
  return { fact: 'money', position, effectiveDate, activityId, allocated: delta.allocated ?? 0n, disbursed: delta.disbursed ?? 0n };
}

export type ActivityProgressStatus = 'registered' | 'allocated' | 'disbursing' | 'completed';
export const ACTIVITY_PROGRESS_STATUSES: readonly ActivityProgressStatus[] = ['registered', 'allocated', 'disbursing', 'completed'];

/** What an activity is and has achieved: changes only with its own events (registration, reclassification, outputs). */
export interface ActivityInfo {
  /** False while only money facts are known (never the case for events the command side produces). */
  readonly registered: boolean;
  readonly name: string;
  readonly programme: string;
  readonly component: string;
  readonly kind: string;
  /** The classification in force and when it took effect. */
  readonly classifiedAt: Stamp;
  /** The unit running it (a transfer to a successor unit changes it) and when that took effect. */
  readonly unit: string;
  readonly locatedAt: Stamp;
  readonly communes: readonly string[];
  readonly investor?: string;
  readonly registeredOn: string;
  /** Beneficiaries by category, each with the stamp of the fact that set it. */
  readonly beneficiaries: Readonly<Record<string, { readonly n: number; readonly at: Stamp }>>;
  /**
   * Targets per indicator, and outputs per indicator ("trainees") and per indicator and beneficiary category
   * ("trainees/women"), exact decimal strings. Outputs are the latest corrected total plus the additions after it
   * (src/activity/output-log.ts), from `outputLog`.
   */
  readonly targets: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
  readonly outputLog: OutputLog;
  /** Effective date of completion (nghiệm thu hoàn thành), when completed. */
  readonly completedOn: string | null;
  /** The lifecycle stage in force (null: none recorded, the lifecycle's first) and when it took effect. */
  readonly stage: string | null;
  readonly stagedAt: Stamp;
}

/** One activity's progress document: what it is, and its money across all lines (changes with every allocation and voucher). */
export interface ActivityProgress {
  readonly activityId: string;
  readonly info: ActivityInfo;
  readonly allocated: Cents;
  readonly disbursed: Cents;
  readonly lastPosition: number;
}

const UNREGISTERED: ActivityInfo = Object.freeze({
  registered: false,
  name: '',
  programme: '',
  component: '',
  kind: '',
  classifiedAt: NEVER,
  unit: '',
  locatedAt: NEVER,
  communes: [],
  registeredOn: '',
  beneficiaries: {},
  targets: {},
  outputs: {},
  outputLog: {},
  completedOn: null,
  stage: null,
  stagedAt: NEVER,
});

export const initialActivityProgress = (activityId: string): ActivityProgress => ({ activityId, info: UNREGISTERED, allocated: 0n, disbursed: 0n, lastPosition: 0 });

function addQuantities(into: Readonly<Record<string, string>>, items: readonly { indicator: string; quantity: string }[]): Record<string, string> {
  const out: Record<string, string> = { ...into };
  for (const q of items) out[q.indicator] = addDecimalText(out[q.indicator], q.quantity);
  return out;
}

function setBeneficiaries(info: ActivityInfo, counts: Readonly<Record<string, number>> | undefined, at: Stamp): ActivityInfo['beneficiaries'] {
  if (!counts || Object.keys(counts).length === 0) return info.beneficiaries;
  const out = { ...info.beneficiaries };
  for (const [category, n] of Object.entries(counts)) {
    const current = out[category];
    if (!current || later(at, current.at)) out[category] = { n, at };
  }
  return out;
}

export function evolveActivityProgress(doc: ActivityProgress, f: ActivityFact): ActivityProgress {
  const lastPosition = doc.lastPosition > f.position ? doc.lastPosition : f.position;
  if (f.fact === 'money') {
    return { activityId: doc.activityId, info: doc.info, allocated: doc.allocated + f.allocated, disbursed: doc.disbursed + f.disbursed, lastPosition };
  }
  const at: Stamp = [dateToInt(f.effectiveDate), f.position];
  const info = doc.info;
  switch (f.type) {
    case 'ActivityRegistered': {
      const d = f.data as Extract<ActivityEvent, { type: 'ActivityRegistered' }>['data'];
      const classified = later(at, info.classifiedAt);
      const located = later(at, info.locatedAt);
      return {
        ...doc,
        info: {
          ...info,
          registered: true,
          name: d.name,
          programme: d.programme,
          component: classified ? d.component : info.component,
          kind: classified ? d.kind : info.kind,
          classifiedAt: classified ? at : info.classifiedAt,
          unit: located ? d.unit : info.unit,
          locatedAt: located ? at : info.locatedAt,
          communes: d.communes,
          ...(d.investor ? { investor: d.investor } : {}),
          registeredOn: f.effectiveDate,
          beneficiaries: setBeneficiaries(info, d.beneficiaries, at),
          targets: addQuantities(info.targets, d.targets),
        },
        lastPosition,
      };
    }
    case 'ActivityReclassified': {
      const d = f.data as Extract<ActivityEvent, { type: 'ActivityReclassified' }>['data'];
      if (!later(at, info.classifiedAt)) return { ...doc, lastPosition };
      return { ...doc, info: { ...info, kind: d.toKind, component: d.toComponent, classifiedAt: at }, lastPosition };
    }
    case 'ActivityStageReached': {
      const d = f.data as Extract<ActivityEvent, { type: 'ActivityStageReached' }>['data'];
      if (!later(at, info.stagedAt)) return { ...doc, lastPosition };
      return { ...doc, info: { ...info, stage: d.stage, stagedAt: at }, lastPosition };
    }
    case 'ActivityTransferred': {
      const d = f.data as Extract<ActivityEvent, { type: 'ActivityTransferred' }>['data'];
      if (!later(at, info.locatedAt)) return { ...doc, lastPosition };
      return { ...doc, info: { ...info, unit: d.toUnit, locatedAt: at }, lastPosition };
    }
    case 'OutputsRecorded': {
      const d = f.data as Extract<ActivityEvent, { type: 'OutputsRecorded' }>['data'];
      const completedOn =
        d.completed && (info.completedOn === null || f.effectiveDate < info.completedOn) ? f.effectiveDate : info.completedOn;
      const recorded = d.outputs.length > 0 ? recordOutputs(info.outputLog, info.outputs, d.outputs, d.corrects !== undefined, at) : null;
      return {
        ...doc,
        info: {
          ...info,
          outputs: recorded ? recorded.values : info.outputs,
          outputLog: recorded ? recorded.log : info.outputLog,
          beneficiaries: setBeneficiaries(info, d.beneficiaries, at),
          completedOn,
        },
        lastPosition,
      };
    }
  }
}

/** Trạng thái: completed once accepted; otherwise by money: paying out, allocated, or only registered. */
export function activityStatus(doc: ActivityProgress): ActivityProgressStatus {
  return statusOf(doc.info.completedOn !== null, doc.allocated, doc.disbursed);
}

/** The status of an activity completed or not, with that money. */
export function statusOf(completed: boolean, allocated: Cents, disbursed: Cents): ActivityProgressStatus {
  if (completed) return 'completed';
  if (disbursed > 0n) return 'disbursing';
  if (allocated > 0n) return 'allocated';
  return 'registered';
}

export function beneficiaryCounts(doc: ActivityProgress): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [category, { n }] of Object.entries(doc.info.beneficiaries)) out[category] = n;
  return out;
}

/** Sums of activities: what a group (component × kind × unit) holds. */
export interface ProgressTotals {
  readonly activities: number;
  readonly byStatus: Readonly<Record<ActivityProgressStatus, number>>;
  readonly allocated: Cents;
  readonly disbursed: Cents;
  readonly beneficiaries: Readonly<Record<string, number>>;
  readonly targets: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
  /** Activities by the lifecycle stage in force ('' for none recorded: the lifecycle's first stage, if its kind has one). */
  readonly byStage: Readonly<Record<string, number>>;
}

export const EMPTY_PROGRESS: ProgressTotals = Object.freeze({
  activities: 0,
  byStatus: Object.freeze({ registered: 0, allocated: 0, disbursing: 0, completed: 0 }),
  allocated: 0n,
  disbursed: 0n,
  beneficiaries: Object.freeze({}),
  targets: Object.freeze({}),
  outputs: Object.freeze({}),
  byStage: Object.freeze({}),
});

/** Where an activity counts: its component and kind, at its unit, district and province. */
export interface ProgressGroupKey {
  readonly programme: string;
  readonly component: string;
  readonly kind: string;
  readonly unit: string;
  readonly district: string;
  readonly province: string;
  readonly subProject: string;
  readonly project: string;
}

/** The group an activity counts in, from what it is (its document's info, or the same columns of its stored row). */
export function progressGroupOf(i: Pick<ActivityInfo, 'registered' | 'programme' | 'component' | 'kind' | 'unit'>, ctx: ProjectionContext): ProgressGroupKey | null {
  if (!i.registered) return null;
  const { district, province } = ctx.unitPlace(i.unit);
  const { subProject, project } = ctx.componentPlace(i.component, i.programme);
  return { programme: i.programme, component: i.component, kind: i.kind, unit: i.unit, district, province, subProject, project };
}

function mergeCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>, sign: 1 | -1): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [k, n] of Object.entries(b)) {
    const v = (out[k] ?? 0) + sign * n;
    if (v === 0) delete out[k];
    else out[k] = v;
  }
  return out;
}

function mergeQuantities(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>, sign: 1 | -1): Record<string, string> {
  const out: Record<string, string> = { ...a };
  for (const [k, q] of Object.entries(b)) {
    const v = addDecimalText(out[k], q, sign);
    if (v === '0') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** A group's sums that are maps: by beneficiary category, indicator and stage. */
export type ProgressMaps = Pick<ProgressTotals, 'beneficiaries' | 'targets' | 'outputs' | 'byStage'>;

/** Adds (sign 1) or removes (sign −1) one activity's whole contribution to a group's maps. */
export function applyToMaps(t: ProgressMaps, doc: ActivityProgress, sign: 1 | -1): ProgressMaps {
  return {
    beneficiaries: mergeCounts(t.beneficiaries, beneficiaryCounts(doc), sign),
    targets: mergeQuantities(t.targets, doc.info.targets, sign),
    outputs: mergeQuantities(t.outputs, doc.info.outputs, sign),
    byStage: mergeCounts(t.byStage, { [doc.info.stage ?? '']: 1 }, sign),
  };
}

/**
 * Moves an activity's contribution within one group's maps from its previous document to its new one. Maps the two
 * documents share by reference are unchanged and skipped, which keeps the frequent facts cheap.
 */
export function replaceInMaps(t: ProgressMaps, previous: ActivityProgress, doc: ActivityProgress): ProgressMaps {
  const p = previous.info;
  const n = doc.info;
  return {
    beneficiaries:
      p.beneficiaries === n.beneficiaries ? t.beneficiaries : mergeCounts(mergeCounts(t.beneficiaries, beneficiaryCounts(previous), -1), beneficiaryCounts(doc), 1),
    targets: p.targets === n.targets ? t.targets : mergeQuantities(mergeQuantities(t.targets, p.targets, -1), n.targets, 1),
    outputs: p.outputs === n.outputs ? t.outputs : mergeQuantities(mergeQuantities(t.outputs, p.outputs, -1), n.outputs, 1),
    byStage: p.stage === n.stage ? t.byStage : mergeCounts(mergeCounts(t.byStage, { [p.stage ?? '']: 1 }, -1), { [n.stage ?? '']: 1 }, 1),
  };
}

/** Adds (sign 1) or removes (sign −1) one activity's whole contribution to a group's totals. */
export function applyToTotals(t: ProgressTotals, doc: ActivityProgress, sign: 1 | -1): ProgressTotals {
  const status = activityStatus(doc);
  return {
    activities: t.activities + sign,
    byStatus: { ...t.byStatus, [status]: t.byStatus[status] + sign },
    allocated: sign === 1 ? t.allocated + doc.allocated : t.allocated - doc.allocated,
    disbursed: sign === 1 ? t.disbursed + doc.disbursed : t.disbursed - doc.disbursed,
    ...applyToMaps(t, doc, sign),
  };
}

/** Moves an activity's contribution within one group from its previous document to its new one (replaceInMaps for the maps). */
export function replaceInTotals(t: ProgressTotals, previous: ActivityProgress, doc: ActivityProgress): ProgressTotals {
  const before = activityStatus(previous);
  const after = activityStatus(doc);
  return {
    activities: t.activities,
    byStatus: before === after ? t.byStatus : { ...t.byStatus, [before]: t.byStatus[before] - 1, [after]: t.byStatus[after] + 1 },
    allocated: t.allocated - previous.allocated + doc.allocated,
    disbursed: t.disbursed - previous.disbursed + doc.disbursed,
    ...replaceInMaps(t, previous, doc),
  };
}

/** Sums totals (for roll-ups at query time). */
export function addTotals(a: ProgressTotals, b: ProgressTotals): ProgressTotals {
  return {
    activities: a.activities + b.activities,
    byStatus: {
      registered: a.byStatus.registered + b.byStatus.registered,
      allocated: a.byStatus.allocated + b.byStatus.allocated,
      disbursing: a.byStatus.disbursing + b.byStatus.disbursing,
      completed: a.byStatus.completed + b.byStatus.completed,
    },
    allocated: a.allocated + b.allocated,
    disbursed: a.disbursed + b.disbursed,
    beneficiaries: mergeCounts(a.beneficiaries, b.beneficiaries, 1),
    targets: mergeQuantities(a.targets, b.targets, 1),
    outputs: mergeQuantities(a.outputs, b.outputs, 1),
    byStage: mergeCounts(a.byStage, b.byStage, 1),
  };
}
