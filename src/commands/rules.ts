import { DomainEvent, EVENT_SCHEMA_VERSION, FundLineKey, LedgerEvent, LegalBasis } from '../../events';
import type { Fold } from './aggregate-cache';
import { ActivityState, evolveActivity, initialActivityState } from '../activity/activity.state';
import type { Catalogue } from '../catalogue/catalogue';
import { activityStream, canonicalFundLineKey, fundLineLabel, fundLineStream } from '../fund-line/fund-line.key';
import { FundLineState, evolveFundLine, evolveFundLineOwned, initialFundLineState } from '../fund-line/fund-line.state';
import { D, formatVnd } from '../money/money';
import { CommandRefused, FieldProblem, InvalidCommand } from '../shared/errors';
import type { Load } from './command-runner';

export const fundLineFold: Fold<FundLineState, DomainEvent> = {
  initial: initialFundLineState,
  evolve: evolveFundLine as Fold<FundLineState, DomainEvent>['evolve'],
  evolveOwned: evolveFundLineOwned as Fold<FundLineState, DomainEvent>['evolve'],
};
export const activityFold: Fold<ActivityState, DomainEvent> = {
  initial: initialActivityState,
  evolve: evolveActivity as Fold<ActivityState, DomainEvent>['evolve'],
};

/** A fund line belongs to its unit, as the code named it in the line's budget year. */
export const loadLine = (key: FundLineKey): Load<FundLineState> => ({
  stream: fundLineStream(key),
  fold: fundLineFold,
  units: () => [{ code: key.unit, when: key.budgetYear }],
});
/** A registered activity belongs to the unit that runs it (in any of the code's periods); an unregistered one to none yet. */
export const loadActivity = (id: string): Load<ActivityState> => ({
  stream: activityStream(id),
  fold: activityFold,
  units: (state) => (state.activityId === null ? [] : [{ code: state.unit }]),
});

/**
 * Checks every dimension of a fund line against its programme's catalogue, and its unit against the budget
 * year (the unit must have existed on some day of that year); lists all problems at once.
 */
export function checkLineKey(catalogue: Catalogue, key: FundLineKey, field: string): FundLineKey {
  const problems: FieldProblem[] = [];
  const attempt = (f: string, check: () => void) => {
    try {
      check();
    } catch (error) {
      if (error instanceof InvalidCommand) problems.push(...error.problems);
      else throw error;
    }
  };
  attempt(`${field}.programme`, () => catalogue.requireProgramme(`${field}.programme`, key.programme));
  attempt(`${field}.component`, () => {
    const component = catalogue.requireComponent(`${field}.component`, key.component, key.programme);
    if (!catalogue.isLeafComponent(key.component, key.programme)) {
      const children = catalogue.lists(key.programme).childrenOf(key.component).map((c) => c.code);
      throw InvalidCommand.field(
        `${field}.component`,
        `"${key.component}" has sub-projects; money is held on one of them: ${children.join(', ')}`,
      );
    }
    if (key.content !== undefined) {
      const contents = component.contents ?? [];
      if (!contents.some((c) => c.code === key.content)) {
        throw InvalidCommand.field(
          `${field}.content`,
          contents.length === 0
            ? `component ${key.component} has no content items`
            : `unknown content item "${key.content}" of ${key.component}; valid: ${contents.map((c) => c.code).join(', ')}`,
        );
      }
    }
  });
  attempt(`${field}.source`, () => catalogue.requireSource(`${field}.source`, key.source, key.programme));
  attempt(`${field}.capitalType`, () => catalogue.requireCapitalType(`${field}.capitalType`, key.capitalType, key.programme));
  attempt(`${field}.unit`, () => catalogue.requireUnit(`${field}.unit`, key.unit, key.budgetYear));
  if (key.originYear > key.budgetYear) {
    problems.push({ field: `${field}.originYear`, problem: `origin year ${key.originYear} is after budget year ${key.budgetYear}` });
  }
  if (problems.length > 0) throw new InvalidCommand(problems);
  return canonicalFundLineKey(key);
}

export function requireDecision(basis: LegalBasis, what: string): void {
  if (basis.kind !== 'decision') {
    throw InvalidCommand.field('legalBasis', `${what} needs a decision (number, date and issuing body), not a ${basis.kind}`);
  }
}

export function requireVoucher(basis: LegalBasis, what: string): void {
  if (basis.kind !== 'voucher') {
    throw InvalidCommand.field('legalBasis', `${what} needs a State Treasury voucher (number, date, treasury), not a ${basis.kind}`);
  }
}

export function requireLine(state: FundLineState, key: FundLineKey): void {
  if (state.key === null) {
    throw new CommandRefused('LINE_NOT_FOUND', `line ${fundLineLabel(key)} has no plan: assign a plan to it first`, {
      line: key,
    });
  }
}

export function requireActivity(state: ActivityState, activityId: string): void {
  if (state.activityId === null) {
    throw new CommandRefused('ACTIVITY_NOT_FOUND', `activity ${activityId} is not registered`, { activityId });
  }
}

/**
 * Refuses an amount above what is there, with both figures in the message:
 * "line DA5/NSTW/SN/2024@184 has 380.000.000 đ not yet allocated; 620.000.000 đ requested".
 */
export function requireWithin(
  code: string,
  subject: string,
  have: D,
  what: string,
  requested: D,
  details: Record<string, unknown> = {},
): void {
  if (requested.gt(have)) {
    throw new CommandRefused(code, `${subject} has ${formatVnd(have)} ${what}; ${formatVnd(requested)} requested`, {
      ...details,
      available: have.toFixed(),
      requested: requested.toFixed(),
    });
  }
}

/** The activity's money must be held on lines of its own component and of its unit or a unit above it. */
export function requireActivityFitsLine(catalogue: Catalogue, activity: ActivityState, key: FundLineKey): void {
  if (activity.component !== key.component || activity.programme !== key.programme) {
    throw new CommandRefused(
      'ACTIVITY_COMPONENT_MISMATCH',
      `activity ${activity.activityId} belongs to ${activity.component}; line ${fundLineLabel(key)} is ${key.component} money`,
      { activityId: activity.activityId, activityComponent: activity.component, lineComponent: key.component },
    );
  }
  if (activity.unit !== key.unit && !catalogue.unitAncestors(activity.unit, key.budgetYear).includes(key.unit)) {
    throw new CommandRefused(
      'ACTIVITY_UNIT_MISMATCH',
      `activity ${activity.activityId} is run by unit ${activity.unit}, which is not unit ${key.unit} of line ${fundLineLabel(key)} nor under it`,
      { activityId: activity.activityId, activityUnit: activity.unit, lineUnit: key.unit },
    );
  }
}

/** A new event of the current schema version. */
export const event = <T extends LedgerEvent>(type: T['type'], data: T['data']): T =>
  ({ type, version: EVENT_SCHEMA_VERSION[type], data }) as T;
