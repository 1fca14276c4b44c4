import type { RecordedEvent } from '../../events';
import type { EventStore } from '../store/event-store.port';
import { leafHashOfText, MerkleFrontier } from './merkle';
import type { LeafRecord, MerkleLog } from './merkle-log';
import { eventLeafHash } from './verifier/formats';
import type { Mismatch, MismatchKind } from './verify-log';

/**
 * `ledger verify`'s reading and checking of the events (verify-log.ts reports): a range of the log checked on its own
 * (checkRange), in this thread or in a verify thread (verify-threads.ts), and ranges joined in log order (joinRanges).
 */

const PAGE = 1000;

/** texts: hash each event's stored text (storedTextPages); parsed: parse and canonicalise every event (parsedPages). */
export type PassMode = 'texts' | 'parsed';

/** What the check needs of one event: its place, its id, its leaf as recomputed, and the leaf written at its commit. */
interface CheckedEvent {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly hash: Buffer;
  /** The leaf written at commit (null: none), when the store keeps them. */
  readonly written: Buffer | null | undefined;
}

type CheckedPage = { readonly events: readonly CheckedEvent[] } | { readonly unreadable: string };

/** The events after position `after`, up to `upTo`, as the pass reads them. */
function pagesOf(store: EventStore, mode: PassMode, after: number, upTo: number): AsyncGenerator<CheckedPage> {
  return mode === 'texts' ? storedTextPages(store, after, upTo) : parsedPages(store, after, upTo);
}

/** Every event read and parsed as the store returns it, canonicalised and hashed. */
async function* parsedPages(store: EventStore, after: number, upTo: number): AsyncGenerator<CheckedPage> {
  const kept = store.readLeaves !== undefined;
  let position = after;
  // As stored: the leaves were hashed from the events as appended, before any upcasting.
  let pages = store.streamAll(position, { pageSize: PAGE, asStored: true, upTo })[Symbol.asyncIterator]();
  let onePerPage = false;
  for (;;) {
    let next: IteratorResult<RecordedEvent[]>;
    try {
      next = await pages.next();
    } catch (error) {
      // An event whose stored JSON was damaged cannot be read at all: go on one event at a time to find it.
      if (!onePerPage) {
        onePerPage = true;
        pages = store.streamAll(position, { pageSize: 1, asStored: true, upTo })[Symbol.asyncIterator]();
        continue;
      }
      const reason = error instanceof Error ? error.message : String(error);
      yield { unreadable: `the store cannot read the event after position ${position}: ${reason}` };
      return;
    }
    if (next.done) return;
    const page = next.value;
    const atCommit = new Map(kept ? (await (store.readLeaves as NonNullable<EventStore['readLeaves']>)(position, page.length)).map((l) => [l.position, l.leafHash]) : []);
    yield {
      events: page.map((event) => ({
        position: event.position,
        stream: event.stream,
        revision: event.revision,
        eventId: eventIdOf(event),
        hash: eventLeafHash(event),
        written: kept ? (atCommit.get(event.position) ?? null) : undefined,
      })),
    };
    position = page[page.length - 1].position;
  }
}

/**
 * Every event as stored, its texts hashed as they are (see verifyLog); an event whose text does not hash to the leaf
 * written at its commit is parsed and canonicalised. Only the metadata is always parsed, for the event's id.
 */
async function* storedTextPages(store: EventStore, after: number, upTo: number): AsyncGenerator<CheckedPage> {
  const read = (store.readStoredTexts as NonNullable<EventStore['readStoredTexts']>).bind(store);
  for (let position = after; ; ) {
    const rows = await read(position, PAGE);
    if (rows.length === 0) return;
    const events: CheckedEvent[] = [];
    for (const row of rows) {
      if (row.position > upTo) break;
      let hash: Buffer = leafHashOfText(
        `{"data":${row.data},"metadata":${row.metadata},"revision":${row.revision},"stream":${JSON.stringify(row.stream)},"type":${JSON.stringify(row.type)},"version":${row.version}}`,
      );
      let metadata: unknown;
      try {
        metadata = JSON.parse(row.metadata);
        if (!row.leafHash?.equals(hash)) {
          const { stream, revision, type, version } = row;
          hash = eventLeafHash({ stream, revision, type, version, data: JSON.parse(row.data), metadata });
        }
      } catch (error) {
        // The events before it were read: they are checked (as when each event is parsed), then the check stops.
        if (events.length > 0) yield { events };
        const reason = error instanceof Error ? error.message : String(error);
        yield { unreadable: `the store cannot read the event at position ${row.position}: ${reason}` };
        return;
      }
      events.push({ position: row.position, stream: row.stream, revision: row.revision, eventId: idIn(metadata), hash, written: row.leafHash });
    }
    if (events.length > 0) yield { events };
    if (rows.length < PAGE || events.length < rows.length) return;
    position = rows[rows.length - 1].position;
  }
}

