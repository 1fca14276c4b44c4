import type { EventToAppend } from '../../events';
import { eventCanonicalAround } from '../audit/verifier/portable';
import { leafHash } from '../audit/verifier/merkle-core';
import type { StreamAppend } from './event-store.port';

/** An event ready for a store that writes its leaf at commit: its canonical text around the revision. */
export type PreparedEvent = EventToAppend & { readonly before: string; readonly after: string };

/**
 * Each event with the canonical text around its revision (eventCanonicalAround), computed before the append's
 * transaction: the store learns the revision in the transaction and hashes `before + revision + after` there.
 */
export function prepareForLeaves(appends: readonly StreamAppend[]): readonly StreamAppend[] {
  return appends.map((a) => ({
    ...a,
    events: a.events.map((e): PreparedEvent => {
      const [before, after] = eventCanonicalAround({ type: e.type, version: e.version, stream: a.stream, data: e.data, metadata: e.metadata });
      return { ...e, before, after };
    }),
  }));
}

/** The Merkle leaf of a prepared event at its revision: SHA-256(0x00 ‖ its RFC 8785 text). */
export function leafAt(e: EventToAppend, revision: number): Buffer {
  const p = e as PreparedEvent;
  return leafHash(Buffer.from(`${p.before}${revision}${p.after}`, 'utf8'));
}
