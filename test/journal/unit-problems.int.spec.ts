import type { ImportOutcome } from '../../src/journal/journal.importer';
import { IMPORTER, NOW, TestStore, journal, openStore } from './support';

const importText = (t: TestStore, text: string): Promise<ImportOutcome> => t.importer.importText(text, { principal: IMPORTER, now: NOW });

/** Thirty plans of one district, each on its own line: `unit` set on every line. */
const thirtyPlans = (unit: string) =>
  Array.from(
    { length: 30 },
    (_, i) => `
  - id: plan-${String(i + 1).padStart(2, '0')}
    plan: { line: { component: DA5, source: NSTW, capitalType: SN, unit: "${unit}", year: 2024 }, amount: ${i + 1} triệu đồng, decision: QD-4888, note: "kế hoạch ${i + 1}" }`,
  ).join('');

describe('importing a journal that names a bad unit in many entries', () => {
  let t: TestStore;
  beforeEach(() => {
    t = openStore();
  });
  afterEach(async () => {
    await t.close();
  });

  it('reports an unknown unit used by 30 entries once, with its nearest units and the entries, and stores nothing', async () => {
    const before = t.digest();
    const outcome = await importText(t, journal(thirtyPlans('06299')));
    expect(outcome.status).toBe('rejected');
    const problems = outcome.status === 'rejected' ? outcome.problems : [];
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({
      field: 'unit',
      problem: expect.stringMatching(/^unknown administrative unit "06299"; nearest in 2024: 06298 Xã Bình Phúc \(Huyện Văn Quan\), [^;]+ — in 30 entries: plan-01 \(line \d+\), plan-02 .*, and 20 more$/),
    });
    // at most five suggestions, never the list of valid codes
    expect(problems[0].problem.split(' — ')[0].split(', ').length).toBeLessThanOrEqual(5);
    expect(t.digest()).toBe(before);
  });

  it('reports a unit out of its period once as well: communes merged in late 2024, named by 2025 decisions', async () => {
    const entries = Array.from(
      { length: 3 },
      (_, i) => `
  - id: act-${i + 1}
    activity: { name: Mô hình ${i + 1}, component: DA2, kind: poverty-reduction-model, communes: ["06253", "06295"], decision: QD-2025 }`,
    ).join('');
    const text = journal(entries).replace(
      '  QD-832:',
      '  QD-2025: { number: 15/QĐ-UBND, date: 2025-02-10, issuer: UBND huyện Văn Quan }\n  QD-832:',
    );
    const outcome = await importText(t, text);
    expect(outcome.status === 'rejected' && outcome.problems).toEqual([
      {
        field: 'unit',
        problem: expect.stringMatching(
          /^administrative unit "06295" \(Xã Đồng Giáp\) did not exist on 2025-02-10: it existed from before 2021-02-01 to 2024-12-31; nearest on 2025-02-10: .* — in 3 entries: act-1 \(line \d+\), act-2 \(line \d+\), act-3 \(line \d+\)$/,
        ),
      },
    ]);
  });
});
