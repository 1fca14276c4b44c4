import * as fc from 'fast-check';
import { Class, asQuery, clone, dtoParameters, mutations, validBody } from '../../test/support/dto-bodies';
import { OracleValidationPipe, oracleValidateBody } from '../../test/support/validation-oracle';
import { validateBody } from '../shared/validation/problems';
import { ledgerValidationPipe } from './validation';

/**
 * The pipe's short way (dto-plans.ts, the single-pass text rules) against the way it replaced: Nest's
 * ValidationPipe after the copying text rules (test/support/validation-oracle.ts). For every body and query DTO of
 * every controller, generated valid and invalid values must give the same outcome on both: the same instance (same
 * classes, same fields) or the same refusal (same class, code, message and problems). The journal's validateBody is
 * compared with its former self the same way.
 */

type Outcome = { value: unknown } | { refused: { name: string; code?: string; message: string; problems?: unknown } };

async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    return { value: await run() };
  } catch (error) {
    const e = error as Error & { code?: string; problems?: unknown };
    return { refused: { name: e.constructor.name, code: e.code, message: e.message, problems: e.problems } };
  }
}

const show = (v: unknown) => {
  const text = JSON.stringify(v, (_k, x: unknown) => (x === undefined ? '(undefined)' : typeof x === 'string' && x.length > 60 ? `${x.slice(0, 20)}…(${x.length})` : x));
  return text && text.length > 400 ? `${text.slice(0, 400)}…` : text;
};

describe('the validation pipe and validateBody give the outcomes of Nest ValidationPipe and the former text rules', () => {
  const targets = dtoParameters();
  const pipe = ledgerValidationPipe();
  const oracle = new OracleValidationPipe();

  it('finds the DTOs of the routes: every command body and the query objects', () => {
    const bodies = targets.filter((t) => t.metadata.type === 'body');
    expect(bodies.length).toBeGreaterThanOrEqual(25);
    expect(targets.filter((t) => t.metadata.type === 'query').length).toBeGreaterThanOrEqual(10);
  });

  it('for every DTO and every generated body: the same instance, or the same refusal', async () => {
    const mismatches: string[] = [];
    let accepted = 0;
    let cases = 0;
    for (const { route, metadata } of targets) {
      const valid = validBody(metadata.metatype as Class);
      const values = metadata.type === 'query' ? [...mutations(valid)].flatMap((v) => [v, asQuery(v)]) : [...mutations(valid)];
      for (const value of values) {
        cases++;
        const [expected, actual] = [await outcome(() => oracle.transform(clone(value), metadata)), await outcome(() => pipe.transform(clone(value), metadata))];
        if ('value' in expected) accepted++;
        try {
          expect(actual).toStrictEqual(expected);
        } catch {
          mismatches.push(`${route} ${metadata.type} ${show(value)}\n  expected ${show(expected)}\n  actual   ${show(actual)}`);
        }
        if (metadata.type === 'body' && value !== null && typeof value === 'object') {
          const cls = metadata.metatype as Class;
          const [was, is] = [await outcome(() => oracleValidateBody(cls, clone(value) as object)), await outcome(() => validateBody(cls, clone(value) as object))];
          try {
            expect(is).toStrictEqual(was);
          } catch {
            mismatches.push(`validateBody ${cls.name} ${show(value)}\n  expected ${show(was)}\n  actual   ${show(is)}`);
          }
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The generated bodies reach both outcomes: many are accepted, most are refused.
    expect(accepted).toBeGreaterThan(targets.length);
    expect(cases).toBeGreaterThan(10_000);
  }, 300_000);

  it('for random JSON put anywhere in a valid body of each DTO: the same outcome', async () => {
    for (const { route, metadata } of targets) {
      const valid = validBody(metadata.metatype as Class);
      const keys = Object.keys(valid);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...keys, 'extra'), fc.jsonValue(), fc.boolean(), async (key, inserted, nested) => {
          const inner = valid[key];
          const value =
            nested && inner && typeof inner === 'object' && !Array.isArray(inner)
              ? { ...valid, [key]: { ...inner, [Object.keys(inner)[0] ?? 'x']: inserted } }
              : { ...valid, [key]: inserted };
          const input = metadata.type === 'query' ? asQuery(value) : value;
          const expected = await outcome(() => oracle.transform(clone(input), metadata));
          const actual = await outcome(() => pipe.transform(clone(input), metadata));
          if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${route}: ${show(input)}\n${show(expected)}\n${show(actual)}`);
          expect(actual).toStrictEqual(expected);
        }),
        { numRuns: 150 },
      );
    }
  }, 300_000);
});
