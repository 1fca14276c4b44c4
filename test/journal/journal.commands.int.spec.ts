import { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/ledger-config';
import { runAddUser } from '../../src/identity/users.commands';
import { formatOutcome, formatReport, registerJournalCommands, runCheck, runImport } from '../../src/journal/journal.commands';
import { DA5_MONEY, journal } from './support';

const DEMO = join(__dirname, '..', '..', 'demo');

describe('CLI: ledger import, ledger check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The importer's account (created, granted importer for VN, its one-time password set): positions 1-3. */
  const addImporter = (config: ReturnType<typeof loadConfig>) => runAddUser(config, 'can-bo-nhap', { name: 'Cán bộ nhập liệu', role: 'importer', scope: 'VN' });
  const AS = { as: 'can-bo-nhap' };

  it('imports files in order in the name of a user, then reports them already imported', async () => {
    const config = loadConfig({ LEDGER_DATA_DIR: dir });
    await addImporter(config);
    const files = [join(DEMO, 'van-quan-2024.yaml'), join(DEMO, 'tra-cu-2021-2025.yaml')];
    const first = await runImport(config, files, AS);
    expect(first.map(formatOutcome)).toEqual([
      `${files[0]}: imported 238 entries as 238 events (positions 4-241)`,
      `${files[1]}: imported 55 entries as 55 events (positions 242-296)`,
    ]);
    const again = await runImport(config, files, AS);
    expect(again.map(formatOutcome)).toEqual([
      `${files[0]}: already imported at positions 4-241 (238 events); nothing stored`,
      `${files[1]}: already imported at positions 242-296 (55 events); nothing stored`,
    ]);
  });

  it('reports every problem of a rejected file with its entry and line', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, journal(`${DA5_MONEY}  - id: plan-da2\n    plan: { line: { component: DA2, source: NSTW, capitalType: SN }, amount: 4.649 tr, decision: QD-4888 }\n`));
    const config = loadConfig({ LEDGER_DATA_DIR: dir });
    await addImporter(config);
    const [run] = await runImport(config, [file], AS);
    expect(formatOutcome(run)).toBe(
      `${file}: rejected (INVALID_JOURNAL), nothing stored: 1 problem\n  entries[5] plan-da2 (line 28, column 78) plan.amount: "tr" is not a unit of money; use đồng, nghìn đồng, triệu đồng or tỷ đồng`,
    );
  });

  it('reports a file refused by a business rule with the code the HTTP command answers', async () => {
    const file = join(dir, 'too-much.yaml');
    writeFileSync(file, journal(`${DA5_MONEY}  - id: gn-too-much\n    disburse: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: VQ-DA5-2024-01, amount: 7.081 triệu đồng, voucher: UNC-158 }\n`, 'too-much'));
    const config = loadConfig({ LEDGER_DATA_DIR: dir });
    await addImporter(config);
    const [run] = await runImport(config, [file], AS);
    expect(formatOutcome(run)).toBe(
      `${file}: refused by a business rule (INSUFFICIENT_ALLOCATION), nothing stored: 1 problem\n` +
        '  entries[5] gn-too-much (line 27) disburse: INSUFFICIENT_ALLOCATION: activity VQ-DA5-2024-01 on line DA5/NSTW/SN/2024@184 has 7.080.000.000 đ allocated and not yet disbursed; 7.081.000.000 đ requested',
    );
  });

  it('refuses a user whose grants hold no import right, and one that does not exist', async () => {
    const config = loadConfig({ LEDGER_DATA_DIR: dir });
    await runAddUser(config, 'kiem-toan', { name: 'Kiểm toán viên', role: 'auditor', scope: 'VN' });
    await expect(runImport(config, [], { as: 'kiem-toan' })).rejects.toThrow(
      'to import journals needs the import right (roles: officer, accountant, importer); kiem-toan holds auditor for VN',
    );
    await expect(runImport(config, [], { as: 'khong-ai' })).rejects.toThrow(/there is no user khong-ai/);
    await expect(runImport(config, [], {})).rejects.toThrow(/--as <user id>/);
  });

  it('prints the reconciliation grouped by document', async () => {
    const config = loadConfig({ LEDGER_DATA_DIR: dir });
    await addImporter(config);
    await runImport(config, [join(DEMO, 'van-quan-2024.yaml')], AS);
    const text = formatReport(await runCheck(config));
    expect(text).toMatch(/^Reconciliation of the log up to position 241: 190 stated figures, \d+ checks, \d+ hold; 15 findings and 2 differences within the precision written; 3 not checked against the ledger\./);
    expect(text).toContain('VQ-KH-GNBV-2025 — Kế hoạch năm 2025');
    expect(text).toContain('✗ assertion-mismatch');
    expect(text).toContain('« Kinh phí 2.997 triệu đồng (vốn ngân sách Trung ương: 2.910 triệu đồng, ngân »');
    expect(formatReport(await runCheck(config, { document: 'NONE' }))).toMatch(/0 stated figures/);
  });

  it('registers `import` and `check` on the ledger program', async () => {
    const program = new Command('ledger').exitOverride();
    registerJournalCommands(program);
    expect(program.commands.map((c) => c.name())).toEqual(['import', 'check']);
    const previous = process.env.LEDGER_DATA_DIR;
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    process.env.LEDGER_DATA_DIR = dir;
    try {
      await addImporter(loadConfig());
      await program.parseAsync(['node', 'ledger', 'import', join(DEMO, 'tra-cu-2021-2025.yaml'), '--as', 'can-bo-nhap', '--json']);
      expect(JSON.parse(log.mock.calls[0][0] as string)).toMatchObject([{ outcome: { status: 'imported', events: 55 } }]);
      await program.parseAsync(['node', 'ledger', 'check', '--unit', '849']);
      expect(log.mock.calls[1][0]).toMatch(/3 findings/);
    } finally {
      log.mockRestore();
      if (previous === undefined) delete process.env.LEDGER_DATA_DIR;
      else process.env.LEDGER_DATA_DIR = previous;
    }
  });
});
