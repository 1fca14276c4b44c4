import type { KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RecordedEvent } from '../../events';
import type { EventStore } from '../store/event-store.port';
import { MerkleFrontier } from './merkle';
import { LeafRecord, MerkleLog } from './merkle-log';
import { eventLeafHash, SignedTreeHead, treeHeadMessage, verifySignature } from './verifier/formats';

const PAGE = 1000;

/**
 * How the store departs from the log at the first leaf that does not match:
 *  modified  the event is where it was, with other content (or can no longer be read)
 *  inserted  an event the log never recorded stands where a logged one should be
 *  missing   the logged event is gone from the store
 *  reordered the logged event is still in the store, at a later place
 */
export type MismatchKind = 'modified' | 'inserted' | 'missing' | 'reordered';

export interface Mismatch {
  readonly kind: MismatchKind;
  readonly leafIndex: number;
  /** The event the log recorded at this leaf. */
  readonly expected: { readonly eventId: string; readonly position: number };
  /** What the store holds at that place now; absent when the store ends before it. */
  readonly found?: { readonly eventId: string; readonly position: number; readonly stream: string; readonly revision: number };
  readonly message: string;
}

export interface LogVerification {
  readonly ok: boolean;
  /** Events read from the store. */
  readonly events: number;
  readonly logSize: number;
  /** Events after the log's last leaf: not yet logged, so not yet protected. */
  readonly unlogged: number;
  readonly firstMismatch?: Mismatch;
  /** Set when the store failed to read an event (e.g. its stored JSON was damaged); verification stopped there. */
  readonly unreadable?: string;
  readonly treeHeadsChecked: number;
  /** Signed tree heads the store's events no longer hash to, or whose signature fails. */
  readonly treeHeadProblems: readonly string[];
  /** Whether signatures were checked (they are not when no signing key is configured). */
  readonly signaturesChecked: boolean;
  /**
   * The evidence written at commit (the store's own leaves and seal), when the store keeps it: events without a leaf,
   * the first event whose content no longer matches its leaf, and the seal's problems.
   */
  readonly atCommit: {
    readonly kept: boolean;
    readonly withoutLeaf: number;
    readonly firstWithoutLeaf?: number;
    readonly firstLeafMismatch?: { readonly position: number; readonly eventId: string };
    readonly seal: SignedTreeHead | null;
    readonly sealProblems: readonly string[];
  };
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/**
 * Recomputes every leaf from the events in the store, compares each with the leaf the log recorded, and rebuilds
 * the tree to check the root of every signed tree head. Reads only: it never adds leaves.
 */
export async function verifyLog(
  store: EventStore,
  log: MerkleLog,
  publicKey: KeyObject | null,
  options: { readonly onProgress?: (events: number) => void } = {},
): Promise<LogVerification> {
  const started = performance.now();
  const kept = store.readLeaves !== undefined;
  const seal = kept && store.readSeal ? await store.readSeal() : null;
  let withoutLeaf = 0;
  let firstWithoutLeaf: number | undefined;
  let firstLeafMismatch: { position: number; eventId: string } | undefined;
  let rootAtSeal: Buffer | null = null;
  const logSize = await log.size();
  const heads = await log.treeHeadsBySize();
  const treeHeadProblems: string[] = [];
  const frontier = new MerkleFrontier();
  let nextHead = 0;
  const checkHeadsAtFrontier = () => {
    for (; nextHead < heads.length && heads[nextHead].treeSize === frontier.size; nextHead++) {
      const head = heads[nextHead];
      if (frontier.root().toString('hex') !== head.rootHash) {
        treeHeadProblems.push(`${describeHead(head)}: the events no longer hash to its root`);
      }
      if (publicKey && !verifySignature(treeHeadMessage(head), head.signature, publicKey)) {
        treeHeadProblems.push(`${describeHead(head)}: its signature does not verify with the ledger's key`);
      }
    }
  };

  let first: Omit<Mismatch, 'kind' | 'message'> | undefined;
  let kind: MismatchKind | undefined;
  let unreadable: string | undefined;
  let index = 0;
  let position = 0;
  checkHeadsAtFrontier();
  if (seal && seal.treeSize === 0) rootAtSeal = frontier.root();
  // As stored: the leaves were hashed from the events as appended, before any upcasting.
  let pages = store.streamAll(position, { pageSize: PAGE, asStored: true })[Symbol.asyncIterator]();
  let onePerPage = false;
  for (;;) {
    let next: IteratorResult<RecordedEvent[]>;
    try {
      next = await pages.next();
    } catch (error) {
      // An event whose stored JSON was damaged cannot be read at all: go on one event at a time to find it.
      if (!onePerPage) {
        onePerPage = true;
        pages = store.streamAll(position, { pageSize: 1, asStored: true })[Symbol.asyncIterator]();
        continue;
      }
      const reason = error instanceof Error ? error.message : String(error);
      unreadable = `the store cannot read the event after position ${position}: ${reason}`;
      break;
    }
    if (next.done) break;
    const page = next.value;
    const leaves = first ? [] : await log.leaves(index, page.length);
    const atCommit = new Map(kept ? (await (store.readLeaves as NonNullable<EventStore['readLeaves']>)(position, page.length)).map((l) => [l.position, l.leafHash]) : []);
    for (const [i, event] of page.entries()) {
      const hash = eventLeafHash(event);
      const eventId = eventIdOf(event);
      if (kept) {
        const written = atCommit.get(event.position);
        if (!written) {
          withoutLeaf += 1;
          firstWithoutLeaf ??= event.position;
        } else if (!firstLeafMismatch && !written.equals(hash)) {
          firstLeafMismatch = { position: event.position, eventId };
        }
      }
      const leaf: LeafRecord | undefined = leaves[i];
      if (!first && leaf && (leaf.eventId !== eventId || !leaf.leafHash.equals(hash))) {
        first = { leafIndex: index, expected: { eventId: leaf.eventId, position: leaf.position }, found: placeOf(event) };
        if (leaf.eventId === eventId) kind = 'modified';
        else if (!(await log.leafOf(eventId))) kind = 'inserted';
      } else if (first && !kind && eventId === first.expected.eventId) {
        kind = 'reordered';
      }
      frontier.push(hash);
      index += 1;
      checkHeadsAtFrontier();
      if (seal && frontier.size === seal.treeSize) rootAtSeal = frontier.root();
    }
    position = page[page.length - 1].position;
    options.onProgress?.(index);
  }

  if (!first && index < logSize) {
    const leaf = (await log.leaf(index)) as LeafRecord;
    first = { leafIndex: index, expected: { eventId: leaf.eventId, position: leaf.position } };
    if (unreadable) kind = 'modified';
  }
  if (!unreadable) {
    for (const head of heads.slice(nextHead)) treeHeadProblems.push(`${describeHead(head)}: the store holds only ${index} events`);
  }
  const latest = await log.latestTreeHead();
  if (latest && !(await storedTreeMatches(log, latest))) {
    // Proofs are built from the stored subtree hashes: if those were altered, every proof served would fail.
    treeHeadProblems.push(`${describeHead(latest)}: the audit file's stored tree no longer hashes to its root`);
  }

  const sealProblems: string[] = [];
  if (kept && !unreadable) {
    if (withoutLeaf > 0) {
      sealProblems.push(`${withoutLeaf} event(s) have no leaf written at commit, the first at position ${firstWithoutLeaf}: the ledger did not append them`);
    }
    if (firstLeafMismatch) {
      sealProblems.push(
        `event ${firstLeafMismatch.eventId} (position ${firstLeafMismatch.position}) was modified: its content no longer matches the leaf written at its commit`,
      );
    }
    if (!seal) {
      if (index > 0) sealProblems.push(`the log holds ${index} events but no seal: they were not appended by the ledger with its key`);
    } else {
      if (seal.treeSize > index) sealProblems.push(`the seal covers ${seal.treeSize} events but the log holds ${index}: ${seal.treeSize - index} events were removed`);
      else if (seal.treeSize < index) {
        sealProblems.push(`${index - seal.treeSize} event(s) after position ${seal.treeSize} are not covered by the seal: they were not appended by the ledger with its key`);
      }
      if (rootAtSeal && rootAtSeal.toString('hex') !== seal.rootHash) {
        sealProblems.push(`the first ${seal.treeSize} events no longer hash to the seal's root (signed ${seal.timestamp}): the log was rewritten`);
      }
      if (publicKey && !verifySignature(treeHeadMessage(seal), seal.signature, publicKey)) {
        sealProblems.push(`the seal's signature does not verify with the ledger's key: it was not signed by the ledger`);
      }
    }
  }

  const seconds = (performance.now() - started) / 1000;
  const firstMismatch = first && describeMismatch({ ...first, kind: kind ?? 'missing' }, unreadable);
  return {
    ok: !firstMismatch && !unreadable && treeHeadProblems.length === 0 && sealProblems.length === 0,
    events: index,
    logSize,
    unlogged: Math.max(0, index - logSize),
    firstMismatch,
    unreadable,
    treeHeadsChecked: heads.length,
    treeHeadProblems,
    signaturesChecked: publicKey !== null,
    atCommit: { kept, withoutLeaf, firstWithoutLeaf, firstLeafMismatch, seal, sealProblems },
    seconds,
    eventsPerSecond: seconds > 0 ? Math.round(index / seconds) : 0,
  };
}

async function storedTreeMatches(log: MerkleLog, head: SignedTreeHead): Promise<boolean> {
  try {
    return (await log.rootHash(head.treeSize)).toString('hex') === head.rootHash;
  } catch {
    return false;
  }
}

/** Tampering may have left the metadata without an id, or not an object at all. */
function eventIdOf(e: RecordedEvent): string {
  return String((e.metadata as { eventId?: unknown } | null)?.eventId);
}

function placeOf(e: RecordedEvent): NonNullable<Mismatch['found']> {
  return { eventId: eventIdOf(e), position: e.position, stream: e.stream, revision: e.revision };
}

function describeMismatch(m: Omit<Mismatch, 'message'>, unreadable?: string): Mismatch {
  const expected = `event ${m.expected.eventId} (leaf ${m.leafIndex}, position ${m.expected.position})`;
  const found = m.found && `event ${m.found.eventId} (position ${m.found.position}, ${m.found.stream}@${m.found.revision})`;
  const message = {
    modified: () =>
      unreadable && !found
        ? `${expected} was modified: ${unreadable}`
        : `${expected} was modified: its content no longer matches its leaf hash`,
    inserted: () => `${found} was inserted: the log never recorded it, and it stands where ${expected} should be`,
    missing: () => `${expected} was deleted: the store no longer holds it${found ? `; ${found} stands in its place` : ''}`,
    reordered: () => `${expected} was moved: ${found} stands in its place and it comes later`,
  }[m.kind]();
  return { ...m, message };
}

function describeHead(head: SignedTreeHead): string {
  return `tree head of ${head.treeSize} events signed ${head.timestamp}`;
}

export function formatLogVerification(result: LogVerification): string {
  const lines = [
    `checked ${result.events} events against ${result.logSize} leaves and ${result.treeHeadsChecked} signed tree heads ` +
      `in ${result.seconds.toFixed(2)} s (${result.eventsPerSecond} events/s)`,
  ];
  if (!result.signaturesChecked) lines.push('no signing key is configured: signatures were not checked (pass --public-key)');
  const { atCommit } = result;
  if (!atCommit.kept) lines.push('this store keeps no leaves at commit (KurrentDB): only the audit file is checked');
  else if (atCommit.seal) lines.push(`seal: ${atCommit.seal.treeSize} events, root ${atCommit.seal.rootHash}, signed ${atCommit.seal.timestamp}`);
  if (result.unlogged > 0) {
    lines.push(`the audit file holds ${result.logSize} leaves for ${result.events} events: it is rebuilt from the log at the next start (the log's own leaves and seal were checked)`);
  }
  if (result.firstMismatch) lines.push(`TAMPERED: ${result.firstMismatch.message}`);
  else if (result.unreadable) lines.push(`TAMPERED: ${result.unreadable}`);
  for (const problem of atCommit.sealProblems) lines.push(`TAMPERED: ${problem}`);
  for (const problem of result.treeHeadProblems) lines.push(`TAMPERED: ${problem}`);
  if (result.ok) lines.push('OK: every event matches the leaf written at its commit, the seal covers them all, and every signed tree head matches the events.');
  return lines.join('\n');
}
