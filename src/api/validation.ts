import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidCommand } from '../shared/errors';

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

/** Whitelisting pipe: unknown fields are refused (a typo must not silently drop a figure). */
export const ledgerValidationPipe = () =>
  new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new InvalidCommand(toProblems(errors)),
  });
