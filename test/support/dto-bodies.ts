import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentMetadata } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

/**
 * Bodies for the DTOs of the routes, valid and not, generated from the DTOs' own rules: for the equivalence spec of
 * the validation pipe (src/api/validation.equivalence.spec.ts) and the spec of its plans (dto-plans.spec.ts).
 */

export type Class = new () => object;
export interface Target {
  readonly route: string;
  readonly metadata: ArgumentMetadata;
}

const PRIMITIVE_TYPES = new Set<unknown>([String, Boolean, Number, Array, Object, Buffer, Date]);

/** Every @Body() and @Query() parameter of every controller whose type is a DTO class, read as Nest reads it. */
export function dtoParameters(): Target[] {
  const targets: Target[] = [];
  const dir = join(__dirname, '..', '..', 'src');
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.controller.ts'));
  for (const file of files) {
    const exports = require(join(dir, file)) as Record<string, unknown>;
    for (const controller of Object.values(exports)) {
      if (typeof controller !== 'function' || Reflect.getMetadata('path', controller) === undefined) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number; data?: string }>;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as unknown[];
        for (const [key, arg] of Object.entries(args)) {
          const paramtype = Number(key.split(':')[0]);
          const type = paramtype === RouteParamtypes.BODY ? 'body' : paramtype === RouteParamtypes.QUERY ? 'query' : undefined;
          const metatype = types[arg.index];
          if (!type || typeof metatype !== 'function' || PRIMITIVE_TYPES.has(metatype)) continue;
          targets.push({ route: `${controller.name}.${method}`, metadata: { type, metatype: metatype as Class, data: arg.data } });
        }
      }
    }
  }
  return targets;
}

// ---------------------------------------------------------------------------------------------------------------
// Valid values, found for each property by trying candidates against its own class-validator constraints

const storage = getMetadataStorage();
const rulesOf = (cls: Function) => storage.groupByPropertyName(storage.getTargetValidationMetadatas(cls, '', false, false, undefined));

/** The class `@Type(() => X)` names for a property, through class-transformer's storage. */
function nestedClass(cls: Function, property: string): Class | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
    defaultMetadataStorage: { findTypeMetadata(t: Function, p: string): { typeFunction?: () => unknown } | undefined };
  };
  const type = defaultMetadataStorage.findTypeMetadata(cls, property)?.typeFunction?.();
  return typeof type === 'function' && !PRIMITIVE_TYPES.has(type) ? (type as Class) : undefined;
}

function passesOwnConstraints(cls: Function, property: string, value: unknown, object: object): boolean {
  const rules = rulesOf(cls)[property] ?? [];
  return rules
    .filter((r) => r.type === ValidationTypes.CUSTOM_VALIDATION || r.type === ValidationTypes.IS_DEFINED)
    .every((r) =>
      storage.getTargetValidatorConstraints(r.constraintCls).every((c) => {
        const args = { targetName: cls.name, property, object, value, constraints: r.constraints };
        const items = r.each && Array.isArray(value) ? value : [value];
        return items.every((item) => c.instance.validate(item, args) === true);
      }),
    );
}

function candidates(cls: Function, property: string): unknown[] {
  const rules = rulesOf(cls)[property] ?? [];
  const named = (name: string) => rules.find((r) => r.name === name || storage.getTargetValidatorConstraints(r.constraintCls).some((c) => c.name === name));
  const out: unknown[] = [];
  const isIn = named('isIn');
  if (isIn) out.push((isIn.constraints[0] as unknown[])[0]);
  const min = named('min');
  if (min) out.push(Math.max(min.constraints[0] as number, 2024 > (min.constraints[0] as number) && 2024 <= ((named('max')?.constraints[0] as number) ?? Infinity) ? 2024 : (min.constraints[0] as number)));
  const minLength = named('minLength');
  out.push(
    'A-1',
    '2024-01-15',
    '2024-01-15T10:00:00Z',
    '1550440.5',
    '100',
    'GNBV-2021-2025',
    'UBND huyện Văn Quan',
    2024,
    1,
    0,
    true,
    false,
    'Mật-khẩu-đủ-dài-2024!',
    'x'.repeat(Math.max(1, (minLength?.constraints[0] as number) ?? 1)),
  );
  return out;
}

