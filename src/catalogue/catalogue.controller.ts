import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Catalogue } from './catalogue';

@ApiTags('catalogue')
@Controller('catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: Catalogue) {}

  @Get()
  @ApiOperation({ summary: 'The programme catalogue: components, sources, capital types, activity kinds, indicators, units' })
  get() {
    return this.catalogue.data;
  }
}
