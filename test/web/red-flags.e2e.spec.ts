import { browserSuite, signIn } from './support/browser';

/** The inspector's red flags on the demo data, in Chromium: what the ledger flags, the evidence, marking one reviewed. */
describe('red flags in the browser', () => {
  const suite = browserSuite();

  it('lists the demo’s two flags, each with its rule, unit, period, amount and evidence linked to the decision trail and the line ledger', async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'thanh-tra-hoa', 'inspector', '/co-do');
    await page.getByRole('heading', { name: 'Cờ đỏ', level: 1 }).waitFor();
    await page.getByTestId('flag-count').waitFor();
    expect(await page.getByTestId('flag-count').innerText()).toBe('2 cờ đỏ');

    const voucher = page.locator('li.flag[data-rule="duplicate-voucher"]');
    expect(await voucher.locator('h3').innerText()).toBe('Chưa rà soát Một chứng từ cho nhiều khoản giải ngân');
    expect((await voucher.locator('dl').innerText()).replace(/\s+/g, ' ').trim()).toBe('Đơn vị 184 Kỳ 30/06/2024 Số tiền 17.015,74 (triệu đồng) Căn cứ 5 sự kiện');
    const rows = voucher.getByTestId('evidence').locator('tbody tr');
    expect(await rows.count()).toBe(5);
    // Log position 37: the journal's 16th event, after the demo's 21 account events.
    expect((await rows.first().locator('td').allInnerTexts()).map((c) => c.replace(/\s+/g, ' ').trim())).toEqual([
      '#37',
      'Giải ngân Hoạt động: VQ24-DA1.TDA1-HT',
      '30/06/2024',
      '14.090',
      'Chứng từ số không nêu số: lũy kế giải ngân đến 30/6/2024 theo báo cáo ngày 30/06/2024, Kho bạc Nhà nước (không nêu trong tài liệu)',
      'Sổ dòng vốn',
    ]);

    const backdated = page.locator('li.flag[data-rule="backdated"]');
    expect(await backdated.locator('h3').innerText()).toBe('Chưa rà soát Ghi sổ lùi ngày');
    expect(await backdated.getByTestId('evidence').locator('tbody tr').count()).toBe(10);
    await backdated.getByRole('button', { name: 'Xem đủ 48 sự kiện' }).click();
    await backdated.getByTestId('evidence').locator('tbody tr').nth(47).waitFor();

    // The evidence's decision opens its trail; its line opens the line's ledger.
    await backdated.getByTestId('evidence').locator('tbody tr').first().getByRole('link', { name: /4888\/QĐ-UBND/ }).click();
    await page.getByRole('heading', { name: 'Dấu vết của quyết định 4888/QĐ-UBND' }).waitFor();
    await page.goBack();
    await voucher.getByTestId('evidence').locator('tbody tr').first().getByRole('link', { name: 'Sổ dòng vốn' }).click();
    await page.waitForURL(/\/so-dong-von\?line=fundline-GNBV-2021-2025%3ADA1\.TDA1\.HT%3A2024%3A2024%3ANSTW%3ADTPT%3A184/);
    expect(errors).toEqual([]);
  });

  it('marks a flag reviewed with a note: the note is recorded, the flag stays listed, reviewed; an empty note stores nothing', async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'thanh-tra-hoa', 'inspector', '/co-do');
    const voucher = page.locator('li.flag[data-rule="duplicate-voucher"]');
    const form = voucher.locator('form.review-form');
    await form.waitFor();

    const head = await suite.head();
    await form.getByRole('button', { name: 'Đánh dấu đã rà soát' }).click();
    expect(await form.getByRole('alert').innerText()).toBe('Hãy ghi kết quả rà soát');
    expect(await suite.head()).toBe(head);

    await form.getByLabel('Ghi chú rà soát').fill('Chứng từ thay thế của báo cáo lũy kế, không phải thanh toán trùng');
    await form.getByRole('button', { name: 'Đánh dấu đã rà soát' }).click();
    await voucher.getByTestId('review').waitFor();
    expect(await suite.head()).toBe(head + 1);
    expect(await voucher.locator('h3').innerText()).toBe('Đã rà soát Một chứng từ cho nhiều khoản giải ngân');
    expect(await voucher.getByTestId('review').innerText()).toMatch(
      /^Đã rà soát: thanh-tra-hoa \(Thanh tra viên\), lúc \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d\s+Chứng từ thay thế của báo cáo lũy kế, không phải thanh toán trùng$/,
    );
    expect(await page.getByTestId('flag-count').innerText()).toBe('2 cờ đỏ');

    await page.getByLabel('Tình trạng rà soát').selectOption({ label: 'Chưa rà soát' });
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.waitForURL(/reviewed=false/);
    await page.getByTestId('flag-count').filter({ hasText: '1 cờ đỏ' }).waitFor();
    expect(await page.locator('li.flag').getAttribute('data-rule')).toBe('backdated');
    expect(errors).toEqual([]);
  });

  it('reads in English, and is not offered to the roles that record money', async () => {
    const { page } = await suite.open();
    await signIn(page, suite.url, 'kiem-toan-mai', 'auditor', '/co-do');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Red flags', level: 1 }).waitFor();
    await page.locator('li.flag[data-rule="backdated"] h3').filter({ hasText: 'Back-dated recording' }).waitFor();
    await page.locator('details.rules summary').click();
    expect(await page.locator('details.rules').innerText()).toContain('An event is recorded more than 30 days after the date it takes effect.');

    const officer = (await suite.open()).page;
    await signIn(officer, suite.url, 'can-bo-lan', 'officer', '/co-do');
    await officer.getByText('Vai trò Cán bộ chuyên trách không mở được trang này.').waitFor();
    expect(await officer.getByRole('navigation').getByRole('link', { name: 'Cờ đỏ' }).count()).toBe(0);
  });
});
