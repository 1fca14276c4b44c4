// @ts-check
'use strict';
/**
 * Lets a worker thread load the ledger's TypeScript sources when it runs from them rather than from the compiled
 * `dist/` (under ts-jest, which compiles only the main thread's modules). Each `.ts` file is compiled on load with
 * TypeScript's transpileModule (types are not checked: ts-jest and `npm run typecheck` do that), and the output is
 * kept on disk, in the system's temporary folder, by a hash of the source and the compiler's version, so that a
 * worker started again loads in milliseconds. From `dist/` this module is never loaded.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

let registered = false;

function registerSources() {
  if (registered) return;
  registered = true;
  /** @type {typeof import('typescript') | null} */
  let ts = null;
  const cacheDir = join(tmpdir(), 'gnbv-ledger-worker-sources');
  mkdirSync(cacheDir, { recursive: true });
  const version = require('typescript/package.json').version;
  require('pirates').addHook(
    (/** @type {string} */ code, /** @type {string} */ filename) => {
      const key = createHash('sha256').update(`${version}\0${filename}\0${code}`).digest('hex');
      const cached = join(cacheDir, `${key}.js`);
      try {
        return readFileSync(cached, 'utf8');
      } catch {
        // Not compiled yet: compile below.
      }
      ts ??= require('typescript');
      const output = ts.transpileModule(code, {
        fileName: filename,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          resolveJsonModule: true,
          useDefineForClassFields: true,
        },
      }).outputText;
      // Written aside, then renamed: a worker starting beside this one never reads half a file.
      const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(partial, output);
      renameSync(partial, cached);
      return output;
    },
    { exts: ['.ts'], ignoreNodeModules: true },
  );
  // `.ts` before `.json`, as ts-jest resolves: `red-flags/rules` is rules.ts, not the rules.json beside it. Node tries
  // the extensions in the order of this object's keys, so the others are moved after it.
  const extensions = /** @type {Record<string, unknown>} */ (/** @type {any} */ (require('node:module'))._extensions);
  for (const key of Object.keys(extensions)) {
    if (key === '.ts') continue;
    const handler = extensions[key];
    delete extensions[key];
    extensions[key] = handler;
  }
}

module.exports = { registerSources };
