import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsLedgerId } from '../../shared/validation/validators';
import { AmountField, DecisionCommandDto, FundLineKeyDto, LineField, ReasonField } from '../shared/common.dto';

export class TransferToSuccessorDto extends DecisionCommandDto {
  @LineField('the line of the unit that ended')
  from: FundLineKeyDto;

  @ApiProperty({ example: '06253', description: 'the successor unit the decision names (a unit of 1/7/2025 that took the old one over, or its province)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  toUnit: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsLedgerId()
  transferId?: string;

  @AmountField()
  amount: string;

  @ApiPropertyOptional({ description: "hand over this activity's undisbursed allocation; the activity goes along" })
  @IsOptional()
  @IsLedgerId()
  activityId?: string;

  @ReasonField({ example: 'Bàn giao vốn chưa giải ngân khi kết thúc hoạt động của cấp huyện' })
  reason: string;
}
