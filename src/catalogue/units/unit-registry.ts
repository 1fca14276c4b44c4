import { createHash } from 'node:crypto';
import { addDays, compareText, readUnitLists, REFORM_DATE, Succession, THREE_LEVEL_END, UNIT_LEVELS, UnitLevel, UnitLists, UnitVersion } from './unit-lists';
import { inForce, UnitWhen } from './unit-period';

export { inForce, type UnitWhen };

/** A unit added by hand beside the official lists (tests, synthetic benchmarks): valid at all times unless given a period. */
export interface UnitInput {
  readonly code: string;
  readonly level: UnitLevel;
  readonly nameVi: string;
  readonly type?: string;
  readonly parent?: string;
  readonly from?: string | null;
  readonly to?: string | null;
}

export interface UnitQuery {
  /** A code or the start of one ("062" lists 062xx). */
  readonly code?: string;
  /** Part of the name, accents and case ignored ("van quan"). */
  readonly name?: string;
  /** Only the versions in force on this day. */
  readonly date?: string;
  readonly parent?: string;
  readonly level?: UnitLevel;
  readonly page?: number;
  readonly pageSize?: number;
}

export interface UnitPage {
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly units: readonly UnitVersion[];
}

export interface UnitSuccessor {
  readonly unit: UnitVersion;
  /** full: the whole old unit went into it; partial: part of it (or, for a district, some of its communes). */
  readonly kind: 'full' | 'partial';
}

const yearStart = (year: number) => `${String(year).padStart(4, '0')}-01-01`;

/** Vietnamese name for comparison: no accents, đ → d, lower case, single spaces. */
export function foldName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Name without its type ("Huyện Văn Quan" → "van quan"), for matching a name written without it. */
function bareName(v: UnitVersion): string {
  const folded = foldName(v.nameVi);
  const type = foldName(v.type);
  return type && folded.startsWith(`${type} `) ? folded.slice(type.length + 1) : folded;
}

/**
 * Keystrokes between two codes of the same length: one per wrong digit, one per pair of swapped
 * neighbours ("148" → "184" is 1). No allocation: it runs over every code of a length.
 */
export function keystrokes(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
    d++;
    if (i + 1 < a.length && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i)) i++;
  }
  return d;
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

let builtIn: UnitRegistry | undefined;

/**
 * Every administrative unit of Vietnam from 2021 with its periods: the three-level list (province,
 * district, commune) until 30/6/2025 and the two-level list (province, commune) from 1/7/2025. A code
 * may name two units in two periods (a new commune often keeps the code of an old one): lookups take a
 * day or a year. Indexed by code and by parent; one instance per process for the built-in lists.
 */
export class UnitRegistry {
  private readonly byCode = new Map<string, UnitVersion[]>();
  private readonly byParent = new Map<string, UnitVersion[]>();
  private readonly successorRows = new Map<string, Succession[]>();
  private readonly predecessorRows = new Map<string, Succession[]>();
  private readonly folded = new Map<UnitVersion, string>();
  private print?: string;

  constructor(
    readonly versions: readonly UnitVersion[],
    readonly successions: readonly Succession[] = [],
    /** Snapshot dates of the 2021-2025 list; the first one is the earliest day the lists vouch for. */
    readonly snapshots: readonly string[] = [],
  ) {
    for (const v of versions) {
      push(this.byCode, v.code, v);
      if (v.parent !== undefined) push(this.byParent, v.parent, v);
    }
    for (const [code, list] of this.byCode) {
      if (list.length > 1) list.sort((a, b) => compareText(a.from ?? '', b.from ?? ''));
      for (let i = 1; i < list.length; i++) {
        const prev = list[i - 1];
        if (prev.to === null || (list[i].from !== null && (list[i].from as string) <= prev.to) || list[i].from === null) {
          throw new Error(`units: code ${code} has overlapping periods (${describePeriod(prev)} and ${describePeriod(list[i])})`);
        }
        if (list[i].level !== prev.level) throw new Error(`units: code ${code} is a ${prev.level} and a ${list[i].level}`);
      }
    }
    for (const s of successions) {
      push(this.successorRows, s.oldCode, s);
      push(this.predecessorRows, s.newCode, s);
    }
  }

