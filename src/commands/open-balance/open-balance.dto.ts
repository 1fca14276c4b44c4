import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate, IsLedgerId } from '../../shared/validation/validators';
import { AmountField, DecisionCommandDto, FundLineKeyDto, LineField } from '../shared/common.dto';

export class OpenBalanceDto extends DecisionCommandDto {
  @LineField('the receiving line: the first budget year the ledger records, with the earlier origin year the money comes from')
  line: FundLineKeyDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsLedgerId()
  openingId?: string;

  @AmountField()
  amount: string;

  @ApiPropertyOptional({ description: "the money arrives as this activity's undisbursed allocation" })
  @IsOptional()
  @IsLedgerId()
  activityId?: string;

  @ApiProperty({ example: '2024-12-31', description: 'disbursement deadline of the carried money' })
  @IsCalendarDate()
  deadline: string;

  @ApiPropertyOptional({ example: 'Vốn năm 2023 chuyển sang theo Quyết định số …' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}
