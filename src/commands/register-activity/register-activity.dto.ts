import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsLedgerId } from '../../shared/validation/validators';
import { DecisionCommandDto, NestedObject, QuantityDto } from '../shared/common.dto';

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
  @NestedObject(() => QuantityDto, { each: true })
  targets?: QuantityDto[];
}
