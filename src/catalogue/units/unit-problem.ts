import { REFORM_DATE } from './unit-lists';
import { UnitRegistry, UnitWhen } from './unit-registry';

const MAX_SUGGESTIONS = 5;

const whenText = (when: UnitWhen) => (typeof when === 'number' ? `in ${when}` : `on ${when}`);

/**
 * What is wrong with using `code` at `when`, in one sentence a user can act on, or null when the code
 * names a unit in force then. Never the list of valid codes: at most five suggestions.
 *   unknown administrative unit "18A"; nearest in 2024: 184 Huyện Văn Quan (Tỉnh Lạng Sơn), …
 *   administrative unit "184" (Huyện Văn Quan) did not exist in 2026: it existed from before 2021-02-01
 *   to 2025-06-30; it went into (1/7/2025): 06253 Xã Văn Quan (Tỉnh Lạng Sơn), … (8 units in all)
 */
export function unitProblem(units: UnitRegistry, code: string, when: UnitWhen): string | null {
  if (units.during(code, when).length > 0) return null;
  const versions = units.versionsOf(code);
  const nearest = units.nearest(code, when, MAX_SUGGESTIONS);
  const list = nearest.map((v) => units.label(v)).join(', ');
  if (versions.length === 0) {
    return `unknown administrative unit "${code}"; ${nearest.length > 0 ? `nearest ${whenText(when)}: ${list}` : `no unit ${whenText(when)} has a similar code or name`}`;
  }
  const start = typeof when === 'number' ? `${when}-01-01` : when;
  const named = [...versions].reverse().find((v) => v.from === null || v.from <= start) ?? versions[0];
  const head = `administrative unit "${code}" (${named.nameVi}) did not exist ${whenText(when)}: it existed ${units.describePeriods(code)}`;
  const successors = start >= REFORM_DATE ? units.successors(code) : [];
  if (successors.length > 0) {
    const more = successors.length > MAX_SUGGESTIONS ? ` … (${successors.length} units in all)` : '';
    return `${head}; it went into (${REFORM_DATE}): ${successors.slice(0, MAX_SUGGESTIONS).map((s) => units.label(s.unit)).join(', ')}${more}`;
  }
  return `${head}; ${nearest.length > 0 ? `nearest ${whenText(when)}: ${list}` : `no unit ${whenText(when)} is near it`}`;
}

const UNIT_PROBLEM = /^(?:unknown administrative unit|administrative unit) "([^"]*)"/;

/** The code a problem written by unitProblem is about, or undefined for any other problem. */
export function unitProblemCode(problem: string): string | undefined {
  return UNIT_PROBLEM.exec(problem)?.[1];
}