export function validBody(cls: Class, depth = 0): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [property, rules] of Object.entries(rulesOf(cls))) {
    if (depth > 4) break;
    const nested = nestedClass(cls, property);
    const list = rules.some((r) => r.each) || rules.some((r) => r.name === 'isArray' || storage.getTargetValidatorConstraints(r.constraintCls).some((c) => c.name === 'isArray'));
    if (nested) {
      body[property] = list ? [validBody(nested, depth + 1)] : validBody(nested, depth + 1);
      continue;
    }
    const found = candidates(cls, property).find((c) => passesOwnConstraints(cls, property, list ? [c] : c, body));
    if (found !== undefined) body[property] = list ? [found] : found;
  }
  return body;
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies: the valid one, then every field missing, every field wrong, extra and dangerous keys, other shapes

const json = (text: string): unknown => JSON.parse(text);

const WRONG_VALUES: unknown[] = [
  null,
  undefined,
  true,
  0,
  -1,
  1.5,
  2024,
  1e21,
  '',
  ' ',
  'x',
  'x'.repeat(100_001),
  '2023-02-29',
  '2024-02-29',
  '0100-01-01',
  '2024-13-01',
  '9999-12-31',
  '1e5',
  '1,000',
  '-5',
  '0',
  '0.001',
  '12.345',
  '99999999999999999999999.99',
  '١٢٣',
  'Vie\u0302\u0323t Nam',
  'a\u0000b',
  '\u001b[31mred',
  'ab\u202ecd',
  'x\u2066y',
  '\ud800',
  'bad\ufffd',
  'line\nbreak',
  'tab\there',
  ' padded ',
  '..',
  '-A',
  [],
  [1],
  ['a'],
  [{}],
  [null],
  {},
  { a: 1 },
  json('{"__proto__": {"polluted": true}}'),
  json('{"constructor": {"prototype": {"polluted": true}}}'),
];

const EXTRA_KEYS: [string, unknown][] = [
  ['extra', 1],
  ['constructor', { prototype: { polluted: true } }],
  ['prototype', {}],
  ['toString', 'x'],
  ['hasOwnProperty', 1],
  ['valueOf', 'x'],
  ['a\u202eb', 1],
  ['cafe\u0301', 'x'],
  ['\u0000', 1],
];

export function* mutations(valid: Record<string, unknown>, depth = 0): Generator<unknown> {
  yield valid;
  for (const key of Object.keys(valid)) {
    const { [key]: _removed, ...rest } = valid;
    yield rest;
    for (const wrong of WRONG_VALUES) yield { ...valid, [key]: wrong };
    const inner = valid[key];
    if (depth < 2 && inner && typeof inner === 'object') {
      if (Array.isArray(inner)) {
        if (inner[0] && typeof inner[0] === 'object') for (const m of mutations(inner[0] as Record<string, unknown>, depth + 1)) yield { ...valid, [key]: [inner[0], m] };
        yield { ...valid, [key]: [...inner, ...inner] };
      } else for (const m of mutations(inner as Record<string, unknown>, depth + 1)) yield { ...valid, [key]: m };
    }
  }
  for (const [key, value] of EXTRA_KEYS) yield { ...valid, [key]: value };
  yield { ...(json(JSON.stringify(valid)) as object), ...(json('{"__proto__": {"polluted": true}}') as object) };
  yield json(`{"__proto__": {"x": 1}, ${JSON.stringify(valid).slice(1)}`.replace(', }', '}'));
  if (depth === 0) {
    yield* [null, undefined, [], [valid], 'text', 42, true, {}, Object.assign(Object.create(null) as object, valid)];
  }
}

/** Query strings are text: the same bodies with every leaf as a string, as Fastify's parser gives them. */
export function asQuery(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v !== null && typeof v === 'object' ? v : String(v)));
  if (value === null || typeof value !== 'object') return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = v === undefined ? v : v !== null && typeof v === 'object' ? asQuery(v) : String(v);
  return out;
}

/** A deep copy keeping own `__proto__` keys, undefined fields and the prototype of each object. */
export function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (value === null || typeof value !== 'object') return value;
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: clone((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  return out;
}

