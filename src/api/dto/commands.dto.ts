import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CommandBodyDto, DecisionCommandDto, DecisionDto, DocumentDto, FundLineKeyDto, VoucherCommandDto } from '../../commands/shared/common.dto';
import { IsAmount, IsCalendarDate, IsLedgerId } from '../../shared/validation/validators';

/** A required fund line, validated field by field. */
const LineField = (description?: string) =>
  applyDecorators(
    ApiProperty({ type: FundLineKeyDto, ...(description ? { description } : {}) }),
    IsDefined(),
    ValidateNested(),
    Type(() => FundLineKeyDto),
  );

/** A required amount of exact đồng. */
const AmountField = () =>
  applyDecorators(ApiProperty({ example: '620000000', description: 'exact đồng as a decimal string, at most 2 decimal places' }), IsAmount());

/** Why the decision did it, in the decision's own words. */
const ReasonField = (doc: { example?: string } = {}) => applyDecorators(ApiProperty(doc), IsString(), IsNotEmpty(), MaxLength(1000));

export class QuantityDto {
  @ApiProperty({ example: 'houses-new' })
  @IsString()
  @IsNotEmpty()
  indicator: string;

  @ApiProperty({ example: '101' })
  @IsAmount()
  quantity: string;
}

export class AssignPlanDto extends DecisionCommandDto {
  @LineField()
  line: FundLineKeyDto;

