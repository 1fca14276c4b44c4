import { ValidationError, ValidatorOptions, validateSync } from 'class-validator';
import type { FieldProblem } from '../errors';
import { passesRules, toInstance } from './dto-plans';
import { rememberValidationMetadata } from './metadata-cache';
import { normalizeInput } from './text-rules';

rememberValidationMetadata();

/** Unknown fields are refused (a typo must not silently drop a figure). The HTTP pipe and the journal use these. */
export const VALIDATION_OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

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
 * Validates plain data with a DTO class as the HTTP validation pipe does (text rules first): the instance, or every
 * problem. The instance is built and its rules checked from plans (dto-plans.ts); class-validator gives the errors.
 */
export function validateBody<T extends object>(cls: new () => T, body: object): { value: T } | { problems: FieldProblem[] } {
  const normalized = normalizeInput(body, { refuseNull: true });
  if (normalized.problems.length > 0) return { problems: [...normalized.problems] };
  const instance = toInstance(cls, normalized.value);
  if (passesRules(instance) === true) return { value: instance };
  const errors = validateSync(instance, VALIDATION_OPTIONS);
  return errors.length > 0 ? { problems: toProblems(errors) } : { value: instance };
}
