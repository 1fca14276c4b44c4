import { OFFICER, TestLedger, startTestLedger } from '../support/app';

/** The results framework over HTTP: yearly measurements from the poverty review, targets, progress per unit. */
describe('HTTP: outcome indicators and targets (GET /results)', () => {
  let ledger: TestLedger;
  let head = 0;
  const review = (year: number) => ({ number: `${3000 + year - 2021}/QĐ-UBND`, date: `${year}-12-28`, issuer: 'UBND huyện Sơn Dương' });
  const ok = async (path: string, body: object) => {
    const res = await ledger.post(`/commands/${path}`, body, OFFICER);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.position as number;
  };
  const measure = (indicator: string, year: number, value: string, extra: object = {}) =>
    ok('outcomes/measure', { programme: 'GNBV-2021-2025', unit: '076', indicator, year, value, decision: review(year), ...extra });

  beforeAll(async () => {
    ledger = await startTestLedger();
    const plan = { title: 'Kế hoạch thực hiện Chỉ thị 05-CT/TW về giảm nghèo bền vững đến năm 2030', date: '2022-08-31', issuer: 'UBND huyện Sơn Dương' };
    await ok('outcomes/target', {
      programme: 'GNBV-2021-2025', unit: '076', targetId: 'sd-poverty', indicator: 'poverty-rate', kind: 'average-annual-change', direction: 'decrease', value: '3', fromYear: 2021, toYear: 2025, document: plan,
    });
    await ok('outcomes/target', {
      programme: 'GNBV-2021-2025', unit: '076', targetId: 'sd-em-poverty', indicator: 'em-poverty-rate', kind: 'average-annual-change', direction: 'decrease', value: '4', comparator: 'at-least', fromYear: 2021, toYear: 2025, document: plan,
    });
    await measure('poverty-rate', 2021, '14.2');
    await measure('poverty-rate', 2022, '11.5');
    await measure('em-poverty-rate', 2021, '30.5');
    await measure('em-poverty-rate', 2022, '27.2');
    await measure('escaped-households', 2022, '1145');
    head = await measure('em-poverty-rate', 2022, '26.4', { corrects: { reason: 'Quyết định điều chỉnh kết quả rà soát năm 2022' }, decision: { ...review(2022), number: '515/QĐ-UBND', date: '2023-03-10' } });
  });
  afterAll(() => ledger.close());

  it('gives each indicator year by year, and each target with its progress', async () => {
    const res = await ledger.get(`/results?unit=076&minPosition=${head}`);
    expect(res.status).toBe(200);
    const [unit] = res.body.units;
    expect(unit).toMatchObject({ unit: '076', name: 'Huyện Sơn Dương' });
    expect(unit.indicators.find((i: { indicator: string }) => i.indicator === 'em-poverty-rate')).toMatchObject({
      name: 'Tỷ lệ hộ nghèo dân tộc thiểu số',
      unit: '%',
      years: [
        { year: 2021, value: '30.5' },
        { year: 2022, value: '26.4', corrected: ['27.2'], basis: { kind: 'decision', number: '515/QĐ-UBND' } },
      ],
    });
    expect(unit.targets.map((t: { targetId: string; progress: object }) => [t.targetId, t.progress])).toEqual([
      ['sd-poverty', { baseline: { year: 2021, value: '14.2' }, latest: { year: 2022, value: '11.5' }, achieved: '2.7', status: 'behind' }],
      ['sd-em-poverty', { baseline: { year: 2021, value: '30.5' }, latest: { year: 2022, value: '26.4' }, achieved: '4.1', status: 'on-track' }],
    ]);
  });

  it('answers as of a date: before the correction took effect, the first 2022 figure', async () => {
    const res = await ledger.get(`/results?unit=08&asOf=2023-01-31&minPosition=${head}`);
    const [unit] = res.body.units;
    expect(unit.targets.find((t: { targetId: string }) => t.targetId === 'sd-em-poverty').progress).toMatchObject({ achieved: '3.3', status: 'behind' });
  });

  it('refuses a second figure for a measured year, storing nothing', async () => {
    const digest = ledger.logDigest();
    const res = await ledger.post('/commands/outcomes/measure', { programme: 'GNBV-2021-2025', unit: '076', indicator: 'poverty-rate', year: 2022, value: '11.9', decision: review(2022) }, OFFICER);
    expect(res).toMatchObject({ status: 409, body: { error: 'OUTCOME_ALREADY_MEASURED' } });
    expect(ledger.logDigest()).toBe(digest);
  });

  it("records a unit's outcomes and targets only in a scope covering the unit: another district's officer is refused, naming it, and nothing is stored", async () => {
    const vanQuan = await ledger.as('officer', '184');
    const tuyenQuang = await ledger.as('officer', '08');
    const auditor = await ledger.as('auditor', '076');
    const digest = ledger.logDigest();
    const outside = await ledger.post('/commands/outcomes/measure', { programme: 'GNBV-2021-2025', unit: '076', indicator: 'poverty-rate', year: 2023, value: '9.8', decision: review(2023) }, vanQuan);
    expect(outside).toMatchObject({ status: 403, body: { error: 'FORBIDDEN', details: { right: 'record', units: ['076'] } } });
    expect(outside.body.message).toContain('on unit 076 (Huyện Sơn Dương) needs the record right');
    const target = { programme: 'GNBV-2021-2025', unit: '076', targetId: 'sd-escaped', indicator: 'escaped-households', kind: 'level', value: '1000', fromYear: 2023, toYear: 2025, decision: review(2022) };
    expect(await ledger.post('/commands/outcomes/target', target, vanQuan)).toMatchObject({ status: 403, body: { details: { units: ['076'] } } });
    expect((await ledger.post('/commands/outcomes/measure', { unit: '076', year: 2023 }, auditor)).status).toBe(403);
    expect(ledger.logDigest()).toBe(digest);
    // The province covers its district.
    const inside = await ledger.post('/commands/outcomes/measure', { programme: 'GNBV-2021-2025', unit: '076', indicator: 'poverty-rate', year: 2023, value: '9.8', decision: review(2023) }, tuyenQuang);
    expect(inside.status).toBe(201);
    head = inside.body.position;
  });

  it("answers only the units of the reader's scope", async () => {
    const units = async (scope: string) =>
      ((await ledger.get(`/results?minPosition=${head}`, await ledger.as('viewer', scope))).body.units as { unit: string }[]).map((u) => u.unit);
    expect(await units('076')).toEqual(['076']);
    expect(await units('08')).toEqual(['076']);
    expect(await units('184')).toEqual([]);
    expect(await units('849')).toEqual([]);
    expect((await ledger.get(`/results?unit=076&minPosition=${head}`, await ledger.as('viewer', '849'))).body.units).toEqual([]);
  });
});
