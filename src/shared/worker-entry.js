// @ts-check
'use strict';
/**
 * Entry of the ledger's worker threads (see workers.ts): `workerData.module` names the module to run. From `dist/` it
 * loads the compiled module; run from the TypeScript sources (under ts-jest), it first lets the thread load them
 * (worker-sources.js).
 */
const { existsSync, writeFileSync } = require('node:fs');
const { basename } = require('node:path');
const { workerData } = require('node:worker_threads');

const { module: workerModule } = /** @type {{ module: string }} */ (workerData);
// The thread's name as the system shows it (top -H, /proc/<pid>/task/<tid>/comm): "projection", "reader"... where the
// server's CPU goes, per thread (bench:append prints it). Linux only; elsewhere the name stays "node".
try {
  writeFileSync('/proc/thread-self/comm', basename(workerModule).replace(/-worker$/, '').slice(0, 15));
} catch {
  // not Linux
}
if (!existsSync(`${workerModule}.js`)) require('./worker-sources').registerSources();
require(workerModule);
