import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { CommandBodyDto, DecisionDto, DocumentDto } from '../shared/common.dto';

/** The activity is named by the route: /commands/activities/{activityId}/stage. */
export class RecordStageDto extends CommandBodyDto {
  @ApiProperty({ example: 'under-construction', description: "a stage of the lifecycle the activity's kind follows (catalogue)" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  stage: string;

  @ApiPropertyOptional({ example: 'Khởi công ngày 15/4/2024' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;

  @ApiPropertyOptional({ type: DecisionDto })
  @ValidateIf((o: RecordStageDto) => o.document === undefined)
  @IsDefined({ message: 'decision or document is required as the basis of the stage' })
  @ValidateNested()
  @Type(() => DecisionDto)
  decision?: DecisionDto;

  @ApiPropertyOptional({ type: DocumentDto, description: 'acceptance or handover minutes, a report' })
  @ValidateIf((o: RecordStageDto) => o.decision === undefined)
  @IsDefined({ message: 'decision or document is required as the basis of the stage' })
  @ValidateNested()
  @Type(() => DocumentDto)
  document?: DocumentDto;
}
