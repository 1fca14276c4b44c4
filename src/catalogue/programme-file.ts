import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { readFileSync } from 'node:fs';
import { toProblems } from '../shared/validation/problems';
import { IsCalendarDate } from '../shared/validation/validators';
import type { FieldProblem } from '../shared/errors';

/**
 * The file format of one programme's catalogue (a `*.json` in the catalogue folder): which programme, the
 * documents that make it law and the days it is valid, then its lists. Units are not here: all programmes
 * share the unit registry.
 */

/** A list of objects of one class, each checked (at least `min` of them). */
const ListOf = (type: () => new () => object, min = 0) =>
  applyDecorators(IsArray(), ...(min > 0 ? [ArrayMinSize(min)] : []), ValidateNested({ each: true }), Type(type));

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;
const CODE_MESSAGE = (args: { property: string }) => `${args.property} must be a code of 1-50 letters, digits, ".", "_" or "-"`;

class NamedDto {
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  nameVi: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  nameEn?: string;
}

class LegalBasisDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  number: string;

  @IsCalendarDate()
  date: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  issuer: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;
}

class ProgrammeDto extends NamedDto {
  @IsArray()
  @ArrayMinSize(1, { message: 'legalBasis must name at least one document (number, date, issuer) that approves the programme' })
  @ValidateNested({ each: true })
  @Type(() => LegalBasisDto)
  legalBasis: LegalBasisDto[];

  @IsCalendarDate()
  validFrom: string;

  @IsCalendarDate()
  validTo: string;
}

class ComponentDto extends NamedDto {
  @IsIn(['project', 'sub-project'])
  level: 'project' | 'sub-project';

  @IsOptional()
  @IsString()
  parent?: string;

  @IsOptional()
  @ListOf(() => NamedDto)
  contents?: NamedDto[];
}

class ActivityKindDto extends NamedDto {
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  components: string[];
}

class StageDto extends NamedDto {
  /** The activity has started once it reaches this stage (counts in "started"). */
  @IsOptional()
  @IsBoolean()
  started?: boolean;

  /** The activity is done once it reaches this stage. */
  @IsOptional()
  @IsBoolean()
  completed?: boolean;
}

/** The stages an activity of some kinds goes through, in order (a work: planned … handed over). */
class LifecycleDto extends NamedDto {
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  kinds: string[];

  @ListOf(() => StageDto, 2)
  stages: StageDto[];
}

/** An indicator of the results framework, measured per unit and year (the annual poverty review). */
class OutcomeIndicatorDto extends NamedDto {
  @IsIn(['count', 'rate'])
  kind: 'count' | 'rate';

  @IsString()
  @IsNotEmpty()
  unit: string;
}

class IndicatorDto extends NamedDto {
  @IsString()
  @IsNotEmpty()
  unit: string;

  /** The indicator counts beneficiaries (households, persons): outputs of it may be recorded per beneficiary category. */
  @IsOptional()
  @IsBoolean()
  byCategory?: boolean;
}

export class ProgrammeFileDto {
  @Equals('programme', { message: 'catalogue must be "programme" (this file describes one programme)' })
  catalogue: 'programme';

  @IsInt()
  @Min(1)
  version: number;

  @IsOptional()
  @IsString()
  description?: string;

  @IsDefined({ message: 'programme is required: { code, nameVi, legalBasis, validFrom, validTo }' })
  @ValidateNested()
  @Type(() => ProgrammeDto)
  programme: ProgrammeDto;

  @ListOf(() => ComponentDto, 1)
  components: ComponentDto[];

  @ListOf(() => NamedDto, 1)
  sources: NamedDto[];

  @ListOf(() => NamedDto, 1)
  capitalTypes: NamedDto[];

  @ListOf(() => ActivityKindDto)
  activityKinds: ActivityKindDto[];

  @IsOptional()
  @ListOf(() => LifecycleDto)
  lifecycles?: LifecycleDto[];

  @ListOf(() => NamedDto)
  beneficiaryCategories: NamedDto[];

  @ListOf(() => IndicatorDto)
  indicators: IndicatorDto[];

  @IsOptional()
  @ListOf(() => OutcomeIndicatorDto)
  outcomeIndicators?: OutcomeIndicatorDto[];
}

