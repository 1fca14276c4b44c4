import type { FigureDocument, FigureMeasure, FigureScope, FigureStated, Money, StatedRate, StatedTotal } from '../../../events';
import type { Catalogue } from '../../catalogue/catalogue';
import type { Basis, StreamEvents } from '../command';
import { event } from '../rules';
import { CommandRefused, FieldProblem, InvalidCommand } from '../../shared/errors';
import { ID_PATTERN } from '../../shared/validation/validators';
import { FiguresState, assertionStream } from './figure.state';

/** Measures compared with the ledger's fund-line balances. */
export const LEDGER_MEASURES = ['plan', 'funds', 'allocated', 'unallocated', 'disbursed', 'available', 'carriedIn', 'carriedOut', 'returned'] as const;
/** Money measures kept apart from the ledger: forecasts and proposals (ước thực hiện, dự kiến, nhu cầu vốn). */
export const STATED_ONLY_MEASURES = ['estimate', 'proposed'] as const;
export const FIGURE_MEASURES: readonly FigureMeasure[] = [...LEDGER_MEASURES, ...STATED_ONLY_MEASURES, 'output', 'target', 'not-implemented'];

const MONEY = /^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/;
const QUANTITY = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Ghi nhận số liệu: record what a document states, with where it states it. */
export interface StateFigure {
  readonly assertionId: string;
  readonly document: FigureDocument;
  readonly section: string;
  readonly quote?: string;
  readonly measure: FigureMeasure;
  readonly scope: FigureScope;
  readonly category?: string;
  readonly asOf: string;
  readonly amount?: Money;
  readonly resolution?: Money;
  readonly indicator?: string;
  readonly quantity?: string;
  readonly rate?: StatedRate;
  readonly parts?: readonly (readonly string[])[];
  readonly partOf?: readonly string[];
  readonly outOf?: StatedTotal;
  readonly note?: string;
  readonly basis: Basis;
}

export const isMoneyMeasure = (m: FigureMeasure): boolean =>
  (LEDGER_MEASURES as readonly string[]).includes(m) || (STATED_ONLY_MEASURES as readonly string[]).includes(m);

function checkScope(catalogue: Catalogue, scope: FigureScope, asOf: string, problems: FieldProblem[]): void {
  const attempt = (check: () => void) => {
    try {
      check();
    } catch (error) {
      if (error instanceof InvalidCommand) problems.push(...error.problems);
      else throw error;
    }
  };
  attempt(() => catalogue.requireProgramme('scope.programme', scope.programme));
  // The unit must have existed in the year the figure is about: its budget year, else the year of asOf.
  attempt(() => catalogue.requireUnit('scope.unit', scope.unit, scope.budgetYear ?? Number(asOf.slice(0, 4))));
  if (scope.component !== undefined) {
    attempt(() => {
      const component = catalogue.requireComponent('scope.component', scope.component as string, scope.programme);
      if (scope.content !== undefined && !(component.contents ?? []).some((c) => c.code === scope.content)) {
        throw InvalidCommand.field('scope.content', `component ${scope.component} has no content item "${scope.content}"`);
      }
    });
  } else if (scope.content !== undefined) {
    problems.push({ field: 'scope.content', problem: 'a content item needs its component' });
  }
  (scope.sources ?? []).forEach((s, i) => attempt(() => catalogue.requireSource(`scope.sources[${i}]`, s, scope.programme)));
  if (scope.sources !== undefined && scope.sources.length === 0) problems.push({ field: 'scope.sources', problem: 'names no source' });
  if (scope.capitalType !== undefined) attempt(() => catalogue.requireCapitalType('scope.capitalType', scope.capitalType as string, scope.programme));
  const programme = catalogue.programmes.get(scope.programme);
  for (const f of ['budgetYear', 'originYear'] as const) {
    const year = scope[f];
    if (year === undefined) continue;
    if (!Number.isInteger(year) || (programme && (year < programme.firstYear || year > programme.lastYear))) {
      problems.push({ field: `scope.${f}`, problem: `${year} is outside programme ${scope.programme}` });
    }
  }
  if (scope.originYear !== undefined && scope.budgetYear !== undefined && scope.originYear > scope.budgetYear) {
    problems.push({ field: 'scope.originYear', problem: `origin year ${scope.originYear} is after budget year ${scope.budgetYear}` });
  }
}

/**
 * Checks the figure against the catalogue and states it once: a document states a figure once, a
 * different figure for the same thing is another assertion (and the reconciliation shows the conflict).
 */
