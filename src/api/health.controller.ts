import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LedgerConfig } from '../config/ledger-config';
import { Public } from '../identity/auth.guard';
import { EVENT_STORE, EventStore } from '../store/event-store.port';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: LedgerConfig,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness, the store in use and the head position of the log' })
  async get() {
    return { status: 'ok', store: this.config.store, position: await this.store.headPosition() };
  }
}
