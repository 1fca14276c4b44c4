import { chmodSync, cpSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * What a build does after tsc (`npm run build`, and the tests' own compile in test/support/built-server.ts): the
 * catalogue's data files beside the compiled code, and the package's commands (package.json "bin") made executable.
 * tsc writes files without the execute bit, and `npx ledger …` runs the command's file itself: without the bit, a fresh
 * clone answered "Permission denied". `root`: the repository; `outDir`: where tsc wrote what package.json calls dist.
 */
export function finishBuild(root: string, outDir: string): void {
  cpSync(join(root, 'src', 'catalogue', 'data'), join(outDir, 'src', 'catalogue', 'data'), { recursive: true });
  const bins = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin?: Record<string, string> }).bin ?? {};
  for (const file of Object.values(bins)) chmodSync(join(outDir, relative('dist', file)), 0o755);
}

if (require.main === module) finishBuild(process.cwd(), join(process.cwd(), process.argv[2] ?? 'dist'));