/** Is there an event with this id after position `after`, up to `upTo` (or up to one the store cannot read)? */
export async function findEvent(store: EventStore, mode: PassMode, after: number, upTo: number, eventId: string): Promise<boolean> {
  for await (const page of pagesOf(store, mode, after, upTo)) {
    if ('unreadable' in page) return false;
    if (page.events.some((event) => event.eventId === eventId)) return true;
  }
  return false;
}

/** Leaves per block (default): a range's tree is handed over as the roots of its complete, aligned blocks of this many leaves. */
export const BLOCK = 65_536;
const HASH = 32;

/**
 * One range of the log to check on its own: the events after position `after` up to position `upTo` (Infinity: to
 * the end), its first event taken to be leaf `startIndex`. `targets` are the tree sizes whose roots are wanted (the
 * signed tree heads' and the seal's).
 */
export interface RangeTask {
  readonly mode: PassMode;
  readonly after: number;
  readonly upTo: number;
  readonly startIndex: number;
  readonly targets: readonly number[];
  /** Leaves per block, a power of two (BLOCK). */
  readonly block: number;
}

/**
 * What one range found, as checkRange found it (and a thread hands it back: plain data). The range's part of the tree:
 * the leaves before its first block boundary one by one, the roots of its complete blocks, and the subtrees of its last,
 * incomplete block (MerkleFrontier.toBuffer); for a wanted tree size inside a block, that block's subtrees up to it.
 */
export interface RangeResult {
  readonly startIndex: number;
  /** Events checked: up to the one the store could not read, if any. */
  readonly events: number;
  readonly unreadable?: string;
  readonly withoutLeaf: number;
  readonly firstWithoutLeaf?: number;
  readonly firstLeafMismatch?: { readonly position: number; readonly eventId: string };
  /** The first event of the range that does not match the leaf at its index. */
  readonly first?: Omit<Mismatch, 'kind' | 'message'>;
  /** How it departs, when the range tells (else it is 'reordered' if a later range holds the logged event, or 'missing'). */
  readonly kind?: MismatchKind;
  readonly leading: Uint8Array;
  readonly blocks: Uint8Array;
  readonly trailing: Uint8Array;
  readonly inBlocks: ReadonlyArray<readonly [size: number, subtrees: Uint8Array]>;
}

