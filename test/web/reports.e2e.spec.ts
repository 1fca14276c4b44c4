import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { browserSuite, signIn } from './support/browser';

/** The reports page in Chromium on the demo data: the table at a log position, its downloads, the check of a filed copy. */
describe('the reports page in the browser', () => {
  const suite = browserSuite();

  it('shows the resources table at a log position, downloads it pinned there, and checks a filed copy, naming an edited cell', async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'kiem-toan-an', 'auditor', '/bao-cao');
    // The log's head once signed in: making the auditor's account recorded its events.
    const head = await suite.head();
    await page.getByRole('link', { name: 'Báo cáo' }).waitFor();
    // The period: to 30/06/2024, typed as an office writes dates.
    await page.getByLabel('Đến ngày (cuối kỳ)').fill('30/06/2024');
    await page.getByRole('button', { name: 'Xem' }).click();
    const total = page.locator('[data-testid="report-table"] tr[data-level="total"]');
    await total.waitFor();
    expect((await total.locator('th, td').allInnerTexts()).map((x) => x.trim())).toEqual(['TỔNG SỐ', '', '', '98.801', '89.465', '9.336', '17.015,74', '17,22 %']);
    const da5 = page.locator('[data-testid="report-table"] tr', { hasText: 'Dự án 5:' });
    expect((await da5.locator('td').allInnerTexts()).map((x) => x.trim())).toEqual(['NSTW', 'SN', '8.036', '7.700', '336', '620', '7,72 %']);
    expect(await page.getByTestId('report-provenance').innerText()).toMatch(new RegExp(`^Tính tại vị trí ${head} của nhật ký sự kiện; cây Merkle ${head} sự kiện, gốc [0-9a-f]{16}…`));

    // Every download is the report shown: the same parameters, at the same position.
    const links = page.locator('ul.downloads a');
    expect(await links.allInnerTexts()).toEqual(['Bảng tính Excel (XLSX)', 'CSV', 'JSON', 'Dự thảo câu số liệu (Word)', 'IATI 2.03 (XML)']);
    for (const a of await links.all()) expect(await a.getAttribute('href')).toContain(`asOf=2024-06-30&position=${head}`);
    const [download] = await Promise.all([page.waitForEvent('download'), links.first().click()]);
    expect(download.suggestedFilename()).toBe(`bao-cao-nguon-luc-184-2024-den-2024-06-30-vt${head}.xlsx`);
    // (saveAs: the suite's Chromium may be shared over its WebSocket, where a download has no local path.)
    const saved = join(mkdtempSync(join(tmpdir(), 'ledger-download-')), download.suggestedFilename());
    await download.saveAs(saved);
    const xlsx = readFileSync(saved);
    rmSync(dirname(saved), { recursive: true, force: true });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
    expect(wb.getWorksheet('Nguồn lực')?.getCell('E8').value).toBe(98801);

    // The filed copy as it was downloaded: verified.
    const upload = page.getByLabel('Tệp báo cáo', { exact: true });
    await upload.setInputFiles({ name: 'bao-cao.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx });
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.innerText()).toMatch(new RegExp(`^Khớp: \\d+ ô được tính lại từ sổ cái tại vị trí ${head}, không ô nào khác\\.\\s+Cây Merkle đến vị trí này và chữ ký đầu cây: hợp lệ\\.$`));

    // A cell edited in Excel: named, with the file's value and the ledger's.
    const ws = wb.getWorksheet('Nguồn lực') as ExcelJS.Worksheet;
    ws.getCell('E8').value = 99801;
    await upload.setInputFiles({ name: 'bao-cao-sua.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(await wb.xlsx.writeBuffer()) });
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.getByTestId('verify-differences').waitFor();
    expect(await result.locator('p').first().innerText()).toBe(`Không khớp: 1 ô khác sổ cái tại vị trí ${head}.`);
    const row = (await page.getByTestId('verify-differences').locator('tbody tr').allInnerTexts())[0].split('\t').map((x) => x.trim());
    expect(row).toEqual(["'Nguồn lực'!E8", 'TỔNG SỐ · mọi nguồn · Kế hoạch vốn năm 2024: Tổng số', '99801', '98801']);
    expect(errors).toEqual([]);
  });

  it('keeps a date typed before the budget years have loaded', async () => {
    const { page, errors } = await suite.open();
    // The budget years (which give the default year) held back until the date has been typed.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const years = (u: URL) => u.pathname === '/balances' && u.searchParams.get('groupBy') === 'budgetYear';
    await page.route(years, async (route) => {
      await released;
      await route.continue();
    });
    await signIn(page, suite.url, 'kiem-toan-an', 'auditor', '/bao-cao');
    await page.getByLabel('Đến ngày (cuối kỳ)').fill('30/06/2024');
    const arrived = page.waitForResponse((r) => years(new URL(r.url())));
    release();
    await arrived;
    // The report of the default year, then the one asked for: the date typed is still in the form.
    await page.locator('[data-testid="report-table"] tr[data-level="total"]').waitFor();
    await page.getByRole('button', { name: 'Xem' }).click();
    await page.locator('ul.downloads a[href*="asOf=2024-06-30"]').first().waitFor({ timeout: 10_000 });
    for (const a of await page.locator('ul.downloads a').all()) expect(await a.getAttribute('href')).toContain('asOf=2024-06-30');
    expect(page.url()).toContain('asOf=2024-06-30');
    expect(errors).toEqual([]);
  });

  it('is not offered to an importer', async () => {
    const { page } = await suite.open();
    await signIn(page, suite.url, 'nhap-lieu', 'importer', '/bao-cao');
    await page.getByText('Vai trò Nhập liệu không mở được trang này.').waitFor();
    expect(await page.getByRole('link', { name: 'Báo cáo' }).count()).toBe(0);
  });
});
