import { unfoldablePlan } from '../support/ledger-events';
import { browserSuite, expectText, openPage, signIn } from './support/browser';

/** Above every page, in Chromium: whether the figures are current (components/read-model-notice.tsx). */
describe('the notice of figures that are not current', () => {
  const suite = browserSuite();

  it('says nothing while the read models follow the log, then where and why they stopped, on every page', async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'kiem-toan-an', 'auditor', '/');
    await openPage(page, suite.url, '/');
    expect(await page.getByTestId('read-model-notice').count()).toBe(0);

    // An event the read models cannot fold, as an earlier version stored it: they stop before it.
    const before = await suite.head();
    await suite.ledger.store.append([unfoldablePlan()]);
    for (let i = 0; i < 100 && (await fetch(`${suite.url}/health`)).status !== 503; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const path of ['/', '/co-do', '/so-dong-von']) {
      await openPage(page, suite.url, path);
      await expectText(page.getByTestId('read-model-notice'), new RegExp(`^Số liệu dừng ở sự kiện ${before} của ${before + 1} trong sổ cái, các con số có thể đã cũ: .*poisoned-0001`));
    }
    await page.getByRole('button', { name: 'English' }).click();
    await expectText(page.getByTestId('read-model-notice'), new RegExp(`^The figures stopped at event ${before} of ${before + 1} in the ledger and may be out of date`));
    expect(errors).toEqual([]);
  });
});
