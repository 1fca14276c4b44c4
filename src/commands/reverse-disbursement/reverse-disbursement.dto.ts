import { ApiProperty } from '@nestjs/swagger';
import { IsLedgerId } from '../../shared/validation/validators';
import { FundLineKeyDto, LineField, ReasonField, VoucherCommandDto } from '../shared/common.dto';

export class ReverseDisbursementDto extends VoucherCommandDto {
  @LineField()
  line: FundLineKeyDto;

  @ApiProperty()
  @IsLedgerId()
  disbursementId: string;

  @ReasonField({ example: 'Chứng từ chi sai mục lục, thu hồi' })
  reason: string;
}
