import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength, registerDecorator, ValidationOptions } from 'class-validator';
import { ADJUSTMENT_KINDS, AdjustmentKind } from '../../projections/adjustments/adjustments.fold';
import { RULE_CODES, RuleCode } from '../../projections/red-flags/rules';
import { IsCalendarDate, calendarDateProblem } from '../shared/validation/validators';
import { GROUP_DIMENSIONS, GroupDimension, MAX_PAGE_SIZE } from './read-model-queries';

/** Query strings arrive as text: "12" becomes 12, anything else stays as sent so the validator names it. */
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
/** "a,b" or repeated parameters become a list; an absent parameter stays absent (not the list ["undefined"]). */
const toList = ({ value }: { value: unknown }) =>
  value === undefined || value === null
    ? value
    : (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v.length > 0);

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A calendar date (YYYY-MM-DD) or an ISO instant with its offset (2024-07-15T10:00:00Z). */
function IsDateOrInstant(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDateOrInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          (calendarDateProblem(value) === null || (INSTANT.test(value) && calendarDateProblem(value.slice(0, 10)) === null && !Number.isNaN(Date.parse(value)))),
        defaultMessage: (args) =>
          `${args?.property} must be a real calendar date YYYY-MM-DD (end of that day, Vietnam time) or an ISO instant such as 2024-07-15T10:00:00Z; got "${String(args?.value)}"`,
      },
    });
}

/** upToPosition: the exact transaction-time bound of the bitemporal queries. */
const UpToPosition = () =>
  applyDecorators(
    ApiPropertyOptional({
      description:
        "Transaction time, exact: count only events at or before this log position (a report is recomputed at the position it was made at). Must not be past the read model's position (503 READ_MODEL_BEHIND).",
      example: 293,
    }),
    IsOptional(),
    Transform(toInt),
    IsInt(),
    Min(0),
  );

