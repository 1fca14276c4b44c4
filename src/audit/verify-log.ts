import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { EventStore } from '../store/event-store.port';
import type { LeafRecord, MerkleLog } from './merkle-log';
import { SignedTreeHead, treeHeadMessage, verifySignature } from './verifier/formats';
import { checkInThisThread, JoinedRanges, PassMode } from './verify-ranges';
import { VerifyThreads } from './verify-threads';

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
  /** Threads the events were checked in (1: the caller's). */
  readonly threads: number;
}

export interface VerifyOptions {
  /** Called as events are checked, with how many were (the count starts again for a second pass). */
  readonly onProgress?: (events: number) => void;
  /**
   * Threads to check ranges of the log in (default: the cores available); 1 checks the whole log in this thread. Only
   * a SQLite store and audit file in files are checked in threads (see verify-threads.ts).
   */
  readonly workers?: number;
  /** Logs of fewer events are checked in this thread whatever `workers` says (default 200,000). */
  readonly parallelFrom?: number;
  /**
   * Leaves per block of the tree a thread hands back (a power of two, default 65,536): ranges are whole blocks. Tests
   * make it small, so that a small log has many ranges.
   */
  readonly block?: number;
}

/** Below this many events, starting threads costs more than it saves. */
export const PARALLEL_FROM = 200_000;

/**
 * Recomputes every leaf from the events in the store, compares each with the leaf the log recorded, and rebuilds
 * the tree to check the root of every signed tree head. Reads only: it never adds leaves.
 *
 * A store that keeps each event's leaf and a signed seal (SQLite) is first checked from its stored texts: the ledger
 * stores the canonical text its leaf was hashed from, so that text is hashed as it is, and an event is parsed and
 * canonicalised only when its text does not hash to the leaf written at its commit (a text stored in another but
 * equivalent form, or a modified one). That pass is trusted only when it finds nothing and the seal, whose signature
 * verifies with the key, covers every event: then each text hashes to the leaf the ledger signed, so it IS the
 * canonical text of the event the ledger appended, and parsing and canonicalising it would give the same leaf. Any
 * finding, or no key to check the seal with, and the whole log is verified again by parsing and canonicalising every
 * event, which gives the findings their exact form.
 *
 * Each pass checks ranges of the log (checkRange), in threads when asked and the log is large enough, and joins
 * their findings and trees in log order (joinRanges): the result is the same whatever the number of threads.
 */
export async function verifyLog(
  store: EventStore,
  log: MerkleLog,
  publicKey: KeyObject | null,
  options: VerifyOptions = {},
): Promise<LogVerification> {
  const started = performance.now();
  const workers = options.workers ?? availableParallelism();
  if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number of at least 1, not ${workers}`);
  const threads = workers > 1 && (await store.headPosition()) >= (options.parallelFrom ?? PARALLEL_FROM) ? await VerifyThreads.open(store, log, workers, options.block) : null;
  try {
    const pass = (mode: PassMode) =>
      checkEvents(store, log, publicKey, started, threads ? workers : 1, (targets) =>
        threads ? threads.check(mode, targets, options.onProgress) : checkInThisThread(store, log, mode, targets, options.onProgress),
      );
    if (publicKey && store.readStoredTexts && store.readSeal) {
      const fromTexts = await pass('texts');
      if (fromTexts.ok) return fromTexts;
    }
    return await pass('parsed');
  } finally {
    await threads?.close();
  }
}

/** Checks the events (`check`: the ranges joined, given the tree sizes whose roots are wanted) and reports. */
async function checkEvents(
  store: EventStore,
  log: MerkleLog,
  publicKey: KeyObject | null,
  started: number,
  threads: number,
  check: (targets: readonly number[]) => Promise<JoinedRanges>,
): Promise<LogVerification> {
  const kept = store.readLeaves !== undefined;
  const seal = kept && store.readSeal ? await store.readSeal() : null;
  const logSize = await log.size();
  const heads = await log.treeHeadsBySize();
  const targets = [...new Set([...heads.map((h) => h.treeSize), ...(seal ? [seal.treeSize] : [])])];
  const { events: index, unreadable, withoutLeaf, firstWithoutLeaf, firstLeafMismatch, roots, ...found } = await check(targets);
  let { first, kind } = found;

  const treeHeadProblems: string[] = [];
  for (const head of heads) {
    const root = roots.get(head.treeSize);
    if (!root) {
      if (!unreadable) treeHeadProblems.push(`${describeHead(head)}: the store holds only ${index} events`);
      continue;
    }
    if (root.toString('hex') !== head.rootHash) treeHeadProblems.push(`${describeHead(head)}: the events no longer hash to its root`);
    if (publicKey && !verifySignature(treeHeadMessage(head), head.signature, publicKey)) {
      treeHeadProblems.push(`${describeHead(head)}: its signature does not verify with the ledger's key`);
    }
  }
  const rootAtSeal = seal ? roots.get(seal.treeSize) : undefined;

  if (!first && index < logSize) {
    const leaf = (await log.leaf(index)) as LeafRecord;
    first = { leafIndex: index, expected: { eventId: leaf.eventId, position: leaf.position } };
    if (unreadable) kind = 'modified';
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
    threads,
  };
}

async function storedTreeMatches(log: MerkleLog, head: SignedTreeHead): Promise<boolean> {
  try {
    return (await log.rootHash(head.treeSize)).toString('hex') === head.rootHash;
  } catch {
    return false;
  }
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
