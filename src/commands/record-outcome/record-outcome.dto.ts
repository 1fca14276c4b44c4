import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DecisionOrDocumentCommandDto, NestedObject, ReasonField } from '../shared/common.dto';

export class OutcomeCorrectionDto {
  @ReasonField({ example: 'Quyết định điều chỉnh kết quả rà soát' })
  reason: string;
}

/** A fact of a unit's results framework: the programme whose indicators it uses, the unit, and its basis. */
export abstract class OutcomeSubjectDto extends DecisionOrDocumentCommandDto {
  @ApiProperty({ example: 'GNBV-2021-2025' })
  @IsString()
  @IsNotEmpty()
  programme: string;

  @ApiProperty({ example: '076' })
  @IsString()
  @IsNotEmpty()
  unit: string;
}

export class RecordOutcomeDto extends OutcomeSubjectDto {
  @ApiProperty({ example: 'poverty-rate', description: 'an outcome indicator of the catalogue (outcomeIndicators)' })
  @IsString()
  @IsNotEmpty()
  indicator: string;

  @ApiProperty({ example: 2023, description: 'the year the review measures (figures as of its end)' })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;

  @ApiProperty({ example: '12.35', description: 'households, or a percentage, as a decimal string' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(30)
  value: string;

  @ApiPropertyOptional({ type: OutcomeCorrectionDto, description: 'this measurement corrects the one recorded for the same year' })
  @IsOptional()
  @NestedObject(() => OutcomeCorrectionDto)
  corrects?: OutcomeCorrectionDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}
