import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDemoData } from '../../src/journal/demo';
import { IMPORTER } from '../journal/support';
import { registerReportCommands } from '../../src/reports/reports.commands';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { ledgerCli } from '../support/cli';

describe('ledger report (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-report-cli-'));
  const run = ledgerCli(registerReportCommands, 'report', dir);
  let head = 0;

  beforeAll(async () => {
    const store = new SqliteEventStore({ file: join(dir, 'ledger.db') });
    await loadDemoData(store, { principal: IMPORTER, now: '2026-01-15T08:00:00.000Z' });
    head = await store.headPosition();
    await store.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the report of a unit and year, and says what it holds in Vietnamese amounts and where in the log it was computed', async () => {
    const file = join(dir, 'van-quan.xlsx');
    const text = await run('resources', '--unit', '184', '--year', '2024', '--as-of', '2024-06-30', '-o', file);
    expect(text).toMatch(
      new RegExp(
        `^wrote ${file}: Huyện Văn Quan \\(184\\), 2024, 01/01/2024-30/06/2024: kế hoạch 98\\.801 triệu đồng, đã phân bổ 89\\.465, đã giải ngân 17\\.015,74 triệu đồng = 17,22% KH\\n` +
          `  computed at log position ${head} \\(Merkle tree of ${head} events, root [0-9a-f]{64}; signed tree head of ${head} events at .*\\)$`,
      ),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ExcelJS.Buffer);
    expect(wb.getWorksheet('Nguồn lực')?.getCell('E8').value).toBe(98801);
  });

  it('verifies a filed report, and names the cell an auditor finds edited, failing', async () => {
    const file = join(dir, 'van-quan.csv');
    await run('resources', '--unit', '184', '--year', '2024', '--as-of', '2024-06-30', '-o', file);
    expect(await run('verify', file)).toMatch(new RegExp(`${file}: verified: \\d+ cells recomputed from the log at position ${head}, none differs$`));
    expect(process.exitCode).toBeUndefined();
    writeFileSync(file, readFileSync(file, 'utf8').replace(',8036,8036,0,7700,336,620,620,', ',8036,8036,0,7700,336,620,650,'));
    const text = await run('verify', file);
    expect(text).toContain('tệp (file): 650   sổ cái (ledger): 620');
    expect(text).toMatch(/✗ record \d+, field 11 {2}Dự án 5: Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo · NSTW SN · Giải ngân: Lũy kế đến 30\/06\/2024/);
    expect(text).toContain(`truy vấn: /balances?programme=GNBV-2021-2025&unit=184&budgetYear=2024&component=DA5&asOf=2024-06-30&upToPosition=${head}  →  total.disbursed`);
    expect(text).toMatch(/NOT verified: 1 of \d+ cells differ/);
    expect(process.exitCode).toBe(1);
  });

  it('refuses bad parameters with the field named', async () => {
    await expect(run('resources', '--unit', '184', '--year', '2024', '--as-of', '2024-13-01', '-o', join(dir, 'x.json'))).rejects.toThrow('asOf: "2024-13-01" is not a real date');
  });
});
