import { Command } from 'commander';

/**
 * `ledger <command> …` run in this process as the CLI runs it: the configuration read from the environment, with
 * LEDGER_DATA_DIR set to `dataDir` (or what it returns, once the describe's outer hooks have run) for the describe it is called in (from its first beforeAll, so call it before the
 * describe's own hooks). Returns `run(...args)`, which answers what the command printed on standard output; standard
 * error (progress lines) is silenced, and process.exitCode is cleared before each run so a test reads what it set.
 */
export function ledgerCli(register: (program: Command) => void, command: string, dataDir: string | (() => string)): (...args: string[]) => Promise<string> {
  const saved = process.env.LEDGER_DATA_DIR;
  let out: string[] = [];
  let log: jest.SpyInstance | undefined;
  let err: jest.SpyInstance | undefined;
  beforeAll(() => {
    process.env.LEDGER_DATA_DIR = typeof dataDir === 'string' ? dataDir : dataDir();
    log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
    err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterAll(() => {
    process.env.LEDGER_DATA_DIR = saved;
    log?.mockRestore();
    err?.mockRestore();
    process.exitCode = undefined;
  });
  return async (...args: string[]) => {
    out = [];
    process.exitCode = undefined;
    const program = new Command('ledger').exitOverride();
    register(program);
    await program.parseAsync(['node', 'ledger', command, ...args]);
    return out.join('\n');
  };
}
