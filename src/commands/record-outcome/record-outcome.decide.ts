import type { OutcomeMeasured } from '../../../events';
import type { Catalogue } from '../../catalogue/catalogue';
import { D } from '../../money/money';
import { OutcomesState, measurementKey, outcomeStream } from '../../results/outcomes.state';
import { CommandRefused, FieldProblem, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { event } from '../rules';

/** Kết quả rà soát: an outcome indicator of a unit at the end of a year, from the annual poverty review. */
export interface RecordOutcome {
  readonly programme: string;
  readonly unit: string;
  readonly indicator: string;
  readonly year: number;
  readonly value: string;
  readonly corrects?: { readonly reason: string };
  readonly note?: string;
  readonly basis: Basis;
}

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Collects the problems of several checks that each throw InvalidCommand. */
export function attemptAll(problems: FieldProblem[], ...checks: (() => void)[]): void {
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (error instanceof InvalidCommand) problems.push(...error.problems);
      else throw error;
    }
  }
}

/**
 * A year's measurement, once: a second one for the same indicator and year is refused unless it says it corrects
 * the first (and why). Rates are percentages from 0 to 100; counts are whole households.
 */
export function decideRecordOutcome(cmd: RecordOutcome, state: OutcomesState, catalogue: Catalogue): StreamEvents[] {
  if (cmd.basis.legalBasis.kind === 'voucher') {
    throw InvalidCommand.field('legalBasis', 'a measurement cites the poverty review (its decision or report), not a voucher');
  }
  const problems: FieldProblem[] = [];
  let kind: 'count' | 'rate' | undefined;
  attemptAll(
    problems,
    () => catalogue.requireProgramme('programme', cmd.programme),
    () => {
      kind = catalogue.requireOutcomeIndicator('indicator', cmd.indicator, cmd.programme).kind;
    },
  );
  if (!Number.isInteger(cmd.year) || cmd.year < 2000 || cmd.year > 2100) problems.push({ field: 'year', problem: 'must be a year such as 2023' });
  else {
    attemptAll(problems, () => catalogue.requireUnit('unit', cmd.unit, cmd.year));
    if (cmd.basis.effectiveDate < `${cmd.year}-01-01`) {
      problems.push({ field: 'year', problem: `a review of ${cmd.year} cannot take effect before that year (${cmd.basis.effectiveDate})` });
    }
  }
  if (!DECIMAL.test(cmd.value)) problems.push({ field: 'value', problem: `"${cmd.value}" is not a number (households, or a percentage such as "12.35")` });
  else if (kind === 'rate' && new D(cmd.value).gt(100)) problems.push({ field: 'value', problem: `${cmd.indicator} is a percentage: at most 100` });
  else if (kind === 'count' && !/^\d+$/.test(cmd.value)) problems.push({ field: 'value', problem: `${cmd.indicator} counts households: a whole number` });
  if (cmd.corrects !== undefined && !cmd.corrects.reason.trim()) problems.push({ field: 'corrects.reason', problem: 'a correction says why' });
  if (problems.length > 0) throw new InvalidCommand(problems);

  const earlier = state.measured.get(measurementKey(cmd.indicator, cmd.year));
  if (earlier !== undefined && cmd.corrects === undefined) {
    throw new CommandRefused(
      'OUTCOME_ALREADY_MEASURED',
      `${cmd.indicator} of unit ${cmd.unit} for ${cmd.year} is already recorded as ${earlier}: a different figure corrects it (give corrects and its reason)`,
      { unit: cmd.unit, indicator: cmd.indicator, year: cmd.year, recorded: earlier },
    );
  }
  if (earlier === undefined && cmd.corrects !== undefined) {
    throw new CommandRefused('NOTHING_TO_CORRECT', `${cmd.indicator} of unit ${cmd.unit} for ${cmd.year} has no measurement to correct`, {
      unit: cmd.unit,
      indicator: cmd.indicator,
      year: cmd.year,
    });
  }
  const { basis: _basis, ...data } = cmd;
  const clean = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) as OutcomeMeasured['data'];
  return [{ stream: outcomeStream(cmd.unit), events: [event<OutcomeMeasured>('OutcomeMeasured', clean)] }];
}
