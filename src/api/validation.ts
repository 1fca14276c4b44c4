import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { InvalidCommand, InvalidRequest } from '../shared/errors';
import { VALIDATION_OPTIONS, toProblems } from '../shared/validation/problems';
import { normalizeInput } from '../shared/validation/text-rules';

/**
 * Whitelisting pipe: text is normalized and checked first (text-rules.ts), then unknown fields are refused (a typo
 * must not silently drop a figure). A bad body is a malformed command (INVALID_COMMAND: the only validated bodies are
 * commands); a bad query string, an INVALID_REQUEST.
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
    if (this.toValidate(metadata) && (body || metadata.type === 'query')) {
      // Text in NFC, no control or bidi characters, no object-member names as keys, no nulls in a command.
      const normalized = normalizeInput(value, { refuseNull: body });
      if (normalized.problems.length > 0) throw body ? new InvalidCommand(normalized.problems) : new InvalidRequest(normalized.problems);
      value = normalized.value;
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (metadata.type === 'body' && error instanceof InvalidRequest) throw new InvalidCommand(error.problems);
      throw error;
    }
  }
}

export const ledgerValidationPipe = () => new LedgerValidationPipe();
