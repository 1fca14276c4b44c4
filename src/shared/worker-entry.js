// @ts-check
'use strict';
/**
 * Entry of the ledger's worker threads (see workers.ts): `workerData.module` names the module to run. From `dist/` it
 * loads the compiled module; run from the TypeScript sources (under ts-jest), it first lets the thread load them
 * (worker-sources.js).
 */
const { existsSync, readlinkSync, writeFileSync } = require('node:fs');
const { setPriority } = require('node:os');
const { basename } = require('node:path');
const { workerData } = require('node:worker_threads');

const { module: workerModule, nice } = /** @type {{ module: string, nice?: number }} */ (workerData);
// The thread's name as the system shows it (top -H, /proc/<pid>/task/<tid>/comm): "projection", "reader"... where the
// server's CPU goes, per thread (bench:append prints it). Linux only; elsewhere the name stays "node".
try {
  writeFileSync('/proc/thread-self/comm', basename(workerModule).replace(/-worker$/, '').slice(0, 15));
} catch {
  // not Linux
}
// Its nice value (workers.ts, BACKGROUND_NICE): on Linux a thread is a task of its own, named by its id in
// /proc/thread-self (`<pid>/task/<tid>`), whose priority setPriority sets. Elsewhere the thread runs as the others do.
if (nice !== undefined) {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), nice);
  } catch {
    // not Linux
  }
}
if (!existsSync(`${workerModule}.js`)) require('./worker-sources').registerSources();
require(workerModule);
