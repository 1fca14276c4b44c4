import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CommandBodyDto, DocumentDto, NestedObject, ReasonField } from '../shared/common.dto';

/** The flag is named by the route: /commands/red-flags/{flagId}/review. */
export class ReviewRedFlagDto extends CommandBodyDto {
  @ReasonField({ example: 'Đã đối chiếu với chứng từ gốc tại KBNN: hai lần thanh toán là hai đợt tạm ứng của cùng một hợp đồng.' })
  @ApiProperty({ description: 'what the reviewer found, in their words (up to 1000 characters)' })
  note: string;

  @ApiPropertyOptional({
    type: DocumentDto,
    description: 'the inspection minutes or note the review rests on; without it, the note itself, dated the day it is recorded (Vietnam time)',
  })
  @IsOptional()
  @NestedObject(() => DocumentDto)
  document?: DocumentDto;
}
