import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { DecisionOrDocumentCommandDto } from '../shared/common.dto';

/** The activity is named by the route: /commands/activities/{activityId}/stage. */
export class RecordStageDto extends DecisionOrDocumentCommandDto {
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

}
