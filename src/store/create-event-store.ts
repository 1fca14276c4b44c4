import { loadSigningKey, LoadedKey } from '../audit/signing-key';
import type { LedgerConfig } from '../config/ledger-config';
import type { EventStore, LogCheck } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

type StoreConfig = Pick<LedgerConfig, 'store' | 'dbFile' | 'kurrentdbUrl' | 'databaseUrl'>;

/**
 * Opens the event store the configuration names. By default to read (the SQLite file read-only: no writer thread,
 * no writer lock, so that `ledger verify` or `ledger export` run beside a serving ledger); `write` for a process that
 * records events, which should rather use openLedgerStore (the key, the writer role, the check at start).
 */
export async function createEventStore(config: StoreConfig, options: { write?: boolean } = {}): Promise<EventStore> {
  if (config.store === 'kurrentdb') {
    const { KurrentDbEventStore } = await import('./kurrentdb/kurrentdb-event-store');
    return KurrentDbEventStore.connect(config.kurrentdbUrl as string);
  }
  if (config.store === 'postgres') {
    const { PostgresEventStore } = await import('./postgres/postgres-event-store');
    return PostgresEventStore.connect({ connectionString: config.databaseUrl as string });
  }
  return new SqliteEventStore({ file: config.dbFile, readOnly: !options.write });
}

export interface LedgerStore {
  readonly store: EventStore;
  readonly key: LoadedKey;
  /** The log checked against its seal; null on a store that keeps no evidence at commit (KurrentDB). */
  readonly check: LogCheck | null;
}

/**
 * Opens the configured store as a writer of the ledger: loads the signing key (generated only for an empty log),
 * becomes the log's writer (SQLite: its only one; a second process is refused, naming the first), checks the log
 * against its seal, and seals every commit from then on. A log that fails the check is served read-only.
 */
export async function openLedgerStore(config: StoreConfig & Pick<LedgerConfig, 'signingKeyFile' | 'dataDir'>): Promise<LedgerStore> {
  const store = await createEventStore(config, { write: true });
  try {
    const key = loadSigningKey(config, { logIsEmpty: (await store.headPosition()) === 0 });
    const check = store.startWriting ? await store.startWriting({ signingKeyPem: key.key.privateKeyPem() }) : null;
    return { store, key, check };
  } catch (error) {
    await store.close();
    throw error;
  }
}
