import { plainToInstance } from 'class-transformer';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationArguments } from 'class-validator';
import { rememberValidationMetadata, validationRulesGeneration } from './metadata-cache';

/**
 * The two costly steps of validating a command body, done from plans derived once per DTO class from the libraries'
 * own metadata (class-transformer's `@Type`, class-validator's rules), for the shapes a JSON body takes:
 *
 * - `toInstance` builds the instance class-transformer's `plainToInstance` builds, without its generic executor;
 *   a class using anything else of class-transformer (`@Transform`, `@Expose`, `@Exclude`, discriminators, types
 *   other than classes) is built by `plainToInstance` itself.
 * - `passesRules` says whether class-validator would find no error, calling the same constraints with the same
 *   arguments in the same conditions as its ValidationExecutor (for VALIDATION_OPTIONS: whitelist and
 *   forbidNonWhitelisted, forbidUnknownValues, no groups, no skipping). It answers `true` only when every rule
 *   passed; on `false` or `undefined` (an async result, a rule type it does not know), class-validator itself
 *   validates and its errors are the answer. The rules stay class-validator's: nothing here states one.
 *
 * validation.dto-plans.spec.ts runs both next to the libraries over every DTO with generated bodies.
 */

rememberValidationMetadata();

type Class = new () => object;
type Constraint = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidatorConstraints']>[number];
type Rule = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

// ---------------------------------------------------------------------------------------------------------------
// Building the instance (class-transformer, plainToInstance without options)

/** What class-transformer knows about a class, when it is nothing but `@Type(() => SomeClass)` on properties. */
interface BuildPlan {
  readonly types: ReadonlyMap<string, { typeFunction: (options?: unknown) => unknown; reflectedType: unknown }>;
}

/** A type class-transformer converts a value to by itself rather than building an instance of it. */
const CONVERTED = new Set<unknown>([String, Number, Boolean, Date, Buffer, Map, Set, Promise, Array, Object]);

// class-transformer's metadata: the storage its decorators fill (not exported by its index), read as its executor reads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage };
interface StorageMaps {
  readonly _typeMetadatas: Map<unknown, Map<string, { typeFunction?: (o?: unknown) => unknown; reflectedType: unknown; options?: { discriminator?: unknown } }>>;
  readonly _transformMetadatas: Map<unknown, Map<string, unknown[]>>;
  readonly _exposeMetadatas: Map<unknown, Map<string | undefined, unknown>>;
  readonly _excludeMetadatas: Map<unknown, Map<string | undefined, unknown>>;
}

const buildPlans = new Map<Function, BuildPlan | null>();

function lineage(cls: Function): Function[] {
  const classes: Function[] = [];
  for (let c: Function | null = cls; c && c !== Function.prototype && c.prototype !== undefined; c = Object.getPrototypeOf(c) as Function | null) classes.push(c);
  return classes;
}

/** The plan of a class, or null when class-transformer would do more than build it and its `@Type` classes. */
function buildPlanOf(cls: Function): BuildPlan | null {
  let plan = buildPlans.get(cls);
  if (plan !== undefined) return plan;
  const storage = defaultMetadataStorage as unknown as StorageMaps;
  const classes = lineage(cls);
  const simple =
    classes.every((c) => !storage._transformMetadatas.has(c) && !storage._exposeMetadatas.has(c) && !storage._excludeMetadatas.has(c)) &&
    defaultMetadataStorage.getStrategy(cls) === 'none';
  const types = new Map<string, { typeFunction: (options?: unknown) => unknown; reflectedType: unknown }>();
  let ok = simple;
  if (ok) {
    // Nearest class first, as findTypeMetadata looks.
    for (const c of classes) {
      for (const [property, meta] of storage._typeMetadatas.get(c) ?? []) {
        if (types.has(property)) continue;
        if (!meta.typeFunction || meta.options?.discriminator || meta.reflectedType === Map || meta.reflectedType === Set) ok = false;
        else types.set(property, { typeFunction: meta.typeFunction, reflectedType: meta.reflectedType });
      }
    }
  }
  plan = ok ? { types } : null;
  buildPlans.set(cls, plan);
  return plan;
}

