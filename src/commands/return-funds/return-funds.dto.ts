import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsLedgerId } from '../../shared/validation/validators';
import { AmountField, DecisionCommandDto, FundLineKeyDto, LineField, ReasonField } from '../shared/common.dto';

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
