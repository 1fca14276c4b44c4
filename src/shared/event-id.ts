import { randomUUID } from 'node:crypto';

/**
 * A new event id: a UUID of version 7 (RFC 9562 §5.7), the Unix time in milliseconds in its first 48 bits and 74
 * random bits after it. Unique as a random UUID is, and ordered by time of creation to the millisecond: the ids of a
 * commit sit side by side in the log's `event_id` index (and the audit log's), so a commit writes one or two of its
 * pages instead of one page per event, anywhere in an index that outgrows the page cache as the log grows. The time
 * it tells is the one the event's metadata already records (`recordedAt`); it is not a clock to read.
 */
export function newEventId(now: number = Date.now()): string {
  // randomUUID's version-4 layout: xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, V already RFC 9562's variant (10xx).
  const random = randomUUID();
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
