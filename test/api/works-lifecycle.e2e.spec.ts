import { OFFICER, TestLedger, startTestLedger } from '../support/app';

/** "16 of 18 works started, 2 not started": the stages of works, each a dated event, counted by /progress. */
describe('HTTP: the lifecycle of works', () => {
  let ledger: TestLedger;
  let head = 0;
  const D = (number: string, date: string) => ({ number, date, issuer: 'UBND huyện Văn Quan' });
  const ok = async (path: string, body: object) => {
    const res = await ledger.post(`/commands/${path}`, body, OFFICER);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.position as number;
  };
  const work = (i: number) => `VQ-CT-2024-${String(i).padStart(2, '0')}`;

  beforeAll(async () => {
    ledger = await startTestLedger();
    for (let i = 1; i <= 18; i++) {
      await ok('register-activity', {
        activityId: work(i),
        name: `Công trình hạ tầng số ${i}`,
        programme: 'GNBV-2021-2025',
        component: 'DA1.TDA1',
        kind: 'infrastructure-work',
        unit: '184',
        targets: [{ indicator: 'works', quantity: '1' }],
        decision: D('5489/QĐ-UBND', '2023-12-31'),
      });
    }
    // 16 are started in April; 5 of them are completed in June, 2 handed over in July; 2 are still tendering.
    for (let i = 1; i <= 16; i++) await ok(`activities/${work(i)}/stage`, { stage: 'under-construction', decision: D('1120/QĐ-UBND', '2024-04-02') });
    for (let i = 1; i <= 5; i++) {
      await ok(`activities/${work(i)}/stage`, { stage: 'completed', document: { title: 'Biên bản nghiệm thu hoàn thành', date: '2024-06-20' } });
    }
    for (let i = 1; i <= 2; i++) {
      head = await ok(`activities/${work(i)}/stage`, { stage: 'handed-over', document: { title: 'Biên bản bàn giao đưa vào sử dụng', date: '2024-07-10' } });
    }
    for (const i of [17, 18]) head = await ok(`activities/${work(i)}/stage`, { stage: 'tendering', decision: D('1500/QĐ-UBND', '2024-05-05') });
  });
  afterAll(() => ledger.close());

  const works = async (query = '') => {
    const res = await ledger.get(`/progress?component=DA1.TDA1&minPosition=${head}${query}`);
    expect(res.status).toBe(200);
    return res.body.components[0].lifecycles[0];
  };

  it('says 16 of 18 works started, 2 not started, with each stage', async () => {
    expect(await works()).toEqual({
      lifecycle: 'works',
      name: 'Tiến độ công trình',
      activities: 18,
      byStage: { planned: 0, 'investment-procedure': 0, tendering: 2, 'under-construction': 11, completed: 3, 'handed-over': 2 },
      started: 16,
      notStarted: 2,
      completed: 5,
    });
  });

  it('counts each stage from its effective date', async () => {
    expect(await works('&asOf=2024-03-31')).toMatchObject({ activities: 18, byStage: { planned: 18 }, started: 0, notStarted: 18 });
    expect(await works('&asOf=2024-06-30')).toMatchObject({ byStage: { tendering: 2, 'under-construction': 11, completed: 5, 'handed-over': 0 }, started: 16, completed: 5 });
  });

  it('refuses a stage out of order, storing nothing', async () => {
    const digest = ledger.logDigest();
    const res = await ledger.post(`/commands/activities/${work(1)}/stage`, { stage: 'tendering', decision: D('1600/QĐ-UBND', '2024-08-01') }, OFFICER);
    expect(res).toMatchObject({ status: 409, body: { error: 'STAGE_OUT_OF_ORDER', details: { current: 'handed-over', requested: 'tendering' } } });
    expect(ledger.logDigest()).toBe(digest);
  });
});
