import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import type { DecisionBasis, DocumentBasis, FundLineKey, VoucherBasis } from '../../../events';
import { IsAmount, IsCalendarDate, IsLabel, IsQuantity } from '../../shared/validation/validators';

/** The pieces command bodies share: fund lines, quantities, legal bases and the fields every body may carry. */

/**
 * A field holding one object of a DTO class, validated field by field. It must be an object: class-validator's
 * ValidateNested alone lets a list through (`"decision": []` validates each of its no elements), and the command
 * would be recorded with an empty legal basis. With `each`, a list of such objects.
 */
export const NestedObject = (cls: () => new () => object, options: { each?: boolean } = {}) =>
  applyDecorators(
    IsObject({ each: options.each, message: ({ property }) => `${property} must be ${options.each ? 'a list of objects' : 'an object'} {…}, not a list or a value` }),
    ValidateNested({ each: options.each }),
    Type(cls),
  );

const YEAR = { minimum: 2000, maximum: 2100 };

export class FundLineKeyDto implements FundLineKey {
  @ApiProperty({ example: 'GNBV-2021-2025' })
  @IsString()
  @IsNotEmpty()
  programme: string;

  @ApiProperty({ example: 'DA5', description: 'project or sub-project code from the catalogue' })
  @IsString()
  @IsNotEmpty()
  component: string;

  @ApiPropertyOptional({ example: 'DTBD', description: 'content item under the component' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  content?: string;

  @ApiProperty({ example: 2024, ...YEAR })
  @IsInt()
  @Min(YEAR.minimum)
  @Max(YEAR.maximum)
  budgetYear: number;

  @ApiProperty({ example: 2024, description: 'year the money originates from; differs from budgetYear for carried-over money', ...YEAR })
  @IsInt()
  @Min(YEAR.minimum)
  @Max(YEAR.maximum)
  originYear: number;

  @ApiProperty({ example: 'NSTW' })
  @IsString()
  @IsNotEmpty()
  source: string;

  @ApiProperty({ example: 'SN', description: 'DTPT (development investment) or SN (recurrent)' })
  @IsString()
  @IsNotEmpty()
  capitalType: string;

  @ApiProperty({ example: '184', description: 'official code of the administrative unit' })
  @IsString()
  @IsNotEmpty()
  unit: string;
}

export class DecisionDto implements Omit<DecisionBasis, 'kind'> {
  @ApiProperty({ example: '4888/QĐ-UBND' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @IsLabel()
  number: string;

  @ApiProperty({ example: '2023-12-22' })
  @IsCalendarDate()
  date: string;

  @ApiProperty({ example: 'UBND huyện Văn Quan' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @IsLabel()
  issuer: string;
}

export class VoucherDto implements Omit<VoucherBasis, 'kind'> {
  @ApiProperty({ example: 'UNC-2024-000123' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @IsLabel()
  number: string;

  @ApiProperty({ example: '2024-06-20' })
  @IsCalendarDate()
  date: string;

  @ApiProperty({ example: 'KBNN Văn Quan' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @IsLabel()
  treasury: string;
}

export class DocumentDto implements Omit<DocumentBasis, 'kind'> {
  @ApiProperty({ example: 'Biên bản nghiệm thu hoàn thành' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  @IsLabel()
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @IsLabel()
  number?: string;

  @ApiProperty({ example: '2024-09-30' })
  @IsCalendarDate()
  date: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsLabel()
  issuer?: string;
}

/** Fields every command body may carry besides its own. */
export abstract class CommandBodyDto {
  @ApiPropertyOptional({ example: '2024-01-15', description: 'valid time: the date the decision or voucher takes effect; defaults to its date' })
  @IsOptional()
  @IsCalendarDate()
  effectiveDate?: string;

  @ApiPropertyOptional({ description: "revision of the command's primary stream the client saw (alternative to the If-Match header)" })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  expectedRevision?: number;
}

/** A command whose legal basis is a decision (số, ngày, cơ quan ban hành). */
export abstract class DecisionCommandDto extends CommandBodyDto {
  @ApiProperty({ type: DecisionDto })
  @IsDefined({ message: 'decision is required: its number, date and issuing body' })
  @NestedObject(() => DecisionDto)
  decision: DecisionDto;
}

/** A command whose legal basis is a decision or, when there is none, a document (minutes, a report, a plan). */
export abstract class DecisionOrDocumentCommandDto extends CommandBodyDto {
  @ApiPropertyOptional({ type: DecisionDto })
  @ValidateIf((o: DecisionOrDocumentCommandDto) => o.document === undefined)
  @IsDefined({ message: 'decision or document is required as the basis' })
  @NestedObject(() => DecisionDto)
  decision?: DecisionDto;

  @ApiPropertyOptional({ type: DocumentDto, description: 'acceptance or handover minutes, a report, a plan: when there is no decision' })
  @ValidateIf((o: DecisionOrDocumentCommandDto) => o.decision === undefined)
  @IsDefined({ message: 'decision or document is required as the basis' })
  @NestedObject(() => DocumentDto)
  document?: DocumentDto;
}

/** A command whose legal basis is a State Treasury voucher. */
export abstract class VoucherCommandDto extends CommandBodyDto {
  @ApiProperty({ type: VoucherDto })
  @IsDefined({ message: 'voucher is required: the State Treasury voucher number, date and treasury' })
  @NestedObject(() => VoucherDto)
  voucher: VoucherDto;
}

/** A required fund line, validated field by field. */
export const LineField = (description?: string) =>
  applyDecorators(ApiProperty({ type: FundLineKeyDto, ...(description ? { description } : {}) }), IsDefined(), NestedObject(() => FundLineKeyDto));

/** A required amount of exact đồng. */
export const AmountField = () =>
  applyDecorators(ApiProperty({ example: '620000000', description: 'exact đồng as a decimal string, at most 2 decimal places' }), IsAmount());

/** Why the decision did it, in the decision's own words. */
export const ReasonField = (doc: { example?: string } = {}) => applyDecorators(ApiProperty(doc), IsString(), IsNotEmpty(), MaxLength(1000));

export class QuantityDto {
  @ApiProperty({ example: 'houses-new' })
  @IsString()
  @IsNotEmpty()
  indicator: string;

  @ApiProperty({ example: '101' })
  @IsQuantity()
  quantity: string;
}
