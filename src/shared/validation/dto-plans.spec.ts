import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsInt, IsString, registerDecorator, validateSync, ValidateNested } from 'class-validator';
import { Class, clone, dtoParameters, mutations, validBody } from '../../../test/support/dto-bodies';
import { passesRules, toInstance } from './dto-plans';
import { VALIDATION_OPTIONS } from './problems';

/** Values as a parser gives them, without the text rules' refusals first: keys such as `constructor` or `toString` reach the plans. */
const EXTRA = [
  ['constructor', { prototype: { polluted: true } }],
  ['toString', 'x'],
  ['hasOwnProperty', 1],
  ['__defineGetter__', 'x'],
] as const;

/** What a call gives: its value, or the error it throws (class-transformer throws on a nested `constructor` key). */
const attempt = (f: () => unknown) => {
  try {
    return { value: f() };
  } catch (error) {
    return { thrown: String(error) };
  }
};

describe('DTO plans', () => {
  const classes = [...new Set(dtoParameters().map((t) => t.metadata.metatype as Class))];
  const values = (cls: Class) => {
    const valid = validBody(cls);
    return [...mutations(valid), ...EXTRA.map(([k, v]) => ({ ...valid, [k]: v })), JSON.parse(`{"__proto__": {"x": 1}, "extra": 1}`) as object].filter(
      (v): v is object => v !== null && typeof v === 'object' && !Array.isArray(v),
    );
  };

  it('given any object, toInstance builds what plainToInstance builds, for every DTO of the routes', () => {
    let count = 0;
    for (const cls of classes) {
      for (const value of values(cls)) {
        expect(attempt(() => toInstance(cls, clone(value) as object))).toStrictEqual(attempt(() => plainToInstance(cls, clone(value))));
        count++;
      }
    }
    expect(count).toBeGreaterThan(10_000);
  });

  it('given any instance, passesRules says true exactly when class-validator finds no error (and the short way is taken for those)', () => {
    let passed = 0;
    for (const cls of classes) {
      for (const value of values(cls)) {
        const built = attempt(() => toInstance(cls, clone(value) as object));
        if (!('value' in built)) continue;
        const instance = built.value as object;
        const verdict = passesRules(instance);
        const errors = validateSync(instance, VALIDATION_OPTIONS);
        if (verdict === true) passed++;
        // never true when class-validator refuses; true whenever it accepts (the short way is not a rare one)
        expect({ cls: cls.name, value, verdict: verdict === true }).toEqual({ cls: cls.name, value, verdict: errors.length === 0 });
      }
    }
    expect(passed).toBeGreaterThan(1_000);
  });

  it('given a rule registered after a class was checked, the plan follows it', () => {
    class Late {
      @IsString()
      name!: unknown;
    }
    const late = Object.assign(new Late(), { name: 'x' });
    expect(passesRules(late)).toBe(true);
    IsInt()(Late.prototype, 'name');
    expect(passesRules(late)).toBe(false);
    expect(validateSync(late, VALIDATION_OPTIONS)).toHaveLength(1);
  });

  it('given an async constraint, passesRules cannot tell and leaves it to class-validator', () => {
    class Remote {
      @IsString()
      code!: unknown;
    }
    registerDecorator({
      name: 'isKnownRemotely',
      target: Remote,
      propertyName: 'code',
      async: true,
      validator: { validate: async () => Promise.resolve(true) },
    });
    expect(passesRules(Object.assign(new Remote(), { code: 'x' }))).toBeUndefined();
  });

  it('given a class using @Transform, toInstance is plainToInstance (the transform applied), nested classes included', () => {
    class Inner {
      @IsInt()
      @Transform(({ value }) => Number(value))
      n!: number;
    }
    class Outer {
      @ValidateNested()
      @Type(() => Inner)
      inner!: Inner;
    }
    const built = toInstance(Outer, { inner: { n: '12' } });
    expect(built).toStrictEqual(plainToInstance(Outer, { inner: { n: '12' } }));
    expect(built.inner).toBeInstanceOf(Inner);
    expect(built.inner.n).toBe(12);
  });
});
