import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { OFFICER, TestLedger, startTestLedger } from '../support/app';

/**
 * The 2025 reform through the HTTP API, on an old commune that was split: 05932 Xã Thượng Đình (huyện Phú Bình,
 * Thái Nguyên) went partly into 05908 Xã Phú Bình and partly into 05941 Xã Điềm Thụy; 05929 Xã Bảo Lý went whole
 * into 05908. Money moves only by decisions naming the successor; roll-ups ask "by unit as recorded" or "by today's".
 */
describe('HTTP: units that ended, their successors, and balances by today\'s unit', () => {
  let ledger: TestLedger;
  const line = (unit: string, budgetYear: number, originYear = budgetYear) => ({
    programme: 'GNBV-2021-2025',
    component: 'DA5',
    budgetYear,
    originYear,
    source: 'NSTW',
    capitalType: 'SN',
    unit,
  });
  const huyen = (number: string, date: string) => ({ number, date, issuer: 'UBND huyện Phú Bình' });
  const tinh = (number: string, date: string) => ({ number, date, issuer: 'UBND tỉnh Thái Nguyên' });
  const ok = async (path: string, body: object) => {
    const res = await ledger.post(`/commands/${path}`, body, OFFICER);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.position as number;
  };
  let head = 0;
  const get = async (path: string) => {
    const res = await ledger.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${head}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    ledger = await startTestLedger();
    // 2024: Thượng Đình gets 1.000 triệu for housing, allocates 800 to its activity, pays 500; Bảo Lý gets 150 triệu.
    await ok('assign-plan', { line: line('05932', 2024), amount: '1000000000', decision: huyen('4210/QĐ-UBND', '2023-12-20') });
    await ok('assign-plan', { line: line('05929', 2024), amount: '150000000', decision: huyen('4210/QĐ-UBND', '2023-12-20') });
    await ok('register-activity', {
      activityId: 'TD-NHA-2024',
      name: 'Hỗ trợ nhà ở hộ nghèo xã Thượng Đình 2024',
      programme: 'GNBV-2021-2025',
      component: 'DA5',
      kind: 'housing-support',
      unit: '05932',
      decision: huyen('512/QĐ-UBND', '2024-03-01'),
    });
    await ok('allocate', { line: line('05932', 2024), activityId: 'TD-NHA-2024', amount: '800000000', decision: huyen('512/QĐ-UBND', '2024-03-01') });
    await ok('disburse', { line: line('05932', 2024), activityId: 'TD-NHA-2024', amount: '500000000', voucher: { number: 'UNC-2024-77', date: '2024-09-20', treasury: 'KBNN Phú Bình' } });
    // January 2025: the unallocated 200 and the activity's unpaid 300 are carried into 2025, keeping origin year 2024.
    await ok('carry-over', { from: line('05932', 2024), amount: '200000000', deadline: '2025-12-31', decision: huyen('35/QĐ-UBND', '2025-01-10') });
    await ok('carry-over', { from: line('05932', 2024), activityId: 'TD-NHA-2024', amount: '300000000', deadline: '2025-12-31', decision: huyen('35/QĐ-UBND', '2025-01-10') });
    await ok('assign-plan', { line: line('05932', 2025), amount: '900000000', decision: huyen('4400/QĐ-UBND', '2024-12-25') });
    // July 2025: the province's decision splits Thượng Đình's unspent money between the two communes it names.
    const handover = tinh('1520/QĐ-UBND', '2025-07-15');
    const reason = 'Bàn giao vốn chưa giải ngân của xã Thượng Đình cho các xã kế thừa';
    await ok('transfer-to-successor', { from: line('05932', 2025), toUnit: '05908', amount: '600000000', reason, decision: handover });
    await ok('transfer-to-successor', { from: line('05932', 2025), toUnit: '05941', amount: '300000000', reason, decision: handover });
    await ok('transfer-to-successor', { from: line('05932', 2025, 2024), toUnit: '05908', amount: '200000000', reason, decision: handover });
    head = await ok('transfer-to-successor', { from: line('05932', 2025, 2024), toUnit: '05908', activityId: 'TD-NHA-2024', amount: '300000000', reason, decision: handover });
  });
  afterAll(() => ledger.close());

  it('says what became of the split commune, and to whom a decision may hand its money', async () => {
    const res = await ledger.get('/catalogue/units/succession?code=05932');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: '05932',
      successors: [
        { code: '05908', nameVi: 'Xã Phú Bình', kind: 'partial' },
        { code: '05941', nameVi: 'Xã Điềm Thụy', kind: 'partial' },
      ],
      heirs: [{ code: '19', level: 'province' }, { code: '05908' }, { code: '05941' }],
      today: { unit: null, province: '19' },
      legalBasis: expect.arrayContaining([expect.objectContaining({ number: '202/2025/QH15' })]),
    });
  });

  it('refuses a successor the lists do not name, storing nothing', async () => {
    const digest = ledger.logDigest();
    const res = await ledger.post(
      '/commands/transfer-to-successor',
      { from: line('05932', 2025), toUnit: '05968', amount: '1000', reason: 'x', decision: tinh('1520/QĐ-UBND', '2025-07-15') },
      OFFICER,
    );
    expect(res).toMatchObject({ status: 409, body: { error: 'NOT_A_SUCCESSOR', details: { successors: ['19', '05908', '05941'] } } });
    expect(ledger.logDigest()).toBe(digest);
  });

  it('keeps the old line and its history under the old unit, with the transfers out in it', async () => {
    const history = await get(`/fund-lines/${encodeURIComponent(fundLineStream(line('05932', 2025)))}/history`);
    expect(history.balance).toMatchObject({ plan: '900000000', transferredOut: '900000000', funds: '0', available: '0' });
    expect(history.entries.map((e: { type: string; details?: { toUnit?: string } }) => [e.type, e.details?.toUnit ?? null])).toEqual([
      ['PlanAssigned', null],
      ['FundsTransferredOut', '05908'],
      ['FundsTransferredOut', '05941'],
    ]);
  });

  it('by unit as recorded: the money conserved, each line under the unit that holds it', async () => {
    const body = await get('/balances?groupBy=unit');
    expect(body.units).toBe('recorded');
    const byUnit = Object.fromEntries(body.rows.map((r: { group: { unit: string } }) => [r.group.unit, r]));
    expect(Object.keys(byUnit)).toEqual(['05908', '05929', '05932', '05941']);
    expect(byUnit['05932']).toMatchObject({ plan: '1900000000', transferredOut: '1400000000', disbursed: '500000000', available: '0' });
    expect(byUnit['05908']).toMatchObject({ plan: '0', transferredIn: '1100000000', allocated: '300000000', available: '1100000000' });
    expect(byUnit['05941']).toMatchObject({ transferredIn: '300000000' });
    expect(body.total).toMatchObject({ plan: '2050000000', transferredIn: '1400000000', transferredOut: '1400000000', funds: '2050000000', disbursed: '500000000' });
  });

  it("by today's unit: a 2024 commune's money shows under today's province, and a split commune's only where a decision put it", async () => {
    const provinces = await get('/balances?units=today&groupBy=province');
    expect(provinces).toMatchObject({ units: 'today', rows: [{ group: { province: '19' }, plan: '2050000000', funds: '2050000000', disbursed: '500000000' }] });

    const units = await get('/balances?units=today&groupBy=unit');
    const byUnit = Object.fromEntries(units.rows.map((r: { group: { unit: string } }) => [r.group.unit, r]));
    // Bảo Lý went whole into Phú Bình: its 2024 money shows there. Thượng Đình's stays under its own code.
    expect(byUnit['05908']).toMatchObject({ plan: '150000000', transferredIn: '1100000000' });
    expect(byUnit['05932']).toMatchObject({ plan: '1900000000', transferredOut: '1400000000', disbursed: '500000000' });
    expect(byUnit['05941']).toMatchObject({ transferredIn: '300000000' });
    expect(units.unitsToday.mapped).toEqual([expect.objectContaining({ recorded: '05929', budgetYear: 2024, unit: '05908', province: '19' })]);
    expect(units.unitsToday.unresolved).toEqual([
      expect.objectContaining({ recorded: '05932', budgetYear: 2024, unit: null, province: '19', successors: [{ code: '05908', name: 'Xã Phú Bình', kind: 'partial' }, { code: '05941', name: 'Xã Điềm Thụy', kind: 'partial' }] }),
      expect.objectContaining({ recorded: '05932', budgetYear: 2025, unit: null, province: '19' }),
    ]);

    // The unit filter names a unit of today.
    const phuBinh = await get('/balances?units=today&unit=05908&groupBy=budgetYear,originYear');
    expect(phuBinh.rows.map((r: { group: object; funds: string }) => [r.group, r.funds])).toEqual([
      [{ budgetYear: 2024, originYear: 2024 }, '150000000'],
      [{ budgetYear: 2025, originYear: 2024 }, '500000000'],
      [{ budgetYear: 2025, originYear: 2025 }, '600000000'],
    ]);
    expect((await get('/balances?units=today&unit=19')).total).toMatchObject({ plan: '2050000000' });
  });

  it('moves the activity with its money: it counts under its new commune', async () => {
    const progress = await get('/progress?unit=05908');
    expect(progress.components).toMatchObject([{ component: 'DA5', activities: 1, allocated: '800000000', disbursed: '500000000' }]);
    expect((await get('/progress?unit=05932')).components.flatMap((c: { activities: number }) => (c.activities > 0 ? [c] : []))).toEqual([]);
  });

  it('records an opening balance from a year the ledger does not hold', async () => {
    const position = await ok('opening-balance', {
      line: line('05929', 2024, 2023),
      amount: '70000000',
      deadline: '2024-12-31',
      note: 'Vốn năm 2023 chuyển sang năm 2024',
      decision: huyen('40/QĐ-UBND', '2024-01-12'),
    });
    head = position;
    const res = await get('/balances?unit=05929&groupBy=budgetYear');
    expect(res.rows).toMatchObject([{ group: { budgetYear: 2024 }, plan: '150000000', carriedIn: '70000000', funds: '220000000', carriedInByOriginYear: { '2023': '70000000' } }]);
    expect((await get('/balances?unit=05929&budgetYear=2023')).totalRows).toBe(0);
    // The ledger does hold 2024 for Thượng Đình: 2024 money reaches 2025 by carry-over, not by an opening balance.
    const digest = ledger.logDigest();
    const refused = await ledger.post('/commands/opening-balance', { line: line('05932', 2025, 2024), amount: '1', deadline: '2025-12-31', decision: huyen('41/QĐ-UBND', '2025-01-12') }, OFFICER);
    expect(refused).toMatchObject({ status: 409, body: { error: 'ORIGIN_YEAR_HELD' } });
    expect(ledger.logDigest()).toBe(digest);
  });
});
