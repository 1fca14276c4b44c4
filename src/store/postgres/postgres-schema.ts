import { createHash } from 'node:crypto';

/**
 * The tables of the PostgreSQL event store, in one schema (default "public").
 *
 * - events: data and metadata are `json`, not `jsonb`. `json` keeps the text the adapter wrote byte for byte
 *   (jsonb reorders keys, rewrites numbers' text and refuses \u0000 and lone surrogate escapes), so an event
 *   reads back exactly as appended, as the Merkle log's canonical form needs; the server still checks that
 *   it is JSON, and `->`/`->>` still work for ad hoc queries.
 * - log_head: one row holding the position of the last event. Every append transaction takes its row lock
 *   first and keeps it until commit: appends commit one after the other, in position order (see the README,
 *   "the gap problem").
 * - idempotency: claims of Idempotency-Key values, written in the transaction of the events they claim.
 */
export function schemaSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.events (
  position  bigint  PRIMARY KEY CHECK (position > 0),
  stream    text    NOT NULL,
  revision  integer NOT NULL CHECK (revision >= 0),
  event_id  text    NOT NULL UNIQUE,
  type      text    NOT NULL,
  version   integer NOT NULL,
  data      json    NOT NULL,
  metadata  json    NOT NULL,
  UNIQUE (stream, revision)
);
CREATE TABLE IF NOT EXISTS ${s}.log_head (
  only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  position  bigint  NOT NULL
);
INSERT INTO ${s}.log_head (position) SELECT coalesce(max(position), 0) FROM ${s}.events ON CONFLICT DO NOTHING;
-- Tamper evidence written at commit: each event's Merkle leaf, and in the head row the seal (a tree head over the
-- whole log, signed with the ledger's key) with the frontier it continues from (the right-edge subtree roots).
ALTER TABLE ${s}.events ADD COLUMN IF NOT EXISTS leaf_hash bytea;
ALTER TABLE ${s}.log_head ADD COLUMN IF NOT EXISTS seal_size bigint;
ALTER TABLE ${s}.log_head ADD COLUMN IF NOT EXISTS seal_root text;
ALTER TABLE ${s}.log_head ADD COLUMN IF NOT EXISTS seal_time text;
ALTER TABLE ${s}.log_head ADD COLUMN IF NOT EXISTS seal_signature text;
ALTER TABLE ${s}.log_head ADD COLUMN IF NOT EXISTS frontier bytea;
CREATE TABLE IF NOT EXISTS ${s}.idempotency (
  key            text   PRIMARY KEY,
  fingerprint    text   NOT NULL,
  first_position bigint NOT NULL,
  last_position  bigint NOT NULL
);
`;
}

/**
 * The statements of the adapter, with the schema's tables named. An append is four round trips: BEGIN with the
 * head lock, the state it needs, one statement writing everything, COMMIT. The state is read in a statement
 * of its own, after the lock is held: a statement's snapshot is taken when it starts, so one started before
 * the previous holder committed would not see that holder's events.
 */
export function statements(schema: string) {
  const s = quoteIdent(schema);
  const columns = 'position, stream, revision, event_id, type, version, data, metadata';
  const read = 'position, stream, revision, type, version, data::text AS data, metadata::text AS metadata';
  return {
    /** Simple-protocol text (no parameters), so that BEGIN and the lock travel together. */
    beginAndLockHead: `BEGIN; SELECT position, seal_size, frontier FROM ${s}.log_head FOR UPDATE`,
    head: `SELECT position FROM ${s}.log_head`,
    /**
     * The last revision of each named stream that exists (one index probe per stream), and the named
     * idempotency keys already claimed: rows (stream, revision) and (key, null).
     */
    state: `SELECT n.stream AS name, r.revision
              FROM unnest($1::text[]) AS n(stream)
              CROSS JOIN LATERAL (SELECT max(revision) AS revision FROM ${s}.events e WHERE e.stream = n.stream) r
             WHERE r.revision IS NOT NULL
            UNION ALL
            SELECT key, NULL FROM ${s}.idempotency WHERE key = ANY($2::text[])`,
    /** Events, claims, the new head and the notification, in one statement. */
    write: `WITH events AS (
              INSERT INTO ${s}.events (${columns}, leaf_hash)
              SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::integer[], $7::json[], $8::json[], $15::bytea[])
            ), claims AS (
              INSERT INTO ${s}.idempotency (key, fingerprint, first_position, last_position)
              SELECT * FROM unnest($9::text[], $10::text[], $11::bigint[], $12::bigint[])
            ), head AS (
              UPDATE ${s}.log_head SET position = $13,
                seal_size = coalesce($16, seal_size), seal_root = coalesce($17, seal_root), seal_time = coalesce($18, seal_time),
                seal_signature = coalesce($19, seal_signature), frontier = coalesce($20, frontier)
            )
            SELECT pg_notify($14, $13::text)`,
    /** Leaves of the events after a position (a writer catching up with appends that were not sealed). */
    leaves: `SELECT position, leaf_hash FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`,
    seal: `SELECT seal_size AS "treeSize", seal_root AS "rootHash", seal_time AS "timestamp", seal_signature AS signature FROM ${s}.log_head WHERE seal_size IS NOT NULL`,
    // data and metadata as their stored text, parsed by the adapter as the events it has just written are.
    readStream: `SELECT ${read} FROM ${s}.events WHERE stream = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
    readAll: `SELECT ${read} FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`,
    findClaim: `SELECT key, fingerprint, first_position, last_position FROM ${s}.idempotency WHERE key = $1`,
    range: `SELECT event_id, stream, revision, position FROM ${s}.events WHERE position BETWEEN $1 AND $2 ORDER BY position`,
  } as const;
}

/** The LISTEN/NOTIFY channel of a schema's log: a short hash, always a valid channel name whatever the schema. */
export function channelOf(schema: string): string {
  return `ledger_events_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

/** Serialises schema creation between processes starting at once (CREATE ... IF NOT EXISTS is not safe concurrently). */
export function schemaLockKey(schema: string): string {
  return createHash('sha256').update(`gnbv-ledger-schema:${schema}`).digest().readBigInt64BE(0).toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
