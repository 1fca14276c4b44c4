// @ts-check
'use strict';
/**
 * A lock between processes, taken on a file: an exclusive SQLite transaction held open on `lockFile`. SQLite's file
 * locks are the operating system's: they end with the process (or the thread's connection), even a killed one, so a
 * crash never leaves a stale lock. Who holds it is written to `infoFile` beside it, to be named to the next who asks.
 * Plain CommonJS: the SQLite store's writer thread (sqlite-writer.js) takes the log's writer lock with it, and a rebuild
 * its read models' (read-model-db.ts).
 */
const { readFileSync, writeFileSync } = require('node:fs');

/**
 * Takes the lock at once, or says who holds it (what they wrote to `infoFile`, null when nothing readable is there).
 * @param {string} lockFile
 * @param {string} infoFile
 * @param {Record<string, unknown>} info who takes it
 * @returns {{ held: true, release: () => void } | { held: false, holder: Record<string, any> | null }}
 */
function takeFileLock(lockFile, infoFile, info) {
  const Database = require('better-sqlite3');
  const lock = new Database(lockFile);
  try {
    lock.pragma('busy_timeout = 0');
    lock.exec('BEGIN EXCLUSIVE');
  } catch {
    lock.close();
    let holder = null;
    try {
      holder = JSON.parse(readFileSync(infoFile, 'utf8'));
    } catch {
      // Nothing readable beside the lock: the caller says what is known.
    }
    return { held: false, holder };
  }
  writeFileSync(infoFile, JSON.stringify(info));
  return {
    held: true,
    release: () => {
      if (lock.open) lock.close();
    },
  };
}

module.exports = { takeFileLock };
