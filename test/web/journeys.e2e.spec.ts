import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { BUILT_IN_CATALOGUE_DIR } from '../../src/catalogue/catalogue';
import { browserSuite, describedBy, expectCount, expectText, signIn } from './support/browser';

/**
 * The journeys, in headless Chromium (Debian's), against the ledger booted as `npm start` boots it, on the
 * demo data, serving the built web app.
 */
const NUTRITION = 'VQ24-DA3.TDA2-DINH-DUONG';
const HOUSING = 'VQ24-DA5-NHA-O';

describe('journeys in the browser', () => {
  const suite = browserSuite();

  describe('signing in', () => {
    it('sends a visitor to the sign-in page, then to the page they asked for, with their id and the role of their account shown', async () => {
      const password = (suite.demoUsers.find((u) => u.userId === 'demo-officer') as { password: string }).password;
      const { page, errors } = await suite.open();
      await page.goto(`${suite.url}/tien-do`);
      await page.waitForURL(/\/dang-nhap\?next=%2Ftien-do/);
      await page.getByLabel('Mã người dùng').fill('cán bộ');
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await expectText(page.getByText('Mã người dùng gồm 2-64 chữ không dấu'), /chữ không dấu/);
      await expectText(page.getByText('Hãy nhập mật khẩu'), /mật khẩu/);
      await page.getByLabel('Mã người dùng').fill('demo-officer');
      await page.getByLabel('Mật khẩu').fill('not-the-password');
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await expectText(page.getByTestId('sign-in-refused'), /^Sai mã người dùng hoặc mật khẩu$/);
      await page.getByLabel('Mật khẩu').fill(password);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      // Signed in: the account's role and scope, then the unit to work on.
      await expectText(page.getByTestId('account'), /^Tài khoản demo-officer: Cán bộ chuyên trách, phạm vi VN$/);
      await page.getByLabel('Đơn vị công tác').fill('van quan');
      await page.getByRole('option', { name: /^Huyện Văn Quan/ }).click();
      await page.getByRole('button', { name: 'Tiếp tục' }).click();
      await page.waitForURL(`${suite.url}/tien-do`);
      expect(await page.getByTestId('signed-in').innerText()).toBe('Đang làm việc: demo-officer (Cán bộ chuyên trách), Huyện Văn Quan');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Tiến độ theo tiểu dự án');
      // The session is an http-only cookie: no script of the page can read it.
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === 'gnbv_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(await page.evaluate('document.cookie')).not.toContain('gnbv_session');
      expect(errors).toEqual([]);
    });

    it('finds the unit by name, with or without accents, or by code, showing where and when each one was; asks for a page at a time', async () => {
      const { page, errors } = await suite.open();
      const answers: Promise<{ path: string; query: Record<string, string>; bytes: number }>[] = [];
      page.on('response', (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith('/catalogue/units')) answers.push(r.body().then((b) => ({ path: url.pathname, query: Object.fromEntries(url.searchParams), bytes: b.length })));
      });
      // The unit is chosen once signed in: the search asks the ledger, which answers signed-in users only.
      await page.goto(`${suite.url}/dang-nhap`);
      await page.getByLabel('Mã người dùng').fill('can-bo-yen');
      await page.getByLabel('Mật khẩu').fill(await suite.account('can-bo-yen', 'officer'));
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      const unit = page.getByRole('combobox', { name: 'Đơn vị công tác' });
      const options = page.getByRole('listbox', { name: 'Các đơn vị tìm thấy' }).getByRole('option');
      const status = page.locator('.combo-status');

      // Without accents: every Văn Quan and Văn Quán; the district first, then the town and the commune that reuse 06253.
      await unit.fill('van quan');
      await expectText(status, /^5 đơn vị$/);
      expect(await options.allInnerTexts()).toEqual([
        'Huyện Văn Quan\n184 · Cấp huyện · Tỉnh Lạng Sơn · đến 30/06/2025',
        'Thị trấn Văn Quan\n06253 · Cấp xã · Huyện Văn Quan, Tỉnh Lạng Sơn · đến 30/06/2025',
        'Xã Văn Quan\n06253 · Cấp xã · Tỉnh Lạng Sơn · từ 01/07/2025',
        'Xã Văn Quán\n08845 · Cấp xã · Huyện Lập Thạch, Tỉnh Vĩnh Phúc · đến 30/06/2025',
        'Phường Văn Quán\n09542 · Cấp xã · Quận Hà Đông, Thành phố Hà Nội · đến 30/06/2025',
      ]);
      // With accents: the names written so come first.
      await unit.fill('Văn Quán');
      await expectText(options.first(), /^Xã Văn Quán/);
      expect((await options.allInnerTexts()).map((o) => o.split('\n')[0]).slice(0, 2)).toEqual(['Xã Văn Quán', 'Phường Văn Quán']);
      await unit.fill('xyz văn');
      await expectText(status, /^Không có đơn vị nào khớp với “xyz văn”\.$/);

      // By code, with the keyboard: 06253 names two units; the second is the commune of 1/7/2025.
      await unit.fill('06253');
      await expectCount(options, 2);
      expect(await unit.getAttribute('aria-expanded')).toBe('true');
      await page.keyboard.press('ArrowDown');
      expect(await page.locator(`[id="${await unit.getAttribute('aria-activedescendant')}"]`).innerText()).toMatch(/^Xã Văn Quan\n06253 · Cấp xã · Tỉnh Lạng Sơn · từ 01\/07\/2025$/);
      await page.keyboard.press('Enter');
      expect(await unit.inputValue()).toBe('Xã Văn Quan (06253)');
      expect(await page.getByTestId('unit-chosen').innerText()).toBe('Đã chọn: Xã Văn Quan (06253) · Cấp xã · Tỉnh Lạng Sơn · từ 01/07/2025');
      await page.getByRole('button', { name: 'Tiếp tục' }).click();
      await expectText(page.getByTestId('signed-in'), /, Xã Văn Quan$/);
      // The session keeps which of the two units the code meant.
      await page.reload();
      await expectText(page.getByTestId('signed-in'), /^Đang làm việc: can-bo-yen \(Cán bộ chuyên trách\), Xã Văn Quan$/);

      // Small requests only, each with a filter: never the country's 15,000 unit periods.
      await page.waitForLoadState('networkidle');
      const asked = await Promise.all(answers);
      expect(asked.length).toBeGreaterThan(0);
      for (const a of asked) expect({ filtered: Boolean(a.query.code || a.query.name || a.query.parent), pageSize: Number(a.query.pageSize) <= 500 }).toEqual({ filtered: true, pageSize: true });
      expect(asked.reduce((n, a) => n + a.bytes, 0)).toBeLessThan(30_000);
      expect(errors).toEqual([]);
    });

    it('asks for a unit before going on', async () => {
      const { page } = await suite.open();
      await page.goto(`${suite.url}/dang-nhap`);
      await page.getByLabel('Mã người dùng').fill('can-bo-lan');
      await page.getByLabel('Mật khẩu').fill(await suite.account('can-bo-lan', 'officer'));
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.getByRole('button', { name: 'Tiếp tục' }).click();
      expect(await describedBy(page, page.getByRole('combobox', { name: 'Đơn vị công tác' }))).toContain('Hãy chọn đơn vị công tác trong danh sách');
      expect(await page.getByTestId('signed-in').count()).toBe(0);
    });

    it('shows a viewer no recording page, and refuses it by address', async () => {
      const { page } = await suite.open();
      await signIn(page, suite.url, 'nguoi-xem', 'viewer');
      const nav = page.getByRole('navigation', { name: 'Trình đơn' });
      expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Tổng quan', 'Tiến độ', 'Khung kết quả', 'Đối chiếu', 'Báo cáo']);
      await page.goto(`${suite.url}/ghi-so`);
      await page.getByText('Vai trò Người xem không mở được trang này.').waitFor();
      expect(await page.locator('form[aria-label="Giải ngân"]').count()).toBe(0);
    });
  });

  describe('the overview', () => {
    it("shows the demo's real figures: Văn Quan 2024 NSTW plan 98.801 triệu đồng", async () => {
      const { page, errors } = await suite.open();
      await signIn(page, suite.url, 'can-bo-lan', 'officer');
      await page.getByLabel('Nguồn vốn', { exact: true }).selectOption('NSTW');
      await page.getByRole('button', { name: 'Xem' }).click();
      await page.waitForURL(/source=NSTW/);
      const table = page.getByTestId('overview-table');
      await expectText(table.locator('caption, thead'), /Kế hoạch vốn/);
      expect(await page.getByRole('heading', { name: /Nguồn vốn theo dự án, tiểu dự án/ }).innerText()).toContain('Huyện Văn Quan, 2024, NSTW');
      const total = await rowFigures(page, 'total');
      expect(total).toEqual({ plan: '98.801', carried: '0', allocated: '89.465', unallocated: '9.336', disbursed: '17.015,74', rate: '17,22 %' });
      expect(await rowFigures(page, 'DA5')).toEqual({ plan: '8.036', carried: '0', allocated: '7.700', unallocated: '336', disbursed: '620', rate: '7,72 %' });
      expect(await rowFigures(page, 'DA1.TDA1')).toMatchObject({ plan: '65.536', disbursed: '14.090', rate: '21,50 %' });
      // The chart is drawn from the same figures.
      await page.locator('.chart canvas').waitFor();
      expect(await page.locator('.chart canvas').getAttribute('aria-label')).toBe('Biểu đồ kế hoạch, phân bổ và giải ngân theo tiểu dự án (triệu đồng)');
      // The unit the user picks applies everywhere, exactly, and is remembered.
      await page.getByRole('button', { name: 'đồng', exact: true }).click();
      expect((await rowFigures(page, 'total')).plan).toBe('98.801.000.000');
      expect((await rowFigures(page, 'total')).disbursed).toBe('17.015.740.000');
      await page.reload();
      expect((await rowFigures(page, 'total')).plan).toBe('98.801.000.000');
      expect(errors).toEqual([]);
    });

    it('keeps a source picked while the budget years load, and applies it with the default year', async () => {
      const { page, errors } = await suite.open();
      // The budget years (which give the default year) arrive only once the source is picked.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/balances?**', async (route) => {
        if (new URL(route.request().url()).searchParams.get('groupBy') === 'budgetYear') await held;
        await route.continue();
      });
      await signIn(page, suite.url, 'can-bo-lan', 'officer');
      await page.getByLabel('Nguồn vốn', { exact: true }).selectOption('NSTW');
      release();
      await page.getByTestId('overview-table').waitFor();
      expect(await page.getByLabel('Nguồn vốn', { exact: true }).inputValue()).toBe('NSTW');
      await page.getByRole('button', { name: 'Xem' }).click();
      await page.waitForURL(/source=NSTW/);
      expect(new URL(page.url()).searchParams.get('year')).toBe('2024');
      expect((await rowFigures(page, 'total')).plan).toBe('98.801');
      expect(errors).toEqual([]);
    });

    it('speaks English on request', async () => {
      const { page } = await suite.open();
      await signIn(page, suite.url, 'can-bo-lan', 'officer');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Funds overview' }).waitFor();
      expect(await page.getByRole('columnheader', { name: 'Disbursed / plan' }).count()).toBe(1);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect((await rowFigures(page, 'total')).plan).toBe('98.801');
    });
  });

  describe('recording a disbursement through the form', () => {
    it("records it, and the line's history shows it with who recorded it", async () => {
      const { page, errors } = await suite.open();
      await signIn(page, suite.url, 'ke-toan-hoa', 'accountant', '/ghi-so?lenh=disburse');
      const form = page.locator('form[aria-label="Giải ngân"]');
      await form.getByLabel('Dòng vốn').selectOption({ label: 'DA3.TDA2/NSTW/SN/2024@184' });
      await form.getByLabel('Mã hoạt động').fill(NUTRITION);
      await form.getByLabel('Mã khoản giải ngân').fill('UNC-2024-0715');
      await form.getByLabel('Số tiền (triệu đồng)').fill('120,5');
      await form.getByLabel('Số chứng từ').fill('UNC-0715');
      await form.getByLabel('Ngày chứng từ').fill('15/07/2024');
      await form.getByLabel('Kho bạc').fill('KBNN Văn Quan');
      await form.getByRole('button', { name: 'Ghi sổ' }).click();
      const outcome = page.getByTestId('command-outcome');
      await expectText(outcome, /^Đã ghi sổ: vị trí \d+\./);
      expect(await outcome.getAttribute('data-status')).toBe('saved');

      await outcome.getByRole('link', { name: 'Xem sổ chi tiết dòng vốn' }).click();
      await page.waitForURL(/\/so-dong-von\?line=/);
      const rows = page.getByTestId('history-table').locator('tbody tr');
      await expectCount(rows, 4);
      const last = rows.nth(3);
      const cells = await last.locator('td').allInnerTexts();
      expect(cells[1]).toBe('15/07/2024');
      expect(cells[2]).toContain('Giải ngân');
      expect(cells[2]).toContain(`Hoạt động: ${NUTRITION}`);
      expect(cells[2]).toContain('UNC-2024-0715');
      expect(cells[3]).toBe('Chứng từ số UNC-0715 ngày 15/07/2024, KBNN Văn Quan');
      expect(cells[4]).toBe('120,5'); // the amount
      expect(cells[7]).toBe('179,5'); // disbursed after it: 59 + 120,5
      expect(cells[9]).toContain('ke-toan-hoa');
      expect(cells[9]).toContain('Kế toán');
      // The row just recorded is in the signed log too.
      await page.getByRole('button', { name: 'Kiểm tra bằng chứng trong trình duyệt' }).click();
      await expectText(page.getByTestId('verification'), /ĐÃ KIỂM CHỨNG: 4 dòng/);
      expect(errors).toEqual([]);
    });

    it('refuses an over-disbursement with the reason, in Vietnamese, and stores nothing', async () => {
      const { page } = await suite.open();
      await signIn(page, suite.url, 'ke-toan-hoa', 'accountant', '/ghi-so?lenh=disburse');
      const before = await suite.head();
      const form = page.locator('form[aria-label="Giải ngân"]');
      // Housing: 7.700 triệu allocated, 620 disbursed by 30/6/2024.
      await form.getByLabel('Dòng vốn').selectOption({ label: 'DA5/NSTW/SN/2024@184' });
      await form.getByLabel('Mã hoạt động').fill(HOUSING);
      await form.getByLabel('Số tiền (triệu đồng)').fill('7.080,01');
      await form.getByLabel('Số chứng từ').fill('UNC-0716');
      await form.getByLabel('Ngày chứng từ').fill('16/07/2024');
      await form.getByLabel('Kho bạc').fill('KBNN Văn Quan');
      await form.getByRole('button', { name: 'Ghi sổ' }).click();
      const outcome = page.getByTestId('command-outcome');
      await expectText(outcome, /Sổ cái từ chối, không ghi gì/);
      expect(await outcome.getAttribute('data-code')).toBe('INSUFFICIENT_ALLOCATION');
      expect(await outcome.locator('.refusal').innerText()).toBe(
        `Hoạt động ${HOUSING} trên dòng vốn DA5/NSTW/SN/2024@184 chỉ còn 7.080.000.000 đ đã phân bổ chưa giải ngân; yêu cầu 7.080.010.000 đ.`,
      );
      expect(await suite.head()).toBe(before);
      // The same amount less a hundredth of a triệu fits exactly.
      await form.getByLabel('Số tiền (triệu đồng)').fill('7.080');
      await form.getByRole('button', { name: 'Ghi sổ' }).click();
      await expectText(outcome, /^Đã ghi sổ/);
      expect(await suite.head()).toBe(before + 1);
    });

    it("shows the API's validation problems inline at their fields, in Vietnamese", async () => {
      const { page } = await suite.open();
      await signIn(page, suite.url, 'ke-toan-hoa', 'accountant', '/ghi-so?lenh=disburse');
      const before = await suite.head();
      const form = page.locator('form[aria-label="Giải ngân"]');
      await form.getByLabel('Dòng vốn').selectOption({ label: 'DA3.TDA2/NSTW/SN/2024@184' });
      await form.getByLabel('Mã hoạt động').fill(NUTRITION);
      await form.getByLabel('Số tiền (triệu đồng)').fill('1');
      await form.getByLabel('Ngày chứng từ').fill('30/02/2024');
      await form.getByLabel('Kho bạc').fill('KBNN Văn Quan');
      await form.getByRole('button', { name: 'Ghi sổ' }).click();
      await expectText(page.getByTestId('command-outcome'), /Sổ cái từ chối vì dữ liệu chưa đúng/);
      const date = form.getByLabel('Ngày chứng từ');
      expect(await date.getAttribute('aria-invalid')).toBe('true');
      expect(await describedBy(page, date)).toContain('"2024-02-30" không phải ngày có thật trên lịch');
      expect(await describedBy(page, form.getByLabel('Số chứng từ'))).toContain('không được để trống');
      expect(await suite.head()).toBe(before);
      // An amount the form cannot read exactly is caught before it is sent.
      await form.getByLabel('Số tiền (triệu đồng)').fill('1,5.3');
      await form.getByRole('button', { name: 'Ghi sổ' }).click();
      expect(await describedBy(page, form.getByLabel('Số tiền (triệu đồng)'))).toContain('Số tiền viết kiểu Việt Nam');
    });
  });

  describe("the auditor's proof check in the browser", () => {
    const openLine = async (page: Page) => {
      await signIn(page, suite.url, 'kiem-toan-an', 'auditor', '/so-dong-von');
      await page.getByLabel('Dòng vốn').selectOption({ label: 'DA6.TDA2/NSTW/SN/2024@184' });
      await page.getByRole('button', { name: 'Xem' }).click();
      await expectCount(page.getByTestId('history-table').locator('tbody tr'), 3);
    };

    it('passes on the real rows', async () => {
      const { page, errors } = await suite.open();
      await openLine(page);
      await page.getByRole('button', { name: 'Kiểm tra bằng chứng trong trình duyệt' }).click();
      const verdict = page.getByTestId('verification');
      await expectText(verdict, /✓ ĐÃ KIỂM CHỨNG: 3 dòng đang hiển thị có trong nhật ký đã ký/);
      expect(await verdict.getAttribute('data-ok')).toBe('true');
      const publicKey = (await (await fetch(`${suite.url}/audit/public-key`)).json()) as { fingerprint: string };
      expect(await verdict.innerText()).toContain(`Khóa công khai: ${publicKey.fingerprint}`);
      expect(await page.getByTestId('history-table').locator('tbody tr td:last-child').allInnerTexts()).toEqual(['✓ Đã kiểm chứng', '✓ Đã kiểm chứng', '✓ Đã kiểm chứng']);
      expect(errors).toEqual([]);
    });

    it('fails, naming the row, when a history row is changed in transit', async () => {
      const { page } = await suite.open();
      await page.route('**/fund-lines/*/history?**', async (route) => {
        const response = await route.fetch();
        const body = await response.json();
        const row = body.entries.find((e: { type: string }) => e.type === 'Disbursed');
        row.amount = '26740000';
        await route.fulfill({ response, json: body });
      });
      await openLine(page);
      await page.getByRole('button', { name: 'Kiểm tra bằng chứng trong trình duyệt' }).click();
      const verdict = page.getByTestId('verification');
      await expectText(verdict, /✗ KIỂM CHỨNG THẤT BẠI/);
      expect(await verdict.getAttribute('data-ok')).toBe('false');
      expect(await verdict.locator('.problems li').allInnerTexts()).toEqual([
        expect.stringMatching(/^Dòng 3 \(Giải ngân, vị trí \d+\): số tiền hiển thị là "26\.740\.000 đ", sự kiện đã ký ghi "16\.740\.000 đ"$/),
      ]);
      expect(await page.locator('tr.row-failed').count()).toBe(1);
    });

    it('fails, naming the row, when the proof bundle is changed in transit', async () => {
      const { page } = await suite.open();
      await page.route('**/audit/bundles?**', async (route) => {
        const response = await route.fetch();
        const body = await response.json();
        const entry = body.events.find((e: { event: { type: string } }) => e.event.type === 'Disbursed');
        entry.event.metadata.actor.id = 'someone-else';
        await route.fulfill({ response, json: body });
      });
      await openLine(page);
      await page.getByRole('button', { name: 'Kiểm tra bằng chứng trong trình duyệt' }).click();
      const verdict = page.getByTestId('verification');
      await expectText(verdict, /✗ KIỂM CHỨNG THẤT BẠI/);
      const problems = await verdict.locator('.problems li').allInnerTexts();
      expect(problems).toContain('Chữ ký Ed25519 của gói không hợp lệ (vị trí, phạm vi hoặc thời điểm xuất đã bị đổi)');
      expect(problems.some((p) => /^Dòng 3 \(Giải ngân, vị trí \d+\): sự kiện tương ứng không kiểm chứng được$/.test(p))).toBe(true);
      expect(await page.getByTestId('history-table').locator('tbody tr td:last-child').allInnerTexts()).toEqual(['✗ Không kiểm chứng được', '✗ Không kiểm chứng được', '✗ Không kiểm chứng được']);
    });
  });
});

