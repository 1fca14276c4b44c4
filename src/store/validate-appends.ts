import type { StreamAppend } from './event-store.port';

/**
 * Shape checks shared by every adapter: a malformed append is a programming error, refused before any I/O.
 *
 * A stream may appear more than once in one append (a journal import touches a fund line, then an activity,
 * then the line again, and the global order must follow the journal). The entries apply in order, so every
 * later entry of a stream must name the exact revision the earlier ones leave it at: "any" or
 * "stream_exists" there would let a mistake through unnoticed.
 */
export function validateAppends(appends: readonly StreamAppend[]): void {
  if (appends.length === 0) throw new TypeError('append: at least one stream is required');
  const seen = new Set<string>();
  for (const a of appends) {
    if (typeof a.stream !== 'string' || a.stream.length === 0) throw new TypeError('append: stream name is empty');
    if (a.stream.startsWith('$')) throw new TypeError(`append: stream ${a.stream}: names starting with $ are reserved`);
    if (seen.has(a.stream) && typeof a.expectedRevision !== 'number') {
      throw new TypeError(
        `append: stream ${a.stream} appears twice in one append; each later entry of a stream needs the exact expected revision the earlier entries leave it at, not ${String(a.expectedRevision)}`,
      );
    }
    seen.add(a.stream);
    if (a.events.length === 0) throw new TypeError(`append: stream ${a.stream}: no events`);
    const e = a.expectedRevision;
    if (!(e === 'any' || e === 'no_stream' || e === 'stream_exists' || (Number.isInteger(e) && (e as number) >= 0))) {
      throw new TypeError(`append: stream ${a.stream}: invalid expected revision ${String(e)}`);
    }
    for (const ev of a.events) {
      if (!ev.metadata?.eventId) throw new TypeError(`append: stream ${a.stream}: event ${ev.type} has no metadata.eventId`);
    }
  }
}
