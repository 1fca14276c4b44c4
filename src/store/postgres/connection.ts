import { Client, Pool } from 'pg';
import type { PoolClient } from 'pg';

/**
 * A pool of connections to the ledger's database. A connection that breaks while idle (the server restarted, an
 * administrator ended it) is dropped by the pool and opened again when next needed; without a listener its error
 * would end the process.
 */
export function openPool(connectionString: string, max: number, applicationName: string): Pool {
  const pool = new Pool({ connectionString, max, application_name: applicationName });
  pool.on('error', () => undefined);
  return pool;
}

/** Runs one statement on a connection of its own (administration: databases, schemas, settings). */
export async function runStatement<T extends object = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The connection string of another database on the same server, as the same user. */
export function withDatabase(url: string, database: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${encodeURIComponent(database)}`);
}

/** A connection string without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^@/:]*):[^@/]*@/, '//$1:***@');
}

/**
 * Runs `work` in one transaction on a connection of the pool: committed if it resolves, rolled back if it throws. A
 * connection whose ROLLBACK fails too is destroyed rather than handed back to the pool.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    await rollback(client);
    throw error;
  }
}

/** Rolls back and hands the connection back, destroying it if even the ROLLBACK failed. */
export async function rollback(client: PoolClient): Promise<void> {
  const broken = await client.query('ROLLBACK').then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  client.release(broken);
}