describe('journeys with two programmes configured (LEDGER_CATALOGUE_DIR: the built-in one and a 2026-2035 one)', () => {
  const catalogues = mkdtempSync(join(tmpdir(), 'ledger-web-catalogues-'));
  for (const file of [join(BUILT_IN_CATALOGUE_DIR, 'gnbv-2021-2025.json'), join(__dirname, '..', 'fixtures', 'catalogues', 'ntp-2026-2035.json')]) {
    copyFileSync(file, join(catalogues, basename(file)));
  }
  const suite = browserSuite({ LEDGER_CATALOGUE_DIR: catalogues });
  afterAll(() => rmSync(catalogues, { recursive: true, force: true }));

  it('offers the programmes; the forms, their years and units, and the overview follow the one chosen', async () => {
    const { page, errors } = await suite.open();
    // Lạng Sơn: its first period (until 30/6/2025) is picked, and it is still code 20 after 1/7/2025.
    await signIn(page, suite.url, 'can-bo-tinh', 'officer', '/ghi-so?lenh=assign-plan', '20');
    const programme = page.getByLabel('Chương trình');
    expect(await programme.inputValue()).toBe('GNBV-2021-2025');
    expect((await programme.locator('option').allInnerTexts()).map((o) => o.split(' – ')[0])).toEqual(['GNBV-2021-2025', 'NTP-2026-2035']);
    const form = page.locator('form[aria-label="Giao kế hoạch vốn"]');
    expect(await form.getByLabel('Dự án / tiểu dự án').locator('option').count()).toBeGreaterThan(10);

    await programme.selectOption('NTP-2026-2035');
    const components = form.getByLabel('Dự án / tiểu dự án').locator('option');
    await expectCount(components, 5);
    expect((await components.allInnerTexts()).map((o) => o.split(' – ')[0])).toEqual(['— chọn —', 'ND1', 'ND1.1', 'ND1.2', 'ND2']);
    const year = form.getByLabel('Năm kế hoạch');
    expect(await describedBy(page, year)).toBe('NTP-2026-2035: 2026–2035');
    await components.first().waitFor({ state: 'attached' });
    await form.getByLabel('Dự án / tiểu dự án').selectOption('ND1.1');
    await year.fill('2026');
    // The province of 2026 and its 65 communes (no more districts).
    const units = form.getByLabel('Đơn vị', { exact: true }).locator('option');
    await expectCount(units, 66);
    expect((await units.allInnerTexts())[0]).toBe('Tỉnh Lạng Sơn (20)');
    await form.getByLabel('Nguồn vốn').selectOption('NSTW');
    await form.getByLabel('Loại vốn').selectOption('SN');
    await form.getByLabel('Số tiền (triệu đồng)').fill('1.500');
    await form.getByLabel('Số quyết định').fill('12/QĐ-UBND');
    await form.getByLabel('Ngày quyết định').fill('15/01/2026');
    await form.getByLabel('Cơ quan ban hành').fill('UBND tỉnh Lạng Sơn');
    await form.getByRole('button', { name: 'Ghi sổ' }).click();
    await expectText(form.getByTestId('command-outcome'), /^Đã ghi sổ: vị trí \d+\./);

    // The overview of the province shows the programme chosen: 2026 for the new one, 2024 (Văn Quan's lines) for the old.
    // (By sub-project: the read models place a component with the built-in catalogue only, so ND1.1 is not yet
    // shown under its project ND1; see src/projections/projections.module.ts.)
    await page.goto(`${suite.url}/`);
    expect((await rowFigures(page, 'ND1.1')).plan).toBe('1.500');
    expect(await page.getByRole('heading', { name: /Nguồn vốn theo dự án, tiểu dự án/ }).innerText()).toContain('Tỉnh Lạng Sơn, 2026');
    await page.getByRole('button', { name: 'Xem' }).click();
    await page.waitForURL(/year=2026/);
    // Another programme: the year of the address is the old one's, and is dropped.
    await page.getByLabel('Chương trình').selectOption('GNBV-2021-2025');
    await page.waitForURL((url) => !url.search.includes('year='));
    expect((await rowFigures(page, 'DA5')).plan).toBe('8.036');
    expect(await page.getByRole('heading', { name: /Nguồn vốn theo dự án, tiểu dự án/ }).innerText()).toContain('Tỉnh Lạng Sơn, 2024');
    expect(errors).toEqual([]);
  }, 60_000);
});

/** The figures of one overview row, by its component code (or "total"). */
async function rowFigures(page: Page, component: string) {
  const row = page.locator(`[data-testid="overview-table"] tr[data-component="${component}"]`);
  await row.waitFor();
  const [plan, carried, allocated, unallocated, disbursed, rate] = await row.locator('td').allInnerTexts();
  return { plan, carried, allocated, unallocated, disbursed, rate };
}