/** Raised inside a build that met something its plan does not cover: the whole value goes to plainToInstance. */
class NotPlanned extends Error {}

function buildValue(value: unknown, type: Function | undefined): unknown {
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw new NotPlanned();
    const out: unknown[] = [];
    // forEach skips holes, as class-transformer's copy does.
    value.forEach((item) => out.push(buildValue(item, type)));
    return out;
  }
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype || typeof (value as { then?: unknown }).then === 'function') throw new NotPlanned();
  // Without a type, class-transformer builds an object of the value's own `constructor` (a key of the body's).
  if (type === undefined && (value as { constructor?: unknown }).constructor !== Object) throw new NotPlanned();
  return type === undefined ? buildObject(value as Record<string, unknown>, undefined, undefined) : buildObject(value as Record<string, unknown>, type, buildPlanOf(type));
}

function buildObject(value: Record<string, unknown>, cls: Function | undefined, plan: BuildPlan | null | undefined): object {
  if (cls !== undefined && plan === null) throw new NotPlanned();
  const out = (cls ? new (cls as Class)() : {}) as Record<string, unknown>;
  const prototype = (out.constructor as Function | undefined)?.prototype as object | undefined;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || key === 'constructor') continue;
    let type: Function | undefined;
    let arrayType: unknown;
    const meta = plan?.types.get(key);
    if (meta) {
      type = meta.typeFunction({ newObject: out, object: value, property: key }) as Function | undefined;
      if (CONVERTED.has(type) || (type !== undefined && typeof type !== 'function')) throw new NotPlanned();
      arrayType = meta.reflectedType;
    }
    const item = value[key];
    // An array takes the reflected type of the property when class-transformer knows one; only a plain one is planned.
    if (Array.isArray(item) && arrayType !== undefined && arrayType !== Array) throw new NotPlanned();
    if (prototype) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
      if ((descriptor && !descriptor.set) || out[key] instanceof Function) continue;
    }
    out[key] = buildValue(item, type);
  }
  return out;
}

/** `plainToInstance(cls, value)` for a plain object, from the class's plan when it has one. */
export function toInstance<T extends object>(cls: new () => T, value: object): T {
  const plan = buildPlanOf(cls);
  if (plan !== null && Object.getPrototypeOf(value) === Object.prototype) {
    try {
      return buildObject(value as Record<string, unknown>, cls, plan) as T;
    } catch (error) {
      if (!(error instanceof NotPlanned)) throw error;
    }
  }
  return plainToInstance(cls, value);
}

// ---------------------------------------------------------------------------------------------------------------
// Checking the rules (class-validator)

interface CustomRule {
  readonly rule: Rule;
  readonly constraints: readonly Constraint[];
}

interface PropertyPlan {
  readonly name: string;
  /** ValidateIf, IsOptional: the property is not validated when one says no. */
  readonly conditions: readonly Rule[];
  /** IsDefined, then every other constraint: class-validator checks them in this order. */
  readonly custom: readonly CustomRule[];
  readonly nested: readonly Rule[];
}

interface RulePlan {
  /** The class's name, as class-validator gives it to a constraint (`targetName`). */
  readonly targetName: string;
  readonly properties: readonly PropertyPlan[];
  /** The properties with any rule (Allow included): what the whitelist lets through. */
  readonly known: ReadonlySet<string>;
}

/** A plan, or null for a class with no rule (forbidUnknownValues refuses it) or a rule this check does not run. */
const rulePlans = new Map<Function, Map<string | undefined, RulePlan | null>>();
let plansGeneration = -1;

const RULE_TYPES = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.WHITELIST,
  ValidationTypes.IS_DEFINED,
]);

