import Database from 'better-sqlite3';
import { Command } from 'commander';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { registerAuditCommands } from '../../src/audit/audit.commands';
import type { LedgerConfig } from '../../src/config/ledger-config';
import { fundLineLabel } from '../../src/fund-line/fund-line.key';
import { configWithHistory, eventId, LINE_A } from './fixtures';

describe('ledger audit commands', () => {
  let config: LedgerConfig;
  let output: string[];
  const env = process.env.LEDGER_DATA_DIR;

  /** Runs `ledger ...args` as the CLI would (loadConfig() from the environment) and returns what it printed. */
  async function ledger(...args: string[]): Promise<string> {
    output = [];
    const program = new Command('ledger').exitOverride();
    registerAuditCommands(program);
    await program.parseAsync(args, { from: 'user' });
    return output.join('\n');
  }

  beforeAll(async () => {
    config = await configWithHistory();
    process.env.LEDGER_DATA_DIR = config.dataDir;
    jest.spyOn(console, 'log').mockImplementation((...line: unknown[]) => void output.push(line.join(' ')));
  });
  afterEach(() => {
    process.exitCode = undefined;
  });
  afterAll(() => {
    jest.restoreAllMocks();
    if (env === undefined) delete process.env.LEDGER_DATA_DIR;
    else process.env.LEDGER_DATA_DIR = env;
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('tree-head logs the store and prints a signed head', async () => {
    expect(JSON.parse(await ledger('tree-head'))).toMatchObject({ treeSize: 10, rootHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('proof inclusion and proof consistency print RFC 6962 proofs', async () => {
    expect(JSON.parse(await ledger('proof', 'inclusion', eventId(7), '--tree-size', '8'))).toMatchObject({ leafIndex: 6, treeSize: 8 });
    expect(JSON.parse(await ledger('proof', 'consistency', '3'))).toMatchObject({ firstSize: 3, secondSize: 10 });
    await expect(ledger('proof', 'consistency', 'three')).rejects.toThrow(/not a whole number/);
  });

  it('export writes a bundle that verify-bundle accepts, pinned to the ledger key', async () => {
    const file = join(config.dataDir, 'bundle.json');
    expect(await ledger('export', '--line', fundLineLabel(LINE_A), '--out', file)).toBe(`wrote ${file}: 6 events, tree head of 10 events`);
    const verified = await ledger('verify-bundle', file, '--public-key', config.signingKeyFile);
    expect(verified).toMatch(/OK: 6 events are in the signed log exactly as shown\.$/);
    expect(process.exitCode).toBeUndefined();
    await expect(ledger('export', '--line', 'x', '--decision', 'y')).rejects.toThrow(/exactly one/);
  });

  it('verify --workers takes a whole number of threads, at least 1, and checks nothing else', async () => {
    for (const bad of ['0', '-2', 'two', '1.5']) {
      await expect(ledger('verify', '--workers', bad)).rejects.toThrow(`--workers: "${bad}" is not a whole number of at least 1`);
    }
    expect(output).toEqual([]);
    expect(await ledger('verify', '--workers', '1')).toMatch(/^checked 10 events .*\nseal: 10 events, .*\nOK/);
  });

  it('verify prints events/s, and fails naming the event once the file was edited', async () => {
    expect(await ledger('verify')).toMatch(/^checked 10 events against 10 leaves and \d+ signed tree heads in .* \(\d+ events\/s\)\nseal: 10 events, .*\nOK/);
    const db = new Database(config.dbFile);
    db.exec(`UPDATE events SET data = replace(data, '"90000000"', '"90000008"') WHERE position = 10`);
    db.close();
    expect(await ledger('verify')).toContain(`TAMPERED: event ${eventId(10)} (leaf 9, position 10) was modified`);
    expect(process.exitCode).toBe(1);
  });
});
