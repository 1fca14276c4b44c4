import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString } from 'class-validator';
import { DecisionOrDocumentCommandDto, NestedObject, QuantityDto, ReasonField } from '../shared/common.dto';

/** An output quantity, for the indicator as a whole or for one beneficiary category of it. */
export class OutputQuantityDto extends QuantityDto {
  @ApiPropertyOptional({ example: 'women', description: 'a beneficiary category, for indicators that count beneficiaries (byCategory in the catalogue)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  category?: string;
}

export class CorrectionDto {
  @ReasonField({ example: 'Biên bản nghiệm thu lần 1 ghi nhầm số hộ' })
  reason: string;
}

/** The activity is named by the route: /commands/activities/{activityId}/outputs. */
export class RecordOutputsDto extends DecisionOrDocumentCommandDto {
  @ApiProperty({ type: [OutputQuantityDto], description: 'each adds to what was recorded for its indicator (and category), unless the record corrects' })
  @IsArray()
  @ArrayMaxSize(100)
  @NestedObject(() => OutputQuantityDto, { each: true })
  outputs: OutputQuantityDto[];

  @ApiPropertyOptional({ type: CorrectionDto, description: 'this record corrects earlier ones: its quantities are the totals from its effective date' })
  @IsOptional()
  @NestedObject(() => CorrectionDto)
  corrects?: CorrectionDto;

  @ApiPropertyOptional({ example: { poor: 19 }, description: "the activity's beneficiary profile (households by category), each category replaced; counts that add up are outputs by category" })
  @IsOptional()
  @IsObject()
  beneficiaries?: Record<string, number>;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  completed?: boolean;
}
