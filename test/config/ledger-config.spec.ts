import { availableParallelism } from 'node:os';
import { loadConfig } from '../../src/config/ledger-config';

describe('configuration: the PostgreSQL store', () => {
  it('takes LEDGER_STORE=postgres with its DATABASE_URL', () => {
    const config = loadConfig({ LEDGER_STORE: 'postgres', DATABASE_URL: 'postgresql:///ledger?host=/var/run/postgresql' });
    expect(config.store).toBe('postgres');
    expect(config.databaseUrl).toBe('postgresql:///ledger?host=/var/run/postgresql');
  });

  it('keeps the read models in PostgreSQL on the PostgreSQL store unless LEDGER_READ_MODELS=sqlite, in their file otherwise', () => {
    const url = 'postgresql:///ledger?host=/var/run/postgresql';
    expect(loadConfig({ LEDGER_STORE: 'postgres', DATABASE_URL: url })).toMatchObject({ readModelStore: 'postgres', readModelLocation: url });
    expect(loadConfig({ LEDGER_STORE: 'postgres', DATABASE_URL: url, LEDGER_READ_MODELS: 'sqlite', LEDGER_READ_MODEL_FILE: '/tmp/rm.db' })).toMatchObject({
      readModelStore: 'sqlite',
      readModelLocation: '/tmp/rm.db',
    });
    expect(loadConfig({ LEDGER_READ_MODEL_FILE: '/tmp/rm.db' })).toMatchObject({ readModelStore: 'sqlite', readModelLocation: '/tmp/rm.db' });
    expect(() => loadConfig({ LEDGER_READ_MODELS: 'postgres' })).toThrow('LEDGER_READ_MODELS=postgres needs LEDGER_STORE=postgres');
    expect(() => loadConfig({ LEDGER_READ_MODELS: 'pg' })).toThrow(/readModelStore: LEDGER_READ_MODELS must be sqlite or postgres/);
  });

  it('refuses LEDGER_STORE=postgres without DATABASE_URL, naming it', () => {
    expect(() => loadConfig({ LEDGER_STORE: 'postgres' })).toThrow('LEDGER_STORE=postgres needs DATABASE_URL');
  });

  it('refuses a DATABASE_URL that is not a postgresql:// connection string', () => {
    expect(() => loadConfig({ LEDGER_STORE: 'postgres', DATABASE_URL: 'mysql://localhost/ledger' })).toThrow(
      /databaseUrl: DATABASE_URL must be a postgresql:\/\/ connection string/,
    );
  });

  it('ignores a DATABASE_URL meant for another program when the store is SQLite', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://localhost/other' }).store).toBe('sqlite');
  });

  it('takes LEDGER_READER_THREADS, 0 for none, and by default two threads (one on one core)', () => {
    expect(loadConfig({ LEDGER_READER_THREADS: '3' }).readerThreads).toBe(3);
    expect(loadConfig({ LEDGER_READER_THREADS: '0' }).readerThreads).toBe(0);
    expect(loadConfig({}).readerThreads).toBe(Math.min(2, availableParallelism()));
  });

  it.each(['two', '-1', '1.5', '65', ''])('refuses LEDGER_READER_THREADS=%j, naming it', (value) => {
    expect(() => loadConfig({ LEDGER_READER_THREADS: value })).toThrow('readerThreads: LEDGER_READER_THREADS must be a whole number of threads, 0 to 64');
  });

  it('names the stores it knows when LEDGER_STORE is unknown', () => {
    expect(() => loadConfig({ LEDGER_STORE: 'pg' })).toThrow(/store: store must be one of the following values: sqlite, postgres, kurrentdb/);
  });
});
