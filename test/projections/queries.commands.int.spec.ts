import { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/ledger-config';
import { runAddUser } from '../../src/identity/users.commands';
import { runImport } from '../../src/journal/journal.commands';
import { registerQueryCommands, withQueries } from '../../src/projections/queries.commands';
import { balancesTable, percentVi, progressTable, resultsTable, textTable } from '../../src/projections/report-tables';

const DEMO = join(__dirname, '..', '..', 'demo');

describe('CLI: ledger balances, progress and results, in Vietnamese notation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-tables-'));
  const config = loadConfig({ LEDGER_DATA_DIR: dir });
  beforeAll(async () => {
    // The importer's account first (created, granted, its one-time password set: positions 1-3), then the journals.
    await runAddUser(config, 'can-bo-nhap', { name: 'Cán bộ nhập liệu', role: 'importer', scope: 'VN' });
    const runs = await runImport(config, [join(DEMO, 'van-quan-2024.yaml'), join(DEMO, 'son-duong-2022.yaml')], { as: 'can-bo-nhap' });
    expect(runs.map((r) => r.outcome.status)).toEqual(['imported', 'imported']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints Văn Quan's 2024 money by sub-project in triệu đồng, exact, with the total", async () => {
    const result = await withQueries(config, (q) => q.balances({ budgetYear: 2024, groupBy: ['subProject'], pageSize: 500 }));
    const text = balancesTable(result, 'trieu');
    const lines = text.split('\n');
    expect(lines[0]).toBe('Số dư (triệu đồng); read models at position 246; 11 rows');
    expect(lines[1]).toMatch(/^subProject\s+Kế hoạch\s+Chuyển nguồn sang\s+Đã phân bổ\s+Chưa phân bổ\s+Đã giải ngân\s+Chưa giải ngân\s+Tỷ lệ GN\/KH$/);
    expect(lines.find((l) => l.startsWith('DA6.TDA2'))).toMatch(/^DA6\.TDA2\s+168\s+0\s+168\s+0\s+16,74\s+151,26\s+9,96 %$/);
    expect(lines[lines.length - 1]).toMatch(/^Tổng cộng\s+98\.801\s+0\s+89\.465\s+9\.336\s+17\.015,74\s+81\.785,26\s+17,22 %$/);
    expect(balancesTable(result, 'dong')).toContain('17.015.740.000');
  });

  it('prints progress and the results framework', async () => {
    const progress = await withQueries(config, (q) => q.progress({ unit: '184' }));
    expect(progressTable(progress, 'trieu')).toMatch(/DA5\s+8\.036\s+620\s+7,72 %\s+1\s+houses-new 6\/101 căn; houses-repaired 19\/177 căn/);
    const results = await withQueries(config, (q) => q.results({ unit: '076' }));
    expect(resultsTable(results)).toContain('076 Huyện Sơn Dương  Tỷ lệ hộ nghèo dân tộc thiểu số  giảm bình quân từ 4 %/năm, 2021-2025');
  });

  it('aligns numbers right and writes rates the Vietnamese way', () => {
    expect(textTable([{ header: 'a' }, { header: 'số', align: 'right' }], [['x', '1.234,5'], ['yy', '2']])).toBe('a        số\n──  ───────\nx   1.234,5\nyy        2');
    expect(percentVi('0.172215')).toBe('17,22 %');
    expect(percentVi(null)).toBe('–');
  });

  it('registers balances, progress and results on the ledger program', () => {
    const program = new Command('ledger');
    registerQueryCommands(program);
    expect(program.commands.map((c) => c.name())).toEqual(['balances', 'progress', 'results']);
  });
});
