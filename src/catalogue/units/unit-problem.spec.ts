import { unitProblem, unitProblemCode } from './unit-problem';
import { UnitRegistry } from './unit-registry';

const units = UnitRegistry.builtIn();

describe('unitProblem: one sentence about a bad unit code', () => {
  it('says nothing about a unit in force at the time', () => {
    expect(unitProblem(units, '06295', 2024)).toBeNull();
    expect(unitProblem(units, '184', 2025)).toBeNull();
    expect(unitProblem(units, '06253', '2026-03-01')).toBeNull();
  });

  it('names an unknown code and at most five units near it, not the list of valid codes', () => {
    expect(unitProblem(units, '06299', 2024)).toBe(
      'unknown administrative unit "06299"; nearest in 2024: 06298 Xã Bình Phúc (Huyện Văn Quan), 06295 Xã Đồng Giáp (Huyện Văn Quan), ' +
        '06292 Xã Lương Năng (Huyện Văn Quan), 06199 Xã Thạch Đạn (Huyện Cao Lộc), 06499 Xã Lâm Sơn (Huyện Chi Lăng)',
    );
    expect(unitProblem(units, 'ABCDEFG', 2024)).toBe('unknown administrative unit "ABCDEFG"; no unit in 2024 has a similar code or name');
  });

  it('says when a unit used before it began existed, and names the units it took over', () => {
    // 11948 Đặc khu Bạch Long Vĩ (1/7/2025) took over the island district 318
    expect(unitProblem(units, '11948', '2024-06-30')).toMatch(
      /^administrative unit "11948" \(Đặc khu Bạch Long Vĩ\) did not exist on 2024-06-30: it existed from 2025-07-01 to now; nearest on 2024-06-30: 318 Huyện Bạch Long Vĩ \(Thành phố Hải Phòng\), /,
    );
  });

  it('says when a unit used after it ended existed, and names the units that took it over', () => {
    expect(unitProblem(units, '84', 2026)).toBe(
      'administrative unit "84" (Tỉnh Trà Vinh) did not exist in 2026: it existed from before 2021-02-01 to 2025-06-30; it went into (2025-07-01): 86 Tỉnh Vĩnh Long',
    );
  });

  it('is recognised by the code it is about, and nothing else is', () => {
    expect(unitProblemCode(unitProblem(units, '84', 2026) as string)).toBe('84');
    expect(unitProblemCode(unitProblem(units, '06299', 2024) as string)).toBe('06299');
    expect(unitProblemCode('unknown component "DA9"; valid: DA1')).toBeUndefined();
  });
});
