/**
 * The PostgreSQL part of `npm run bench:rebuild -- <events> --store postgres` (DATABASE_URL): the same synthetic
 * log copied into a fresh database, then the same two figures as on SQLite — the raw ordered read + JSON.parse
 * ceiling, and a full projection rebuild from the PostgreSQL store into a fresh read-model file, then into read models
 * in the same database (LEDGER_READ_MODELS=postgres) — printed beside SQLite's. The database is dropped afterwards.
 */
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectionContext } from '../projections/shared/context';
import { ReadModelDb } from '../src/projections/read-model-db';
import { rebuildReadModels } from '../src/projections/rebuild';
import { redact, runStatement, withDatabase } from '../src/store/postgres/connection';
import { PostgresEventStore } from '../src/store/postgres/postgres-event-store';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
const fmt = (n: number) => n.toLocaleString('en-US');
const COPY_BATCH = 5_000;
const READ_PAGE = 10_000;

export interface SqliteFigures {
  readonly rawRate: number;
  readonly rebuildRate: number;
}

export async function benchRebuildOnPostgres(logFile: string, dir: string, ctx: ProjectionContext, sqlite: SqliteFigures): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('--store postgres needs DATABASE_URL (export DATABASE_URL="$(.ci/postgres)")');
  const name = `bench_rebuild_${process.pid}_${randomBytes(3).toString('hex')}`;
  await runStatement(url, `CREATE DATABASE "${name}"`);
  const dbUrl = withDatabase(url, name);
  console.log(`\nPostgreSQL (${redact(dbUrl)}):`);
  try {
    // The store creates its tables; the events are then copied as stored (the rebuild reads events, not leaves).
    const store = await PostgresEventStore.connect({ connectionString: dbUrl });
    try {
      const copied = await copyLog(logFile, dbUrl);
      const rawRate = await rawRead(dbUrl);
      const rmFile = join(dir, `read-models-pg-${copied}.db`);
      for (const f of readdirSync(dir)) if (f.startsWith(`read-models-pg-${copied}.db`)) rmSync(join(dir, f), { force: true });
      const readModels = ReadModelDb.open(rmFile);
      const result = await rebuildReadModels(store, readModels, ctx);
      const rebuildRate = rate(result.events, result.milliseconds);
      console.log(
        `full projection rebuild: ${fmt(result.events)} events in ${(result.milliseconds / 1000).toFixed(2)} s = ${fmt(rebuildRate)} events/s = ${(rebuildRate / rawRate).toFixed(2)} × PostgreSQL's raw read  (rss ${mb(process.memoryUsage().rss)}, read models ${mb(readModels.generationBytes(result.generation))})`,
      );
      readModels.close();
      for (const f of readdirSync(dir)) if (f.startsWith(`read-models-pg-${copied}.db`)) rmSync(join(dir, f), { force: true });
      // The read models in the same database (LEDGER_READ_MODELS=postgres), as a PostgreSQL ledger keeps them.
      const inDatabase = ReadModelDb.open(dbUrl);
      const intoPg = await rebuildReadModels(store, inDatabase, ctx);
      const intoPgRate = rate(intoPg.events, intoPg.milliseconds);
      console.log(
        `rebuild into PostgreSQL's read models: ${fmt(intoPg.events)} events in ${(intoPg.milliseconds / 1000).toFixed(2)} s = ${fmt(intoPgRate)} events/s = ${(intoPgRate / rawRate).toFixed(2)} × PostgreSQL's raw read  (rss ${mb(process.memoryUsage().rss)}, read models ${mb(inDatabase.generationBytes(intoPg.generation))})`,
      );
      inDatabase.close();
      console.log('\n                        SQLite          PostgreSQL      PostgreSQL ÷ SQLite');
      console.log(`raw read + parse        ${fmt(sqlite.rawRate).padStart(9)} ev/s  ${fmt(rawRate).padStart(9)} ev/s  ${(rawRate / sqlite.rawRate).toFixed(2)}`);
      console.log(`projection rebuild      ${fmt(sqlite.rebuildRate).padStart(9)} ev/s  ${fmt(rebuildRate).padStart(9)} ev/s  ${(rebuildRate / sqlite.rebuildRate).toFixed(2)}`);
      console.log(`  read models in PG                     ${fmt(intoPgRate).padStart(9)} ev/s  ${(intoPgRate / sqlite.rebuildRate).toFixed(2)}`);
    } finally {
      await store.close();
    }
  } finally {
    await runStatement(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

/** Copies every event of the SQLite log, in position order, with multi-row INSERTs of COPY_BATCH events. */
async function copyLog(logFile: string, dbUrl: string): Promise<number> {
  const source = new Database(logFile, { readonly: true });
  const client = new Client({ connectionString: dbUrl });
  await client.connect();
  const started = performance.now();
  let n = 0;
  try {
    const rows = source.prepare('SELECT position, stream, revision, event_id, type, version, data, metadata FROM events ORDER BY position').raw(true);
    let batch: unknown[][] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const columns = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => batch.map((r) => r[i]));
      await client.query(
        `INSERT INTO events (position, stream, revision, event_id, type, version, data, metadata)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::json[], $8::json[])`,
        columns,
      );
      n += batch.length;
      batch = [];
    };
    await client.query('BEGIN');
    for (const row of rows.iterate() as IterableIterator<unknown[]>) {
      batch.push(row);
      if (batch.length === COPY_BATCH) await flush();
    }
    await flush();
    await client.query('UPDATE log_head SET position = (SELECT coalesce(max(position), 0) FROM events)');
    await client.query('COMMIT');
    await client.query('ANALYZE events');
  } finally {
    source.close();
    await client.end();
  }
  const ms = performance.now() - started;
  console.log(`copied the log: ${fmt(n)} events in ${(ms / 1000).toFixed(2)} s`);
  return n;
}

/** The ceiling: every event in position order (keyset pages) and JSON.parse of its data and metadata. Best of two passes. */
async function rawRead(dbUrl: string): Promise<number> {
  const client = new Client({ connectionString: dbUrl });
  await client.connect();
  let best = 0;
  try {
    for (let pass = 1; pass <= 2; pass++) {
      const started = performance.now();
      let n = 0;
      let check = 0;
      for (let after = 0; ; ) {
        const page = await client.query<{ position: string; data: string; metadata: string }>({
          text: 'SELECT position, stream, revision, type, version, data::text AS data, metadata::text AS metadata FROM events WHERE position > $1 ORDER BY position LIMIT $2',
          values: [after, READ_PAGE],
        });
        if (page.rows.length === 0) break;
        for (const row of page.rows) {
          const data = JSON.parse(row.data) as Record<string, unknown>;
          const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
          if (data && metadata) check += 1;
          n += 1;
        }
        after = Number(page.rows[page.rows.length - 1].position);
      }
      const ms = performance.now() - started;
      best = Math.max(best, rate(n, ms));
      console.log(`raw read + JSON.parse (pass ${pass}): ${fmt(n)} events in ${(ms / 1000).toFixed(2)} s = ${fmt(rate(n, ms))} events/s  (${check === n ? 'ok' : 'bad'})`);
    }
  } finally {
    await client.end();
  }
  return best;
}
