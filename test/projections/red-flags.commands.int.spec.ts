import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/ledger-config';
import { runAddUser } from '../../src/identity/users.commands';
import { runImport } from '../../src/journal/journal.commands';
import { registerRedFlagCommands } from '../../src/projections/red-flags.commands';
import { ledgerCli } from '../support/cli';

const DEMO = join(__dirname, '..', '..', 'demo');

describe('ledger red-flags (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-red-flags-'));
  const run = ledgerCli(registerRedFlagCommands, 'red-flags', dir);

  beforeAll(async () => {
    // The importer's account first (created, granted, its one-time password set: positions 1-3), then the journals.
    await runAddUser(loadConfig(), 'can-bo-nhap', { name: 'Cán bộ nhập liệu', role: 'importer', scope: 'VN' });
    await runImport(loadConfig(), [join(DEMO, 'van-quan-2024.yaml'), join(DEMO, 'tra-cu-2021-2025.yaml')], { as: 'can-bo-nhap' });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints each flag with its rule in Vietnamese and English, its unit, period, amount and evidence', async () => {
    const text = await run('--as-of', '2025-01-31');
    const lines = text.split('\n');
    expect(lines[0]).toBe('Red flags as of 31/01/2025 (log position 296): 2 flags, 0 reviewed');
    expect(lines[1]).toBe('By rule: backdated 1, duplicate-voucher 1');
    expect(text).toContain('✗ backdated-');
    expect(text).toContain('Ghi sổ lùi ngày / Back-dated recording');
    expect(text).toMatch(/ {4}can-bo-nhap ghi sổ ngày \d\d\/\d\d\/\d{4} \(nhập nhật ký van-quan-2024\)\n {4}unit 184 · 22\/12\/2023 – 30\/06\/2024 · 48 evidence events/);
    expect(text).toContain('    • #4 PlanAssigned 22/12/2023 59.864.000.000 đ · QĐ 4888/QĐ-UBND (UBND huyện Văn Quan, 22/12/2023)');
    expect(text).toContain('    … 43 more: GET /red-flags/backdated-');
    expect(text).toContain('Một chứng từ cho nhiều khoản giải ngân / One voucher on several disbursements');
    expect(text).toContain('    unit 184 · 30/06/2024 · 17.015.740.000 đ · 5 evidence events');
    expect(text).toContain('    • #19 Disbursed 30/06/2024 14.090.000.000 đ · voucher không nêu số: lũy kế giải ngân đến 30/6/2024 theo báo cáo · VQ24-DA1.TDA1-HT');
  });

  it('filters, and answers JSON', async () => {
    const report = JSON.parse(await run('--rule', 'duplicate-voucher', '--unit', '20', '--json'));
    expect(report).toMatchObject({ position: 296, totalRows: 1, rows: [{ rule: 'duplicate-voucher', evidenceCount: 5 }] });
    expect(JSON.parse(await run('--unit', '849', '--json')).totalRows).toBe(0);
    expect(await run('--reviewed')).toMatch(/: 0 flags, 0 reviewed$/);
  });

  it('refuses an unknown rule or a date that does not exist, naming the option', async () => {
    await expect(run('--rule', 'round-amounts')).rejects.toThrow('--rule: unknown rule round-amounts; rules: reclassified-after-disbursement,');
    await expect(run('--as-of', '2025-02-29')).rejects.toThrow('--as-of: "2025-02-29" is not a real date (no such day in the calendar)');
    await expect(run('--reviewed', '--not-reviewed')).rejects.toThrow('give --reviewed or --not-reviewed, not both');
  });
});
