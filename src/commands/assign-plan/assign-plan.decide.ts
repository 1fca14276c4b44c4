import type { FundLineKey, Money, PlanAssigned } from '../../../events';
import type { Catalogue } from '../../catalogue/catalogue';
import { fundLineStream } from '../../fund-line/fund-line.key';
import type { FundLineState } from '../../fund-line/fund-line.state';
import { money } from '../../money/money';
import { InvalidCommand } from '../../shared/errors';
import type { Basis, StreamEvents } from '../command';
import { checkLineKey, event, requireDecision } from '../rules';

/** Giao kế hoạch vốn: a decision assigns an amount to a unit's fund line. */
export interface AssignPlan {
  readonly line: FundLineKey;
  readonly amount: Money;
  readonly note?: string;
  readonly basis: Basis;
}

export function decideAssignPlan(cmd: AssignPlan, _line: FundLineState, catalogue: Catalogue): StreamEvents[] {
  requireDecision(cmd.basis.legalBasis, 'assigning a plan');
  money(cmd.amount);
  // First the programme's validity: a year outside it is the problem, whatever the units of that year.
  const programme = catalogue.programmes.get(cmd.line.programme);
  if (programme && (cmd.line.budgetYear < programme.firstYear || cmd.line.budgetYear > programme.lastYear)) {
    throw InvalidCommand.field(
      'line.budgetYear',
      `${cmd.line.budgetYear} is outside programme ${cmd.line.programme} (${programme.firstYear}-${programme.lastYear})`,
    );
  }
  const line = checkLineKey(catalogue, cmd.line, 'line');
  if (line.originYear !== line.budgetYear) {
    throw InvalidCommand.field(
      'line.originYear',
      `a plan is assigned for its own year (${line.budgetYear}); money of ${line.originYear} arrives by carry-over`,
    );
  }
  return [
    {
      stream: fundLineStream(line),
      events: [event<PlanAssigned>('PlanAssigned', { line, amount: cmd.amount, ...(cmd.note ? { note: cmd.note } : {}) })],
    },
  ];
}
