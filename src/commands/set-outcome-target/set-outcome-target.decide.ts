import type { OutcomeTargetSet } from '../../../events';
import type { Catalogue } from '../../catalogue/catalogue';
import { OutcomesState, outcomeStream } from '../../results/outcomes.state';
import { CommandRefused, FieldProblem, InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { attemptAll } from '../record-outcome/record-outcome.decide';
import { event } from '../rules';

/** Mục tiêu: a target a plan sets for an outcome indicator of a unit. */
export interface SetOutcomeTarget {
  readonly programme: string;
  readonly unit: string;
  readonly targetId: string;
  readonly indicator: string;
  readonly kind: OutcomeTargetSet['data']['kind'];
  readonly direction?: 'decrease' | 'increase';
  readonly value: string;
  readonly comparator: OutcomeTargetSet['data']['comparator'];
  readonly fromYear: number;
  readonly toYear: number;
  readonly baselineYear?: number;
  readonly note?: string;
  readonly basis: Basis;
}

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const YEAR = (y: number) => Number.isInteger(y) && y >= 2000 && y <= 2100;

/**
 * The unit is the one that set the target, as it was when its plan took effect: a district's 2030 orientation,
 * set in 2022, is recorded though the district ended in 2025 (its progress then has no measurement to show).
 */
export function decideSetOutcomeTarget(cmd: SetOutcomeTarget, state: OutcomesState, catalogue: Catalogue): StreamEvents[] {
  if (cmd.basis.legalBasis.kind === 'voucher') throw InvalidCommand.field('legalBasis', 'a target cites the plan or decision that sets it, not a voucher');
  const problems: FieldProblem[] = [];
  attemptAll(
    problems,
    () => catalogue.requireProgramme('programme', cmd.programme),
    () => catalogue.requireOutcomeIndicator('indicator', cmd.indicator, cmd.programme),
    () => catalogue.requireUnit('unit', cmd.unit, cmd.basis.effectiveDate),
  );
  if (!['average-annual-change', 'level'].includes(cmd.kind)) problems.push({ field: 'kind', problem: 'must be average-annual-change or level' });
  if (cmd.kind === 'average-annual-change' && cmd.direction === undefined) problems.push({ field: 'direction', problem: 'a change is a decrease or an increase' });
  if (cmd.kind === 'level' && cmd.direction !== undefined) problems.push({ field: 'direction', problem: 'a level has no direction' });
  if (!['at-least', 'more-than', 'at-most', 'less-than'].includes(cmd.comparator)) {
    problems.push({ field: 'comparator', problem: 'must be at-least ("từ … trở lên"), more-than ("trên"), at-most or less-than ("dưới")' });
  }
  if (!DECIMAL.test(cmd.value)) problems.push({ field: 'value', problem: `"${cmd.value}" is not a number` });
  if (!YEAR(cmd.fromYear)) problems.push({ field: 'fromYear', problem: 'must be a year such as 2021' });
  if (!YEAR(cmd.toYear)) problems.push({ field: 'toYear', problem: 'must be a year such as 2025' });
  if (YEAR(cmd.fromYear) && YEAR(cmd.toYear) && cmd.fromYear > cmd.toYear) problems.push({ field: 'toYear', problem: `${cmd.toYear} is before fromYear ${cmd.fromYear}` });
  if (cmd.baselineYear !== undefined && (!YEAR(cmd.baselineYear) || cmd.baselineYear > cmd.toYear)) {
    problems.push({ field: 'baselineYear', problem: `must be a year no later than ${cmd.toYear}` });
  }
  if (problems.length > 0) throw new InvalidCommand(problems);
  if (state.targets.has(cmd.targetId)) {
    throw new CommandRefused('TARGET_EXISTS', `unit ${cmd.unit} already has target ${cmd.targetId}; a different target needs its own id`, {
      unit: cmd.unit,
      targetId: cmd.targetId,
    });
  }
  const { basis: _basis, ...data } = cmd;
  const clean = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) as OutcomeTargetSet['data'];
  return [{ stream: outcomeStream(cmd.unit), events: [event<OutcomeTargetSet>('OutcomeTargetSet', clean)] }];
}
