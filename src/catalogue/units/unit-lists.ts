import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { UnitLevel, UnitVersion } from './unit-period';

export type { UnitLevel, UnitVersion };
export const UNIT_LEVELS: readonly UnitLevel[] = ['province', 'district', 'commune'];

/** Old unit → new unit of the 1 July 2025 reform: the whole old unit (`full`) or part of it (`partial`). */
export interface Succession {
  readonly oldCode: string;
  readonly oldLevel: UnitLevel;
  readonly newCode: string;
  readonly newLevel: UnitLevel;
  readonly kind: 'full' | 'partial';
}

/** The two-level local government starts on this day (Resolutions 202/2025/QH15, 203/2025/QH15). */
export const REFORM_DATE = '2025-07-01';
/** The last day of the three-level list. */
export const THREE_LEVEL_END = '2025-06-30';

/**
 * The legal basis of the 1 July 2025 reform, as the data's sources give it (data/units/README.md). The commune
 * resolutions are one per province; the succession file does not say which province each one covers.
 */
export const REFORM_LEGAL_BASIS: readonly { number: string; date?: string; issuer: string; title: string }[] = [
  { number: '202/2025/QH15', date: '2025-06-12', issuer: 'Quốc hội', title: 'Sắp xếp đơn vị hành chính cấp tỉnh năm 2025 (63 → 34 tỉnh, thành phố)' },
  { number: '203/2025/QH15', issuer: 'Quốc hội', title: 'Chính quyền địa phương hai cấp: không tổ chức cấp huyện (with Law 72/2025/QH15)' },
  { number: '1654/NQ-UBTVQH15 … 1687/NQ-UBTVQH15', issuer: 'Ủy ban Thường vụ Quốc hội', title: 'Sắp xếp các đơn vị hành chính cấp xã, one resolution per province' },
];

export const UNIT_DATA_DIR = join(__dirname, '..', 'data', 'units');
export const UNIT_FILES = {
  history: 'units-history-2021-2025.csv',
  twoLevel: 'units-from-2025-07-01.csv',
  succession: 'succession-2025-07-01.csv',
} as const;

export interface UnitLists {
  readonly versions: readonly UnitVersion[];
  readonly successions: readonly Succession[];
  /** The snapshot dates of the 2021-2025 list, in order. */
  readonly snapshots: readonly string[];
}

/** Reads the three CSV files of `dir` and derives every unit's periods (see data/units/README.md). */
export function readUnitLists(dir: string = UNIT_DATA_DIR): UnitLists {
  const history = readCsv(join(dir, UNIT_FILES.history), ['level', 'code', 'name', 'type', 'parent_code', 'first_seen', 'last_seen']);
  const twoLevel = readCsv(join(dir, UNIT_FILES.twoLevel), ['level', 'code', 'name', 'parent_code']);
  const succession = readCsv(join(dir, UNIT_FILES.succession), ['new_level', 'new_code', 'new_name', 'old_level', 'old_code', 'old_name', 'kind']);
  const { versions: old, snapshots } = historyVersions(history);
  const current = twoLevelVersions(twoLevel);
  const successions = succession.map(successionRow);
  return { versions: [...old, ...current], successions, snapshots };
}

/** A CSV row by column name, and `at`: "file.csv:12", where it comes from. */
type Row = Readonly<Record<string, string>>;

/** Plain CSV as the statistics-office lists come: no quoting; a row with the wrong number of fields is refused. */
export function readCsv(file: string, columns: readonly string[]): Row[] {
  const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0].split(',');
  if (header.join(',') !== columns.join(',')) throw new Error(`${file}: header must be ${columns.join(',')}; found ${lines[0]}`);
  const rows: Row[] = [];
  const name = basename(file);
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const fields = lines[i].split(',');
    if (fields.length !== columns.length) throw new Error(`${file}:${i + 1}: ${fields.length} fields, expected ${columns.length}`);
    const row: Record<string, string> = { at: `${name}:${i + 1}` };
    for (let j = 0; j < columns.length; j++) row[columns[j]] = fields[j].trim();
    rows.push(row);
  }
  return rows;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Code-point order (codes and ISO days sort the same in every locale; localeCompare is slow and locale-bound). */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** "2024-11-01" + n days, in the calendar. */