function rulePlanOf(cls: Function, schema: string | undefined): RulePlan | null {
  if (plansGeneration !== validationRulesGeneration()) {
    rulePlans.clear();
    plansGeneration = validationRulesGeneration();
  }
  let bySchema = rulePlans.get(cls);
  if (!bySchema) rulePlans.set(cls, (bySchema = new Map()));
  let plan = bySchema.get(schema);
  if (plan !== undefined) return plan;
  const storage = getMetadataStorage();
  const rules = storage.getTargetValidationMetadatas(cls, schema as string, false, false, undefined);
  plan = null;
  if (rules.length > 0 && rules.every((r) => RULE_TYPES.has(r.type))) {
    const grouped = storage.groupByPropertyName(rules);
    const properties: PropertyPlan[] = [];
    let ok = true;
    const customOf = (r: Rule): CustomRule => {
      const constraints = storage.getTargetValidatorConstraints(r.constraintCls);
      if (constraints.some((c) => c.async)) ok = false;
      return { rule: r, constraints };
    };
    for (const name of Object.keys(grouped)) {
      const own = grouped[name];
      properties.push({
        name,
        conditions: own.filter((r) => r.type === ValidationTypes.CONDITIONAL_VALIDATION),
        custom: [
          ...own.filter((r) => r.type === ValidationTypes.IS_DEFINED).map(customOf),
          ...own.filter((r) => r.type === ValidationTypes.CUSTOM_VALIDATION).map(customOf),
        ],
        nested: own.filter((r) => r.type === ValidationTypes.NESTED_VALIDATION),
      });
    }
    if (ok) plan = { targetName: cls.name, properties, known: new Set(Object.keys(grouped).filter((name) => grouped[name].length > 0)) };
  }
  bySchema.set(schema, plan);
  return plan;
}

const isPromiseLike = (v: unknown): boolean => v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

/** true: class-validator finds no error; false: it finds one; undefined: this check cannot tell. */
type Verdict = boolean | undefined;

function customPasses(object: object, targetName: string, value: unknown, rules: readonly CustomRule[]): Verdict {
  const items = Array.isArray(value) ? value : value instanceof Map ? Array.from(value.values()) : value instanceof Set ? [...value] : undefined;
  for (const { rule, constraints } of rules) {
    if (rule.validateIf && !rule.validateIf(object, value)) continue;
    for (const constraint of constraints) {
      const args: ValidationArguments = { targetName, property: rule.propertyName, object, value, constraints: rule.constraints };
      if (!rule.each || items === undefined) {
        const valid: unknown = constraint.instance.validate(value, args);
        if (isPromiseLike(valid)) return undefined;
        if (!valid) return false;
        continue;
      }
      const results: unknown[] = items.map((item) => constraint.instance.validate(item, args));
      if (results.some(isPromiseLike)) return undefined;
      if (!results.every((valid) => valid)) return false;
    }
  }
  return true;
}

function nestedPasses(value: unknown, rules: readonly Rule[]): Verdict {
  if (value === undefined) return true;
  for (const rule of rules) {
    if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
      // Each item is validated with every nested rule of the property, as class-validator does.
      const items: unknown[] = value instanceof Set ? Array.from(value) : value instanceof Map ? Array.from(value.values()) : value;
      for (const item of items) {
        const verdict = nestedPasses(item, rules);
        if (verdict !== true) return verdict;
      }
    } else if (value instanceof Object) {
      const verdict = objectPasses(value, typeof rule.target === 'string' ? rule.target : rule.target.name);
      if (verdict !== true) return verdict;
    } else return false;
  }
  return true;
}

function objectPasses(object: object, schema: string | undefined): Verdict {
  if (typeof object.constructor !== 'function') return undefined;
  const plan = rulePlanOf(object.constructor, schema);
  if (plan === null) return undefined;
  for (const key of Object.keys(object)) if (!plan.known.has(key)) return false;
  for (const property of plan.properties) {
    const value = (object as Record<string, unknown>)[property.name];
    let validated = true;
    for (const condition of property.conditions) if (!(condition.constraints[0] as (o: object, v: unknown) => unknown)(object, value)) validated = false;
    if (!validated) continue;
    const custom = customPasses(object, plan.targetName, value, property.custom);
    if (custom !== true) return custom;
    const nested = nestedPasses(value, property.nested);
    if (nested !== true) return nested;
  }
  return true;
}

/**
 * Whether class-validator, with VALIDATION_OPTIONS, finds no error in the instance: true only when every rule passed;
 * false or undefined mean "ask class-validator" (for its errors, or because this check cannot tell).
 */
export function passesRules(instance: object): Verdict {
  return objectPasses(instance, undefined);
}
