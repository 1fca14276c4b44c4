import type { Page } from 'playwright-core';
import { browserSuite, expectCount, expectNoOverflow, expectText, openPage, PHONE, signIn } from './support/browser';

/**
 * What the real district documents needed, in Chromium on the demo data: works by stage and the progress's time
 * slices, outputs by beneficiary category, roll-ups by today's units, figures not checked and explained findings,
 * and the results framework against its targets.
 */
describe('real documents in the browser', () => {
  const suite = browserSuite();

  it("shows works by stage in force, records a stage on Ghi sổ (forward only) and reads progress as of a day and as recorded by a time", async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'can-bo-lan', 'officer', '/tien-do?component=DA1.TDA1');
    const infra = page.locator('section[data-component="DA1.TDA1"]');
    const works = infra.locator('[data-lifecycle="works"]');
    await works.waitFor();
    expect(await works.getByRole('heading', { level: 3 }).innerText()).toBe('Tiến độ công trình');
    expect(await works.getByTestId('works-summary').innerText()).toBe('0 trong 2 công trình đã khởi công, 2 chưa khởi công, 0 đã hoàn thành');
    expect(await stageCounts(page)).toEqual([
      ['Có trong kế hoạch', '2'],
      ['Hoàn thành thủ tục đầu tư', '0'],
      ['Lựa chọn nhà thầu', '0'],
      ['Khởi công, đang thi công', '0'],
      ['Hoàn thành, nghiệm thu', '0'],
      ['Bàn giao đưa vào sử dụng', '0'],
    ]);

    // The infrastructure work starts construction on 15/04/2024, by decision.
    await page.getByRole('navigation', { name: 'Trình đơn' }).getByRole('link', { name: 'Ghi sổ' }).click();
    await page.getByLabel('Lệnh').selectOption({ label: 'Tiến độ công trình' });
    const form = page.locator('form[aria-label="Tiến độ công trình"]');
    await form.getByLabel('Mã hoạt động').fill('VQ24-DA1.TDA1-HT');
    await form.getByLabel('Giai đoạn đạt được').selectOption({ label: 'Khởi công, đang thi công' });
    await form.getByLabel('Ghi chú').fill('Khởi công ngày 15/4/2024');
    await form.getByLabel('Số quyết định').fill('1020/QĐ-UBND');
    await form.getByLabel('Ngày quyết định').fill('10/04/2024');
    await form.getByLabel('Cơ quan ban hành').fill('UBND huyện Văn Quan');
    await form.getByLabel('Ngày hiệu lực').fill('15/04/2024');
    const head = await suite.head();
    await form.getByRole('button', { name: 'Ghi sổ' }).click();
    await form.locator('.notice-ok').waitFor();
    expect(await suite.head()).toBe(head + 1);

    // A stage already passed is refused, saying why, and stores nothing.
    await form.getByLabel('Giai đoạn đạt được').selectOption({ label: 'Lựa chọn nhà thầu' });
    await form.getByRole('button', { name: 'Ghi sổ' }).click();
    await expectText(form.locator('.notice-error'), /Hoạt động VQ24-DA1\.TDA1-HT đang ở giai đoạn “Khởi công, đang thi công”; không ghi lùi hay ghi lại giai đoạn “Lựa chọn nhà thầu”/);
    expect(await suite.head()).toBe(head + 1);

    await page.goto(`${suite.url}/tien-do?component=DA1.TDA1&year=2024`);
    await expectText(works.getByTestId('works-summary'), /^1 trong 2 công trình đã khởi công, 1 chưa khởi công, 0 đã hoàn thành$/);
    expect((await stageCounts(page))[3]).toEqual(['Khởi công, đang thi công', '1']);
    expect(await page.getByTestId('progress-slice').innerText()).toMatch(/^Năm 2024 · hiệu lực đến nay · theo sổ ghi đến nay · /);

    // As of 31/03/2024 the work had not started (valid time).
    await page.getByLabel('Tính đến ngày (hiệu lực)').fill('31/03/2024');
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.waitForURL(/asOf=2024-03-31/);
    await expectText(page.getByTestId('progress-slice'), /^Năm 2024 · hiệu lực đến 31\/03\/2024/);
    await expectText(works.getByTestId('works-summary'), /^0 trong 2 công trình đã khởi công, 2 chưa khởi công/);

    // As recorded by 01/01/2025, the ledger held nothing yet (the demo is recorded when the ledger starts).
    await page.getByLabel('Tính đến ngày (hiệu lực)').fill('');
    await page.getByLabel('Theo sổ ghi đến').fill('01/01/2025');
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.waitForURL(/knownAt=2025-01-01/);
    await expectText(page.getByTestId('progress-slice'), /theo sổ ghi đến 01\/01\/2025/);
    await page.getByText('Không có dữ liệu.').waitFor();
    expect(await infra.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('records outputs by beneficiary category, added to what was recorded, and shows them under their indicator', async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'can-bo-lan', 'officer', '/ghi-so?lenh=outputs');
    const form = page.locator('form[aria-label="Ghi nhận kết quả"]');
    await form.getByLabel('Mã hoạt động').fill('VQ24-DA5-NHA-O');
    // 4 houses, of which 3 for poor households and 1 for a near-poor one.
    await form.getByLabel('Chỉ tiêu 1').selectOption('houses-new');
    await form.getByLabel('Số lượng 1').fill('4');
    await form.getByRole('button', { name: 'Thêm chỉ tiêu' }).click();
    await form.getByLabel('Chỉ tiêu 2').selectOption('houses-new');
    await form.getByLabel('Đối tượng 2').selectOption({ label: 'Hộ cận nghèo' });
    await form.getByLabel('Số lượng 2').fill('1');
    await form.getByRole('button', { name: 'Thêm chỉ tiêu' }).click();
    await form.getByLabel('Chỉ tiêu 3').selectOption('houses-new');
    await form.getByLabel('Đối tượng 3').selectOption({ label: 'Hộ nghèo' });
    await form.getByLabel('Số lượng 3').fill('3');
    await form.getByLabel('Hộ nghèo', { exact: true }).fill('3');
    await form.getByLabel('Hộ cận nghèo', { exact: true }).fill('1');
    await form.getByLabel('Tên văn bản').fill('Biên bản nghiệm thu nhà ở đợt 2');
    await form.getByLabel('Ngày văn bản').fill('30/09/2024');
    await form.getByRole('button', { name: 'Ghi sổ' }).click();
    await form.locator('.notice-ok').waitFor();

    await page.goto(`${suite.url}/tien-do?component=DA5`);
    const housing = page.locator('section[data-component="DA5"]');
    await housing.locator('tr[data-indicator="houses-new"]').first().waitFor();
    // 6 houses recorded by the demo, 4 more: 10 of 101; the categories in the catalogue's order.
    expect(await rowTexts(housing.locator('tr[data-indicator="houses-new"]'))).toEqual([
      'Nhà ở xây mới (căn) 101 10 9,90 %',
      'trong đó: Hộ nghèo 3',
      'trong đó: Hộ cận nghèo 1',
    ]);
    expect(await rowTexts(housing.locator('table').nth(1).locator('tbody tr'))).toEqual(['Hộ nghèo 3', 'Hộ cận nghèo 1']);
    expect(errors).toEqual([]);
  });

  it("rolls the overview up by today's units: Văn Quan's 2024 money under Lạng Sơn, the district split between six communes", async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'can-bo-lan', 'officer');
    await page.getByTestId('overview-table').waitFor();
    await page.getByLabel('Tổng hợp theo đơn vị').selectOption({ label: 'Đơn vị hiện nay (sau sắp xếp 2025)' });
    const todayUnit = page.getByLabel('Đơn vị hiện nay', { exact: true });
    await expectCount(todayUnit.locator('option'), 7);
    expect(await todayUnit.locator('option:checked').innerText()).toBe('Tỉnh Lạng Sơn (20)');
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.waitForURL(/units=today/);
    await expectText(page.getByRole('heading', { name: /Nguồn vốn theo dự án, tiểu dự án/ }), /Tỉnh Lạng Sơn, 2024 \(Đơn vị hiện nay/);
    const total = page.locator('[data-testid="overview-table"] tr[data-component="total"] td');
    await expectText(total.first(), /^98\.801$/);
    expect((await total.allInnerTexts()).slice(0, 6)).toEqual(['98.801', '0', '89.465', '9.336', '17.015,74', '17,22 %']);
    expect(await page.getByTestId('units-unresolved').innerText()).toBe(
      '184 (2024) được chia cho nhiều đơn vị (Xã Văn Quan (06253), Xã Điềm He (06280), Xã Yên Phúc (06298), Xã Khánh Khê (06286), Xã Tri Lễ (06313), Xã Tân Đoàn (06316)): số liệu giữ mã cũ ở cấp đơn vị, hiện dưới tỉnh 20.',
    );
    // A commune of today that no decision handed money to holds none of it.
    await todayUnit.selectOption('06316');
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.waitForURL(/unit=06316/);
    await page.getByText('Đơn vị này chưa có dòng vốn nào.').waitFor();
    expect(errors).toEqual([]);
  });

  it('lists the figures not checked, with why, and records an explanation against a finding, which stays listed, explained', async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'can-bo-lan', 'officer', '/doi-soat');
    await page.getByTestId('recon-summary').waitFor();
    expect(await page.getByTestId('recon-summary').innerText()).toMatch(/^247 số liệu văn bản, 226 phép kiểm tra, 206 khớp, 20 phát hiện · 0 đã giải trình · Chưa đối chiếu được \(3\) · /);
    const notChecked = page.getByTestId('not-checked').locator('tbody tr');
    await expectCount(notChecked, 3);
    expect((await notChecked.first().locator('th, td').allInnerTexts()).map((c) => c.replace(/\s+/g, ' ').trim())).toEqual([
      'VQ-KH-GNBV-2025 · Mục A.II.2 tính đến 30/06/2024',
      '“Ngân sách địa phương: tổng kinh phí là 2.964 triệu đồng”',
      '2.964',
      'Sổ cái không có vốn NSDP-TINH, NSDP-HUYEN, NSDP-XA của 184 · whole programme · 2024 · all sources: không có số liệu để so sánh.',
    ]);

    const finding = page.locator('li.finding[data-finding="assertion-mismatch|184|VQ-KH-GNBV-2025|a-nstw-allocated"]');
    await finding.getByText('Giải trình phát hiện này').click();
    const form = finding.locator('form');
    const head = await suite.head();
    await form.getByRole('button', { name: 'Ghi giải trình' }).click();
    await expectText(form.locator('.field-error, [role="alert"]'), /Hãy ghi nội dung giải trình/);
    expect(await suite.head()).toBe(head);

    await form.getByLabel('Nội dung giải trình').fill('336 triệu đồng phân bổ theo Quyết định 1205/QĐ-UBND ngày 02/7/2024, sau kỳ báo cáo');
    await form.getByLabel('Tên văn bản').fill('Báo cáo giải trình số liệu phân bổ');
    await form.getByLabel('Ngày văn bản').fill('15/07/2024');
    await form.getByRole('button', { name: 'Ghi giải trình' }).click();
    await finding.getByTestId('explanation').waitFor();
    expect(await suite.head()).toBe(head + 1);
    expect(await finding.getAttribute('data-explained')).toBe('true');
    expect(await finding.locator('.finding-head').innerText()).toMatch(/^Sai lệch Đã giải trình Số liệu văn bản khác sổ cái · Mục A\.II\.1/);
    expect(await finding.getByTestId('explanation').innerText()).toMatch(
      /^Giải trình của can-bo-lan \(Cán bộ chuyên trách\), lúc \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d · Văn bản “Báo cáo giải trình số liệu phân bổ” ngày 15\/07\/2024\n+336 triệu đồng phân bổ theo Quyết định 1205\/QĐ-UBND ngày 02\/7\/2024, sau kỳ báo cáo$/,
    );
    await expectText(page.getByTestId('recon-summary'), /20 phát hiện · 1 đã giải trình/);

    // An inspector reads the explanation, and is offered no form to record one.
    const inspector = (await suite.open()).page;
    await signIn(inspector, suite.url, 'thanh-tra-hoa', 'inspector', '/doi-soat');
    const seen = inspector.locator('li.finding[data-explained="true"]');
    await seen.getByTestId('explanation').waitFor();
    expect(await inspector.getByText('Giải trình phát hiện này').count()).toBe(0);

    // In English, the reasons are the ledger's own.
    await inspector.getByRole('button', { name: 'English' }).click();
    await inspector.getByRole('heading', { name: 'Not checked (3)' }).waitFor();
    expect(await inspector.getByTestId('not-checked').locator('tbody tr').first().locator('td').last().innerText()).toBe(
      'the ledger holds no NSDP-TINH, NSDP-HUYEN, NSDP-XA money for 184 · whole programme · 2024 · all sources: nothing to compare the figure with',
    );
    expect(errors).toEqual([]);
  });

  it("shows the results framework: Sơn Dương's targets, the annual reviews recorded through its form, progress against each", async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'can-bo-son', 'officer', '/', '076');
    await page.getByRole('navigation', { name: 'Trình đơn' }).getByRole('link', { name: 'Khung kết quả' }).click();
    await page.getByRole('heading', { name: 'Khung kết quả', level: 1 }).waitFor();
    const unit = page.locator('section[data-unit="076"]');
    await unit.getByTestId('targets').waitFor();
    expect(await unit.getByRole('heading', { level: 2 }).innerText()).toBe('Huyện Sơn Dương (076)');
    expect(await rowTexts(unit.getByTestId('targets').locator('tbody tr'))).toEqual([
      'Tỷ lệ hộ nghèo Giảm bình quân từ 3 %/năm, 2021–2025 II.2: «Giai đoạn 2021-2025: Tỷ lệ hộ nghèo giảm bình quân 3%/năm» — — — Chưa có số liệu gốc',
      'Tỷ lệ hộ nghèo dân tộc thiểu số Giảm bình quân từ 4 %/năm, 2021–2025 II.2: «trong đó hộ nghèo dân tộc thiểu số giảm bình quân từ 4%/năm trở lên» — — — Chưa có số liệu gốc',
      'Tỷ lệ hộ nghèo Giảm bình quân trên 2 %/năm, 2026–2030 II.2: «Đến năm 2030: Duy trì mức giảm tỷ lệ hộ nghèo trên 2%/năm» — — — Chưa có số liệu gốc',
    ]);
    expect(await unit.getByText('Chưa ghi kết quả rà soát nào.').count()).toBe(1);

    // The reviews of 2021 and 2023, as their decisions state them.
    const form = page.locator('form[aria-label="Ghi kết quả rà soát"]');
    const measure = async (year: string, value: string, number: string, date: string) => {
      await form.getByLabel('Chỉ tiêu').selectOption('poverty-rate');
      await form.getByLabel('Năm rà soát').fill(year);
      await form.getByLabel('Giá trị (%)').fill(value);
      await form.getByLabel('Số quyết định').fill(number);
      await form.getByLabel('Ngày quyết định').fill(date);
      await form.getByLabel('Cơ quan ban hành').fill('UBND huyện Sơn Dương');
      await form.getByRole('button', { name: 'Ghi sổ' }).click();
    };
    await measure('2021', '10,5', '3120/QĐ-UBND', '20/12/2021');
    await form.locator('.notice-ok').waitFor();
    await measure('2023', '4,9', '2950/QĐ-UBND', '22/12/2023');
    await expectText(unit.getByTestId('measurements').locator('tbody tr').last(), /2023/);
    const target = unit.locator('tr[data-target="sd-poverty-2021-2025"]');
    await expectText(target, /Chậm/);
    expect((await target.locator('td').allInnerTexts()).slice(1).map((c) => c.trim())).toEqual(['10,5 % (2021)', '4,9 % (2023)', '2,8 %/năm', 'Chậm']);
    expect(await rowTexts(unit.getByTestId('measurements').locator('tbody tr'))).toEqual([
      expect.stringMatching(/^Tỷ lệ hộ nghèo 2021 10,5 % Quyết định số 3120\/QĐ-UBND ngày 20\/12\/2021, UBND huyện Sơn Dương \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/),
      expect.stringMatching(/^Tỷ lệ hộ nghèo 2023 4,9 % Quyết định số 2950\/QĐ-UBND ngày 22\/12\/2023, UBND huyện Sơn Dương \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/),
    ]);

    // A second figure for 2023 is a correction: without its reason it is refused, and nothing is stored.
    const head = await suite.head();
    await measure('2023', '5,1', '2951/QĐ-UBND', '23/12/2023');
    await expectText(form.locator('.notice-error'), /Chỉ tiêu Tỷ lệ hộ nghèo của đơn vị 076 năm 2023 đã ghi là 4,9: số khác là đính chính, hãy nêu lý do đính chính\./);
    expect(await suite.head()).toBe(head);
    expect(errors).toEqual([]);
  });

  it('reads the new pages in English, and fits them on a phone', async () => {
    const { page } = await suite.open(PHONE);
    await signIn(page, suite.url, 'can-bo-lan', 'officer', '/ket-qua');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Results framework', level: 1 }).waitFor();
    await expectText(page.locator('tr[data-target="sd-poverty-2021-2025"]'), /Decrease on average at least 3 %\/year, 2021–2025/);
    for (const path of ['/ket-qua', '/tien-do?component=DA1.TDA1', '/doi-soat', '/?units=today&unit=20', '/ghi-so?lenh=stage']) {
      await openPage(page, suite.url, path);
      await expectNoOverflow(page, path);
    }
    await page.goto(`${suite.url}/tien-do?component=DA1.TDA1&asOf=2024-03-31`);
    await page.getByRole('heading', { name: 'Progress of works' }).waitFor();
    expect(await page.getByTestId('works-summary').innerText()).toBe('0 of 2 works started, 2 not started, 0 completed');
  });
});

/** The stages of the DA1.TDA1 works table: name and count. */
async function stageCounts(page: Page): Promise<string[][]> {
  const rows = page.locator('section[data-component="DA1.TDA1"] [data-lifecycle="works"] tbody tr');
  await rows.first().waitFor();
  return Promise.all((await rows.all()).map(async (r) => (await r.locator('th, td').allInnerTexts()).map((c) => c.trim())));
}

/** Each row's text on one line. */
async function rowTexts(rows: ReturnType<Page['locator']>): Promise<string[]> {
  await rows.first().waitFor();
  return (await rows.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
}
