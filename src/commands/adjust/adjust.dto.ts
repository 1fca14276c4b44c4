import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, ValidateIf } from 'class-validator';
import { IsLedgerId } from '../../shared/validation/validators';
import { AmountField, DecisionCommandDto, FundLineKeyDto, LineField, NestedObject, ReasonField } from '../shared/common.dto';

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
  @NestedObject(() => FundLineKeyDto)
  line?: FundLineKeyDto;

  @ApiPropertyOptional({ type: MoveEndDto, description: 'where the money comes from (kind move)' })
  @ValidateIf((o: AdjustDto) => o.kind === 'move')
  @IsDefined()
  @NestedObject(() => MoveEndDto)
  from?: MoveEndDto;

  @ApiPropertyOptional({ type: MoveEndDto, description: 'where the money goes (kind move)' })
  @ValidateIf((o: AdjustDto) => o.kind === 'move')
  @IsDefined()
  @NestedObject(() => MoveEndDto)
  to?: MoveEndDto;

  @AmountField()
  amount: string;

  @ReasonField()
  reason: string;
}
