import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsLedgerId } from '../../shared/validation/validators';
import { AmountField, FundLineKeyDto, LineField, VoucherCommandDto } from '../shared/common.dto';

export class DisburseDto extends VoucherCommandDto {
  @LineField()
  line: FundLineKeyDto;

  @ApiProperty({ example: 'VQ-2024-DA5-NHA-O' })
  @IsLedgerId()
  activityId: string;

  @ApiPropertyOptional({ description: 'id of this disbursement, for a later reversal; generated when absent' })
  @IsOptional()
  @IsLedgerId()
  disbursementId?: string;

  @AmountField()
  amount: string;
}
