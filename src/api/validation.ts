import { ValidationPipe } from '@nestjs/common';
import { InvalidCommand } from '../shared/errors';
import { VALIDATION_OPTIONS, toProblems } from '../shared/validation/problems';

/** Whitelisting pipe: unknown fields are refused, every bad field is named (400 INVALID_COMMAND). */
export const ledgerValidationPipe = () =>
  new ValidationPipe({
    transform: true,
    ...VALIDATION_OPTIONS,
    exceptionFactory: (errors) => new InvalidCommand(toProblems(errors)),
  });
