import { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/ledger-config';
import { formatOutcome, formatReport, registerJournalCommands, runCheck, runImport } from '../../src/journal/journal.commands';
import { DA5_MONEY, journal } from './support';

const DEMO = join(__dirname, '..', '..', 'demo');

describe('CLI: ledger import, ledger check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('imports files in order, then reports them already imported', async () => {
    const config = loadConfig({ LEDGER_DATA_DIR: dir });
    const files = [join(DEMO, 'van-quan-2024.yaml'), join(DEMO, 'tra-cu-2021-2025.yaml')];
    const first = await runImport(config, files, { actor: 'can-bo-nhap', role: 'importer' });
    expect(first.map(formatOutcome)).toEqual([
      `${files[0]}: imported 238 entries as 238 events (positions 1-238)`,
      `${files[1]}: imported 55 entries as 55 events (positions 239-293)`,
    ]);
    const again = await runImport(config, files, { actor: 'can-bo-nhap', role: 'importer' });
    expect(again.map(formatOutcome)).toEqual([
      `${files[0]}: already imported at positions 1-238 (238 events); nothing stored`,
      `${files[1]}: already imported at positions 239-293 (55 events); nothing stored`,
    ]);
  });

  it('reports every problem of a rejected file with its entry and line', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, journal(`${DA5_MONEY}  - id: plan-da2\n    plan: { line: { component: DA2, source: NSTW, capitalType: SN }, amount: 4.649 tr, decision: QD-4888 }\n`));
    const [run] = await runImport(loadConfig({ LEDGER_DATA_DIR: dir }), [file], { actor: 'can-bo-nhap', role: 'importer' });
    expect(formatOutcome(run)).toBe(
      `${file}: rejected (INVALID_JOURNAL), nothing stored: 1 problem\n  entries[5] plan-da2 (line 28, column 78) plan.amount: "tr" is not a unit of money; use đồng, nghìn đồng, triệu đồng or tỷ đồng`,
    );
  });

  it('reports a file refused by a business rule with the code the HTTP command answers', async () => {
    const file = join(dir, 'too-much.yaml');
    writeFileSync(file, journal(`${DA5_MONEY}  - id: gn-too-much\n    disburse: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: VQ-DA5-2024-01, amount: 7.081 triệu đồng, voucher: UNC-158 }\n`, 'too-much'));
    const [run] = await runImport(loadConfig({ LEDGER_DATA_DIR: dir }), [file], { actor: 'can-bo-nhap', role: 'importer' });
    expect(formatOutcome(run)).toBe(
      `${file}: refused by a business rule (INSUFFICIENT_ALLOCATION), nothing stored: 1 problem\n` +
        '  entries[5] gn-too-much (line 27) disburse: INSUFFICIENT_ALLOCATION: activity VQ-DA5-2024-01 on line DA5/NSTW/SN/2024@184 has 7.080.000.000 đ allocated and not yet disbursed; 7.081.000.000 đ requested',
    );
  });

  it('refuses an actor role that cannot record events', async () => {
    await expect(runImport(loadConfig({ LEDGER_DATA_DIR: dir }), [], { actor: 'kiem-toan', role: 'auditor' })).rejects.toThrow(/--role/);
  });

  it('prints the reconciliation grouped by document', async () => {
    const config = loadConfig({ LEDGER_DATA_DIR: dir });
    await runImport(config, [join(DEMO, 'van-quan-2024.yaml')], { actor: 'can-bo-nhap', role: 'importer' });
    const text = formatReport(await runCheck(config));
    expect(text).toMatch(/^Reconciliation of the log up to position 238: 190 stated figures, \d+ checks, \d+ hold; 15 findings and 2 differences within the precision written; 3 not checked against the ledger\./);
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
      await program.parseAsync(['node', 'ledger', 'import', join(DEMO, 'tra-cu-2021-2025.yaml'), '--json']);
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
