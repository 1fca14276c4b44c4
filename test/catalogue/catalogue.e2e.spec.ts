import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_CATALOGUE_DIR } from '../../src/catalogue/catalogue';
import { loadConfig } from '../../src/config/ledger-config';
import { startLedger } from '../../src/main';
import { IMPORTER, startTestLedger, TestLedger } from '../support/app';

/** A sample catalogue of the merged 2026-2035 programme: its components are invented for the test. */
const NTP_FIXTURE = join(__dirname, '..', 'fixtures', 'catalogues', 'ntp-2026-2035.json');
const GNBV_FILE = join(BUILT_IN_CATALOGUE_DIR, 'gnbv-2021-2025.json');

const NTP_LINE = {
  programme: 'NTP-2026-2035',
  component: 'ND1.1',
  budgetYear: 2026,
  originYear: 2026,
  source: 'NSTW',
  capitalType: 'SN',
  unit: '20',
};
const DECISION = { number: '12/QĐ-UBND', date: '2026-01-15', issuer: 'UBND tỉnh Lạng Sơn' };

/** A catalogue folder as an operator would set it up: a copy of the built-in catalogues, plus new files. */
function catalogueFolder(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-catalogues-'));
  for (const file of [GNBV_FILE, ...files]) copyFileSync(file, join(dir, file.split('/').pop() as string));
  return dir;
}

describe('programme catalogues as files (LEDGER_CATALOGUE_DIR)', () => {
  const folders: string[] = [];
  afterAll(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe('when the folder holds the 2026-2035 catalogue beside the built-in one', () => {
    let ledger: TestLedger;
    beforeAll(async () => {
      const dir = catalogueFolder(NTP_FIXTURE);
      folders.push(dir);
      ledger = await startTestLedger({ env: { LEDGER_CATALOGUE_DIR: dir } });
    });
    afterAll(() => ledger.close());

    it('accepts a plan on a line of the new programme, for a province of the two-level list', async () => {
      const res = await ledger.post('/commands/assign-plan', { line: NTP_LINE, amount: '1500000000', decision: DECISION });
      expect(res.status).toBe(201);
      const [event] = await ledger.store.readAll(res.body.position - 1);
      expect(event).toMatchObject({ type: 'PlanAssigned', data: { line: NTP_LINE, amount: '1500000000' } });
    });

    it("places the new programme's lines in its own tree: the read models use the configured catalogue", async () => {
      const res = await ledger.get(`/balances?programme=NTP-2026-2035&groupBy=project,subProject&minPosition=${await ledger.store.headPosition()}`);
      expect(res.status).toBe(200);
      expect(res.body.rows.map((r: any) => r.group)).toEqual([{ project: 'ND1', subProject: NTP_LINE.component }]);
      expect((await ledger.get('/balances?programme=NTP-2026-2035&component=ND1')).body.totalRows).toBe(1);
    });

    it("refuses a year outside the programme's validity, a component of another programme, a district abolished in 2025; stores nothing", async () => {
      const digest = ledger.logDigest();
      const year = await ledger.post('/commands/assign-plan', { line: { ...NTP_LINE, budgetYear: 2025, originYear: 2025 }, amount: '1', decision: DECISION });
      expect(year.body.problems).toEqual([{ field: 'line.budgetYear', problem: '2025 is outside programme NTP-2026-2035 (2026-2035)' }]);
      const component = await ledger.post('/commands/assign-plan', { line: { ...NTP_LINE, component: 'DA5' }, amount: '1', decision: DECISION });
      expect(component.body.problems).toEqual([{ field: 'line.component', problem: 'unknown component "DA5"; valid: ND1, ND1.1, ND1.2, ND2' }]);
      const district = await ledger.post('/commands/assign-plan', { line: { ...NTP_LINE, unit: '184' }, amount: '1', decision: DECISION });
      expect(district.status).toBe(400);
      expect(district.body.problems).toEqual([
        {
          field: 'line.unit',
          problem: expect.stringMatching(
            /^administrative unit "184" \(Huyện Văn Quan\) did not exist in 2026: it existed from before 2021-02-01 to 2025-06-30; it went into \(2025-07-01\): 06253 Xã Văn Quan \(Tỉnh Lạng Sơn\), .* \(6 units in all\)$/,
          ),
        },
      ]);
      expect(ledger.logDigest()).toBe(digest);
    });

    it('serves both programmes, with legal basis and validity, and only a summary of the units', async () => {
      const res = await ledger.get('/catalogue');
      expect(res.status).toBe(200);
      expect(res.body.programmes.map((p: any) => [p.file, p.programme.code, p.programme.validFrom, p.programme.validTo, p.programme.legalBasis[0].number])).toEqual([
        ['gnbv-2021-2025.json', 'GNBV-2021-2025', '2021-01-01', '2025-12-31', '90/QĐ-TTg'],
        ['ntp-2026-2035.json', 'NTP-2026-2035', '2026-01-01', '2035-12-31', '257/2025/QH15'],
      ]);
      expect(res.body.units.lists[0].firstSnapshot).toEqual({ date: '2021-02-01', province: 63, district: 705, commune: 10_603 });
      expect(res.body.units.lists[1].firstDay).toEqual({ date: '2025-07-01', province: 34, district: 0, commune: 3_321 });
      expect(JSON.stringify(res.body).length).toBeLessThan(100_000);
    });
  });

  describe('when the folder does not hold it', () => {
    it('refuses a plan of that programme, naming the programmes it knows, and stores nothing', async () => {
      const dir = catalogueFolder();
      folders.push(dir);
      const ledger = await startTestLedger({ env: { LEDGER_CATALOGUE_DIR: dir } });
      try {
        const digest = ledger.logDigest();
        const res = await ledger.post('/commands/assign-plan', { line: NTP_LINE, amount: '1500000000', decision: DECISION });
        expect(res.status).toBe(400);
        expect(res.body.problems).toContainEqual({ field: 'line.programme', problem: 'unknown programme "NTP-2026-2035"; valid: GNBV-2021-2025' });
        expect(ledger.logDigest()).toBe(digest);
      } finally {
        await ledger.close();
      }
    });
  });

  describe('when a catalogue file in the folder is bad', () => {
    it('stops the ledger at start with the file and the field', async () => {
      const dir = catalogueFolder();
      const data = mkdtempSync(join(tmpdir(), 'ledger-bad-catalogue-'));
      folders.push(dir, data, `${data}.auth-key`);
      const ntp = JSON.parse(readFileSync(NTP_FIXTURE, 'utf8'));
      ntp.programme.legalBasis[0].date = '18/01/2022';
      writeFileSync(join(dir, 'ntp-2026-2035.json'), JSON.stringify(ntp));
      const config = loadConfig({ LEDGER_DATA_DIR: data, LEDGER_CATALOGUE_DIR: dir, LEDGER_DEMO: '0', PORT: '0', HOST: '127.0.0.1' });
      await expect(startLedger(config, { logger: false })).rejects.toThrow(
        `catalogue file ${join(dir, 'ntp-2026-2035.json')} is invalid:\n  programme.legalBasis[0].date: "18/01/2022" is not a calendar date YYYY-MM-DD`,
      );
    });

    it('refuses a LEDGER_CATALOGUE_DIR that is not a folder, naming the variable', () => {
      expect(() => loadConfig({ LEDGER_CATALOGUE_DIR: '/no/such/folder' })).toThrow(/catalogueDir: LEDGER_CATALOGUE_DIR "\/no\/such\/folder" does not exist/);
    });
  });
});

describe('GET /catalogue/units', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('gives both periods of a reused code', async () => {
    const res = await ledger.get('/catalogue/units?code=06298');
    expect(res.status).toBe(200);
    expect(res.body.units.map((u: any) => [u.nameVi, u.parent, u.from, u.to])).toEqual([
      ['Xã Bình Phúc', '184', null, '2025-06-30'],
      ['Xã Yên Phúc', '20', '2025-07-01', null],
    ]);
  });

  it("lists a district's communes on a day, paged", async () => {
    const res = await ledger.get('/catalogue/units?parent=184&date=2024-06-30&pageSize=5&page=4');
    expect(res.body).toMatchObject({ total: 17, page: 4, pageSize: 5 });
    expect(res.body.units).toHaveLength(2);
    expect((await ledger.get('/catalogue/units?parent=184&date=2025-02-01')).body.total).toBe(15);
  });

  it('finds units by name without accents, at a day and level', async () => {
    const res = await ledger.get(`/catalogue/units?name=${encodeURIComponent('van quan')}&date=2026-01-01&level=commune`);
    expect(res.body.units.map((u: any) => u.code)).toEqual(['06253']);
  });

  it('gives the best matches of a name first, each with the units above it, so a picker can show where it is', async () => {
    const res = await ledger.get(`/catalogue/units?name=${encodeURIComponent('Văn Quan')}&pageSize=3`);
    expect(res.body.units.map((u: any) => [u.code, u.nameVi, u.within.map((w: any) => w.nameVi).join(', ')])).toEqual([
      ['184', 'Huyện Văn Quan', 'Tỉnh Lạng Sơn'],
      ['06253', 'Thị trấn Văn Quan', 'Huyện Văn Quan, Tỉnh Lạng Sơn'],
      ['06253', 'Xã Văn Quan', 'Tỉnh Lạng Sơn'],
    ]);
    const onDay = await ledger.get('/catalogue/units?code=06298&date=2024-06-30');
    expect(onDay.body.units[0].within).toEqual([
      { code: '184', level: 'district', nameVi: 'Huyện Văn Quan' },
      { code: '20', level: 'province', nameVi: 'Tỉnh Lạng Sơn' },
    ]);
  });

  it('refuses a bad filter, naming it', async () => {
    const res = await ledger.get('/catalogue/units?level=huyen&date=2024-02-30&pageSize=5000');
    expect(res.status).toBe(400);
    expect(res.body.problems.map((p: any) => p.field).sort()).toEqual(['date', 'level', 'pageSize']);
  });
});

