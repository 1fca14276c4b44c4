/** One bad field of a command: where it is and what is wrong with it. */
export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

/** The command is malformed (HTTP 400). Lists every bad field. Nothing is stored. */
export class InvalidCommand extends Error {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.problem}`).join('; '));
    this.name = 'InvalidCommand';
  }

  static field(field: string, problem: string): InvalidCommand {
    return new InvalidCommand([{ field, problem }]);
  }
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
