import { unitProblemCode } from '../catalogue/units/unit-problem';
import type { JournalProblem } from './journal.format';

/** Entries named in a grouped problem; the rest are counted. */
const MAX_NAMED_ENTRIES = 10;

/**
 * One problem per bad unit code, not one per entry. A journal that names an unknown unit in its defaults
 * or in 30 lines would otherwise repeat the same sentence 30 times and bury the other problems. Problems
 * about the same code with the same reason (an unknown code; or a code out of its period, per year or day:
 * "did not exist in 2026") become one file-level problem: the first sentence (code, reason, suggestions),
 * then the entries that use it. A code used by a single entry keeps its problem on that entry and field.
 * Every other problem passes unchanged, in its place.
 */
export function groupUnitProblems(problems: readonly JournalProblem[]): JournalProblem[] {
  const groups = new Map<string, JournalProblem[]>();
  const keyOf = (p: JournalProblem): string | undefined => {
    const code = unitProblemCode(p.problem);
    if (code === undefined) return undefined;
    // An unknown code is one problem whatever the year; a code out of its period, one per period asked.
    return p.problem.startsWith('unknown ') ? `unknown:${code}` : p.problem;
  };
  for (const p of problems) {
    const key = keyOf(p);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  const out: JournalProblem[] = [];
  const emitted = new Set<string>();
  for (const p of problems) {
    const key = keyOf(p);
    const group = key === undefined ? undefined : groups.get(key);
    const entries = group ? [...new Map(group.map((g) => [g.entry, g])).values()] : [];
    if (key === undefined || entries.length < 2) {
      out.push(p);
      continue;
    }
    if (emitted.has(key)) continue;
    emitted.add(key);
    const named = entries.slice(0, MAX_NAMED_ENTRIES).map((e) => `${e.id ?? `entries[${e.entry}]`}${e.line ? ` (line ${e.line})` : ''}`);
    const more = entries.length > MAX_NAMED_ENTRIES ? `, and ${entries.length - MAX_NAMED_ENTRIES} more` : '';
    out.push({ field: 'unit', problem: `${p.problem} — in ${entries.length} entries: ${named.join(', ')}${more}` });
  }
  return out;
}