export function decideStateFigure(cmd: StateFigure, state: FiguresState, catalogue: Catalogue): StreamEvents[] {
  if (cmd.basis.legalBasis.kind !== 'document') {
    throw InvalidCommand.field('document', `a stated figure cites the document that states it, not a ${cmd.basis.legalBasis.kind}`);
  }
  const problems: FieldProblem[] = [];
  if (!ID_PATTERN.test(cmd.document.id)) {
    problems.push({ field: 'document.id', problem: 'must be 1-100 letters, digits, ".", "_", ":" or "-"' });
  }
  if (cmd.category !== undefined && !cmd.category.trim()) problems.push({ field: 'category', problem: 'must be text' });
  if (!cmd.section.trim()) problems.push({ field: 'section', problem: 'must say where in the document the figure is' });
  if (!FIGURE_MEASURES.includes(cmd.measure)) {
    problems.push({ field: 'measure', problem: `unknown measure "${cmd.measure}"; valid: ${FIGURE_MEASURES.join(', ')}` });
  }
  checkScope(catalogue, cmd.scope, cmd.asOf, problems);
  const money = isMoneyMeasure(cmd.measure);
  const hasQuantity = cmd.indicator !== undefined || cmd.quantity !== undefined;
  if (cmd.amount !== undefined && !MONEY.test(cmd.amount)) {
    problems.push({ field: 'amount', problem: `"${cmd.amount}" is not an exact amount of đồng` });
  }
  if (cmd.resolution !== undefined && !MONEY.test(cmd.resolution)) {
    problems.push({ field: 'resolution', problem: `"${cmd.resolution}" is not an amount of đồng` });
  }
  if (money && cmd.amount === undefined && cmd.rate === undefined) {
    problems.push({ field: 'amount', problem: `a ${cmd.measure} figure needs an amount (or at least a rate)` });
  }
  if (money && hasQuantity) problems.push({ field: 'indicator', problem: `a ${cmd.measure} figure is money, not a quantity` });
  if (cmd.measure === 'output' && (cmd.indicator === undefined || cmd.quantity === undefined)) {
    problems.push({ field: 'indicator', problem: 'an output figure needs an indicator and a quantity' });
  }
  if (cmd.measure === 'output' && cmd.amount !== undefined) problems.push({ field: 'amount', problem: 'an output is a quantity, not money' });
  if (cmd.measure === 'target' && cmd.amount === undefined && !hasQuantity && cmd.rate === undefined) {
    problems.push({ field: 'quantity', problem: 'a target needs an amount, a quantity or a rate' });
  }
  if (cmd.measure === 'not-implemented' && (cmd.amount !== undefined || hasQuantity || cmd.rate !== undefined)) {
    problems.push({ field: 'measure', problem: 'a component the unit does not implement has no figure' });
  }
  if (hasQuantity) {
    if (cmd.indicator === undefined || cmd.quantity === undefined) {
      problems.push({ field: 'quantity', problem: 'a quantity needs its indicator, and an indicator its quantity' });
    } else {
      try {
        catalogue.requireIndicator('indicator', cmd.indicator, cmd.scope.programme);
      } catch (error) {
        if (error instanceof InvalidCommand) problems.push(...error.problems);
        else throw error;
      }
      if (!QUANTITY.test(cmd.quantity)) problems.push({ field: 'quantity', problem: `"${cmd.quantity}" is not a quantity` });
    }
  }
  if (cmd.rate !== undefined) {
    if (!QUANTITY.test(cmd.rate.percent)) problems.push({ field: 'rate.percent', problem: `"${cmd.rate.percent}" is not a percentage` });
    if (!Number.isInteger(cmd.rate.decimals) || cmd.rate.decimals < 0) problems.push({ field: 'rate.decimals', problem: 'must be 0 or more' });
    if (cmd.rate.of === cmd.assertionId) problems.push({ field: 'rate.of', problem: 'a rate cannot be of its own figure' });
  }
  (cmd.parts ?? []).forEach((list, i) => {
    if (list.length === 0) problems.push({ field: `parts[${i}]`, problem: 'names no part' });
    if (list.includes(cmd.assertionId)) problems.push({ field: `parts[${i}]`, problem: 'a figure cannot be a part of itself' });
    if (new Set(list).size !== list.length) problems.push({ field: `parts[${i}]`, problem: 'names a part twice' });
  });
  if (cmd.partOf !== undefined) {
    if (cmd.partOf.length === 0) problems.push({ field: 'partOf', problem: 'names no figure' });
    if (cmd.partOf.includes(cmd.assertionId)) problems.push({ field: 'partOf', problem: 'a figure cannot be a part of itself' });
    if (new Set(cmd.partOf).size !== cmd.partOf.length) problems.push({ field: 'partOf', problem: 'names a figure twice' });
    if (cmd.amount === undefined && cmd.quantity === undefined) problems.push({ field: 'partOf', problem: 'a part states an amount or a quantity' });
  }
  if (cmd.outOf !== undefined) {
    if (cmd.quantity === undefined) problems.push({ field: 'outOf', problem: '"x of y" counts a quantity: give the indicator and the count' });
    if (cmd.outOf.total === undefined && cmd.outOf.of === undefined) {
      problems.push({ field: 'outOf', problem: 'give the total written with the count ("02/16") or the figure that states it' });
    }
    if (cmd.outOf.total !== undefined && !QUANTITY.test(cmd.outOf.total)) problems.push({ field: 'outOf.total', problem: `"${cmd.outOf.total}" is not a quantity` });
    if (cmd.outOf.of === cmd.assertionId) problems.push({ field: 'outOf.of', problem: 'a count cannot be out of itself' });
  }
  if (problems.length > 0) throw new InvalidCommand(problems);

  const existing = state.figures.get(cmd.assertionId);
  if (existing) {
    throw new CommandRefused(
      'FIGURE_ALREADY_STATED',
      `${cmd.document.id} already states figure ${cmd.assertionId} (${existing.section}); a different figure needs its own id`,
      { assertionId: cmd.assertionId, document: cmd.document.id },
    );
  }
  const { basis: _basis, ...data } = cmd;
  const clean = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) as FigureStated['data'];
  return [{ stream: assertionStream(cmd.scope.unit, cmd.document.id), events: [event<FigureStated>('FigureStated', clean)] }];
}
