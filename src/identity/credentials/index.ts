import type { LedgerConfig } from '../../config/ledger-config';
import { CredentialStore } from './credential-store';
import { SqliteCredentialStore } from './sqlite-credentials';

export { CredentialStore } from './credential-store';
export type { StoredApiToken, StoredSession } from './credential-store';

/**
 * Opens the credentials store the configuration implies: in the ledger's PostgreSQL database when the log is there
 * (LEDGER_STORE=postgres: shared by every process on it), otherwise the SQLite file LEDGER_CREDENTIALS_FILE.
 */
export async function openCredentialStore(config: Pick<LedgerConfig, 'store' | 'databaseUrl' | 'credentialsFile'>): Promise<CredentialStore> {
  if (config.store === 'postgres') {
    const { PostgresCredentialStore } = await import('./postgres-credentials');
    return PostgresCredentialStore.open(config.databaseUrl as string);
  }
  return SqliteCredentialStore.open(config.credentialsFile);
}
