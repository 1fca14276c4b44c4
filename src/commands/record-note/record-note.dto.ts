import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsLedgerId } from '../../shared/validation/validators';
import { DecisionDto, FundLineKeyDto, NestedObject } from '../shared/common.dto';

/** A note on a line or an activity: exactly one of them. */
export class RecordNoteDto {
  @ApiPropertyOptional({ description: 'the note’s id; a new one if absent' })
  @IsOptional()
  @IsLedgerId()
  noteId?: string;

  @ApiPropertyOptional({ type: FundLineKeyDto, description: 'the fund line noted on (or activityId)' })
  @ValidateIf((o: RecordNoteDto) => o.activityId === undefined)
  @IsDefined({ message: 'line or activityId is required: what the note is about' })
  @NestedObject(() => FundLineKeyDto)
  line?: FundLineKeyDto;

  @ApiPropertyOptional({ description: 'the activity noted on (or line)' })
  @ValidateIf((o: RecordNoteDto) => o.line === undefined)
  @IsDefined({ message: 'line or activityId is required: what the note is about' })
  @IsLedgerId()
  activityId?: string;

  @ApiProperty({ example: 'Giải ngân trước ngày quyết định phân bổ: đề nghị giải trình' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  text: string;

  @ApiPropertyOptional({ type: DecisionDto, description: 'the audit or inspection decision the note is made under (quyết định kiểm toán / thanh tra)' })
  @IsOptional()
  @NestedObject(() => DecisionDto)
  decision?: DecisionDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(-1)
  expectedRevision?: number;
}
