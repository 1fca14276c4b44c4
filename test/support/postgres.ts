import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describeWhen } from './skip';
import { redact, runStatement as sql, withDatabase } from '../../src/store/postgres/connection';

/**
 * The PostgreSQL server of the tests: DATABASE_URL, probed once per suite file. Without it (or when it does not
 * answer) the PostgreSQL suites are skipped and say why; with LEDGER_REQUIRE_POSTGRES=1 (CI: .ci/run) they
 * fail instead, so that CI can never pass by skipping them.
 */
export interface PostgresForTests {
  /** The connection string, when the server answered. */
  readonly url?: string;
  /** Why the PostgreSQL suites are skipped, when they are. */
  readonly skipReason?: string;
}

export const postgres: PostgresForTests = probe();

/**
 * A suite that needs the PostgreSQL server: it runs when DATABASE_URL answers, else it is skipped and
 * test/support/skip-reporter.js prints why at the end of `npm test`.
 */
export function describeWithPostgres(title: string, fn: () => void): void {
  describeWhen(postgres.url, postgres.skipReason ?? '', title, fn);
}

function probe(): PostgresForTests {
  const url = process.env.DATABASE_URL;
  const required = process.env.LEDGER_REQUIRE_POSTGRES === '1';
  let skipReason: string;
  if (!url) {
    skipReason = 'DATABASE_URL is not set (start a server with .ci/postgres, see the README "Running against PostgreSQL")';
  } else {
    // Jest collects suites synchronously: the probe runs in a child process, bounded in time.
    const script =
      "const { Client } = require('pg');" +
      'const c = new Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5000 });' +
      "c.connect().then(() => c.query('SELECT 1')).then(() => c.end(), (e) => { console.error(e.message || e.code || String(e)); process.exit(1); });";
    const run = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 15_000 });
    if (run.status === 0) return { url };
    const why = (run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n')[0];
    skipReason = `PostgreSQL at DATABASE_URL=${redact(url)} does not answer: ${why}`;
  }
  if (required) throw new Error(`LEDGER_REQUIRE_POSTGRES=1 but ${skipReason}`);
  return { skipReason };
}

/** A fresh, uniquely named schema for one suite, dropped with everything in it by `drop`. */
export async function createTestSchema(url: string, prefix = 'ledger_test'): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = uniqueName(prefix);
  await sql(url, `CREATE SCHEMA "${schema}"`);
  return { schema, drop: async () => void (await sql(url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`)) };
}

/**
 * A fresh, uniquely named database on the same server, for what runs on DATABASE_URL as given (the ledger's
 * tables in the public schema): its connection string, and `drop`. The role needs CREATEDB (.ci/postgres grants it).
 */
export async function createTestDatabase(url: string, prefix = 'ledger_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName(prefix);
  await sql(url, `CREATE DATABASE "${name}"`);
  return { url: withDatabase(url, name), drop: () => dropDatabase(url, name) };
}

/**
 * DROP DATABASE … WITH (FORCE) ends the sessions still on the database, after checking that it may end every one of
 * them. An autovacuum worker on it has no role, and a role that is neither a superuser nor a member of
 * pg_signal_backend may not end it: the drop fails with insufficient_privilege (42501) while the worker runs, which
 * is for a moment (a CI run met it once). Tried again until it is gone, for at most 30 s.
 */
async function dropDatabase(url: string, name: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      await sql(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== '42501' || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}
