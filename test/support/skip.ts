/**
 * A suite that needs something this machine may not have (a KurrentDB node, a PostgreSQL server): it runs when
 * `condition` holds, else it is skipped with `reason` in its title, and test/support/skip-reporter.js prints the
 * reason at the end of plain `npm test`. Never a silent pass, never a bare describe.skip.
 */
export function describeWhen(condition: unknown, reason: string, title: string, fn: () => void): void {
  if (condition) describe(title, fn);
  else describe.skip(skippedTitle(title, reason), fn); // skipped only for the caller's `reason` (a server this machine lacks), which the title carries to skip-reporter.js
}

/** The title of a suite skipped for a reason; skip-reporter.js reads the reason back with the same pattern. */
export function skippedTitle(title: string, reason: string): string {
  return `${title} (skipped: ${reason})`;
}
