import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { finishBuild } from '../../src/cli/finish-build';

/**
 * The server as `npm start` runs it (compiled JavaScript, `node …/src/main.js`), for tests that start ledger
 * processes of their own. Compiled into dist/test-server (beside dist, so that the demo journals and node_modules
 * are found as from dist) when any of its sources is newer than the last compile; never touches dist itself,
 * which a running `npm start` may be serving. Returns the path of main.js.
 */
const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'dist', 'test-server');
const SOURCES = ['src', 'events', 'projections', 'tsconfig.json', 'package-lock.json'];

/** The newest modification time of a file or of anything under a folder (a folder's own: a file moved or deleted). */
export function newest(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f)))) : s.mtimeMs;
}

export function buildServerIfStale(): string {
  const main = join(OUT, 'src', 'main.js');
  if (existsSync(main) && Math.max(...SOURCES.map((p) => newest(join(ROOT, p)))) <= statSync(main).mtimeMs) return main;
  // From empty: a file whose source was moved or deleted must not stay behind and be loaded.
  rmSync(OUT, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', OUT], { cwd: ROOT, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`compiling the server failed (exit ${tsc.status}):\n${tsc.stdout}${tsc.stderr}`);
  finishBuild(ROOT, OUT);
  return main;
}
