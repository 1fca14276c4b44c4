import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Subscription } from 'rxjs';
import type { RecordedEvent } from '../../events';
import { EventStore, LogIntegrityError } from '../store/event-store.port';
import { consistencyProof, inclusionProof, nodeHash, RangeHash, subtreeRangeHash } from './merkle';
import { followInBatches, LOG_PAGE, LeafRecord, MerkleLog } from './merkle-log';
import { eventLeafHash, SignedTreeHead } from './verifier/formats';

export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS leaves (
  leaf_index INTEGER PRIMARY KEY,
  position   INTEGER NOT NULL UNIQUE,
  event_id   TEXT    NOT NULL UNIQUE,
  leaf_hash  BLOB    NOT NULL
);
-- Roots of the complete subtrees above the leaves: node (level, idx) covers leaves [idx·2^level, (idx+1)·2^level).
CREATE TABLE IF NOT EXISTS nodes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB    NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
-- How far the log has followed the event store: the position of its last leaf, and its size.
CREATE TABLE IF NOT EXISTS checkpoint (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  position  INTEGER NOT NULL,
  tree_size INTEGER NOT NULL
);
INSERT OR IGNORE INTO checkpoint (id, position, tree_size) VALUES (1, 0, 0);
CREATE TABLE IF NOT EXISTS tree_heads (
  id        INTEGER PRIMARY KEY,
  tree_size INTEGER NOT NULL,
  root_hash TEXT    NOT NULL,
  timestamp TEXT    NOT NULL,
  signature TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS tree_heads_by_size ON tree_heads (tree_size);
`;

interface LeafRow {
  leaf_index: number;
  position: number;
  event_id: string;
  leaf_hash: Buffer;
}

interface HeadRow {
  tree_size: number;
  root_hash: string;
  timestamp: string;
  signature: string;
}


/**
 * The RFC 6962 Merkle tree over the global event log, kept in its own SQLite file (config.auditFile). Its work is
 * synchronous (better-sqlite3); the port's methods are asynchronous for the PostgreSQL log's sake.
 *
 * Leaves follow the store's global order, numbered 0, 1, 2... in the order the store delivers them. KurrentDB
 * assigns that order only at commit, so the log follows the store (subscribeToAll) instead of hashing inside the
 * append. Each batch of leaves is written with the checkpoint in one transaction, and events at or before the
 * checkpoint are skipped, so the follower, a CLI catch-up and a restart may all deliver the same event safely.
 */
export class SqliteMerkleLog implements MerkleLog {
  private readonly stmt: {
    checkpoint: Database.Statement;
    setCheckpoint: Database.Statement;
    insertLeaf: Database.Statement;
    insertNode: Database.Statement;
    leafHash: Database.Statement;
    node: Database.Statement;
    leaf: Database.Statement;
    leaves: Database.Statement;
    leafOf: Database.Statement;
    lastLeafUpTo: Database.Statement;
    insertHead: Database.Statement;
    latestHead: Database.Statement;
    headOfSize: Database.Statement;
    heads: Database.Statement;
    headsBySize: Database.Statement;
    headCount: Database.Statement;
  };
  private readonly appendBatch: Database.Transaction<(events: readonly RecordedEvent[]) => number>;
  private following?: Subscription;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly store: EventStore,
    readOnly = false,
  ) {
    db.pragma('busy_timeout = 5000');
    if (!readOnly) {
      db.pragma('journal_mode = WAL');
      // Leaves are recomputable from the event log and a lost tail is re-logged on the next start, so
      // NORMAL (no fsync per commit, never corrupt in WAL) keeps the event log's fsync the only one on the
      // command path. Signed heads are re-signed on demand.
      db.pragma('synchronous = NORMAL');
      db.exec(AUDIT_SCHEMA);
    }
    this.stmt = {
      checkpoint: db.prepare('SELECT position, tree_size FROM checkpoint WHERE id = 1'),
      setCheckpoint: db.prepare('UPDATE checkpoint SET position = ?, tree_size = ? WHERE id = 1'),
      insertLeaf: db.prepare('INSERT INTO leaves (leaf_index, position, event_id, leaf_hash) VALUES (?, ?, ?, ?)'),
      insertNode: db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
      leafHash: db.prepare('SELECT leaf_hash FROM leaves WHERE leaf_index = ?').pluck(),
      node: db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck(),
      leaf: db.prepare('SELECT * FROM leaves WHERE leaf_index = ?'),
      leaves: db.prepare('SELECT leaf_index, position, event_id, leaf_hash FROM leaves WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?').raw(true),
      leafOf: db.prepare('SELECT * FROM leaves WHERE event_id = ?'),
      lastLeafUpTo: db.prepare('SELECT leaf_index FROM leaves WHERE position <= ? ORDER BY position DESC LIMIT 1').pluck(),
      insertHead: db.prepare('INSERT INTO tree_heads (tree_size, root_hash, timestamp, signature) VALUES (?, ?, ?, ?)'),
      latestHead: db.prepare('SELECT * FROM tree_heads ORDER BY id DESC LIMIT 1'),
      headOfSize: db.prepare('SELECT * FROM tree_heads WHERE tree_size = ? ORDER BY id DESC LIMIT 1'),
      heads: db.prepare('SELECT * FROM tree_heads ORDER BY id DESC LIMIT ? OFFSET ?'),
      headsBySize: db.prepare('SELECT * FROM tree_heads ORDER BY tree_size, id'),
      headCount: db.prepare('SELECT count(*) FROM tree_heads').pluck(),
    };
    this.appendBatch = db.transaction((events: readonly RecordedEvent[]) => this.write(events));
  }

  /** Opens (or creates) the log in a SQLite file; ':memory:' for a throw-away one. */
  static open(file: string, store: EventStore): SqliteMerkleLog {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return new SqliteMerkleLog(new Database(file), store);
  }

  /** Opens an existing log file to read only (a thread of `ledger verify`): no schema change; appending fails. */
  static openToRead(file: string, store: EventStore): SqliteMerkleLog {
    return new SqliteMerkleLog(new Database(file, { readonly: true, fileMustExist: true }), store, true);
  }

  /** The file the log is kept in (':memory:' for a throw-away one). */
  get file(): string {
    return this.db.name;
  }

  /** Number of leaves. */
  async size(): Promise<number> {
    return this.sizeNow();
  }

  private sizeNow(): number {
    return (this.stmt.checkpoint.get() as { tree_size: number }).tree_size;
  }

  /** Global position of the last logged event (0 when empty). */
  async checkpoint(): Promise<number> {
    return (this.stmt.checkpoint.get() as { position: number }).position;
  }

  /** Adds the events after the checkpoint as leaves, in the given (global) order. Returns how many were added. */
  async append(events: readonly RecordedEvent[]): Promise<number> {
    return this.appendNow(events);
  }

  private appendNow(events: readonly RecordedEvent[]): number {
    // IMMEDIATE: another process appending to the same file waits instead of failing at commit.
    return this.appendBatch.immediate(events);
  }

  private write(events: readonly RecordedEvent[]): number {
    const checkpoint = this.stmt.checkpoint.get() as { position: number; tree_size: number };
    let { position, tree_size: size } = checkpoint;
    for (const event of events) {
      if (event.position <= position) continue;
      const eventId = event.metadata.eventId;
      const existing = this.stmt.leafOf.get(eventId) as LeafRow | undefined;
      if (existing) {
        throw new LogIntegrityError(
          `event ${eventId} arrived again at position ${event.position}, but it is leaf ${existing.leaf_index} ` +
            `(position ${existing.position}): the event store was rewritten; run \`ledger verify\``,
        );
      }
      this.addLeaf(size, event.position, eventId, eventLeafHash(event));
      size += 1;
      position = event.position;
    }
    const added = size - checkpoint.tree_size;
    if (added > 0) this.stmt.setCheckpoint.run(position, size);
    return added;
  }

  private addLeaf(index: number, position: number, eventId: string, hash: Buffer): void {
    this.stmt.insertLeaf.run(index, position, eventId, hash);
    // A leaf at an odd index completes one or more subtrees; storing their roots makes any subtree hash a
    // handful of lookups, so proofs cost O(log² n) reads instead of rehashing the whole log.
    let node = hash;
    for (let level = 0, idx = index; idx % 2 === 1; level += 1, idx = (idx - 1) / 2) {
      node = nodeHash(this.node(level, idx - 1), node);
      this.stmt.insertNode.run(level + 1, (idx - 1) / 2, node);
    }
  }

  private node(level: number, idx: number): Buffer {
    const hash = (level === 0 ? this.stmt.leafHash.get(idx) : this.stmt.node.get(level, idx)) as Buffer | undefined;
    if (!hash) throw new Error(`the audit log has no node ${idx} at level ${level}`);
    return hash;
  }

  private readonly mth: RangeHash = subtreeRangeHash((level, idx) => this.node(level, idx));

  /** Reads every event after the checkpoint and logs it. Returns how many leaves were added. */
  async catchUp(): Promise<number> {
    let added = 0;
    // As stored: a leaf commits to the event as it was appended (type, version, data...), never as upcast.
    for await (const page of this.store.streamAll(await this.checkpoint(), { pageSize: LOG_PAGE, asStored: true })) added += this.appendNow(page);
    return added;
  }

  /**
   * Follows the store's global log from the checkpoint, logging events as they are delivered. Events delivered in
   * the same turn of the event loop are logged in one transaction, up to a page. On a failure it stops and calls onError.
   */
  follow(onError: (error: unknown) => void): void {
    if (this.following) return;
    const after = (this.stmt.checkpoint.get() as { position: number }).position;
    const write = (batch: RecordedEvent[]) => {
      if (this.closed) return;
      try {
        this.appendNow(batch);
      } catch (error) {
        this.stopFollowing();
        onError(error);
      }
    };
    this.following = followInBatches(this.store, after, write, (error) => {
      this.following = undefined;
      onError(error);
    });
  }

  stopFollowing(): void {
    this.following?.unsubscribe();
    this.following = undefined;
  }

  async leaf(index: number): Promise<LeafRecord | undefined> {
    const row = this.stmt.leaf.get(index) as LeafRow | undefined;
    return row && toLeaf(row);
  }

  /** Up to `count` leaves from `from` on. */
  async leaves(from: number, count: number): Promise<LeafRecord[]> {
    // Raw rows: `ledger verify` reads every leaf, and one object per leaf is enough.
    return (this.stmt.leaves.all(from, count) as [number, number, string, Buffer][]).map(([leafIndex, position, eventId, leafHash]) => ({ leafIndex, position, eventId, leafHash }));
  }

  /** Size of the tree of the events at or before a global position: the leaves logged up to it. */
  async sizeAtPosition(position: number): Promise<number> {
    const last = this.stmt.lastLeafUpTo.get(position) as number | undefined;
    return last === undefined ? 0 : last + 1;
  }

  async leafOf(eventId: string): Promise<LeafRecord | undefined> {
    const row = this.stmt.leafOf.get(eventId) as LeafRow | undefined;
    return row && toLeaf(row);
  }

  async rootHash(size?: number): Promise<Buffer> {
    size ??= this.sizeNow();
    this.checkSize(size);
    return this.mth(0, size);
  }

  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    this.checkSize(size);
    return inclusionProof(index, size, this.mth);
  }

  async consistencyProof(first: number, second: number): Promise<Buffer[]> {
    this.checkSize(second);
    return consistencyProof(first, second, this.mth);
  }

  private checkSize(size: number): void {
    const current = this.sizeNow();
    if (!Number.isSafeInteger(size) || size < 0 || size > current) {
      throw new RangeError(`tree size ${size} is not between 0 and the log's size, ${current}`);
    }
  }

  async addTreeHead(head: SignedTreeHead): Promise<void> {
    this.stmt.insertHead.run(head.treeSize, head.rootHash, head.timestamp, head.signature);
  }

  async latestTreeHead(): Promise<SignedTreeHead | undefined> {
    const row = this.stmt.latestHead.get() as HeadRow | undefined;
    return row && toHead(row);
  }

  async treeHeadOfSize(size: number): Promise<SignedTreeHead | undefined> {
    const row = this.stmt.headOfSize.get(size) as HeadRow | undefined;
    return row && toHead(row);
  }

  /** Signed tree heads, newest first. */
  async treeHeads(offset: number, limit: number): Promise<SignedTreeHead[]> {
    return (this.stmt.heads.all(limit, offset) as HeadRow[]).map(toHead);
  }

  /** Every signed tree head, smallest first. */
  async treeHeadsBySize(): Promise<SignedTreeHead[]> {
    return (this.stmt.headsBySize.all() as HeadRow[]).map(toHead);
  }

  async treeHeadCount(): Promise<number> {
    return this.stmt.headCount.get() as number;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.stopFollowing();
    this.closed = true;
    this.db.close();
  }
}

function toLeaf(row: LeafRow): LeafRecord {
  return { leafIndex: row.leaf_index, position: row.position, eventId: row.event_id, leafHash: row.leaf_hash };
}

function toHead(row: HeadRow): SignedTreeHead {
  return { treeSize: row.tree_size, rootHash: row.root_hash, timestamp: row.timestamp, signature: row.signature };
}
