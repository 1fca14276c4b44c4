import type { EventToAppend } from '../../events';
import { eventCanonicalAround } from '../audit/verifier/portable';
import { leafHashOfText } from '../audit/verifier/merkle-core';
import type { ExpectedRevision, StreamAppend } from './event-store.port';

/**
 * An event as a store that writes its leaf at commit takes it: its canonical text around the revision
 * (eventCanonicalAround), whose data and metadata spans are the texts stored. Plain strings and numbers: cheap to
 * hand to the SQLite writer thread.
 */
export interface PreparedEvent {
  readonly type: string;
  readonly version: number;
  readonly eventId: string;
  readonly before: string;
  readonly after: string;
  readonly data: readonly [number, number];
  readonly metadata: readonly [number, number];
}

export interface PreparedAppend {
  readonly stream: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly PreparedEvent[];
}

/** Each event canonicalised once, before the append's transaction: its leaf is hashed and its texts stored from this. */
export function prepareForLeaves(appends: readonly StreamAppend[]): PreparedAppend[] {
  return appends.map((a) => ({
    stream: a.stream,
    expectedRevision: a.expectedRevision,
    events: a.events.map((e: EventToAppend): PreparedEvent => ({
      type: e.type,
      version: e.version,
      eventId: e.metadata.eventId,
      ...eventCanonicalAround({ type: e.type, version: e.version, stream: a.stream, data: e.data, metadata: e.metadata }),
    })),
  }));
}

/** The stored texts of a prepared event: its canonical data and metadata. */
export const storedTexts = (e: PreparedEvent): { data: string; metadata: string } => ({
  data: e.before.slice(e.data[0], e.data[1]),
  metadata: e.before.slice(e.metadata[0], e.metadata[1]),
});

/** The Merkle leaf of a prepared event at its revision: SHA-256(0x00 ‖ its RFC 8785 text). */
export function leafAt(e: PreparedEvent, revision: number): Buffer {
  return leafHashOfText(`${e.before}${revision}${e.after}`);
}
