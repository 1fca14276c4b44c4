import type { Pool } from 'pg';
import type { Subscription } from 'rxjs';
import type { RecordedEvent } from '../../events';
import type { EventStore } from '../store/event-store.port';
import { inTransaction, openPool, redact } from '../store/postgres/connection';
import { quoteIdent, schemaLockKey } from '../store/postgres/postgres-schema';
import { consistencyProof, inclusionProof, MerkleFrontier, nodeHash, RangeHash, SubtreeKey, subtreeId, withStoredSubtrees } from './merkle';
import { followInBatches, LOG_PAGE, LeafRecord, LogIntegrityError, MerkleLog } from './merkle-log';
import { eventLeafHash, SignedTreeHead } from './verifier/formats';

/** The schema of the Merkle log in the ledger's PostgreSQL database. */
export const AUDIT_SCHEMA_NAME = 'audit';


interface LeafRow {
  leaf_index: string;
  position: string;
  event_id: string;
  leaf_hash: Buffer;
}

interface HeadRow {
  tree_size: string;
  root_hash: string;
  timestamp: string;
  signature: string;
}

/**
 * The Merkle log in the ledger's PostgreSQL database (LEDGER_STORE=postgres), schema `audit`: one tree and one list
 * of published tree heads for every ledger process on the database. Each process follows the log; a batch is
 * written in a transaction that first locks the checkpoint row, so the processes take turns and each skips what
 * another has logged. The checkpoint row also keeps the frontier (the right edge's subtree roots), from which a
 * batch computes the subtrees its leaves complete without reading any; proofs read the few stored subtree roots
 * they need in one query.
 */
