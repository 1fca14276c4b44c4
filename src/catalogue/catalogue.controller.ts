import { Controller, Get, Inject, Query } from '@nestjs/common';
import { basename } from 'node:path';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Needs } from '../identity/auth.guard';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { IsCalendarDate } from '../shared/validation/validators';
import { Catalogue } from './catalogue';
import { REFORM_DATE, REFORM_LEGAL_BASIS, THREE_LEVEL_END, UNIT_LEVELS, UnitLevel } from './units/unit-lists';
import { InvalidRequest } from '../shared/errors';

const MAX_UNITS_PAGE = 500;
/** Query strings arrive as text: "12" becomes 12, anything else stays as sent so the validator names it. */
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

export class UnitsQueryDto {
  @ApiPropertyOptional({ description: 'A unit code, or the start of one ("062" lists 062xx)', example: '184' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,20}$/, { message: 'code must be a unit code or the start of one (digits)' })
  code?: string;

  @ApiPropertyOptional({ description: 'Part of the name; accents and case ignored', example: 'van quan' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  name?: string;

  @ApiPropertyOptional({ description: 'Only the units in force on this day (YYYY-MM-DD)', example: '2024-06-30' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;

  @ApiPropertyOptional({ description: 'Only the units directly under this one', example: '184' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  parent?: string;

  @ApiPropertyOptional({ enum: UNIT_LEVELS })
  @IsOptional()
  @IsIn(UNIT_LEVELS)
  level?: UnitLevel;

  @ApiPropertyOptional({ description: 'Page number, from 1', default: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ description: `Units per page (at most ${MAX_UNITS_PAGE})`, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_UNITS_PAGE)
  pageSize?: number;
}

export class SuccessionQueryDto {
  @ApiProperty({ description: 'A unit code', example: '184' })
  @IsString()
  @Matches(/^[0-9]{2,5}$/, { message: 'code must be a unit code (2, 3 or 5 digits)' })
  code: string;
}

@ApiTags('catalogue')
@Needs('signed-in')
@Controller('catalogue')
export class CatalogueController {
  private unitsSummary?: object;

  constructor(@Inject(Catalogue) private readonly catalogue: Catalogue) {}

  @Get()
  @ApiOperation({
    summary: 'The programmes (components, sources, capital types, activity kinds, indicators, legal basis, validity) and a summary of the units',
    description: 'Units are listed by GET /catalogue/units (14,000+ of them, with their periods).',
  })
  get() {
    return {
      programmes: [...this.catalogue.programmes.keys()].map((code) => {
        const p = this.catalogue.programme(code);
        return { file: basename(p?.programme.file ?? ''), ...p?.file };
      }),
      units: this.summary(),
    };
  }

  @Get('units')
  @ApiOperation({
    summary: 'Administrative units with their periods, by code, name, day, parent or level (paged)',
    description:
      'A code may name two units in two periods (a commune of 1/7/2025 often keeps an old code): each period is one row, with `from` and `to` (inclusive days; `from: null` = already in the first list of 2021-02-01, `to: null` = in force) and `seen` (the snapshots behind the period).',
  })
  @ApiOkResponse({
    description:
      '{ total, page, pageSize, units: [{ code, level, nameVi, type, parent, from, to, list, seen, within: [{ code, level, nameVi }] }] }; `within`: the units above it (nearest first) on `date`, else on the last day of its period. With `name`, best matches first.',
  })
  units(@Query() q: UnitsQueryDto) {
    const registry = this.catalogue.units;
    const page = registry.search(q);
    return { ...page, units: page.units.map((v) => ({ ...v, within: registry.within(v, q.date).map((u) => ({ code: u.code, level: u.level, nameVi: u.nameVi })) })) };
  }

  @Get('units/succession')
  @ApiOperation({
    summary: 'What became of a unit on 1/7/2025 (and what it took over): its periods, successors (full or partial), the units a decision may hand its money to, its unit today, the legal basis',
    description:
      "A split unit has several partial successors and no single unit today: its money goes to the successor a transfer decision names (POST /commands/transfer-to-successor), never by a guess.",
  })
  succession(@Query() q: SuccessionQueryDto) {
    const units = this.catalogue.units;
    const versions = units.versionsOf(q.code);
    if (versions.length === 0) {
      const near = units.nearest(q.code).map((v) => units.label(v));
      throw InvalidRequest.field('code', `unknown administrative unit "${q.code}"${near.length > 0 ? `; nearest: ${near.join(', ')}` : ''}`);
    }
    const today = units.today(q.code, THREE_LEVEL_END);
    return {
      code: q.code,
      versions,
      successors: units.successors(q.code).map((s) => ({ code: s.unit.code, nameVi: s.unit.nameVi, kind: s.kind, parent: s.unit.parent ?? null })),
      heirs: units.heirs(q.code).map((u) => ({ code: u.code, nameVi: u.nameVi, level: u.level })),
      predecessors: units.successionsTo(q.code).map((s) => {
        const old = units.at(s.oldCode, THREE_LEVEL_END);
        return { code: s.oldCode, nameVi: old?.nameVi ?? '', level: s.oldLevel, kind: s.kind };
      }),
      today: { unit: today.unit, province: today.province },
      reformDate: REFORM_DATE,
      legalBasis: REFORM_LEGAL_BASIS,
    };
  }

  private summary(): object {
    const units = this.catalogue.units;
    this.unitsSummary ??= {
      versions: units.size,
      snapshots: units.snapshots,
      lists: [
        {
          list: 'gso-2021-2025',
          nameVi: 'Danh mục đơn vị hành chính ba cấp (tỉnh, huyện, xã), 2021 - 30/6/2025',
          to: THREE_LEVEL_END,
          firstSnapshot: units.snapshots[0] ? { date: units.snapshots[0], ...units.countsAt(units.snapshots[0]) } : null,
          lastDay: { date: THREE_LEVEL_END, ...units.countsAt(THREE_LEVEL_END) },
        },
        {
          list: 'two-level-2025',
          nameVi: 'Danh mục đơn vị hành chính hai cấp (tỉnh, xã) từ 1/7/2025',
          from: REFORM_DATE,
          firstDay: { date: REFORM_DATE, ...units.countsAt(REFORM_DATE) },
        },
      ],
      successions: units.successions.length,
      reformLegalBasis: REFORM_LEGAL_BASIS,
      query: '/catalogue/units?code=&name=&date=&parent=&level=&page=&pageSize=',
      succession: '/catalogue/units/succession?code=',
    };
    return this.unitsSummary;
  }
}
