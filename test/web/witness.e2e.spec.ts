import { WitnessStorage, witnessInBrowser } from '../../web/src/audit/witness';
import { DemoLedger, startDemoLedger } from '../../bench/web-support';
import { browserSuite, expectText, signIn } from './support/browser';

/**
 * Issue 9, item 12: every auditor's browser is a witness (web/src/audit/witness.ts). First its logic, run here on
 * Node's WebCrypto against the real ledger's answers; then in Chromium, on the auditor's view.
 */
const LINE = 'fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:184';

class MemoryStorage implements WitnessStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

/** Stores a kept head changed as a witness that saw another history would hold it. */
function keep(storage: MemoryStorage, change: (state: any) => void) {
  const state = JSON.parse(storage.getItem('gnbv.witness') as string);
  change(state);
  storage.setItem('gnbv.witness', JSON.stringify(state));
}

describe('the browser as a witness: its logic, on the real ledger', () => {
  let demo: DemoLedger;
  // The witness reads as the demo's viewer; a plan is recorded by the demo's officer, signed in with its password.
  const get = async (path: string): Promise<any> => (await fetch(`${demo.url}${path}`, { headers: demo.reader })).json();
  const officer = async () => {
    const login = await fetch(`${demo.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'demo-officer', password: await demo.account('demo-officer', 'officer') }),
    });
    return { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
  };
  const plan = async () =>
    fetch(`${demo.url}/commands/assign-plan`, {
      method: 'POST',
      headers: { ...(await officer()), 'content-type': 'application/json' },
      body: JSON.stringify({ line: { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' }, amount: '1000', decision: { number: '1/QĐ-UBND', date: '2024-01-02', issuer: 'UBND huyện Văn Quan' } }),
    });

  beforeAll(async () => {
    demo = await startDemoLedger();
  });
  afterAll(() => demo.close());

  it('keeps the first head on trust, then accepts only heads that extend it', async () => {
    const storage = new MemoryStorage();
    const first = await witnessInBrowser(get, storage);
    expect(first).toMatchObject({ status: 'trusted-first', fingerprint: (await get('/audit/public-key')).fingerprint });
    expect(await witnessInBrowser(get, storage)).toMatchObject({ status: 'unchanged' });
    expect((await plan()).status).toBe(201);
    const extended = await witnessInBrowser(get, storage);
    expect(extended).toMatchObject({ status: 'extended' });
    expect(extended.status === 'extended' && extended.head.treeSize).toBe(first.status === 'trusted-first' ? first.head.treeSize + 1 : -1);
  });

  it.each([
    ['a rollback', (s: any) => (s.head.treeSize += 5), 'witness.a.rollback'],
    ['two roots for one size', (s: any) => (s.head.rootHash = 'ab'.repeat(32)), 'witness.a.fork'],
    ['a history rewritten before the kept head', (s: any) => ((s.head.treeSize -= 1), (s.head.rootHash = 'cd'.repeat(32))), 'witness.a.inconsistent'],
    ['another key', (s: any) => (s.publicKey = Buffer.alloc(32, 7).toString('base64')), 'witness.a.key'],
  ])('alarms on %s, and keeps the head it had', async (_what, change, alarm) => {
    const storage = new MemoryStorage();
    await witnessInBrowser(get, storage);
    keep(storage, change);
    const kept = JSON.parse(storage.getItem('gnbv.witness') as string).head;
    const outcome = await witnessInBrowser(get, storage);
    expect(outcome).toMatchObject({ status: 'alarm', alarm, kept });
    expect(JSON.parse(storage.getItem('gnbv.witness') as string)).toMatchObject({ head: kept, alarms: [{ reason: alarm }] });
  });
});

describe('the browser as a witness: the auditor’s view in Chromium', () => {
  const suite = browserSuite();

  it('keeps a head on trust, finds the same one next time, and raises an alarm when the ledger shows less than it kept', async () => {
    const { page, errors } = await suite.open();
    await signIn(page, suite.url, 'kiem-toan-an', 'auditor', `/so-dong-von?line=${encodeURIComponent(LINE)}`);
    await page.getByTestId('history-table').locator('tbody tr').first().waitFor();
    const box = page.getByTestId('witness');
    await expectText(box, /Lần đầu: giữ đầu cây \d+ sự kiện/);
    await page.reload();
    await expectText(box, /Khớp: vẫn \d+ sự kiện, cùng gốc/);
    // What a rollback looks like from this browser: the ledger now shows a smaller tree than a head it kept.
    await page.evaluate(() => {
      const storage = (globalThis as unknown as { localStorage: WitnessStorage }).localStorage;
      const state = JSON.parse(storage.getItem('gnbv.witness') as string);
      state.head.treeSize += 3;
      storage.setItem('gnbv.witness', JSON.stringify(state));
    });
    await page.reload();
    await expectText(box, /CẢNH BÁO: sổ cái đã BỊ QUAY LUI/);
    expect(await box.getAttribute('role')).toBe('alert');
    expect(errors).toEqual([]);
  });
});
