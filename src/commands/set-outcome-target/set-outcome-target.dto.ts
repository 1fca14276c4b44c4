import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsLedgerId } from '../../shared/validation/validators';
import { OutcomeSubjectDto } from '../record-outcome/record-outcome.dto';

export class SetOutcomeTargetDto extends OutcomeSubjectDto {
  @ApiPropertyOptional({ example: 'giam-ngheo-2021-2025' })
  @IsOptional()
  @IsLedgerId()
  targetId?: string;

  @ApiProperty({ example: 'poverty-rate' })
  @IsString()
  @IsNotEmpty()
  indicator: string;

  @ApiProperty({ enum: ['average-annual-change', 'level'] })
  @IsIn(['average-annual-change', 'level'])
  kind: 'average-annual-change' | 'level';

  @ApiPropertyOptional({ enum: ['decrease', 'increase'], description: 'for a change' })
  @IsOptional()
  @IsIn(['decrease', 'increase'])
  direction?: 'decrease' | 'increase';

  @ApiProperty({ example: '3', description: "in the indicator's unit; percentage points a year for a rate's change" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(30)
  value: string;

  @ApiPropertyOptional({ enum: ['at-least', 'more-than', 'at-most', 'less-than'], default: 'at-least' })
  @IsOptional()
  @IsIn(['at-least', 'more-than', 'at-most', 'less-than'])
  comparator?: 'at-least' | 'more-than' | 'at-most' | 'less-than';

  @ApiProperty({ example: 2021 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fromYear: number;

  @ApiProperty({ example: 2025 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  toYear: number;

  @ApiPropertyOptional({ example: 2021, description: 'the measurement the change counts from; default: the year before fromYear, if measured' })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  baselineYear?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}
