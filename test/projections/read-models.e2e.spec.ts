import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { startTestLedger, TestLedger } from '../support/app';
import {
  activityReclassified,
  activityRegistered,
  appendAll,
  decision,
  disbursed,
  fundsAllocated,
  line,
  planAssigned,
  voucher,
} from '../support/ledger-events';

describe('read-model HTTP API', () => {
  const L = line();
  let ledger: TestLedger;
  let head = 0;
  const get = (url: string) => ledger.get(url);

  beforeAll(async () => {
    ledger = await startTestLedger();
    head = await appendAll(
      ledger.store,
      planAssigned(L, '98801000000', { basis: decision('4888/QĐ-UBND', '2023-12-22') }),
      activityRegistered({ activityId: 'chuoi-1', kind: 'value-chain-production' }, { basis: decision('120/QĐ-UBND', '2024-02-01') }),
      fundsAllocated(L, 'chuoi-1', '89801000000', { basis: decision('5489/QĐ-UBND', '2023-12-31') }),
      disbursed(L, 'chuoi-1', 'gn-1', '17015000000', { basis: voucher('UNC-1', '2024-06-20') }),
      activityReclassified('chuoi-1', 'pl-1', { kind: 'value-chain-production', component: 'DA3.TDA1' }, { kind: 'community-production', component: 'DA3.TDA1' }, {
        basis: decision('300/QĐ-UBND', '2024-07-15'),
      }),
    );
    // The application's own subscription projects the events; wait for it through the API.
    expect((await get(`/read-models/status?minPosition=${head}`)).status).toBe(200);
  });

  afterAll(() => ledger.close());

  it('answers balances with exact decimal strings and the position they reflect', async () => {
    const res = await get('/balances?groupBy=province,subProject');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      position: head,
      rows: [{ group: { province: '20', subProject: 'DA3.TDA1' }, plan: '98801000000', unallocated: '9000000000', disbursementRateOfPlan: '0.172215' }],
    });
  });

  describe('when an optional list parameter is left out', () => {
    it('answers GET /balances with one row per fund line', async () => {
      const res = await get('/balances');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        position: head,
        groupBy: [],
        totalRows: 1,
        rows: [{ stream: fundLineStream(L), group: { component: 'DA3.TDA1', unit: '184', budgetYear: 2024 }, plan: '98801000000' }],
        total: { plan: '98801000000' },
      });
    });

    it('answers GET /balances?component=... filtered, without grouping', async () => {
      const da3 = await get('/balances?component=DA3');
      expect(da3.status).toBe(200);
      expect(da3.body).toMatchObject({ totalRows: 1, rows: [{ stream: fundLineStream(L) }] });
      const da2 = await get('/balances?component=DA2');
      expect(da2.status).toBe(200);
      expect(da2.body).toMatchObject({ totalRows: 0, rows: [], total: { plan: '0' } });
    });

    it('answers GET /adjustments with every kind of change', async () => {
      const res = await get('/adjustments');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ totalRows: 1, rows: [{ kind: 'reclassification', fromKind: 'value-chain-production', toKind: 'community-production' }] });
    });
  });

  it('answers for a date as known at a time', async () => {
    const res = await get('/balances?asOf=2024-06-19&knownAt=2024-07-01');
    expect(res.body).toMatchObject({ asOf: '2024-06-19', knownAt: '2024-07-01', total: { disbursed: '0' } });
  });

  it('refuses a date that is not in the calendar, naming the field', async () => {
    const res = await get('/balances?asOf=2024-02-30');
    expect(res).toMatchObject({ status: 400, body: { error: 'INVALID_REQUEST', problems: [{ field: 'asOf', problem: expect.stringMatching(/2024-02-30/) }] } });
  });

  it('refuses an unknown grouping, page size or filter, naming the field', async () => {
    const fields = async (url: string) => {
      const res = await get(url);
      expect(res.status).toBe(400);
      return res.body.problems.map((p: { field: string }) => p.field);
    };
    expect(await fields('/balances?groupBy=ward')).toEqual(['groupBy']);
    expect(await fields('/balances?pageSize=5000')).toEqual(['pageSize']);
    expect(await fields('/balances?unit=99999')).toEqual(['unit']);
    expect(await fields('/balances?colour=red')).toEqual(['colour']);
  });

  it('waits for minPosition, then says how fresh the read model is', async () => {
    expect((await get(`/balances?minPosition=${head}`)).status).toBe(200);
    const res = await get(`/balances?minPosition=${head + 100}`);
    expect(res).toMatchObject({ status: 503, body: { error: 'READ_MODEL_BEHIND', details: { position: head, minPosition: head + 100 } } });
    expect(res.body.message).toContain(`the read model is at position ${head}`);
  });

  it('serves a fund line’s history, and 404 for a line it does not know', async () => {
    const res = await get(`/fund-lines/${encodeURIComponent(fundLineStream(L))}/history`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ totalEntries: 3, entries: [{ type: 'PlanAssigned' }, { type: 'FundsAllocated' }, { type: 'Disbursed', balanceAfter: { available: '81786000000' } }] });
    expect((await get('/fund-lines/fundline-nothing/history')).status).toBe(404);
  });

  it('serves progress, decisions, a decision trail and adjustments', async () => {
    const progress = await get('/progress?component=DA3.TDA1&unit=184&asOf=2024-07-14');
    expect(progress.body).toMatchObject({ components: [{ byKind: [{ kind: 'value-chain-production', activities: 1 }] }] });
    const ofYear = await get('/progress?component=DA3.TDA1&budgetYear=2024&asOf=2024-07-14&knownAt=2030-01-01');
    expect(ofYear.body).toMatchObject({ budgetYear: 2024, asOf: '2024-07-14', components: [{ money: { plan: '98801000000' }, activities: 1 }] });
    expect((await get('/progress?budgetYear=2024x')).body).toMatchObject({ error: 'INVALID_REQUEST', problems: expect.arrayContaining([expect.objectContaining({ field: 'budgetYear' })]) });
    const decisions = await get('/decisions?from=2024-01-01');
    expect((decisions.body.rows as Array<{ number: string }>).map((d) => d.number)).toEqual(['300/QĐ-UBND', '120/QĐ-UBND']);
    const trail = await get(`/decisions/trail?number=${encodeURIComponent('5489/QĐ-UBND')}`);
    expect(trail.body).toMatchObject({ totalEvents: 1, events: [{ type: 'FundsAllocated', line: { before: { allocated: '0' }, after: { allocated: '89801000000' } } }] });
    const adjustments = await get('/adjustments?kind=reclassification&from=2024-07-01');
    expect(adjustments.body).toMatchObject({ totalRows: 1, rows: [{ fromKind: 'value-chain-production', activityDisbursedBefore: '17015000000' }] });
    expect((await get('/adjustments?kind=rename')).status).toBe(400);
    expect((await get('/decisions/trail')).status).toBe(400);
  });

  it('says how fresh the read models are', async () => {
    expect((await get('/read-models/status')).body).toMatchObject({ position: head, head, behind: 0, generation: 1, events: head, lastError: null });
  });

  it('is described in the OpenAPI document with its filters', async () => {
    const doc = (await get('/docs-json')).body as { paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }> };
    for (const path of ['/balances', '/fund-lines/{stream}/history', '/progress', '/decisions', '/decisions/trail', '/adjustments', '/read-models/status']) {
      expect(doc.paths[path]?.get).toBeDefined();
    }
    const params = (doc.paths['/balances'].get?.parameters ?? []).map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['groupBy', 'asOf', 'knownAt', 'unit', 'component', 'minPosition', 'page', 'pageSize']));
  });
});