describe('importing a journal over HTTP that names an unknown unit in 30 entries', () => {
  it('answers 400 with one problem for the unit, and stores nothing', async () => {
    const ledger = await startTestLedger();
    try {
      const plans = Array.from(
        { length: 30 },
        (_, i) => `
  - id: plan-${i + 1}
    plan: { line: { component: DA5, source: NSTW, capitalType: SN }, amount: ${i + 1} triệu đồng, decision: QD-1, note: "lần ${i + 1}" }`,
      ).join('');
      const text = `journal: 1
id: bao-cao-huyen-khac
defaults: { programme: GNBV-2021-2025, unit: "1840", year: 2024 }
decisions:
  QD-1: { number: 1/QĐ-UBND, date: 2024-01-05, issuer: UBND huyện }
entries:${plans}
`;
      const digest = ledger.logDigest();
      const res = await ledger.post('/journal/import', text, { ...IMPORTER, 'content-type': 'application/yaml' });
      expect(res.status).toBe(400);
      expect(res.body.problems).toEqual([
        {
          field: 'unit',
          problem: expect.stringMatching(/^unknown administrative unit "1840"; nearest in 2024: 01840 Phường Đức Xuân .* — in 30 entries: plan-1 \(line 7\), .*, and 20 more$/),
        },
      ]);
      expect(ledger.logDigest()).toBe(digest);
    } finally {
      await ledger.close();
    }
  });
});
