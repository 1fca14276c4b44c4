/**
 * What a unit version is, and when it is in force. Pure and free of Node: the web app (web/src/units.ts) uses the
 * same shape and rule as the registry, so a picker "at 2024" lists exactly the units the ledger accepts for 2024.
 */

export type UnitLevel = 'province' | 'district' | 'commune';

/**
 * One administrative unit over one period: a code with its name, type, level and parent while they held.
 * A code has one version per period (a rename or a new parent starts another); periods of one code never
 * overlap. Dates are inclusive ISO days; `from: null` means "already in the first list we hold"
 * (2021-02-01), not a known start; `to: null` means still in force.
 */
export interface UnitVersion {
  readonly code: string;
  readonly level: UnitLevel;
  readonly nameVi: string;
  /** Xã, Phường, Thị trấn, Đặc khu, Huyện, Quận, Thị xã, Thành phố, Tỉnh, Thành phố Trung ương. */
  readonly type: string;
  readonly parent?: string;
  readonly from: string | null;
  readonly to: string | null;
  /** Which list it comes from: the 2021-2025 snapshots, the two-level list of 1/7/2025, or an extension. */
  readonly list: 'gso-2021-2025' | 'two-level-2025' | 'extension';
  /** For the snapshot list: the first and last snapshot that show this version (the evidence behind from/to). */
  readonly seen?: { readonly first: string; readonly last: string };
}

/** When a code is used: a budget year (2024: valid if the unit existed on any day of it) or a day ('2024-06-30'). */
export type UnitWhen = number | string;

/** Whether a period (inclusive days; null = open) covers a day, or any day of a year. */
export function inForce(v: { readonly from: string | null; readonly to: string | null }, when: UnitWhen): boolean {
  if (typeof when === 'number') {
    return (v.from === null || Number(v.from.slice(0, 4)) <= when) && (v.to === null || Number(v.to.slice(0, 4)) >= when);
  }
  return (v.from === null || v.from <= when) && (v.to === null || v.to >= when);
}
