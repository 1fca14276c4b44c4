import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerProjectionCommands } from '../../src/projections/projections.commands';
import { ReadModelDb, tableName } from '../../src/projections/read-model-db';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { ledgerCli } from '../support/cli';
import { appendAll, decision, disbursed, fundsAllocated, line, planAssigned, voucher } from '../support/ledger-events';

describe('ledger projections (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
  const run = ledgerCli(registerProjectionCommands, 'projections', dir);

  beforeAll(async () => {
    const store = new SqliteEventStore({ file: join(dir, 'ledger.db') });
    const L = line();
    await appendAll(
      store,
      planAssigned(L, '1000', { basis: decision('4888/QĐ-UBND', '2023-12-22') }),
      fundsAllocated(L, 'a-1', '600', { basis: decision('5489/QĐ-UBND', '2023-12-31') }),
      disbursed(L, 'a-1', 'gn-1', '250.5', { basis: voucher('UNC-1', '2024-03-04') }),
    );
    await store.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds from position 0 and makes the new generation live', async () => {
    expect(await run('rebuild')).toMatch(/^rebuilt generation 1: 3 events up to position 3 in .* s \(\d+ events\/s\); it is now live$/);
    expect(await run('rebuild', '--old-generation', '256', '--lanes', '1')).toMatch(/^rebuilt generation 2: 3 events/);
    expect(await run('status')).toBe('generation 2: position 3 (3 events); log head 3; behind by 0');
    // Only the live generation's files are left: the first rebuild's, and its second lane's, are gone.
    expect(readdirSync(dir).filter((f) => f.startsWith('read-models.db.'))).toEqual(['read-models.db.g2']);
    await expect(run('rebuild', '--lanes', '3')).rejects.toThrow(/expected 1 or 2, got "3"/);
  });

  it('verifies the live read models against a rebuild and prints no difference', async () => {
    expect(await run('verify')).toMatch(/^read models verified at position 3 \(generation 2\): \d+ rows, no difference$/);
    expect(process.exitCode).toBeUndefined();
  });

  it('prints each difference and fails when the live read models were altered', async () => {
    const rm = ReadModelDb.open(join(dir, 'read-models.db'));
    rm.attach(2);
    rm.db.prepare(`UPDATE ${tableName('lines', 2)} SET allocated = allocated + 1`).run();
    rm.close();
    const printed = await run('verify');
    expect(printed).toContain('lines 1: allocated: live "60001" ≠ rebuilt "60000"');
    expect(printed).toContain('1 difference(s) at position 3');
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
  });
});
