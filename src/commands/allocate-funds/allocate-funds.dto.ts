import { ApiProperty } from '@nestjs/swagger';
import { IsLedgerId } from '../../shared/validation/validators';
import { AmountField, DecisionCommandDto, FundLineKeyDto, LineField } from '../shared/common.dto';

export class AllocateFundsDto extends DecisionCommandDto {
  @LineField()
  line: FundLineKeyDto;

  @ApiProperty({ example: 'VQ-2024-DA5-NHA-O' })
  @IsLedgerId()
  activityId: string;

  @AmountField()
  amount: string;
}