  @AmountField()
  amount: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class RegisterActivityDto extends DecisionCommandDto {
  @ApiPropertyOptional({ example: 'VQ-2024-DA5-NHA-O', description: 'activity code; generated when absent' })
  @IsOptional()
  @IsLedgerId()
  activityId?: string;

  @ApiProperty({ example: 'Hỗ trợ nhà ở hộ nghèo, hộ cận nghèo năm 2024 (lần 01)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  name: string;

  @ApiProperty({ example: 'GNBV-2021-2025' })
  @IsString()
  @IsNotEmpty()
  programme: string;

  @ApiProperty({ example: 'DA5' })
  @IsString()
  @IsNotEmpty()
  component: string;

  @ApiProperty({ example: 'housing-support' })
  @IsString()
  @IsNotEmpty()
  kind: string;

  @ApiProperty({ example: '184', description: 'unit that runs the activity' })
  @IsString()
  @IsNotEmpty()
  unit: string;

  @ApiPropertyOptional({ type: [String], example: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  communes?: string[];

  @ApiPropertyOptional({ example: 'UBND xã Tân Đoàn' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  investor?: string;

  @ApiPropertyOptional({ example: { poor: 180, 'near-poor': 98 }, description: 'beneficiaries by category code' })
  @IsOptional()
  @IsObject()
  beneficiaries?: Record<string, number>;

  @ApiPropertyOptional({ type: [QuantityDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => QuantityDto)
  targets?: QuantityDto[];
}

export class AllocateFundsDto extends DecisionCommandDto {
  @LineField()
  line: FundLineKeyDto;

  @ApiProperty({ example: 'VQ-2024-DA5-NHA-O' })
  @IsLedgerId()
  activityId: string;

  @AmountField()
  amount: string;
}

export class DisburseDto extends VoucherCommandDto {
  @LineField()
  line: FundLineKeyDto;

  @ApiProperty({ example: 'VQ-2024-DA5-NHA-O' })
  @IsLedgerId()
  activityId: string;

  @ApiPropertyOptional({ description: 'id of this disbursement, for a later reversal; generated when absent' })
  @IsOptional()
  @IsLedgerId()
  disbursementId?: string;

  @AmountField()
  amount: string;
}

export class ReverseDisbursementDto extends VoucherCommandDto {
  @LineField()
  line: FundLineKeyDto;

  @ApiProperty()
  @IsLedgerId()
  disbursementId: string;

  @ReasonField({ example: 'Chứng từ chi sai mục lục, thu hồi' })
  reason: string;
}

export class ReturnFundsDto extends DecisionCommandDto {
  @LineField()
  line: FundLineKeyDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsLedgerId()
  returnId?: string;

  @ApiProperty({ enum: ['returned', 'cancelled'], description: 'nộp trả (returned) or hủy dự toán (cancelled)' })
  @IsIn(['returned', 'cancelled'])
  mode: 'returned' | 'cancelled';

  @AmountField()
  amount: string;

  @ApiPropertyOptional({ description: "take the money from this activity's undisbursed allocation" })
  @IsOptional()
  @IsLedgerId()
  activityId?: string;

  @ReasonField()
  reason: string;
}

export class CarryOverDto extends DecisionCommandDto {
  @LineField('the line of year N; the money lands on year N+1 with the same origin year')
  from: FundLineKeyDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsLedgerId()
  carryOverId?: string;

  @AmountField()
  amount: string;

  @ApiPropertyOptional({ description: "carry this activity's undisbursed allocation along" })
  @IsOptional()
  @IsLedgerId()
  activityId?: string;

  @ApiProperty({ example: '2025-12-31', description: 'disbursement deadline of the carried money' })
  @IsCalendarDate()
  deadline: string;
}

export class MoveEndDto {
  @LineField()
  line: FundLineKeyDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsLedgerId()
  activityId?: string;
}

export class AdjustDto extends DecisionCommandDto {
  @ApiProperty({ enum: ['increase', 'decrease', 'move'] })
  @IsIn(['increase', 'decrease', 'move'])
  kind: 'increase' | 'decrease' | 'move';

  @ApiPropertyOptional()
  @IsOptional()
  @IsLedgerId()
  adjustmentId?: string;

  @ApiPropertyOptional({ type: FundLineKeyDto, description: 'the line to increase or decrease (kind increase/decrease)' })
  @ValidateIf((o: AdjustDto) => o.kind !== 'move')
  @IsDefined()
  @ValidateNested()
  @Type(() => FundLineKeyDto)
  line?: FundLineKeyDto;

  @ApiPropertyOptional({ type: MoveEndDto, description: 'where the money comes from (kind move)' })
  @ValidateIf((o: AdjustDto) => o.kind === 'move')
  @IsDefined()
  @ValidateNested()
  @Type(() => MoveEndDto)
  from?: MoveEndDto;

  @ApiPropertyOptional({ type: MoveEndDto, description: 'where the money goes (kind move)' })
  @ValidateIf((o: AdjustDto) => o.kind === 'move')
  @IsDefined()
  @ValidateNested()
  @Type(() => MoveEndDto)
  to?: MoveEndDto;

  @AmountField()
  amount: string;

  @ReasonField()
  reason: string;
}

export class ReclassificationMoveDto {
  @LineField()
  from: FundLineKeyDto;

  @LineField()
  to: FundLineKeyDto;

  @AmountField()
  amount: string;
}

export class ReclassifyActivityDto extends DecisionCommandDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsLedgerId()
  reclassificationId?: string;

  @ApiProperty({ example: 'community-production' })
  @IsString()
  @IsNotEmpty()
  toKind: string;

  @ApiPropertyOptional({ example: 'DA3.TDA1' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  toComponent?: string;

  @ReasonField()
  reason: string;

  @ApiPropertyOptional({ type: [ReclassificationMoveDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ReclassificationMoveDto)
  moves?: ReclassificationMoveDto[];
}

export class RecordOutputsDto extends CommandBodyDto {
  @ApiPropertyOptional({ type: DecisionDto })
  @ValidateIf((o: RecordOutputsDto) => o.document === undefined)
  @IsDefined({ message: 'decision or document is required as the basis of the outputs' })
  @ValidateNested()
  @Type(() => DecisionDto)
  decision?: DecisionDto;

  @ApiPropertyOptional({ type: DocumentDto, description: 'acceptance minutes or report, when there is no decision' })
  @ValidateIf((o: RecordOutputsDto) => o.decision === undefined)
  @IsDefined({ message: 'decision or document is required as the basis of the outputs' })
  @ValidateNested()
  @Type(() => DocumentDto)
  document?: DocumentDto;

  @ApiProperty({ type: [QuantityDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => QuantityDto)
  outputs: QuantityDto[];

  @ApiPropertyOptional({ example: { poor: 19 } })
  @IsOptional()
  @IsObject()
  beneficiaries?: Record<string, number>;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  completed?: boolean;
}