export function addDays(day: string, n: number): string {
  const t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

const CODE_LENGTH: Record<UnitLevel, number> = { province: 2, district: 3, commune: 5 };
const LEVEL_BY_LENGTH: Partial<Record<number, UnitLevel>> = { 2: 'province', 3: 'district', 5: 'commune' };
const DIGITS = /^\d+$/;

function checkCode(code: string, level: UnitLevel, at: string): void {
  if (code.length !== CODE_LENGTH[level] || !DIGITS.test(code)) {
    throw new Error(`${at}: code "${code}" of a ${level} must be ${CODE_LENGTH[level]} digits`);
  }
}

/**
 * Periods of the 2021-2025 snapshot list. A row says "this code had this name, type and parent in every
 * snapshot from first_seen to last_seen". Snapshots bound a change; they do not date it. So:
 * - from: null if first seen in the first snapshot; the day of first_seen if the same code was listed
 *   (under another name, type or parent) in the snapshot just before (a change of an existing unit: the old
 *   version keeps the days up to the snapshot that first shows the new one); otherwise the day after the
 *   previous snapshot (a new unit: the earliest day it may have existed);
 * - to: 2025-06-30 if still listed in the last snapshot (the three-level list ends with the reform);
 *   otherwise the day before the next snapshot (the last day it may have existed).
 * A code is thus valid on every day it may have existed: a real document is never refused on a guess; a
 * later catalogue version with the resolutions' own dates can narrow the windows.
 */
export function historyVersions(rows: readonly Row[]): { versions: UnitVersion[]; snapshots: string[] } {
  const snapshots = [...new Set(rows.flatMap((r) => [r.first_seen, r.last_seen]))].sort();
  for (const s of snapshots) if (!ISO_DAY.test(s)) throw new Error(`${UNIT_FILES.history}: "${s}" is not a date`);
  const index = new Map(snapshots.map((d, i) => [d, i]));
  // The day after each snapshot and the day before each (the bounds of the windows between snapshots).
  const after = snapshots.map((d) => addDays(d, 1));
  const before = snapshots.map((d) => addDays(d, -1));
  const byCode = new Map<string, Row[]>();
  for (const r of rows) {
    const list = byCode.get(r.code);
    if (list) list.push(r);
    else byCode.set(r.code, [r]);
  }
  const versions: UnitVersion[] = [];
  for (const [code, list] of byCode) {
    if (list.length > 1) list.sort((a, b) => compareText(a.first_seen, b.first_seen));
    list.forEach((r, j) => {
      const level = ({ '1': 'province', '2': 'district', '3': 'commune' } as const)[r.level as '1' | '2' | '3'];
      if (!level) throw new Error(`${r.at}: level "${r.level}" must be 1, 2 or 3`);
      checkCode(code, level, r.at);
      if (r.first_seen > r.last_seen) throw new Error(`${r.at}: first_seen ${r.first_seen} is after last_seen ${r.last_seen}`);
      const previous = list[j - 1];
      if (previous && previous.last_seen >= r.first_seen) throw new Error(`${r.at}: code ${code} is listed twice in snapshot ${r.first_seen}`);
      const first = index.get(r.first_seen) as number;
      const last = index.get(r.last_seen) as number;
      const from = first === 0 ? null : previous?.last_seen === snapshots[first - 1] ? r.first_seen : after[first - 1];
      const to = last === snapshots.length - 1 ? THREE_LEVEL_END : before[last + 1];
      versions.push({
        code,
        level,
        nameVi: r.name,
        type: r.type,
        ...(r.parent_code ? { parent: r.parent_code } : {}),
        from,
        to,
        list: 'gso-2021-2025',
        seen: { first: r.first_seen, last: r.last_seen },
      });
    });
  }
  return { versions, snapshots };
}

/** The two-level list has no type column: the name starts with it. */
const TWO_LEVEL_TYPES: Record<'1' | '2', readonly [prefix: string, type: string][]> = {
  '1': [
    ['Thành phố ', 'Thành phố Trung ương'],
    ['Tỉnh ', 'Tỉnh'],
  ],
  '2': [
    ['Phường ', 'Phường'],
    ['Xã ', 'Xã'],
    ['Đặc khu ', 'Đặc khu'],
  ],
};

/** Units of the two-level list: in force from 2025-07-01, no end. Level 2 is the commune level. */
export function twoLevelVersions(rows: readonly Row[]): UnitVersion[] {
  const seen = new Set<string>();
  return rows.map((r) => {
    if (r.level !== '1' && r.level !== '2') throw new Error(`${r.at}: level "${r.level}" must be 1 or 2`);
    const level: UnitLevel = r.level === '1' ? 'province' : 'commune';
    checkCode(r.code, level, r.at);
    if (seen.has(r.code)) throw new Error(`${r.at}: code ${r.code} is listed twice`);
    seen.add(r.code);
    const type = TWO_LEVEL_TYPES[r.level].find(([prefix]) => r.name.startsWith(prefix))?.[1];
    if (!type) throw new Error(`${r.at}: cannot tell the type of "${r.name}" from its name`);
    return {
      code: r.code,
      level,
      nameVi: r.name,
      type,
      ...(r.parent_code ? { parent: r.parent_code } : {}),
      from: REFORM_DATE,
      to: null,
      list: 'two-level-2025' as const,
    };
  });
}

/**
 * One row of the succession file. Its old level is read from the code's length (2 province, 3 district,
 * 5 commune): the file gives level 3 to the five island districts that had no communes (318 Bạch Long Vĩ,
 * 471 Cồn Cỏ, 498 Hoàng Sa, 536 Lý Sơn, 755 Côn Đảo), which are districts (3 digits).
 */
export function successionRow(r: Row): Succession {
  const at = r.at;
  const levelOf = (code: string): UnitLevel => {
    const level = LEVEL_BY_LENGTH[code.length];
    if (!level || !DIGITS.test(code)) throw new Error(`${at}: "${code}" is not a unit code`);
    return level;
  };
  if (r.kind !== 'full' && r.kind !== 'partial') throw new Error(`${at}: kind "${r.kind}" must be full or partial`);
  if (r.new_level !== '1' && r.new_level !== '2') throw new Error(`${at}: new_level "${r.new_level}" must be 1 or 2`);
  const newLevel: UnitLevel = r.new_level === '1' ? 'province' : 'commune';
  checkCode(r.new_code, newLevel, at);
  return { oldCode: r.old_code, oldLevel: levelOf(r.old_code), newCode: r.new_code, newLevel, kind: r.kind };
}
