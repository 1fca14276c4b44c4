import { IsInt, IsString, validateSync } from 'class-validator';
import { rememberValidationMetadata } from './metadata-cache';

describe('class-validator rules remembered per class', () => {
  beforeAll(() => rememberValidationMetadata());

  class Parent {
    @IsString()
    name!: unknown;
  }
  class Child extends Parent {
    @IsInt()
    count!: unknown;
  }
  const child = (name: unknown, count: unknown) => Object.assign(new Child(), { name, count });
  const failed = (o: object) => validateSync(o).map((e) => e.property).sort();

  it('validates with the rules of the class and of its parents, again and again', () => {
    expect(failed(child('a', 1))).toEqual([]);
    expect(failed(child(1, 'x'))).toEqual(['count', 'name']);
    expect(failed(child(1, 'x'))).toEqual(['count', 'name']);
  });

  it('applies a rule registered after the class was first validated', () => {
    class Late {
      size!: unknown;
    }
    const late = (size: unknown) => Object.assign(new Late(), { size });
    expect(failed(late('big'))).toEqual([]);
    IsInt()(Late.prototype, 'size');
    expect(failed(late('big'))).toEqual(['size']);
  });
});
