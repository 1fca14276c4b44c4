// @ts-check
'use strict';
/**
 * Entry of a `ledger verify` thread (see verify-threads.ts). From `dist/` it loads the compiled worker; run from the
 * TypeScript sources (under ts-jest), it first lets the thread load them (shared/worker-sources.js).
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (!existsSync(join(__dirname, 'verify-worker.js'))) require('../shared/worker-sources').registerSources();
require('./verify-worker');
