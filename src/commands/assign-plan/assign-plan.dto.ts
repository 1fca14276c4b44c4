import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AmountField, DecisionCommandDto, FundLineKeyDto, LineField } from '../shared/common.dto';

export class AssignPlanDto extends DecisionCommandDto {
  @LineField()
  line: FundLineKeyDto;

  @AmountField()
  amount: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}
