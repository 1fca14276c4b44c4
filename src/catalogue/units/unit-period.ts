/**
 * When a unit version is in force. Pure and free of Node: the web app (web/src/units.ts) uses the same rule as the
 * registry, so a picker "at 2024" lists exactly the units the ledger accepts for 2024.
 */

/** When a code is used: a budget year (2024: valid if the unit existed on any day of it) or a day ('2024-06-30'). */
export type UnitWhen = number | string;

/** Whether a period (inclusive days; null = open) covers a day, or any day of a year. */
export function inForce(v: { readonly from: string | null; readonly to: string | null }, when: UnitWhen): boolean {
  if (typeof when === 'number') {
    return (v.from === null || Number(v.from.slice(0, 4)) <= when) && (v.to === null || Number(v.to.slice(0, 4)) >= when);
  }
  return (v.from === null || v.from <= when) && (v.to === null || v.to >= when);
}
