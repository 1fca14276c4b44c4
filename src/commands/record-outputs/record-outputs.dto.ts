import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsObject, IsOptional, ValidateIf } from 'class-validator';
import { CommandBodyDto, DecisionDto, DocumentDto, NestedObject, QuantityDto } from '../shared/common.dto';

/** The activity is named by the route: /commands/activities/{activityId}/outputs. */
export class RecordOutputsDto extends CommandBodyDto {
  @ApiPropertyOptional({ type: DecisionDto })
  @ValidateIf((o: RecordOutputsDto) => o.document === undefined)
  @IsDefined({ message: 'decision or document is required as the basis of the outputs' })
  @NestedObject(() => DecisionDto)
  decision?: DecisionDto;

  @ApiPropertyOptional({ type: DocumentDto, description: 'acceptance minutes or report, when there is no decision' })
  @ValidateIf((o: RecordOutputsDto) => o.decision === undefined)
  @IsDefined({ message: 'decision or document is required as the basis of the outputs' })
  @NestedObject(() => DocumentDto)
  document?: DocumentDto;

  @ApiProperty({ type: [QuantityDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @NestedObject(() => QuantityDto, { each: true })
  outputs: QuantityDto[];

  @ApiPropertyOptional({ example: { poor: 19 } })
  @IsOptional()
  @IsObject()
  beneficiaries?: Record<string, number>;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  completed?: boolean;
}
