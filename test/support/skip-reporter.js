// @ts-check
/**
 * A Jest reporter that says, at the end of plain `npm test`, which tests were skipped and why. The default
 * reporter only counts them ("5 skipped"); the reason, put in the suite's title by describeWhen
 * (test/support/skip.ts: "Title (skipped: reason)"), was visible only with --verbose or --json.
 * A test skipped without a reason is listed as such. Writes to stderr, like the default reporter, so that
 * `--json` output stays parseable.
 */
const { relative } = require('node:path');

const REASON = /\(skipped: (.+)\)$/;

class SkipReporter {
  /** @param {import('@jest/reporters').Config.GlobalConfig} globalConfig */
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  /** @param {Set<unknown>} _contexts @param {import('@jest/reporters').AggregatedResult} results */
  onRunComplete(_contexts, results) {
    /** @type {Map<string, { file: string, title: string, reason: string | null, tests: number }>} */
    const groups = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'skipped') continue;
        const path = relative(this.rootDir, file.testFilePath);
        const index = test.ancestorTitles.findIndex((t) => REASON.test(t));
        const title = index >= 0 ? test.ancestorTitles[index].replace(REASON, '').trim() : [...test.ancestorTitles, test.title].join(' › ');
        const reason = index >= 0 ? (REASON.exec(test.ancestorTitles[index]) ?? [])[1] ?? null : null;
        const key = `${path}\0${title}\0${reason}`;
        const group = groups.get(key) ?? { file: path, title, reason, tests: 0 };
        group.tests += 1;
        groups.set(key, group);
      }
    }
    if (groups.size === 0) return;
    const lines = ['', 'Skipped, and why:'];
    for (const g of groups.values()) {
      const count = `${g.tests} test${g.tests === 1 ? '' : 's'}`;
      lines.push(`  ${g.file}: ${g.title}, ${count}: ${g.reason ?? 'NO REASON GIVEN (use describeWhen from test/support/skip.ts)'}`);
    }
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}

module.exports = SkipReporter;
