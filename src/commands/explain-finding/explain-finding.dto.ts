import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { CommandBodyDto, DecisionDto, DocumentDto } from '../shared/common.dto';
import { MAX_EXPLANATION } from './explain-finding.decide';

export class ExplainFindingDto extends CommandBodyDto {
  @ApiProperty({ example: 'assertion-mismatch|184|VQ-KH-GNBV-2025|a-nsdp', description: "the finding's id, as GET /reconciliation gives it" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(600)
  findingId: string;

  @ApiProperty({ example: 'Ngân sách huyện 2.964 triệu đồng được bố trí theo Quyết định số …; chưa ghi sổ theo dự án thành phần.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_EXPLANATION)
  explanation: string;

  @ApiPropertyOptional({ type: DecisionDto, description: 'a correcting decision' })
  @ValidateIf((o: ExplainFindingDto) => o.document === undefined)
  @IsDefined({ message: 'decision or document is required: the correcting decision, or the document that explains' })
  @ValidateNested()
  @Type(() => DecisionDto)
  decision?: DecisionDto;

  @ApiPropertyOptional({ type: DocumentDto, description: 'the document that explains (a report, a letter, minutes)' })
  @ValidateIf((o: ExplainFindingDto) => o.decision === undefined)
  @IsDefined({ message: 'decision or document is required: the correcting decision, or the document that explains' })
  @ValidateNested()
  @Type(() => DocumentDto)
  document?: DocumentDto;
}