export class PostgresMerkleLog implements MerkleLog {
  private following?: Subscription;
  private writing: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly s: string,
    private readonly store: EventStore,
  ) {}

  /** Connects and creates the tables if needed, so that a wrong URL or a stopped server fails at start. */
  static async open(connectionString: string, store: EventStore, schema = AUDIT_SCHEMA_NAME): Promise<PostgresMerkleLog> {
    const pool = openPool(connectionString, 4, 'gnbv-ledger-audit');
    const log = new PostgresMerkleLog(pool, quoteIdent(schema), store);
    try {
      await inTransaction(pool, async (client) => {
        // Two processes starting at once: CREATE ... IF NOT EXISTS is not safe concurrently.
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [schemaLockKey(schema)]);
        await client.query(log.schemaSql());
      });
    } catch (error) {
      await pool.end();
      throw new Error(`cannot open the Merkle log at ${redact(connectionString)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return log;
  }

  private schemaSql(): string {
    const s = this.s;
    return `
      CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.leaves (
        leaf_index bigint PRIMARY KEY,
        position   bigint NOT NULL UNIQUE,
        event_id   text   NOT NULL UNIQUE,
        leaf_hash  bytea  NOT NULL
      );
      -- Roots of the complete subtrees above the leaves: node (level, idx) covers leaves [idx·2^level, (idx+1)·2^level).
      CREATE TABLE IF NOT EXISTS ${s}.nodes (level integer NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx));
      -- How far the log has followed the event store, and the right edge of its tree (subtree roots, largest first).
      CREATE TABLE IF NOT EXISTS ${s}.checkpoint (
        only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        position  bigint  NOT NULL,
        tree_size bigint  NOT NULL,
        frontier  bytea   NOT NULL
      );
      INSERT INTO ${s}.checkpoint (position, tree_size, frontier) VALUES (0, 0, ''::bytea) ON CONFLICT DO NOTHING;
      CREATE TABLE IF NOT EXISTS ${s}.tree_heads (
        id        bigserial PRIMARY KEY,
        tree_size bigint NOT NULL,
        root_hash text   NOT NULL,
        timestamp text   NOT NULL,
        signature text   NOT NULL
      );
      CREATE INDEX IF NOT EXISTS tree_heads_by_size ON ${s}.tree_heads (tree_size);
    `;
  }

  private async rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(text, values)).rows as T[];
  }

  async size(): Promise<number> {
    const [row] = await this.rows<{ tree_size: string }>(`SELECT tree_size FROM ${this.s}.checkpoint`);
    return Number(row.tree_size);
  }

  async checkpoint(): Promise<number> {
    const [row] = await this.rows<{ position: string }>(`SELECT position FROM ${this.s}.checkpoint`);
    return Number(row.position);
  }

  /** One batch at a time from this process (follow and catchUp may both deliver); other processes wait on the row lock. */
  append(events: readonly RecordedEvent[]): Promise<number> {
    const written = this.writing.then(() => this.write(events));
    this.writing = written.catch(() => undefined);
    return written;
  }

  private write(events: readonly RecordedEvent[]): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const [head] = (await client.query(`SELECT position, tree_size, frontier FROM ${this.s}.checkpoint FOR UPDATE`)).rows as Array<{
        position: string;
        tree_size: string;
        frontier: Buffer;
      }>;
      let position = Number(head.position);
      const start = Number(head.tree_size);
      const fresh = events.filter((e) => e.position > position);
      if (fresh.length === 0) return 0;
      const ids = fresh.map((e) => e.metadata.eventId);
      const [again] = (await client.query(`SELECT * FROM ${this.s}.leaves WHERE event_id = ANY($1::text[]) LIMIT 1`, [ids])).rows as LeafRow[];
      if (again) {
        const event = fresh.find((e) => e.metadata.eventId === again.event_id) as RecordedEvent;
        throw new LogIntegrityError(
          `event ${again.event_id} arrived again at position ${event.position}, but it is leaf ${again.leaf_index} ` +
            `(position ${again.position}): the event store was rewritten; run \`ledger verify\``,
        );
      }
      const frontier = MerkleFrontier.fromBuffer(start, head.frontier);
      const leaves = { index: [] as number[], position: [] as number[], eventId: [] as string[], hash: [] as Buffer[] };
      const nodes = { level: [] as number[], idx: [] as number[], hash: [] as Buffer[] };
      for (const event of fresh) {
        const index = start + leaves.index.length;
        const hash = eventLeafHash(event);
        // A leaf at an odd index completes one or more subtrees, whose left halves are the frontier's last roots.
        let node = hash;
        for (let level = 0, idx = index, top = frontier.subtrees.length - 1; idx % 2 === 1; level += 1, idx = (idx - 1) / 2, top -= 1) {
          node = nodeHash(frontier.subtrees[top].hash, node);
          nodes.level.push(level + 1);
          nodes.idx.push((idx - 1) / 2);
          nodes.hash.push(node);
        }
        frontier.push(hash);
        leaves.index.push(index);
        leaves.position.push(event.position);
        leaves.eventId.push(event.metadata.eventId);
        leaves.hash.push(hash);
        position = event.position;
      }
      await client.query(
        `INSERT INTO ${this.s}.leaves (leaf_index, position, event_id, leaf_hash) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bytea[])`,
        [leaves.index, leaves.position, leaves.eventId, leaves.hash],
      );
      if (nodes.level.length > 0) {
        await client.query(`INSERT INTO ${this.s}.nodes (level, idx, hash) SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bytea[])`, [nodes.level, nodes.idx, nodes.hash]);
      }
      await client.query(`UPDATE ${this.s}.checkpoint SET position = $1, tree_size = $2, frontier = $3`, [position, frontier.size, frontier.toBuffer()]);
      return fresh.length;
    });
  }

  async catchUp(): Promise<number> {
    let added = 0;
    // As stored: a leaf commits to the event as it was appended (type, version, data...), never as upcast.
    for await (const page of this.store.streamAll(await this.checkpoint(), { pageSize: LOG_PAGE, asStored: true })) added += await this.append(page);
    return added;
  }

  follow(onError: (error: unknown) => void): void {
    if (this.following || this.closed) return;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed || this.closed) return;
      failed = true;
      this.stopFollowing();
      onError(error);
    };
    const write = (batch: RecordedEvent[]) => {
      if (!this.closed && !failed) this.append(batch).catch(fail);
    };
    this.checkpoint().then((after) => {
      if (!this.closed) this.following = followInBatches(this.store, after, write, fail);
    }, fail);
  }

  stopFollowing(): void {
    this.following?.unsubscribe();
    this.following = undefined;
  }

  async leaf(index: number): Promise<LeafRecord | undefined> {
    const [row] = await this.rows<LeafRow>(`SELECT * FROM ${this.s}.leaves WHERE leaf_index = $1`, [index]);
    return row && toLeaf(row);
  }

  async leaves(from: number, count: number): Promise<LeafRecord[]> {
    return (await this.rows<LeafRow>(`SELECT * FROM ${this.s}.leaves WHERE leaf_index >= $1 ORDER BY leaf_index LIMIT $2`, [from, count])).map(toLeaf);
  }

  async sizeAtPosition(position: number): Promise<number> {
    const [row] = await this.rows<{ leaf_index: string }>(`SELECT leaf_index FROM ${this.s}.leaves WHERE position <= $1 ORDER BY position DESC LIMIT 1`, [position]);
    return row ? Number(row.leaf_index) + 1 : 0;
  }

  async leafOf(eventId: string): Promise<LeafRecord | undefined> {
    const [row] = await this.rows<LeafRow>(`SELECT * FROM ${this.s}.leaves WHERE event_id = $1`, [eventId]);
    return row && toLeaf(row);
  }

  async rootHash(size?: number): Promise<Buffer> {
    const n = await this.checkSize(size);
    return this.withSubtrees((mth) => mth(0, n));
  }

  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    await this.checkSize(size);
    return this.withSubtrees((mth) => inclusionProof(index, size, mth));
  }

  async consistencyProof(first: number, second: number): Promise<Buffer[]> {
    await this.checkSize(second);
    return this.withSubtrees((mth) => consistencyProof(first, second, mth));
  }

  private withSubtrees<T>(compute: (mth: RangeHash) => T): Promise<T> {
    return withStoredSubtrees(compute, async (keys: SubtreeKey[]) => {
      const leaves = keys.filter((k) => k.level === 0).map((k) => k.idx);
      const nodes = keys.filter((k) => k.level > 0);
      const rows = await this.rows<{ level: number; idx: string; hash: Buffer }>(
        `SELECT 0 AS level, leaf_index AS idx, leaf_hash AS hash FROM ${this.s}.leaves WHERE leaf_index = ANY($1::bigint[])
         UNION ALL
         SELECT n.level, n.idx, n.hash FROM ${this.s}.nodes n JOIN unnest($2::integer[], $3::bigint[]) AS k (level, idx) ON n.level = k.level AND n.idx = k.idx`,
        [leaves, nodes.map((k) => k.level), nodes.map((k) => k.idx)],
      );
      return new Map(rows.map((r) => [subtreeId(r.level, Number(r.idx)), r.hash]));
    });
  }

  /** The size asked for, or the log's; a size the log has not reached is refused. */
  private async checkSize(size?: number): Promise<number> {
    const current = await this.size();
    const n = size ?? current;
    if (!Number.isSafeInteger(n) || n < 0 || n > current) throw new RangeError(`tree size ${n} is not between 0 and the log's size, ${current}`);
    return n;
  }

  async addTreeHead(head: SignedTreeHead): Promise<void> {
    await this.rows(`INSERT INTO ${this.s}.tree_heads (tree_size, root_hash, timestamp, signature) VALUES ($1, $2, $3, $4)`, [
      head.treeSize,
      head.rootHash,
      head.timestamp,
      head.signature,
    ]);
  }

  async latestTreeHead(): Promise<SignedTreeHead | undefined> {
    const [row] = await this.rows<HeadRow>(`SELECT * FROM ${this.s}.tree_heads ORDER BY id DESC LIMIT 1`);
    return row && toHead(row);
  }

  async treeHeadOfSize(size: number): Promise<SignedTreeHead | undefined> {
    const [row] = await this.rows<HeadRow>(`SELECT * FROM ${this.s}.tree_heads WHERE tree_size = $1 ORDER BY id DESC LIMIT 1`, [size]);
    return row && toHead(row);
  }

  async treeHeads(offset: number, limit: number): Promise<SignedTreeHead[]> {
    return (await this.rows<HeadRow>(`SELECT * FROM ${this.s}.tree_heads ORDER BY id DESC LIMIT $1 OFFSET $2`, [limit, offset])).map(toHead);
  }

  async treeHeadsBySize(): Promise<SignedTreeHead[]> {
    return (await this.rows<HeadRow>(`SELECT * FROM ${this.s}.tree_heads ORDER BY tree_size, id`)).map(toHead);
  }

  async treeHeadCount(): Promise<number> {
    const [row] = await this.rows<{ count: string }>(`SELECT count(*) FROM ${this.s}.tree_heads`);
    return Number(row.count);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.stopFollowing();
    this.closed = true;
    await this.writing;
    await this.pool.end();
  }
}

function toLeaf(row: LeafRow): LeafRecord {
  return { leafIndex: Number(row.leaf_index), position: Number(row.position), eventId: row.event_id, leafHash: row.leaf_hash };
}

function toHead(row: HeadRow): SignedTreeHead {
  return { treeSize: Number(row.tree_size), rootHash: row.root_hash, timestamp: row.timestamp, signature: row.signature };
}