export class FreshnessQuery {
  @ApiPropertyOptional({
    description:
      'Read your own writes: the position a command returned. The answer waits (up to 2 s) until the read model reflects it, or fails with 503.',
    example: 1234,
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  minPosition?: number;
}

export class PagingQuery extends FreshnessQuery {
  @ApiPropertyOptional({ description: 'Page number, from 1', default: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ description: `Rows per page (at most ${MAX_PAGE_SIZE})`, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}

export class TimeSliceQuery extends PagingQuery {
  @ApiPropertyOptional({
    description: 'Valid time: count only what took effect on or before this day (YYYY-MM-DD). Default: everything recorded, whatever its effective date.',
    example: '2024-06-30',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;

  @ApiPropertyOptional({
    description:
      'Transaction time: count only what had been recorded by then. A date means the end of that day in Vietnam (UTC+7); an ISO instant is exact. Default: now.',
    example: '2024-07-15',
  })
  @IsOptional()
  @IsDateOrInstant()
  knownAt?: string;

  @UpToPosition()
  upToPosition?: number;
}

export class BalancesQueryDto extends TimeSliceQuery {
  @ApiPropertyOptional({ example: 'GNBV-2021-2025' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  programme?: string;

  @ApiPropertyOptional({ description: 'Project (DA1), sub-project (DA1.TDA1) or content item (DA1.TDA1.HT): that component and everything under it', example: 'DA3.TDA1' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  component?: string;

  @ApiPropertyOptional({ description: 'Province, district or commune code: that unit and everything under it', example: '184' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  unit?: string;

  @ApiPropertyOptional({ example: 'NSTW' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  source?: string;

  @ApiPropertyOptional({ description: 'DTPT or SN', example: 'SN' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  capitalType?: string;

  @ApiPropertyOptional({ example: 2024 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(2000)
  @Max(2100)
  budgetYear?: number;

  @ApiPropertyOptional({ description: 'Năm nguồn: the year carried-over money comes from', example: 2023 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(2000)
  @Max(2100)
  originYear?: number;

  @ApiPropertyOptional({
    description: `Roll up by one or more dimensions, comma-separated (${GROUP_DIMENSIONS.join(', ')}). Without it, one row per fund line.`,
    example: 'district,subProject',
    type: String,
  })
  @IsOptional()
  @Transform(toList)
  @IsIn(GROUP_DIMENSIONS, { each: true, message: `groupBy must list dimensions among: ${GROUP_DIMENSIONS.join(', ')}` })
  groupBy?: GroupDimension[];

  @ApiPropertyOptional({
    description:
      "recorded (default): units as each line holds them; today: each unit mapped to today's through the 2025 succession lists (a 2024 commune's money under its commune and province of today; a unit split between several successors stays under its own code, listed in unitsToday.unresolved). The unit filter then names a unit of today.",
    enum: ['recorded', 'today'],
  })
  @IsOptional()
  @IsIn(['recorded', 'today'])
  units?: 'recorded' | 'today';
}

export class HistoryQueryDto extends TimeSliceQuery {
  @ApiPropertyOptional({
    description: 'recorded: in log order (default); effective: by effective date, then log order. The running balance follows the order shown.',
    enum: ['recorded', 'effective'],
  })
  @IsOptional()
  @IsIn(['recorded', 'effective'])
  order?: 'recorded' | 'effective';
}

/** Valid time and transaction time of a question about progress or results (no paging). */
export abstract class AsOfQuery extends FreshnessQuery {
  @ApiPropertyOptional({ description: 'Valid time (YYYY-MM-DD): what was in force on that day', example: '2024-06-30' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;

  @ApiPropertyOptional({ description: 'Transaction time: what had been recorded by then (date = end of day, Vietnam time; or an ISO instant)' })
  @IsOptional()
  @IsDateOrInstant()
  knownAt?: string;
}

export class ProgressQueryDto extends AsOfQuery {
  @ApiPropertyOptional({ example: 'GNBV-2021-2025' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  programme?: string;

  @ApiPropertyOptional({ description: 'Sub-project (DA3.TDA1), or a project for all its sub-projects', example: 'DA3.TDA1' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  component?: string;

  @ApiPropertyOptional({ description: 'Province, district or commune code', example: '184' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  unit?: string;

  @ApiPropertyOptional({
    description:
      "Năm kế hoạch: the money of that year's lines, and the activities holding money on them or registered that year (with their money on that year's lines only)",
    example: 2024,
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(2000)
  @Max(2100)
  budgetYear?: number;

  @UpToPosition()
  upToPosition?: number;
}

/** A decision named by its number and/or issuing body. */
abstract class DecisionQuery extends PagingQuery {
  @ApiPropertyOptional({ description: 'Số quyết định', example: '4888/QĐ-UBND' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  number?: string;

  @ApiPropertyOptional({ description: 'Cơ quan ban hành', example: 'UBND huyện Văn Quan' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  issuer?: string;
}

export class DecisionsQueryDto extends DecisionQuery {
  @ApiPropertyOptional({ description: 'Signed on or after (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Signed on or before (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class TrailQueryDto extends DecisionQuery {
  @ApiPropertyOptional({ description: 'Ngày ký (YYYY-MM-DD)', example: '2023-12-22' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

/** A period of effective dates and a unit subtree: what inspectors filter adjustments and red flags by. */
abstract class PeriodAndUnitQuery extends PagingQuery {
  @ApiPropertyOptional({ description: 'Effective on or after (YYYY-MM-DD)', example: '2024-01-01' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Effective on or before (YYYY-MM-DD)', example: '2024-12-31' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ description: 'Province, district or commune code: that unit and everything under it' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  unit?: string;
}

export class AdjustmentsQueryDto extends PeriodAndUnitQuery {
  @ApiPropertyOptional({ description: 'Project or sub-project: changes on it or moving money to or from it' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  component?: string;

  @ApiPropertyOptional({ description: `Kinds of change, comma-separated: ${ADJUSTMENT_KINDS.join(', ')}`, type: String })
  @IsOptional()
  @Transform(toList)
  @IsIn(ADJUSTMENT_KINDS, { each: true, message: `kind must list kinds among: ${ADJUSTMENT_KINDS.join(', ')}` })
  kind?: AdjustmentKind[];
}

export class NotesQueryDto extends PagingQuery {
  @ApiPropertyOptional({ description: 'a fund line’s stream', example: 'fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:184' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  line?: string;

  @ApiPropertyOptional({ description: 'an activity id' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  activity?: string;

  @ApiPropertyOptional({ description: 'Province, district or commune code: that unit and everything under it' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  unit?: string;
}

export class ResultsQueryDto extends AsOfQuery {
  @ApiPropertyOptional({ description: 'Province, district or commune code: that unit and the units under it, each with its own figures', example: '076' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  unit?: string;

  @ApiPropertyOptional({ example: 'GNBV-2021-2025' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  programme?: string;
}

/** "true" / "false" as sent in a query string; anything else stays as sent so the validator names it. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** The day the red flags that depend on time are evaluated for. */
const RedFlagsAsOf = () =>
  applyDecorators(
    ApiPropertyOptional({
      description:
        'The day the rules that depend on time are evaluated for (carried-over money still unspent after its deadline). Default: today in Vietnam.',
      example: '2025-01-31',
    }),
    IsOptional(),
    IsCalendarDate(),
  );

export class RedFlagQueryDto extends FreshnessQuery {
  @RedFlagsAsOf()
  asOf?: string;
}

/** from / to: the flags whose evidence takes effect (in part) in the period. */
export class RedFlagsQueryDto extends PeriodAndUnitQuery {
  @ApiPropertyOptional({ description: `Rules, comma-separated: ${RULE_CODES.join(', ')}`, type: String })
  @IsOptional()
  @Transform(toList)
  @IsIn(RULE_CODES, { each: true, message: `rule must list rules among: ${RULE_CODES.join(', ')}` })
  rule?: RuleCode[];

  @ApiPropertyOptional({ description: 'true: only flags an inspector has reviewed; false: only those not yet reviewed', enum: ['true', 'false'] })
  @IsOptional()
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'reviewed must be true or false' })
  reviewed?: boolean;

  @RedFlagsAsOf()
  asOf?: string;
}
