import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import { IsLedgerId } from '../../shared/validation/validators';
import { AmountField, DecisionCommandDto, FundLineKeyDto, LineField, ReasonField } from '../shared/common.dto';

export class ReclassificationMoveDto {
  @LineField()
  from: FundLineKeyDto;

  @LineField()
  to: FundLineKeyDto;

  @AmountField()
  amount: string;
}

/** The activity is named by the route: /commands/activities/{activityId}/reclassify. */
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
