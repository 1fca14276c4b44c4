import { join } from 'node:path';
import { historyVersions, readCsv, UNIT_DATA_DIR, UNIT_FILES } from './unit-lists';
import { UnitRegistry } from './unit-registry';

const units = UnitRegistry.builtIn();
const codes = (list: readonly { code: string }[]) => list.map((u) => u.code);

describe('the unit registry (official lists 2021 → 1/7/2025 → now)', () => {
  describe('when the lists are loaded', () => {
    it('has every snapshot of 2021-2025 exactly: the units in force on a snapshot day are the units it lists', () => {
      const rows = readCsv(join(UNIT_DATA_DIR, UNIT_FILES.history), ['level', 'code', 'name', 'type', 'parent_code', 'first_seen', 'last_seen']);
      expect(units.snapshots).toHaveLength(11);
      for (const day of units.snapshots) {
        const listed = rows.filter((r) => r.first_seen <= day && day <= r.last_seen);
        const expected = {
          province: listed.filter((r) => r.level === '1').length,
          district: listed.filter((r) => r.level === '2').length,
          commune: listed.filter((r) => r.level === '3').length,
        };
        expect({ day, ...units.countsAt(day) }).toEqual({ day, ...expected });
      }
    });

    it('counts 705 districts and 10,603 communes in 2021, 696 and 10,047 on 1/3/2025, 34 provinces and 3,321 communes from 1/7/2025', () => {
      expect(units.countsAt('2021-02-01')).toEqual({ province: 63, district: 705, commune: 10_603 });
      expect(units.countsAt('2025-03-01')).toEqual({ province: 63, district: 696, commune: 10_047 });
      expect(units.countsAt('2025-06-30')).toEqual({ province: 63, district: 696, commune: 10_047 });
      expect(units.countsAt('2025-07-01')).toEqual({ province: 34, district: 0, commune: 3_321 });
      expect(units.countsAt('2030-01-01')).toEqual({ province: 34, district: 0, commune: 3_321 });
    });

    it('is consistent: every parent is a unit on the first and last day of its child, every succession joins units of 30/6 and 1/7/2025', () => {
      expect(units.problems()).toEqual([]);
      expect(units.successions).toHaveLength(10_667);
    });

    it('reads the five island districts without communes as districts in the succession file', () => {
      for (const code of ['318', '471', '498', '536', '755']) {
        expect(units.successionsFrom(code).map((s) => s.oldLevel)).toEqual(['district']);
        expect(units.levelOf(code)).toBe('district');
      }
    });
  });

  describe('when a unit existed only part of the time', () => {
    it('keeps a commune merged at the end of 2024 valid up to the day before the next snapshot', () => {
      // 06295 Xã Đồng Giáp (Văn Quan): last listed on 2024-11-01, absent on 2025-01-01
      expect(units.at('06295', '2024-06-30')).toMatchObject({ nameVi: 'Xã Đồng Giáp', parent: '184', from: null, to: '2024-12-31' });
      expect(units.at('06295', '2024-12-31')?.code).toBe('06295');
      expect(units.at('06295', '2025-01-01')).toBeUndefined();
      expect(units.during('06295', 2024)).toHaveLength(1);
      expect(units.during('06295', 2025)).toEqual([]);
    });

    it('starts a new unit on the day after the snapshot before the one that first lists it', () => {
      // 224 Thị xã Chũ (Bắc Giang): first listed on 2025-01-01; the snapshot before is 2024-11-01
      expect(units.versionsOf('224')).toEqual([
        expect.objectContaining({ from: '2024-11-02', to: '2025-06-30', seen: { first: '2025-01-01', last: '2025-03-01' } }),
      ]);
    });

    it('splits a renamed unit at the snapshot that first shows the new name', () => {
      // 123: Huyện Mộc Châu until the 2025-01-01 snapshot, Thị xã Mộc Châu from the 2025-03-01 one
      expect(units.at('123', '2025-02-28')?.nameVi).toBe('Huyện Mộc Châu');
      expect(units.at('123', '2025-03-01')?.nameVi).toBe('Thị xã Mộc Châu');
      expect(units.describePeriods('123')).toBe('from before 2021-02-01 to 2025-06-30');
    });

    it('ends every unit of the three-level list on 30/6/2025; a reused code names the new unit from 1/7/2025', () => {
      expect(units.at('184', '2025-06-30')?.nameVi).toBe('Huyện Văn Quan');
      expect(units.at('184', '2025-07-01')).toBeUndefined();
      expect(units.at('06298', '2025-06-30')).toMatchObject({ nameVi: 'Xã Bình Phúc', parent: '184', level: 'commune' });
      expect(units.at('06298', '2025-07-01')).toMatchObject({ nameVi: 'Xã Yên Phúc', parent: '20', level: 'commune', type: 'Xã', to: null });
      expect(units.during('06298', 2025).map((v) => v.nameVi)).toEqual(['Xã Bình Phúc', 'Xã Yên Phúc']);
    });
  });

  describe('when asked for the tree at a date', () => {
    it('climbs commune → district → province before the reform and commune → province after it', () => {
      expect(codes(units.chainAt('06253', '2024-06-30'))).toEqual(['06253', '184', '20']);
      expect(codes(units.chainAt('06253', '2026-01-01'))).toEqual(['06253', '20']);
      expect(codes(units.chainAt('29461', '2026-01-01'))).toEqual(['29461', '86']);
    });

    it('places a reused code by its first period in force in the budget year', () => {
      expect(units.place('06253', 2024)).toEqual({ district: '184', province: '20' });
      expect(units.place('06253', 2025)).toEqual({ district: '184', province: '20' });
      expect(units.place('06253', 2026)).toEqual({ district: '', province: '20' });
      expect(units.place('184')).toEqual({ district: '184', province: '20' });
      expect(units.place('no-such-unit')).toEqual({ district: '', province: '' });
    });

    it('gives the ancestors of every period in force in a year that spans the reform', () => {
      expect(units.ancestors('06253', 2024)).toEqual(['184', '20']);
      expect(units.ancestors('06253', 2026)).toEqual(['20']);
      expect(units.ancestors('29461', 2025)).toEqual(['849', '84', '86']);
    });

    it("lists a district's communes on a day: Văn Quan's 17 in 2024, 15 after two were merged", () => {
      expect(units.children('184', '2024-06-30')).toHaveLength(17);
      expect(codes(units.children('184', '2025-01-15'))).not.toEqual(expect.arrayContaining(['06295']));
      expect(units.children('184', '2025-01-15')).toHaveLength(15);
      expect(units.children('184', '2025-07-01')).toEqual([]);
    });
  });

  describe('when asked who took over a unit on 1/7/2025', () => {
    it('reads a province or commune from the succession file', () => {
      expect(units.successors('84').map((s) => [s.unit.code, s.unit.nameVi, s.kind])).toEqual([['86', 'Tỉnh Vĩnh Long', 'full']]);
      expect(units.successors('06253').map((s) => [s.unit.code, s.kind])).toEqual([['06253', 'full']]);
      expect(units.successionsTo('06316').map((s) => s.oldCode)).toEqual(expect.arrayContaining(['06307']));
    });

    it('derives a district from the units that took over its communes', () => {
      expect(units.successors('184').map((s) => s.unit.code).sort()).toEqual(['06253', '06280', '06286', '06298', '06313', '06316']);
      expect(units.successors('184').every((s) => s.unit.parent === '20')).toBe(true);
    });
  });

  describe('when a code is wrong', () => {
    it('suggests the code with its lost leading zero', () => {
      expect(codes(units.nearest('6253', 2024))).toEqual(['06253']);
      expect(codes(units.nearest('76', 2024))[0]).toBe('076');
    });

    it('suggests codes one keystroke away, nearest first, in force at the time', () => {
      expect(codes(units.nearest('06299', 2024))).toEqual(['06298', '06295', '06292', '06199', '06499']);
      expect(codes(units.nearest('06299', 2025))).not.toContain('06295');
      expect(units.nearest('06299', '2024-06-30', 3)).toHaveLength(3);
    });

    it('suggests, for a district named after the reform, the units that took it over', () => {
      expect(codes(units.nearest('184', 2026)).sort()).toEqual(['06253', '06280', '06286', '06298', '06313']);
    });

    it('suggests units by name, accents and case ignored, the exact name first', () => {
      expect(codes(units.nearest('Văn Quan', 2024)).slice(0, 2)).toEqual(['184', '06253']);
      expect(codes(units.nearest('van quan', '2026-01-01'))).toContain('06253');
    });
  });

  describe('when searched', () => {
    it('filters by name, day, parent and level, and pages', () => {
      expect(codes(units.search({ name: 'văn quan', date: '2024-06-30' }).units)).toEqual(expect.arrayContaining(['184', '06253']));
      const communes = units.search({ parent: '184', date: '2024-06-30', level: 'commune', pageSize: 10 });
      expect(communes.total).toBe(17);
      expect(communes.units).toHaveLength(10);
      expect(units.search({ parent: '184', date: '2024-06-30', page: 2, pageSize: 10 }).units).toHaveLength(7);
      expect(units.search({ code: '06298' }).units.map((v) => v.nameVi)).toEqual(['Xã Bình Phúc', 'Xã Yên Phúc']);
    });

    it('puts the best matches of a name first: the name itself, accents as typed, then the higher level', () => {
      const found = (name: string) => units.search({ name, pageSize: 5 }).units.map((v) => `${v.code} ${v.nameVi}`);
      expect(found('Văn Quan')).toEqual(['184 Huyện Văn Quan', '06253 Thị trấn Văn Quan', '06253 Xã Văn Quan', '08845 Xã Văn Quán', '09542 Phường Văn Quán']);
      // Without accents every one matches as well: the higher level, then the code, decide.
      expect(found('van quan')).toEqual(['184 Huyện Văn Quan', '06253 Thị trấn Văn Quan', '06253 Xã Văn Quan', '08845 Xã Văn Quán', '09542 Phường Văn Quán']);
      // The province whose name is the text comes before the hundreds of units that merely contain it.
      const lang = units.search({ name: 'lang son', pageSize: 3 });
      expect(lang.total).toBeGreaterThan(3);
      expect(lang.units.map((v) => [v.code, v.nameVi, v.from])).toEqual([
        ['20', 'Tỉnh Lạng Sơn', null],
        ['20', 'Tỉnh Lạng Sơn', '2025-07-01'],
        ['178', 'Thành phố Lạng Sơn', null],
      ]);
    });

    it('names the units above a version while it held, or on a given day', () => {
      const [old, current] = units.versionsOf('06298');
      expect(units.within(old).map((u) => u.nameVi)).toEqual(['Huyện Văn Quan', 'Tỉnh Lạng Sơn']);
      expect(units.within(current).map((u) => u.nameVi)).toEqual(['Tỉnh Lạng Sơn']);
      expect(units.within(old, '2024-06-30').map((u) => u.code)).toEqual(['184', '20']);
      expect(units.within(units.versionsOf('20')[0])).toEqual([]);
    });
  });

  describe('when units are added by hand', () => {
    it('refuses one whose parent is not a unit', () => {
      expect(() => units.withUnits([{ code: 'X1', level: 'commune', nameVi: 'Xã X', parent: 'nowhere' }])).toThrow(/X1 \(Xã X\) has parent nowhere, which is not a unit/);
    });

    it('refuses two periods of one code that overlap', () => {
      expect(() => units.withUnits([{ code: '184', level: 'district', nameVi: 'Huyện Văn Quan bis', from: '2024-01-01', to: '2024-12-31' }])).toThrow(
        /code 184 has overlapping periods/,
      );
    });
  });
});

