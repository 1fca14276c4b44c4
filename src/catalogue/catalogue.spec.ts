import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidCommand } from '../shared/errors';
import { BUILT_IN_CATALOGUE_DIR, Catalogue } from './catalogue';
import { CatalogueFileInvalid, checkProgrammeFile } from './programme-file';

const GNBV_FILE = join(BUILT_IN_CATALOGUE_DIR, 'gnbv-2021-2025.json');
const NTP_FIXTURE = join(__dirname, '..', '..', 'test', 'fixtures', 'catalogues', 'ntp-2026-2035.json');
const gnbv = () => JSON.parse(readFileSync(GNBV_FILE, 'utf8')) as Record<string, any>;

function problemsOf(value: unknown): string[] {
  try {
    checkProgrammeFile(value, 'x.json');
  } catch (error) {
    if (error instanceof CatalogueFileInvalid) return error.problems.map((p) => `${p.field}: ${p.problem}`);
    throw error;
  }
  return [];
}

describe('programme catalogue files', () => {
  describe('the built-in 2021-2025 catalogue', () => {
    const catalogue = Catalogue.load();
    const programme = catalogue.programmes.get('GNBV-2021-2025');

    it('carries its legal basis and validity', () => {
      expect(programme).toMatchObject({
        legalBasis: [{ number: '90/QĐ-TTg', date: '2022-01-18', issuer: 'Thủ tướng Chính phủ' }],
        validFrom: '2021-01-01',
        validTo: '2025-12-31',
        firstYear: 2021,
        lastYear: 2025,
        version: 1,
      });
      expect([...catalogue.programmes.keys()]).toEqual(['GNBV-2021-2025']);
    });

    it('is one file with every list of the programme', () => {
      const lists = catalogue.programme('GNBV-2021-2025');
      expect([lists?.components.size, lists?.sources.size, lists?.capitalTypes.size]).toEqual([18, 6, 2]);
      expect(lists?.activityKinds.size).toBeGreaterThan(10);
      expect(lists?.indicators.has('houses-new')).toBe(true);
    });
  });

  describe('when a file is checked', () => {
    it('accepts the built-in file and the sample 2026-2035 file', () => {
      expect(problemsOf(gnbv())).toEqual([]);
      expect(problemsOf(JSON.parse(readFileSync(NTP_FIXTURE, 'utf8')))).toEqual([]);
    });

    it('names every bad field', () => {
      const bad = gnbv();
      delete bad.programme.legalBasis;
      bad.programme.validTo = '2025-02-30';
      bad.components[1].level = 'project-ish';
      bad.sources[0].extra = 1;
      bad.version = 0;
      expect(problemsOf(bad)).toEqual([
        'version: must not be less than 1',
        'programme.legalBasis: must name at least one document (number, date, issuer) that approves the programme',
        'programme.legalBasis: must be an array',
        'programme.validTo: "2025-02-30" is not a real date (no such day in the calendar)',
        'components[1].level: must be one of the following values: project, sub-project',
        'sources[0].extra: property extra should not exist',
      ]);
    });

    it('checks codes and references between the lists', () => {
      const bad = gnbv();
      bad.components.push({ code: 'DA5', level: 'project', nameVi: 'Trùng mã' });
      bad.components.push({ code: 'DA9.TDA1', parent: 'DA9', level: 'sub-project', nameVi: 'Không có dự án' });
      bad.activityKinds[0].components = ['DA1.TDA1', 'DA8'];
      bad.programme.validFrom = '2026-01-01';
      expect(problemsOf(bad)).toEqual([
        `components[${bad.components.length - 2}].code: "DA5" is also components[11]`,
        `components[${bad.components.length - 1}].parent: a sub-project names its project; "DA9" is not a component of this file`,
        'activityKinds[0].components[1]: "DA8" is not a component of this file',
        'programme.validTo: 2025-12-31 is before validFrom 2026-01-01',
      ]);
    });

    it('refuses what is not a programme catalogue', () => {
      expect(problemsOf([])).toEqual([': a catalogue file is a JSON object { catalogue, version, programme, components, ... }']);
      expect(problemsOf({ ...gnbv(), catalogue: 'units' })).toEqual(['catalogue: must be "programme" (this file describes one programme)']);
    });
  });

  describe('when a folder is loaded', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'ledger-catalogues-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('makes every programme of the folder usable, each with its own lists; units are shared', () => {
      copyFileSync(GNBV_FILE, join(dir, 'gnbv-2021-2025.json'));
      copyFileSync(NTP_FIXTURE, join(dir, 'ntp-2026-2035.json'));
      const catalogue = Catalogue.load(dir);
      expect([...catalogue.programmes.keys()]).toEqual(['GNBV-2021-2025', 'NTP-2026-2035']);
      expect(catalogue.requireComponent('c', 'ND1.1', 'NTP-2026-2035').nameVi).toMatch(/thử nghiệm/);
      expect(() => catalogue.requireComponent('c', 'DA5', 'NTP-2026-2035')).toThrow(new InvalidCommand([{ field: 'c', problem: 'unknown component "DA5"; valid: ND1, ND1.1, ND1.2, ND2' }]));
      expect(catalogue.requireComponent('c', 'DA5', 'GNBV-2021-2025').level).toBe('project');
      expect(catalogue.isLeafComponent('ND1', 'NTP-2026-2035')).toBe(false);
      expect(catalogue.requireUnit('u', '06253', 2026).nameVi).toBe('Xã Văn Quan');
    });

    it('stops with the file and its bad field when one file is bad', () => {
      copyFileSync(GNBV_FILE, join(dir, 'gnbv-2021-2025.json'));
      const ntp = JSON.parse(readFileSync(NTP_FIXTURE, 'utf8'));
      delete ntp.programme.validFrom;
      writeFileSync(join(dir, 'ntp.json'), JSON.stringify(ntp));
      expect(() => Catalogue.load(dir)).toThrow(`catalogue file ${join(dir, 'ntp.json')} is invalid:\n  programme.validFrom: must be a calendar date YYYY-MM-DD`);
      writeFileSync(join(dir, 'ntp.json'), '{ "catalogue": ');
      expect(() => Catalogue.load(dir)).toThrow(/catalogue file .*ntp\.json is invalid:\n {2}not readable JSON/);
    });

    it('refuses two versions of one programme in the folder, and a folder without catalogues', () => {
      expect(() => Catalogue.load(dir)).toThrow(`catalogue folder ${dir} has no programme catalogue (*.json)`);
      copyFileSync(GNBV_FILE, join(dir, 'a.json'));
      copyFileSync(GNBV_FILE, join(dir, 'b.json'));
      expect(() => Catalogue.load(dir)).toThrow(/programme GNBV-2021-2025 is in both .*a\.json and .*b\.json; keep one catalogue version per programme/);
    });
  });
});