  /**
   * What is inconsistent in the lists, [] when nothing: a parent that is not a unit on the first or last
   * day of its child's period, a succession between units not in force on 30/6/2025 and 1/7/2025. The
   * built-in lists are checked by their test, not at every start; hand-made extensions when they are added.
   */
  problems(versions: readonly UnitVersion[] = this.versions, successions: readonly Succession[] = this.successions): string[] {
    const out: string[] = [];
    for (const v of versions) {
      if (v.parent === undefined) continue;
      const days = [v.from, v.to].filter((d): d is string => d !== null);
      if (days.length === 0 && !this.has(v.parent)) out.push(`${v.code} (${v.nameVi}) has parent ${v.parent}, which is not a unit`);
      for (const day of days) {
        if (!this.at(v.parent, day)) out.push(`${v.code} (${v.nameVi}) has parent ${v.parent}, which is not a unit on ${day}`);
      }
    }
    for (const s of successions) {
      if (!this.at(s.oldCode, THREE_LEVEL_END)) out.push(`succession from ${s.oldCode}, which is not a unit on ${THREE_LEVEL_END}`);
      if (!this.at(s.newCode, REFORM_DATE)) out.push(`succession to ${s.newCode}, which is not a unit on ${REFORM_DATE}`);
    }
    return out;
  }

  /** The official lists in src/catalogue/data/units, read once per process. */
  static builtIn(): UnitRegistry {
    builtIn ??= UnitRegistry.fromLists(readUnitLists());
    return builtIn;
  }

  static fromLists(lists: UnitLists): UnitRegistry {
    return new UnitRegistry(lists.versions, lists.successions, lists.snapshots);
  }

  /** These units and more (hand-made extensions: valid at all times unless given a period). */
  withUnits(extra: readonly UnitInput[]): UnitRegistry {
    const added: UnitVersion[] = extra.map((u) => ({
      code: u.code,
      level: u.level,
      nameVi: u.nameVi,
      type: u.type ?? '',
      ...(u.parent !== undefined ? { parent: u.parent } : {}),
      from: u.from ?? null,
      to: u.to ?? null,
      list: 'extension',
    }));
    const registry = new UnitRegistry([...this.versions, ...added], this.successions, this.snapshots);
    const problems = registry.problems(added, []);
    if (problems.length > 0) throw new Error(`units: ${problems.join('; ')}`);
    return registry;
  }

