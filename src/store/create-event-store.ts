import type { LedgerConfig } from '../config/ledger-config';
import type { EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** Opens the event store the configuration names. */
export async function createEventStore(
  config: Pick<LedgerConfig, 'store' | 'dbFile' | 'kurrentdbUrl' | 'databaseUrl'>,
): Promise<EventStore> {
  if (config.store === 'kurrentdb') {
    const { KurrentDbEventStore } = await import('./kurrentdb/kurrentdb-event-store');
    return KurrentDbEventStore.connect(config.kurrentdbUrl as string);
  }
  if (config.store === 'postgres') {
    const { PostgresEventStore } = await import('./postgres/postgres-event-store');
    return PostgresEventStore.connect({ connectionString: config.databaseUrl as string });
  }
  return new SqliteEventStore({ file: config.dbFile });
}
