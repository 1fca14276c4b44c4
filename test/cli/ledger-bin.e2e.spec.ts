import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { buildServerIfStale } from '../support/built-server';

/**
 * `npx ledger …` as the README shows it: npm runs the file package.json names as the `ledger` command itself, not
 * through node. Here that file as the build leaves it (finishBuild, the same step as `npm run build`'s), run the same way.
 */
describe('the ledger command as npx runs it', () => {
  it('is executable as built and answers', () => {
    const bin = join(dirname(buildServerIfStale()), 'cli', 'ledger.js');
    const run = spawnSync(bin, ['red-flags', '--help'], { encoding: 'utf8' });
    expect(run.error?.message).toBeUndefined();
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('Usage: ledger red-flags');
  });
});
