import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidCommand, InvalidRequest } from '../shared/errors';

/** Flattens class-validator's tree into "line.budgetYear: must not be less than 2000" problems. */
export function toProblems(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    const own = Object.values(e.constraints ?? {}).map((problem) => ({
      field,
      problem: problem.startsWith(`${e.property} `) ? problem.slice(e.property.length + 1) : problem,
    }));
    return [...own, ...toProblems(e.children ?? [], field)];
  });
}

/**
 * Whitelisting pipe: unknown fields are refused (a typo must not silently drop a figure). A bad body is a
 * malformed command (INVALID_COMMAND: the only validated bodies are commands); a bad query string, an
 * INVALID_REQUEST.
 */
export class LedgerValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      exceptionFactory: (errors) => new InvalidRequest(toProblems(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (metadata.type === 'body' && error instanceof InvalidRequest) throw new InvalidCommand(error.problems);
      throw error;
    }
  }
}

export const ledgerValidationPipe = () => new LedgerValidationPipe();
