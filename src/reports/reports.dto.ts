import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import { REPORT_FORMATS, ReportFormat } from './report-files';
import { AMOUNT_UNITS } from './report-params';

/**
 * GET /reports/resources: every parameter as text, checked by parseReportRequest (which names every bad field);
 * the class lists them so that an unknown parameter is refused and OpenAPI documents them.
 */
export class ReportQueryDto {
  @ApiPropertyOptional({ description: 'Official unit code: a province, district or commune, with everything under it (required)', example: '184' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  unit?: string;

  @ApiPropertyOptional({ description: 'Budget year (required)', example: '2024' })
  @IsOptional()
  @IsString()
  budgetYear?: string;

  @ApiPropertyOptional({ description: 'Programme code; default: the one programme running that year', example: 'GNBV-2021-2025' })
  @IsOptional()
  @IsString()
  programme?: string;

  @ApiPropertyOptional({ description: 'First day of the period (default 1 January of the budget year)', example: '2024-01-01' })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({ description: 'The day the figures are as of, the last of the period (default 31 December)', example: '2024-06-30' })
  @IsOptional()
  @IsString()
  asOf?: string;

  @ApiPropertyOptional({ description: 'Count only what had been recorded by then (date = end of that day, Vietnam time; or an ISO instant)' })
  @IsOptional()
  @IsString()
  knownAt?: string;

  @ApiPropertyOptional({ description: 'Log position to compute at (default: the read models’ position now); a filed report names its own' })
  @IsOptional()
  @IsString()
  position?: string;

  @ApiPropertyOptional({ description: 'Amounts in triệu đồng (trieu, default) or đồng (dong) in XLSX and CSV; JSON is always exact đồng', enum: AMOUNT_UNITS })
  @IsOptional()
  @IsString()
  amountUnit?: string;

  @ApiPropertyOptional({ description: 'json (default), xlsx, csv, docx (the figure sentences as a Word draft)', enum: REPORT_FORMATS })
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: `format must be one of ${REPORT_FORMATS.join(', ')}` })
  format?: ReportFormat;
}
