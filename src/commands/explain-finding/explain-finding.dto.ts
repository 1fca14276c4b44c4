import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { DecisionOrDocumentCommandDto } from '../shared/common.dto';
import { MAX_EXPLANATION } from './explain-finding.decide';

/** The basis: a correcting decision, or the document that explains (a report, a letter, minutes). */
export class ExplainFindingDto extends DecisionOrDocumentCommandDto {
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

}
