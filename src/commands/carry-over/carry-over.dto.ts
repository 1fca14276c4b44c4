import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCalendarDate, IsLedgerId } from '../../shared/validation/validators';
import { AmountField, DecisionCommandDto, FundLineKeyDto, LineField } from '../shared/common.dto';

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
