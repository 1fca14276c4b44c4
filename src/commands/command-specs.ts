import type { Catalogue } from '../catalogue/catalogue';
import { activityStream, fundLineStream } from '../fund-line/fund-line.key';
import type { FundLineState } from '../fund-line/fund-line.state';
import type { ActivityState } from '../activity/activity.state';
import type { Folded } from './aggregate-cache';
import type { Basis, StreamEvents } from './command';
import type { Load, States } from './command-runner';
import { loadActivity, loadLine } from './rules';
import { AssignPlan, decideAssignPlan } from './assign-plan/assign-plan.decide';
import { RegisterActivity, decideRegisterActivity } from './register-activity/register-activity.decide';
import { AllocateFunds, decideAllocateFunds } from './allocate-funds/allocate-funds.decide';
import { Disburse, decideDisburse } from './disburse/disburse.decide';
import { ReverseDisbursement, decideReverseDisbursement } from './reverse-disbursement/reverse-disbursement.decide';
import { ReturnFunds, decideReturnFunds } from './return-funds/return-funds.decide';
import { CarryOver, carryOverTarget, decideCarryOver } from './carry-over/carry-over.decide';
import { Adjust, decideMove, decideResize } from './adjust/adjust.decide';
import { ReclassifyActivity, decideReclassifyActivity } from './reclassify-activity/reclassify-activity.decide';
import { RecordOutputs, decideRecordOutputs } from './record-outputs/record-outputs.decide';

/**
 * What a command reads and how it decides, apart from where the states come from. The HTTP handlers run
 * it through the CommandRunner (store → fold → decide → append); the journal importer runs the same spec
 * against states folded in memory, so both paths share one set of rules.
 */
export interface DecisionSpec {
  /** Command name recorded in each event's metadata, e.g. "AllocateFunds". */
  readonly name: string;
  readonly basis: Basis;
  /** The stream an If-Match revision refers to. */
  readonly primaryStream: string;
  readonly loads: readonly Load[];
  /** Pure: the events to append, or a throw (CommandRefused, InvalidCommand). States come in the order of `loads`. */
  readonly decide: (states: readonly Folded<unknown>[]) => readonly StreamEvents[];
}

/** Types a spec by its loads, then forgets the tuple so that specs of every command fit one list. */
function spec<L extends readonly Load[]>(s: {
  name: string;
  basis: Basis;
  primaryStream: string;
  loads: L;
  decide: (states: States<L>) => readonly StreamEvents[];
}): DecisionSpec {
  return s as unknown as DecisionSpec;
}

/** Loads that may repeat a stream (a move within one line): each stream is read once. */
function distinct(loads: Load[]): Load[] {
  return [...new Map(loads.map((l) => [l.stream, l])).values()];
}

function stateOf<S>(loads: readonly Load[], states: readonly { state: unknown }[], stream: string): S {
  return states[loads.findIndex((l) => l.stream === stream)]?.state as S;
}

export function assignPlanSpec(input: AssignPlan, catalogue: Catalogue): DecisionSpec {
  return spec({
    name: 'AssignPlan',
    basis: input.basis,
    primaryStream: fundLineStream(input.line),
    loads: [loadLine(input.line)] as const,
    decide: ([line]) => decideAssignPlan(input, line.state, catalogue),
  });
}

export function registerActivitySpec(input: RegisterActivity, catalogue: Catalogue): DecisionSpec {
  return spec({
    name: 'RegisterActivity',
    basis: input.basis,
    primaryStream: activityStream(input.activityId),
    loads: [loadActivity(input.activityId)] as const,
    decide: ([activity]) => decideRegisterActivity(input, activity.state, catalogue),
  });
}

export function allocateFundsSpec(input: AllocateFunds, catalogue: Catalogue): DecisionSpec {
  return spec({
    name: 'AllocateFunds',
    basis: input.basis,
    primaryStream: fundLineStream(input.line),
    loads: [loadLine(input.line), loadActivity(input.activityId)] as const,
    decide: ([line, activity]) => decideAllocateFunds(input, line.state, activity.state, catalogue),
  });
}

