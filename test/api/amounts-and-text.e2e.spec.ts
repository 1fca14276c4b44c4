import { catalogueContext } from '../../projections/shared/context';
import { Catalogue } from '../../src/catalogue/catalogue';
import { verifyReadModels } from '../../src/projections/rebuild';
import { OFFICER, startTestLedger, TestLedger } from '../support/app';

/**
 * Issue 9, item 3 (amounts have no ceiling; the read side stopped at int64 cents) and item 6 (the same decision typed
 * in two Unicode forms), through the real app: what is accepted is folded by every read model, exactly.
 */

const line = (component: string, unit: string) => ({ programme: 'GNBV-2021-2025', component, budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit });
const DECISION = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan' };
const CEILING = '100000000000000000000'; // 10^20 đồng

describe('amounts of any accepted size, exact on the read side (issue 9, item 3)', () => {
  let ledger: TestLedger;
  let position = 0;

  const post = async (route: string, body: unknown, status = 201) => {
    const res = await ledger.post(`/commands/${route}`, body);
    expect({ route, status: res.status, body: res.status === status ? undefined : res.body }).toEqual({ route, status, body: undefined });
    if (res.status === 201) position = Math.max(position, res.body.position);
    return res;
  };
  const read = async (path: string) => {
    const res = await ledger.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${position}`);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return res.body;
  };

  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('keeps a plan one cent past int64 cents exactly, in the line and every roll-up', async () => {
    await post('assign-plan', { line: line('DA5', '184'), amount: '92233720368547758.08', decision: DECISION });
    const balances = await read('/balances?unit=184&component=DA5');
    expect(balances.rows[0]).toMatchObject({ plan: '92233720368547758.08', unallocated: '92233720368547758.08' });
    const byDistrict = await read('/balances?groupBy=district&unit=184');
    expect(byDistrict.rows[0]).toMatchObject({ plan: '92233720368547758.08' });
    expect((await ledger.get('/read-models/status')).body).toMatchObject({ lastError: null, behind: 0 });
  });

  it('adds two plans of 6·10^16 on one district exactly (beyond int64 cents)', async () => {
    await post('assign-plan', { line: line('DA5', '849'), amount: '60000000000000000', decision: { ...DECISION, issuer: 'UBND huyện Trà Cú' } });
    await post('assign-plan', { line: line('DA1.TDA1', '849'), amount: '60000000000000000', decision: { ...DECISION, issuer: 'UBND huyện Trà Cú' } });
    expect((await read('/balances?groupBy=district&unit=849')).rows[0]).toMatchObject({ plan: '120000000000000000' });
    expect((await read('/balances?groupBy=programme')).total).toMatchObject({ plan: '212233720368547758.08' });
  });

  it('refuses an amount over the ceiling of 10^20 đồng, naming it; a 41-digit plan is not taken', async () => {
    for (const amount of ['100000000000000000000.01', '1'.repeat(41), `${'9'.repeat(40)}.99`]) {
      const res = await post('assign-plan', { line: line('DA5', '184'), amount, decision: DECISION }, 400);
      expect(JSON.stringify(res.body)).toMatch(/ceiling of 100\.000\.000\.000\.000\.000\.000 đ/);
    }
  });

  it('takes amounts at the ceiling, and allocates to the last cent of their sum, not beyond', async () => {
    const trungLine = line('DA5', '170');
    await post('assign-plan', { line: trungLine, amount: CEILING, decision: DECISION });
    await post('assign-plan', { line: trungLine, amount: CEILING, decision: DECISION });
    await post('register-activity', { activityId: 'BIG-1', name: 'Hỗ trợ nhà ở', programme: 'GNBV-2021-2025', component: 'DA5', kind: 'housing-support', unit: '170', decision: DECISION });
    await post('allocate', { line: trungLine, activityId: 'BIG-1', amount: CEILING, decision: DECISION });
    await post('allocate', { line: trungLine, activityId: 'BIG-1', amount: '99999999999999999999.99', decision: DECISION });
    await post('allocate', { line: trungLine, activityId: 'BIG-1', amount: '0.01', decision: DECISION });
    const over = await post('allocate', { line: trungLine, activityId: 'BIG-1', amount: '0.01', decision: DECISION }, 409);
    expect(over.body.error).toBe('INSUFFICIENT_UNALLOCATED');
    await post('disburse', { line: trungLine, activityId: 'BIG-1', amount: CEILING, voucher: { number: 'UNC-1', date: '2024-06-20', treasury: 'KBNN' } });
    await post('adjust', { kind: 'increase', line: trungLine, amount: CEILING, reason: 'bổ sung', decision: DECISION });

    const row = (await read('/balances?unit=170')).rows[0];
    expect(row).toMatchObject({
      plan: '300000000000000000000',
      allocated: '200000000000000000000',
      unallocated: '100000000000000000000',
      disbursed: '100000000000000000000',
      available: '200000000000000000000',
    });
    const history = await read(`/fund-lines/${encodeURIComponent(row.stream)}/history`);
    expect(history.balance).toMatchObject({ plan: '300000000000000000000', disbursed: '100000000000000000000' });
    expect(history.entries.at(-1).balanceAfter).toMatchObject({ plan: '300000000000000000000', allocated: '200000000000000000000' });
    // As of a date, the balances are summed from the history's entries: exact too.
    expect((await read('/balances?unit=170&asOf=2024-12-31')).rows[0]).toMatchObject({ plan: '300000000000000000000' });
    expect(JSON.stringify(await read('/progress?unit=170'))).toContain('"200000000000000000000"');
    expect(JSON.stringify(await read('/adjustments?unit=170'))).toContain('"100000000000000000000"');
    const trail = await read(`/decisions/trail?number=${encodeURIComponent(DECISION.number)}&issuer=${encodeURIComponent(DECISION.issuer)}`);
    expect(JSON.stringify(trail)).toContain('"300000000000000000000"');
  });

  it('a rebuild from the log gives the same read models, without a difference', async () => {
    await read('/read-models/status');
    const ctx = catalogueContext(Catalogue.load(ledger.config.catalogueDir));
    const result = await verifyReadModels(ledger.store, ledger.config.readModelFile, ctx);
    expect(result).toMatchObject({ differenceCount: 0, position });
  });
});

describe('one decision, however its Vietnamese letters were typed (issue 9, item 6)', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('stores text in NFC, so that combining and precomposed accents name the same decision', async () => {
    const composed = { number: '4888/QĐ-UBND', date: '2023-12-22', issuer: 'UBND huyện Văn Quan'.normalize('NFC') };
    const decomposed = { ...composed, number: composed.number.normalize('NFD'), issuer: composed.issuer.normalize('NFD') };
    expect(decomposed.issuer).not.toBe(composed.issuer);
    await ledger.post('/commands/assign-plan', { line: line('DA5', '184'), amount: '1000', decision: composed });
    const second = await ledger.post('/commands/assign-plan', { line: line('DA1.TDA1', '184'), amount: '2000', decision: decomposed }, OFFICER);
    expect(second.status).toBe(201);

    const decisions = await ledger.get(`/decisions?minPosition=${second.body.position}`);
    expect(decisions.body.items ?? decisions.body.rows).toHaveLength(1);
    // Asked for in either form, the trail is the one decision's two events.
    for (const form of [composed, decomposed]) {
      const trail = await ledger.get(`/decisions/trail?number=${encodeURIComponent(form.number)}&issuer=${encodeURIComponent(form.issuer)}`);
      expect(trail.status).toBe(200);
      expect(trail.body.events).toHaveLength(2);
    }
    const stored = ledger.store.db.prepare("SELECT metadata FROM events WHERE type = 'PlanAssigned'").pluck().all() as string[];
    for (const m of stored) expect(JSON.parse(m).legalBasis.issuer).toBe(composed.issuer);
  });
});