/** Checks the events of one range against the log's leaves from `task.startIndex` on, and hashes the range's tree. */
export async function checkRange(store: EventStore, log: MerkleLog, task: RangeTask, onProgress?: (events: number) => void): Promise<RangeResult> {
  const kept = store.readLeaves !== undefined;
  const targets = new Set(task.targets);
  let index = task.startIndex;
  const leadingEnd = Math.ceil(index / task.block) * task.block;
  const leading: Buffer[] = [];
  const blocks: Buffer[] = [];
  const inBlocks: [number, Buffer][] = [];
  let block = new MerkleFrontier();
  let withoutLeaf = 0;
  let firstWithoutLeaf: number | undefined;
  let firstLeafMismatch: { position: number; eventId: string } | undefined;
  let first: Omit<Mismatch, 'kind' | 'message'> | undefined;
  let kind: MismatchKind | undefined;
  let unreadable: string | undefined;
  for await (const page of pagesOf(store, task.mode, task.after, task.upTo)) {
    if ('unreadable' in page) {
      unreadable = page.unreadable;
      break;
    }
    const leaves = first ? [] : await log.leaves(index, page.events.length);
    for (let i = 0; i < page.events.length; i++) {
      const event = page.events[i];
      const { hash, eventId } = event;
      if (kept) {
        const written = event.written;
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
      if (index < leadingEnd) leading.push(hash);
      else {
        block.push(hash);
        if (block.size === task.block) {
          blocks.push(block.root());
          block = new MerkleFrontier();
        } else if (targets.has(index + 1)) {
          inBlocks.push([index + 1, block.toBuffer()]);
        }
      }
      index += 1;
    }
    onProgress?.(index - task.startIndex);
  }
  return {
    startIndex: task.startIndex,
    events: index - task.startIndex,
    unreadable,
    withoutLeaf,
    firstWithoutLeaf,
    firstLeafMismatch,
    first,
    kind,
    leading: Buffer.concat(leading),
    blocks: Buffer.concat(blocks),
    trailing: block.toBuffer(),
    inBlocks,
  };
}

/** The whole log checked in this thread, as one range. */
export async function checkInThisThread(
  store: EventStore,
  log: MerkleLog,
  mode: PassMode,
  targets: readonly number[],
  onProgress?: (events: number) => void,
): Promise<JoinedRanges> {
  const range = await checkRange(store, log, { mode, after: 0, upTo: Number.POSITIVE_INFINITY, startIndex: 0, targets, block: BLOCK }, onProgress);
  return joinRanges([range], targets, BLOCK, async () => false);
}

/** The ranges' findings and trees joined in log order: what a check of the whole log in one go finds. */
export interface JoinedRanges extends Pick<RangeResult, 'events' | 'unreadable' | 'withoutLeaf' | 'firstWithoutLeaf' | 'firstLeafMismatch' | 'first' | 'kind'> {
  /** The root of the tree of each wanted size the events reached. */
  readonly roots: ReadonlyMap<number, Buffer>;
}

/**
 * Joins ranges checked apart, in log order. Each range must have started at the index where the ranges before it ended
 * (a range checked with another start is checked again first, see VerifyThreads.check); the ranges after one the store
 * could not read are left out, as a check in one go stops there. `laterHolds(i, eventId)`: whether a range after the
 * i-th holds the event (the logged one missing where the first mismatch is, when its own range did not tell).
 */
export async function joinRanges(
  ranges: readonly RangeResult[],
  targets: readonly number[],
  block: number,
  laterHolds: (range: number, eventId: string) => Promise<boolean>,
): Promise<JoinedRanges> {
  const wanted = new Set(targets);
  const roots = new Map<number, Buffer>();
  const frontier = new MerkleFrontier();
  const note = () => {
    if (wanted.has(frontier.size)) roots.set(frontier.size, frontier.root());
  };
  note();
  let withoutLeaf = 0;
  let firstWithoutLeaf: number | undefined;
  let firstLeafMismatch: RangeResult['firstLeafMismatch'];
  let first: RangeResult['first'];
  let kind: MismatchKind | undefined;
  let unreadable: string | undefined;
  for (const [i, range] of ranges.entries()) {
    if (range.startIndex !== frontier.size) throw new Error(`range ${i} was checked from leaf ${range.startIndex}, but it starts at leaf ${frontier.size}`);
    withoutLeaf += range.withoutLeaf;
    firstWithoutLeaf ??= range.firstWithoutLeaf;
    firstLeafMismatch ??= range.firstLeafMismatch;
    if (!first && range.first) {
      first = range.first;
      kind = range.kind ?? ((await laterHolds(i, range.first.expected.eventId)) ? 'reordered' : undefined);
    }
    for (let at = 0; at < range.leading.length; at += HASH) {
      frontier.push(hashAt(range.leading, at));
      note();
    }
    let inBlock = 0;
    // The roots of the wanted sizes that fall inside the block starting where the frontier is, before `end`.
    const rootsBefore = (end: number) => {
      for (; inBlock < range.inBlocks.length && range.inBlocks[inBlock][0] < end; inBlock++) {
        const [size, subtrees] = range.inBlocks[inBlock];
        const joined = frontier.copy();
        for (const s of MerkleFrontier.fromBuffer(size - frontier.size, Buffer.from(subtrees.buffer, subtrees.byteOffset, subtrees.length)).subtrees) {
          joined.pushSubtree(s.hash, s.leaves);
        }
        roots.set(size, joined.root());
      }
    };
    for (let at = 0; at < range.blocks.length; at += HASH) {
      rootsBefore(frontier.size + block);
      frontier.pushSubtree(hashAt(range.blocks, at), block);
      note();
    }
    const trailing = MerkleFrontier.fromBuffer(
      range.startIndex + range.events - frontier.size,
      Buffer.from(range.trailing.buffer, range.trailing.byteOffset, range.trailing.length),
    );
    rootsBefore(Number.POSITIVE_INFINITY);
    for (const s of trailing.subtrees) frontier.pushSubtree(s.hash, s.leaves);
    note();
    if (range.unreadable) {
      unreadable = range.unreadable;
      break;
    }
  }
  return { events: frontier.size, unreadable, withoutLeaf, firstWithoutLeaf, firstLeafMismatch, first, kind, roots };
}

function hashAt(hashes: Uint8Array, at: number): Buffer {
  return Buffer.from(hashes.buffer, hashes.byteOffset + at, HASH);
}

function eventIdOf(e: RecordedEvent): string {
  return idIn(e.metadata);
}

/** Tampering may have left the metadata without an id, or not an object at all. */
function idIn(metadata: unknown): string {
  return String((metadata as { eventId?: unknown } | null)?.eventId);
}

function placeOf(e: Pick<RecordedEvent, 'stream' | 'revision' | 'position'> & { readonly eventId: string }): NonNullable<Mismatch['found']> {
  return { eventId: e.eventId, position: e.position, stream: e.stream, revision: e.revision };
}