export type ProgrammeFile = ProgrammeFileDto;

/** A catalogue file that cannot be used: the file and every bad field. The ledger does not start with it. */
export class CatalogueFileInvalid extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(`catalogue file ${file} is invalid:\n  ${problems.map((p) => (p.field ? `${p.field}: ${p.problem}` : p.problem)).join('\n  ')}`);
    this.name = 'CatalogueFileInvalid';
  }
}

/** Reads and checks one catalogue file: shape (every field), unique codes, references between lists, validity. */
export function readProgrammeFile(file: string): ProgrammeFile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CatalogueFileInvalid(file, [{ field: '', problem: `not readable JSON: ${(error as Error).message}` }]);
  }
  return checkProgrammeFile(value, file);
}

export function checkProgrammeFile(value: unknown, file = '(catalogue)'): ProgrammeFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CatalogueFileInvalid(file, [{ field: '', problem: 'a catalogue file is a JSON object { catalogue, version, programme, components, ... }' }]);
  }
  const dto = plainToInstance(ProgrammeFileDto, value);
  const problems = toProblems(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
  if (problems.length === 0) problems.push(...referenceProblems(dto));
  if (problems.length > 0) throw new CatalogueFileInvalid(file, problems);
  return value as ProgrammeFile;
}

function referenceProblems(f: ProgrammeFileDto): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const unique = (list: readonly { code: string }[], field: string) => {
    const seen = new Map<string, number>();
    list.forEach((e, i) => {
      const first = seen.get(e.code);
      if (first !== undefined) problems.push({ field: `${field}[${i}].code`, problem: `"${e.code}" is also ${field}[${first}]` });
      else seen.set(e.code, i);
    });
  };
  unique(f.components, 'components');
  unique(f.sources, 'sources');
  unique(f.capitalTypes, 'capitalTypes');
  unique(f.activityKinds, 'activityKinds');
  unique(f.beneficiaryCategories, 'beneficiaryCategories');
  unique(f.indicators, 'indicators');
  f.components.forEach((c, i) => c.contents && unique(c.contents, `components[${i}].contents`));
  const components = new Map(f.components.map((c) => [c.code, c]));
  f.components.forEach((c, i) => {
    if (c.level === 'project' && c.parent !== undefined) problems.push({ field: `components[${i}].parent`, problem: 'a project has no parent' });
    if (c.level === 'sub-project') {
      const parent = c.parent === undefined ? undefined : components.get(c.parent);
      if (!parent) problems.push({ field: `components[${i}].parent`, problem: `a sub-project names its project; "${c.parent ?? ''}" is not a component of this file` });
      else if (parent.level !== 'project') problems.push({ field: `components[${i}].parent`, problem: `"${c.parent}" is a ${parent.level}, not a project` });
    }
  });
  f.activityKinds.forEach((k, i) =>
    k.components.forEach((c, j) => {
      if (!components.has(c)) problems.push({ field: `activityKinds[${i}].components[${j}]`, problem: `"${c}" is not a component of this file` });
    }),
  );
  unique(f.lifecycles ?? [], 'lifecycles');
  unique(f.outcomeIndicators ?? [], 'outcomeIndicators');
  const kinds = new Set(f.activityKinds.map((k) => k.code));
  const kindOwner = new Map<string, number>();
  (f.lifecycles ?? []).forEach((l, i) => {
    unique(l.stages, `lifecycles[${i}].stages`);
    l.kinds.forEach((k, j) => {
      if (!kinds.has(k)) problems.push({ field: `lifecycles[${i}].kinds[${j}]`, problem: `"${k}" is not an activity kind of this file` });
      const other = kindOwner.get(k);
      if (other !== undefined && other !== i) problems.push({ field: `lifecycles[${i}].kinds[${j}]`, problem: `"${k}" already follows lifecycles[${other}]` });
      kindOwner.set(k, i);
    });
  });
  if (f.programme.validFrom > f.programme.validTo) {
    problems.push({ field: 'programme.validTo', problem: `${f.programme.validTo} is before validFrom ${f.programme.validFrom}` });
  }
  return problems;
}
