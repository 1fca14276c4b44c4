import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVerify } from '../../src/audit/audit.commands';
import { loadConfig } from '../../src/config/ledger-config';
import { runImport } from '../../src/journal/journal.commands';
import { startLedger } from '../../src/main';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { journal, DA5_MONEY } from '../journal/support';
import { IMPORTER, startTestLedger, TEST_USERS, TestLedger } from '../support/app';
import { testEvent, uniqueStream } from '../support/events';

/**
 * Issue 9, item 8: two writers on one data folder answered ~1 % "database is locked". One process writes a SQLite
 * log at a time: a second server, or `ledger import` beside a running one, is refused at start, naming the first;
 * reading commands work beside it.
 */
describe('one writer per data folder (issue 9, item 8)', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('refuses a second server on the same data folder, naming the one that writes', async () => {
    const second = startLedger(loadConfig({ ...process.env, LEDGER_DATA_DIR: ledger.dir, LEDGER_DEMO: '0', PORT: '0', HOST: '127.0.0.1' }), { logger: false });
    await expect(second).rejects.toThrow(new RegExp(`is being written by process ${process.pid} on .*one process writes a ledger's log at a time`));
    expect((await ledger.get('/health')).status).toBe(200);
  });

  it('refuses `ledger import` beside the server, pointing to POST /journal/import; a dry run and `ledger verify` work', async () => {
    const digest = ledger.logDigest();
    const file = join(ledger.dir, 'da5.yaml');
    writeFileSync(file, journal(DA5_MONEY));
    const config = loadConfig({ LEDGER_DATA_DIR: ledger.dir });
    await expect(runImport(config, [file], { as: TEST_USERS.importer })).rejects.toThrow(/POST \/journal\/import/);
    const [dry] = await runImport(config, [file], { as: TEST_USERS.importer, dryRun: true });
    expect(dry.outcome.status).toBe('valid');
    expect((await runVerify(config)).ok).toBe(true);
    expect(ledger.logDigest()).toBe(digest);
    // Through the server, the same journal imports.
    const res = await ledger.post('/journal/import', journal(DA5_MONEY), { ...IMPORTER, 'content-type': 'application/yaml' });
    expect(res.status).toBe(201);
  });
});

describe('the SQLite writer lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const event = () => [{ stream: uniqueStream('line'), expectedRevision: 'no_stream' as const, events: [testEvent()] }];

  it('lets one store write at a time, and the next once the first has closed', async () => {
    const file = join(dir, 'ledger.db');
    const first = new SqliteEventStore({ file });
    const second = new SqliteEventStore({ file });
    await first.append(event());
    await expect(second.append(event())).rejects.toThrow(/is being written by process \d+/);
    expect(await second.headPosition()).toBe(1);
    await first.close();
    await second.append(event());
    expect(await second.headPosition()).toBe(2);
    await second.close();
  });
});
