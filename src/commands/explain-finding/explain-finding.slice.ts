import type { FundLineState } from '../../fund-line/fund-line.state';
import type { UnitUse } from '../../identity/rights';
import { decision } from '../decision-spec';
import { fundLineFold } from '../rules';
import { journalBasis } from '../shared/journal-basis';
import { decisionOrDocumentBasis } from '../shared/to-input';
import type { RequestCommand } from '../slice';
import { assertionStream, figuresFold, FiguresState } from '../state-figure/figure.state';
import { ExplainFinding, decideExplainFinding, explanationStream, subjectOf } from './explain-finding.decide';
import { ExplainFindingDto } from './explain-finding.dto';

const lineUnits = (line: FundLineState): UnitUse[] => (line.key === null ? [] : [{ code: line.key.unit, when: line.key.budgetYear }]);

/** Giải trình: an explanation or correcting decision recorded against a reconciliation finding; the finding stays listed. */
export const explainFindingCommand: RequestCommand<ExplainFindingDto, ExplainFinding> = {
  name: 'ExplainFinding',
  route: {
    path: 'findings/explain',
    summary: 'Giải trình: record an explanation, or a correcting decision, against a reconciliation finding (it stays listed, marked explained)',
  },
  dto: ExplainFindingDto,
  toInput: (dto) => ({
    findingId: dto.findingId,
    explanation: dto.explanation,
    basis: decisionOrDocumentBasis(dto),
  }),
  spec: (input) => {
    const subject = subjectOf(input.findingId);
    const stream = explanationStream(subject);
    // The explanations' own stream is read for its revision (If-Match); the subject's stream to know it exists.
    const explanations = { stream, fold: { initial: () => null, evolve: () => null } };
    if ('line' in subject) {
      return decision({
        basis: input.basis,
        primaryStream: stream,
        // The line's unit, from its key once it exists (a line the ledger does not hold is refused by the decider).
        loads: [explanations, { stream: subject.line, fold: fundLineFold, units: lineUnits }] as const,
        decide: ([, line]) => decideExplainFinding(input, { line: line.state as FundLineState }),
      });
    }
    return decision({
      basis: input.basis,
      primaryStream: stream,
      loads: [explanations, { stream: assertionStream(subject.unit, subject.document), fold: figuresFold }] as const,
      units: [{ code: subject.unit }],
      decide: ([, figures]) => decideExplainFinding(input, { figures: figures.state as FiguresState }),
    });
  },
  journal: {
    kind: 'explanation',
    toRequest: (body, j) => ({ body: j.request(body, journalBasis(body, j)) }),
  },
};
