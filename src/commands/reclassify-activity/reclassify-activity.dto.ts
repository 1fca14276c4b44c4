import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsLedgerId } from '../../shared/validation/validators';
import { AmountField, DecisionCommandDto, FundLineKeyDto, LineField, NestedObject, ReasonField } from '../shared/common.dto';

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
  @NestedObject(() => ReclassificationMoveDto, { each: true })
  moves?: ReclassificationMoveDto[];
}