  get size(): number {
    return this.versions.length;
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  /** Every period of a code, earliest first. */
  versionsOf(code: string): readonly UnitVersion[] {
    return this.byCode.get(code) ?? [];
  }

  /** A code's level (the same in every period: codes are 2, 3 or 5 digits by level). */
  levelOf(code: string): UnitLevel | undefined {
    return this.byCode.get(code)?.[0].level;
  }

  /** Which unit a code named on a day ("which unit is 06295 on 2024-06-30"). */
  at(code: string, day: string): UnitVersion | undefined {
    const list = this.byCode.get(code);
    if (!list) return undefined;
    for (const v of list) if (inForce(v, day)) return v;
    return undefined;
  }

  /** The versions of a code in force on a day or on any day of a year, earliest first. */
  during(code: string, when: UnitWhen): UnitVersion[] {
    return (this.byCode.get(code) ?? []).filter((v) => inForce(v, when));
  }

  /** A day inside both the version's period and `when` (the first such day), to evaluate its parents at. */
  private dayWithin(v: UnitVersion, when?: UnitWhen): string {
    const start = when === undefined ? null : typeof when === 'number' ? yearStart(when) : when;
    if (start !== null && (v.from === null || v.from <= start)) return start;
    return v.from ?? v.seen?.first ?? this.snapshots[0] ?? v.to ?? REFORM_DATE;
  }

  /** The unit and its parents on a day, nearest first: commune → district → province (commune → province from 1/7/2025). */
  chainAt(code: string, day: string): UnitVersion[] {
    const chain: UnitVersion[] = [];
    let v = this.at(code, day);
    while (v && chain.length < 4) {
      chain.push(v);
      v = v.parent === undefined ? undefined : (this.at(v.parent, day) ?? this.closest(v.parent, day));
    }
    return chain;
  }

  /** The version of a code nearest in time to a day (a parent whose window does not cover the child's day). */
  private closest(code: string, day: string): UnitVersion | undefined {
    const list = this.byCode.get(code) ?? [];
    return list.find((v) => v.to === null || v.to >= day) ?? list[list.length - 1];
  }

  /**
   * Codes above a unit, nearest first. With `when`: in the periods in force then (a year that spans the
   * reform gives the parents of both periods); without: in every period.
   */
  ancestors(code: string, when?: UnitWhen): string[] {
    const out: string[] = [];
    const versions = when === undefined ? this.versionsOf(code) : this.during(code, when);
    for (const v of versions) {
      for (const a of this.chainAt(code, this.dayWithin(v, when)).slice(1)) if (!out.includes(a.code)) out.push(a.code);
    }
    return out;
  }

  /** District and province of a unit: in its first period in force during `when`, else in its first period. */
  place(code: string, when?: UnitWhen): { district: string; province: string } {
    const versions = this.versionsOf(code);
    const v = (when === undefined ? undefined : versions.find((x) => inForce(x, when))) ?? versions[0];
    if (!v) return { district: '', province: '' };
    const chain = this.chainAt(code, this.dayWithin(v, when !== undefined && inForce(v, when) ? when : undefined));
    return {
      district: chain.find((u) => u.level === 'district')?.code ?? '',
      province: chain.find((u) => u.level === 'province')?.code ?? '',
    };
  }

  /** Units whose parent is `code` (on a day, if given). */
  children(code: string, day?: string): UnitVersion[] {
    return (this.byParent.get(code) ?? []).filter((v) => day === undefined || inForce(v, day));
  }

  /** Rows of the succession file from this old unit. */
  successionsFrom(code: string): readonly Succession[] {
    return this.successorRows.get(code) ?? [];
  }

  /** Rows of the succession file into this new unit. */
  successionsTo(code: string): readonly Succession[] {
    return this.predecessorRows.get(code) ?? [];
  }

  /**
   * The units of 1/7/2025 that took over an old unit: for a province or commune, its rows in the succession
   * file; for a district (the file has no district rows unless it had no communes), the new units that took
   * over its communes.
   */
  successors(code: string): UnitSuccessor[] {
    const rows = [...this.successionsFrom(code)];
    const old = this.at(code, THREE_LEVEL_END);
    if (rows.length === 0 && old?.level === 'district') {
      for (const c of this.children(code, THREE_LEVEL_END)) rows.push(...this.successionsFrom(c.code).map((s) => ({ ...s, kind: 'partial' as const })));
    }
    const out = new Map<string, UnitSuccessor>();
    for (const s of rows) {
      const unit = this.at(s.newCode, REFORM_DATE) as UnitVersion;
      const known = out.get(s.newCode);
      if (!known || (known.kind === 'partial' && s.kind === 'full')) out.set(s.newCode, { unit, kind: s.kind });
    }
    return [...out.values()];
  }

  /**
   * The units a decision may hand an ended unit's money to: the units of 1/7/2025 that took it over (or, for a
   * district, its communes) and the provinces those belong to. Provinces first, then the units, by code.
   */
  heirs(code: string): UnitVersion[] {
    const out = new Map<string, UnitVersion>();
    const units = this.successors(code).map((s) => s.unit);
    for (const u of units) {
      const province = u.level === 'province' ? u : u.parent === undefined ? undefined : this.at(u.parent, REFORM_DATE);
      if (province) out.set(province.code, province);
    }
    for (const u of units) out.set(u.code, u);
    return [...out.values()].sort((a, b) => (a.level === b.level ? compareText(a.code, b.code) : a.level === 'province' ? -1 : 1));
  }

  /**
   * Today's unit for a unit as recorded in a budget year (or on a day), for roll-ups "by today's unit": the unit
   * itself while it is in force; else the one unit that took it over. A unit split between several new units
   * (or a district, whose communes went several ways) has no single successor: `unit` is null and `successors`
   * lists them; its money is named to a successor only by a transfer decision. `province` is today's province
   * when it is one (the successors all lie in one province), else null.
   */
  today(code: string, when?: UnitWhen): { unit: string | null; province: string | null; successors: readonly UnitSuccessor[] } {
    const versions = this.versionsOf(code);
    const v = (when === undefined ? undefined : versions.find((x) => inForce(x, when))) ?? versions[0];
    if (!v) return { unit: null, province: null, successors: [] };
    if (v.to === null) return { unit: v.code, province: this.provinceOf(v), successors: [] };
    const successors = this.successors(code).filter((s) => s.unit.to === null);
    const provinces = new Set(successors.map((s) => this.provinceOf(s.unit)));
    if (successors.length === 0) {
      // Ended before the reform's lists (merged between snapshots, no succession row): its province then, as it is today.
      const then = this.place(code, when).province;
      const province = then === '' ? null : this.today(then, REFORM_DATE).province;
      return { unit: null, province, successors: [] };
    }
    return {
      unit: successors.length === 1 ? successors[0].unit.code : null,
      province: provinces.size === 1 ? ([...provinces][0] as string | null) : null,
      successors,
    };
  }

  private provinceOf(v: UnitVersion): string | null {
    if (v.level === 'province') return v.code;
    const chain = this.chainAt(v.code, v.from ?? this.dayWithin(v));
    return chain.find((u) => u.level === 'province')?.code ?? null;
  }

  /** How many units of each level were in force on a day. */
  countsAt(day: string): Record<UnitLevel, number> {
    const counts: Record<UnitLevel, number> = { province: 0, district: 0, commune: 0 };
    for (const v of this.versions) if (inForce(v, day)) counts[v.level]++;
    return counts;
  }

  /**
   * Versions matching every given filter, paged. Ordered by code then period; with a name, best matches first
   * (see nameRank), then provinces before districts before communes, so a search's first page holds what was meant.
   */
  search(q: UnitQuery): UnitPage {
    const name = q.name === undefined ? undefined : foldName(q.name);
    const rows = this.versions.filter(
      (v) =>
        (q.code === undefined || v.code.startsWith(q.code)) &&
        (q.level === undefined || v.level === q.level) &&
        (q.parent === undefined || v.parent === q.parent) &&
        (q.date === undefined || inForce(v, q.date)) &&
        (name === undefined || this.foldedName(v).includes(name)),
    );
    const byCode = (a: UnitVersion, b: UnitVersion) => compareText(a.code, b.code) || compareText(a.from ?? '', b.from ?? '');
    if (q.name === undefined || name === undefined) rows.sort(byCode);
    else {
      const typed = q.name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
      const rank = new Map(rows.map((v) => [v, nameRank(v, this.foldedName(v), name, typed)]));
      rows.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number) || UNIT_LEVELS.indexOf(a.level) - UNIT_LEVELS.indexOf(b.level) || byCode(a, b));
    }
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    return { total: rows.length, page, pageSize, units: rows.slice((page - 1) * pageSize, page * pageSize) };
  }

  /**
   * The units above a version while it held, nearest first: on `day` when the version was in force then, else on
   * its last day (its first, when it is still in force). "Xã Bình Phúc" → Huyện Văn Quan, Tỉnh Lạng Sơn.
   */
  within(v: UnitVersion, day?: string): UnitVersion[] {
    const on = day !== undefined && inForce(v, day) ? day : (v.to ?? v.from ?? REFORM_DATE);
    return this.chainAt(v.code, on).slice(1);
  }

  private foldedName(v: UnitVersion): string {
    let f = this.folded.get(v);
    if (f === undefined) {
      f = foldName(v.nameVi);
      this.folded.set(v, f);
    }
    return f;
  }

  /**
   * Up to `limit` units in force during `when` that the writer of `input` may have meant, best first:
   * - a known code used out of its period: after the reform, the units that took it over; before its
   *   start, the units it took over; then its neighbours under the same parent, nearest codes first;
   * - a code: the same digits with a lost leading zero ("6253" → 06253, "76" → 076), then codes of the same length
   *   one or two keystrokes away (a wrong digit, two swapped digits) or sharing all but their last two digits;
   * - a name: units whose name (accents and case ignored) is it, then those that contain it.
   */
  nearest(input: string, when?: UnitWhen, limit = 5): UnitVersion[] {
    const valid = (v: UnitVersion) => when === undefined || inForce(v, when);
    const out: UnitVersion[] = [];
    const add = (v: UnitVersion | undefined) => {
      if (v && valid(v) && v.code !== input && !out.some((o) => o.code === v.code) && out.length < limit) out.push(v);
    };
    const known = this.versionsOf(input);
    if (known.length > 0) {
      const start = when === undefined ? undefined : typeof when === 'number' ? yearStart(when) : when;
      if (start !== undefined && start >= REFORM_DATE) for (const s of this.successors(input)) add(s.unit);
      if (start !== undefined && start < REFORM_DATE) for (const s of this.successionsTo(input)) add(this.at(s.oldCode, THREE_LEVEL_END));
      for (const v of known) {
        if (v.parent === undefined) continue;
        const siblings = [...(this.byParent.get(v.parent) ?? [])].sort((a, b) => numericGap(a.code, input) - numericGap(b.code, input));
        for (const s of siblings) add(s);
      }
      return out;
    }
    if (/\d/.test(input)) {
      const digits = input.replace(/\D/g, '');
      // A code that lost its leading zeros is one digit short of a level's length: "76" → 076, "6253" → 06253.
      for (const v of this.versionsOf(`0${digits}`)) add(v);
      const scored: { v: UnitVersion; distance: number; prefix: number; gap: number }[] = [];
      for (const [code, versions] of this.byCode) {
        if (code.length !== input.length) continue;
        const distance = keystrokes(input, code);
        const prefix = sharedPrefix(input, code);
        if (distance > 2 && prefix < code.length - 2) continue;
        const v = versions.find(valid);
        if (v) scored.push({ v, distance, prefix, gap: numericGap(code, digits) });
      }
      scored.sort((a, b) => a.distance - b.distance || b.prefix - a.prefix || a.gap - b.gap);
      for (const s of scored) add(s.v);
      return out;
    }
    const text = foldName(input);
    const exact = input.trim().toLowerCase();
    const rank = (v: UnitVersion) =>
      v.nameVi.toLowerCase() === exact || v.nameVi.toLowerCase().endsWith(` ${exact}`) ? 0 : bareName(v) === text || this.foldedName(v) === text ? 1 : 2;
    const byName = this.versions
      .filter((v) => valid(v) && this.foldedName(v).includes(text))
      .sort((a, b) => rank(a) - rank(b) || a.nameVi.length - b.nameVi.length || compareText(a.code, b.code));
    for (const v of byName) add(v);
    return out;
  }

  /** "06253 Xã Văn Quan (Huyện Văn Quan)": a unit with its parent, as suggestions show it. */
  label(v: UnitVersion): string {
    const parent = v.parent === undefined ? undefined : this.at(v.parent, this.dayWithin(v)) ?? this.versionsOf(v.parent)[0];
    return `${v.code} ${v.nameVi}${parent ? ` (${parent.nameVi})` : ''}`;
  }

  /** The periods of a code, adjacent ones joined: "from before 2021-02-01 to 2025-06-30". */
  describePeriods(code: string): string {
    const spans: { from: string | null; to: string | null }[] = [];
    for (const v of this.versionsOf(code)) {
      const last = spans[spans.length - 1];
      if (last && last.to !== null && v.from !== null && addDays(last.to, 1) === v.from) last.to = v.to;
      else spans.push({ from: v.from, to: v.to });
    }
    const first = this.snapshots[0];
    return spans
      .map((s) => `from ${s.from ?? (first ? `before ${first}` : 'the start of the lists')} to ${s.to ?? 'now'}`)
      .join(', then ');
  }

  /** Identity of the unit trees (code, level, parent, period of every version): same fingerprint, same places. */
  get fingerprint(): string {
    this.print ??= createHash('sha256')
      .update(
        JSON.stringify(
          this.versions.map((v) => [v.code, v.level, v.parent ?? '', v.from ?? '', v.to ?? '']).sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1)),
        ),
      )
      .digest('hex');
    return this.print;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * How well a name matches a search, lower is better: the name without its type is the text (0), the name starts
 * with it (2), a word of it does (4), it contains it (6); one more when the accents as typed are not in the name
 * ("Văn Quan" puts Huyện Văn Quan before Xã Văn Quán).
 */
function nameRank(v: UnitVersion, folded: string, text: string, typed: string): number {
  const bare = bareName(v);
  const match = bare === text || folded === text ? 0 : bare.startsWith(text) || folded.startsWith(text) ? 1 : ` ${folded}`.includes(` ${text}`) ? 2 : 3;
  const accents = v.nameVi.normalize('NFC').toLowerCase().includes(typed) ? 0 : 1;
  return match * 2 + accents;
}

function numericGap(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isNaN(x) || Number.isNaN(y) ? Number.MAX_SAFE_INTEGER : Math.abs(x - y);
}

function describePeriod(v: UnitVersion): string {
  return `${v.from ?? '…'} – ${v.to ?? '…'}`;
}