describe('periods derived from snapshots (historyVersions)', () => {
  const row = (code: string, first: string, last: string, extra: Record<string, string> = {}) => ({
    at: 'test.csv:1',
    level: '3',
    code,
    name: `Xã ${code}`,
    type: 'Xã',
    parent_code: '001',
    first_seen: first,
    last_seen: last,
    ...extra,
  });
  // Snapshots of this little list: 2021-02-01, 2022-01-01, 2023-01-01
  const { versions, snapshots } = historyVersions([
    row('00001', '2021-02-01', '2023-01-01'),
    row('00002', '2021-02-01', '2021-02-01'),
    row('00003', '2022-01-01', '2023-01-01'),
    row('00004', '2021-02-01', '2021-02-01'),
    row('00004', '2022-01-01', '2023-01-01', { name: 'Phường 00004', type: 'Phường' }),
  ]);
  const period = (code: string) => versions.filter((v) => v.code === code).map((v) => [v.from, v.to]);

  it('takes the snapshot days from the rows', () => {
    expect(snapshots).toEqual(['2021-02-01', '2022-01-01', '2023-01-01']);
  });

  it('opens the start of a unit of the first snapshot and ends one of the last snapshot on 30/6/2025', () => {
    expect(period('00001')).toEqual([[null, '2025-06-30']]);
  });

  it('ends a unit that disappears on the day before the next snapshot', () => {
    expect(period('00002')).toEqual([[null, '2021-12-31']]);
  });

  it('starts a new unit on the day after the previous snapshot', () => {
    expect(period('00003')).toEqual([['2021-02-02', '2025-06-30']]);
  });

  it('starts the new version of a changed unit on the snapshot that first shows it', () => {
    expect(period('00004')).toEqual([
      [null, '2021-12-31'],
      ['2022-01-01', '2025-06-30'],
    ]);
  });

  it('refuses a code listed twice in one snapshot', () => {
    expect(() => historyVersions([row('00005', '2021-02-01', '2022-01-01'), row('00005', '2022-01-01', '2023-01-01')])).toThrow(
      /code 00005 is listed twice in snapshot 2022-01-01/,
    );
  });
});
