import { capProblems } from './validation/input-limits';

/** One bad field of a request: where it is and what is wrong with it. */
export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

/**
 * The request is malformed (HTTP 400, INVALID_REQUEST): a query parameter, a header or a body the ledger cannot
 * read. Lists every bad field and why. Nothing is stored.
 */
export class InvalidRequest extends Error {
  /** The machine code of the answer; subclasses name what was malformed. */
  readonly code: string = 'INVALID_REQUEST';
  /** Every bad field, up to MAX_PROBLEMS: the last then says how many more there were. */
  readonly problems: readonly FieldProblem[];

  constructor(problems: readonly FieldProblem[]) {
    const listed = capProblems(problems, (more) => ({ field: '(more)', problem: `and ${more} more problems, not listed` }));
    super(summarize(listed));
    this.problems = listed;
    this.name = new.target.name;
  }

  static field<T extends InvalidRequest>(this: new (problems: readonly FieldProblem[]) => T, field: string, problem: string): T {
    return new this([{ field, problem }]);
  }
}

/** A command is malformed (HTTP 400, INVALID_COMMAND). Lists every bad field. Nothing is stored. */
export class InvalidCommand extends InvalidRequest {
  override readonly code = 'INVALID_COMMAND';
}

/**
 * A business rule refuses the command (HTTP 409): a machine code such as INSUFFICIENT_UNALLOCATED and a
 * reason a person can read. Nothing is stored.
 */
export class CommandRefused extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(reason);
    this.name = 'CommandRefused';
  }
}

/** The message of a list of problems: the first few, and how many there are in all. */
function summarize(problems: readonly FieldProblem[]): string {
  const shown = problems.slice(0, 5).map((p) => `${p.field}: ${p.problem}`);
  return problems.length > shown.length ? `${shown.join('; ')}; … (${problems.length} problems listed)` : shown.join('; ');
}
