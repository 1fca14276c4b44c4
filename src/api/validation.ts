import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { InvalidCommand, InvalidRequest } from '../shared/errors';
import { VALIDATION_OPTIONS, toProblems } from '../shared/validation/problems';

/**
 * Whitelisting pipe: unknown fields are refused (a typo must not silently drop a figure). A bad body is a
 * malformed command (INVALID_COMMAND: the only validated bodies are commands); a bad query string, an
 * INVALID_REQUEST.
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
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (metadata.type === 'body' && error instanceof InvalidRequest) throw new InvalidCommand(error.problems);
      throw error;
    }
  }
}

export const ledgerValidationPipe = () => new LedgerValidationPipe();
