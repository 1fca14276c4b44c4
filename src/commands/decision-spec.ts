import type { FundLineKey, LegalBasis } from '../../events';
import type { UnitUse } from '../identity/rights';
import type { ActivityState } from '../activity/activity.state';
import { activityStream, fundLineStream } from '../fund-line/fund-line.key';
import type { FundLineState } from '../fund-line/fund-line.state';
import type { Folded } from './aggregate-cache';
import type { Basis, StreamEvents } from './command';
import type { Load, States } from './command-runner';
import { loadActivity, loadLine } from './rules';

/**
 * What a command reads and how it decides, apart from where the states come from. The HTTP handler runs
 * it through the CommandRunner (store → fold → decide → append); the journal importer runs the same spec
 * against states folded in memory, so both paths share one set of rules.
 */
export interface DecisionSpec {
  /** Command name recorded in each event's metadata, e.g. "AllocateFunds". */
  readonly name: string;
  /** Legal basis and valid time; an account command may have no legal basis. */
  readonly basis: Basis | AccountBasis;
  /** The stream an If-Match revision refers to. */
  readonly primaryStream: string;
  readonly loads: readonly Load[];
  /**
   * The administrative units the command touches besides those of its streams (Load.units): the unit of an activity
   * being registered, the scope of a figure or of a grant. The principal must hold the command's right for all of them.
   */
  readonly units?: readonly UnitUse[];
  /** Pure: the events to append, or a throw (CommandRefused, InvalidCommand). States come in the order of `loads`. */
  readonly decide: (states: readonly Folded<unknown>[]) => readonly StreamEvents[];
}

/** An account command's basis: the decision assigning the duty, when the administrator cites one; valid from its recording. */
export interface AccountBasis {
  readonly legalBasis?: LegalBasis;
  readonly effectiveDate: string;
}

/** A spec before the command's name is put on it: what a command slice's `spec` returns. */
export type Decision = Omit<DecisionSpec, 'name'>;

/** Types a decision by its loads, then forgets the tuple so that the decisions of every command fit one list. */
export function decision<L extends readonly Load[]>(s: {
  basis: Basis | AccountBasis;
  primaryStream: string;
  loads: L;
  units?: readonly UnitUse[];
  decide: (states: States<L>) => readonly StreamEvents[];
}): Decision {
  return s as unknown as Decision;
}

/** Loads that may repeat a stream (a move within one line): each stream is read once. */
export function distinct(loads: Load[]): Load[] {
  return [...new Map(loads.map((l) => [l.stream, l])).values()];
}

/** The state folded from `stream`, found by its place among `loads`. */
export function stateOf<S>(loads: readonly Load[], states: readonly { state: unknown }[], stream: string): S {
  return states[loads.findIndex((l) => l.stream === stream)]?.state as S;
}

type Decide<A extends unknown[]> = (...states: A) => readonly StreamEvents[];

/** A command on one fund line (its primary stream), deciding on the line's state. */
export function onLine(input: { line: FundLineKey; basis: Basis }, decide: Decide<[FundLineState]>): Decision {
  return decision({
    basis: input.basis,
    primaryStream: fundLineStream(input.line),
    loads: [loadLine(input.line)] as const,
    decide: ([line]) => decide(line.state),
  });
}

/** A command on one activity (its primary stream), deciding on the activity's state. */
export function onActivity(input: { activityId: string; basis: Basis }, decide: Decide<[ActivityState]>): Decision {
  return decision({
    basis: input.basis,
    primaryStream: activityStream(input.activityId),
    loads: [loadActivity(input.activityId)] as const,
    decide: ([activity]) => decide(activity.state),
  });
}

/** A command on a fund line (its primary stream) for an activity, deciding on both. */
export function onLineForActivity(input: { line: FundLineKey; activityId: string; basis: Basis }, decide: Decide<[FundLineState, ActivityState]>): Decision {
  return decision({
    basis: input.basis,
    primaryStream: fundLineStream(input.line),
    loads: [loadLine(input.line), loadActivity(input.activityId)] as const,
    decide: ([line, activity]) => decide(line.state, activity.state),
  });
}
