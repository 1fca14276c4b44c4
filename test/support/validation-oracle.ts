import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldProblem, InvalidCommand, InvalidRequest } from '../../src/shared/errors';
import { LedgerValidationPipe } from '../../src/api/validation';
import { VALIDATION_OPTIONS, toProblems } from '../../src/shared/validation/problems';
import { forbiddenTextProblem, OBJECT_MEMBERS } from '../../src/shared/validation/text-rules';
import type { NormalizeOptions, NormalizedInput } from '../../src/shared/validation/text-rules';

/**
 * The validation of bodies and query strings as it was before the pipe took the short way (dto-plans.ts): Nest's
 * ValidationPipe with the ledger's options, after the text rules' copying walk (whose checks of a string, the full
 * look, are the text rules' forbiddenTextProblem). Kept only as the oracle of
 * src/api/validation.equivalence.spec.ts, which asserts the pipe and validateBody give the same outcomes.
 */

const textProblem = forbiddenTextProblem;

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * A copy of plain JSON-like data with every string and key in NFC, and every problem of its text: forbidden
 * characters (textProblem), keys that are names of every object's own members (`constructor`, `__proto__`...),
 * and, when asked, nulls. Fields are named as the validation problems name them ("decision.number", "moves[0]").
 * The depth was bounded by the parser (input-limits.ts).
 */
export function oldNormalizeInput<T>(value: T, options: NormalizeOptions = {}, path = ''): NormalizedInput<T> {
  const problems: FieldProblem[] = [];
  const walk = (v: unknown, field: string): unknown => {
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) problems.push({ field: field || '(body)', problem });
      return problem ? v : v.normalize('NFC');
    }
    if (v === null) {
      if (options.refuseNull) problems.push({ field: field || '(body)', problem: 'is null: give a value, or leave the field out' });
      return v;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${field}[${i}]`));
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v as object)) {
        const name = at(field, key);
        if (OBJECT_MEMBERS.has(key)) {
          problems.push({ field: name, problem: `"${key}" is not a field of the ledger (it names a member of every object)` });
          continue;
        }
        const keyProblem = textProblem(key);
        if (keyProblem) {
          problems.push({ field: name, problem: `the field name ${keyProblem}` });
          continue;
        }
        Object.defineProperty(out, key.normalize('NFC'), { value: walk((v as Record<string, unknown>)[key], name), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };
  const normalized = walk(value, path) as T;
  return { value: normalized, problems };
}

/** The ledger's pipe as it was: the text rules, then Nest's ValidationPipe (with the options the pipe still has). */
export class OracleValidationPipe extends LedgerValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const body = metadata.type === 'body';
    if (this.toValidate(metadata) && (body || metadata.type === 'query')) {
      const normalized = oldNormalizeInput(value, { refuseNull: body });
      if (normalized.problems.length > 0) throw body ? new InvalidCommand(normalized.problems) : new InvalidRequest(normalized.problems);
      value = normalized.value;
    }
    try {
      return (await ValidationPipe.prototype.transform.call(this, value, metadata)) as unknown;
    } catch (error) {
      if (metadata.type === 'body' && error instanceof InvalidRequest) throw new InvalidCommand(error.problems);
      throw error;
    }
  }
}

/** validateBody (the journal's) as it was. */
export function oracleValidateBody<T extends object>(cls: new () => T, body: object): { value: T } | { problems: FieldProblem[] } {
  const normalized = oldNormalizeInput(body, { refuseNull: true });
  if (normalized.problems.length > 0) return { problems: [...normalized.problems] };
  const instance = plainToInstance(cls, normalized.value);
  const errors = validateSync(instance, VALIDATION_OPTIONS);
  return errors.length > 0 ? { problems: toProblems(errors) } : { value: instance };
}
