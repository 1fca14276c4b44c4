// @ts-check
'use strict';
/**
 * Entry of the ledger's worker threads (see workers.ts): `workerData.module` names the module to run. From `dist/` it
 * loads the compiled module; run from the TypeScript sources (under ts-jest), it first lets the thread load them
 * (worker-sources.js).
 */
const { existsSync } = require('node:fs');
const { workerData } = require('node:worker_threads');

const { module: workerModule } = /** @type {{ module: string }} */ (workerData);
if (!existsSync(`${workerModule}.js`)) require('./worker-sources').registerSources();
require(workerModule);