export function disburseSpec(input: Disburse, catalogue: Catalogue): DecisionSpec {
  return spec({
    name: 'Disburse',
    basis: input.basis,
    primaryStream: fundLineStream(input.line),
    loads: [loadLine(input.line), loadActivity(input.activityId)] as const,
    decide: ([line, activity]) => decideDisburse(input, line.state, activity.state, catalogue),
  });
}

export function reverseDisbursementSpec(input: ReverseDisbursement, catalogue: Catalogue): DecisionSpec {
  return spec({
    name: 'ReverseDisbursement',
    basis: input.basis,
    primaryStream: fundLineStream(input.line),
    loads: [loadLine(input.line)] as const,
    decide: ([line]) => decideReverseDisbursement(input, line.state, catalogue),
  });
}

export function returnFundsSpec(input: ReturnFunds, catalogue: Catalogue): DecisionSpec {
  const loads: Load[] = [loadLine(input.line), ...(input.activityId ? [loadActivity(input.activityId)] : [])];
  return spec({
    name: 'ReturnFunds',
    basis: input.basis,
    primaryStream: fundLineStream(input.line),
    loads,
    decide: (states) =>
      decideReturnFunds(input, states[0].state as FundLineState, states[1]?.state as ActivityState | undefined, catalogue),
  });
}

export function carryOverSpec(input: CarryOver, catalogue: Catalogue): DecisionSpec {
  const loads: Load[] = [
    loadLine(input.from),
    loadLine(carryOverTarget(input.from)),
    ...(input.activityId ? [loadActivity(input.activityId)] : []),
  ];
  return spec({
    name: 'CarryOver',
    basis: input.basis,
    primaryStream: fundLineStream(input.from),
    loads,
    decide: (states) =>
      decideCarryOver(input, states[0].state as FundLineState, states[2]?.state as ActivityState | undefined, catalogue),
  });
}

export function adjustSpec(input: Adjust, catalogue: Catalogue): DecisionSpec {
  if (input.kind !== 'move') {
    return spec({
      name: 'Adjust',
      basis: input.basis,
      primaryStream: fundLineStream(input.line),
      loads: [loadLine(input.line)] as const,
      decide: ([line]) => decideResize(input, line.state, catalogue),
    });
  }
  const { from, to } = input;
  const loads = distinct([
    loadLine(from.line),
    loadLine(to.line),
    ...(from.activityId ? [loadActivity(from.activityId)] : []),
    ...(to.activityId ? [loadActivity(to.activityId)] : []),
  ]);
  return spec({
    name: 'Adjust',
    basis: input.basis,
    primaryStream: fundLineStream(from.line),
    loads,
    decide: (states) =>
      decideMove(
        input,
        {
          fromLine: stateOf(loads, states, fundLineStream(from.line)),
          toLine: stateOf(loads, states, fundLineStream(to.line)),
          fromActivity: from.activityId ? stateOf(loads, states, activityStream(from.activityId)) : undefined,
          toActivity: to.activityId ? stateOf(loads, states, activityStream(to.activityId)) : undefined,
        },
        catalogue,
      ),
  });
}

export function reclassifyActivitySpec(input: ReclassifyActivity, catalogue: Catalogue): DecisionSpec {
  const loads = distinct([loadActivity(input.activityId), ...input.moves.flatMap((m) => [loadLine(m.from), loadLine(m.to)])]);
  return spec({
    name: 'ReclassifyActivity',
    basis: input.basis,
    primaryStream: activityStream(input.activityId),
    loads,
    decide: (states) => {
      const lines = new Map(loads.slice(1).map((l, i) => [l.stream, states[i + 1].state as FundLineState]));
      return decideReclassifyActivity(input, states[0].state as ActivityState, lines, catalogue);
    },
  });
}

export function recordOutputsSpec(input: RecordOutputs, catalogue: Catalogue): DecisionSpec {
  return spec({
    name: 'RecordOutputs',
    basis: input.basis,
    primaryStream: activityStream(input.activityId),
    loads: [loadActivity(input.activityId)] as const,
    decide: ([activity]) => decideRecordOutputs(input, activity.state, catalogue),
  });
}
