import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { validate } from 'class-validator';
import { FieldProblem, InvalidCommand, InvalidRequest } from '../shared/errors';
import { passesRules, toInstance } from '../shared/validation/dto-plans';
import { VALIDATION_OPTIONS, toProblems } from '../shared/validation/problems';
import { normalizeInput } from '../shared/validation/text-rules';

/** class-validator's options as Nest's ValidationPipe passes them (the target object is left out of each error). */
const PIPE_VALIDATOR_OPTIONS = { forbidUnknownValues: false, ...VALIDATION_OPTIONS, validationError: { target: false } };

/**
 * Whitelisting pipe: text is normalized and checked first (text-rules.ts), then unknown fields are refused (a typo
 * must not silently drop a figure). A bad body is a malformed command (INVALID_COMMAND: the only validated bodies are
 * commands); a bad query string, an INVALID_REQUEST.
 *
 * A body or query object validated with a DTO class goes the short way, on the request's event loop: the instance is
 * built and its rules checked from plans derived once per class (dto-plans.ts), and class-validator itself gives the
 * errors when there are any. What Nest's ValidationPipe does besides (closing array gaps, stripping prototype keys,
 * refusing binary values) has nothing to do on normalized JSON, which has none. Anything else (a parameter, a value
 * that is not an object: a list, a number) goes through Nest's ValidationPipe as before.
 */
export class LedgerValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      ...VALIDATION_OPTIONS,
      exceptionFactory: (errors) => new InvalidRequest(toProblems(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const body = metadata.type === 'body';
    const refusal = (problems: readonly FieldProblem[]) => (body ? new InvalidCommand(problems) : new InvalidRequest(problems));
    if (this.toValidate(metadata) && (body || metadata.type === 'query')) {
      // Text in NFC, no control or bidi characters, no object-member names as keys, no nulls in a command.
      const normalized = normalizeInput(value, { refuseNull: body });
      if (normalized.problems.length > 0) throw refusal(normalized.problems);
      value = normalized.value;
      const metatype = metadata.metatype;
      // An absent body or query is validated as `{}`, as Nest does.
      const plain = value ?? {};
      if (typeof metatype === 'function' && typeof plain === 'object' && Object.getPrototypeOf(plain) === Object.prototype) {
        const instance = toInstance(metatype as new () => object, plain);
        if (passesRules(instance) === true) return instance;
        const errors = await validate(instance, PIPE_VALIDATOR_OPTIONS);
        if (errors.length > 0) throw refusal(toProblems(errors));
        return instance;
      }
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (body && error instanceof InvalidRequest) throw new InvalidCommand(error.problems);
      throw error;
    }
  }
}

export const ledgerValidationPipe = () => new LedgerValidationPipe();
