import type { RecordedEvent } from '../../events';
import type { StreamAllOptions } from './event-store.port';

export const DEFAULT_STREAM_PAGE = 1000;

/**
 * EventStore.streamAll for an adapter that can read a page of the global log: pages of `pageSize` events strictly
 * after a position, each read once the previous one was taken, up to `upTo` or the first short page.
 */
export async function* pagesOfTheLog(
  readPage: (after: number, maxCount: number) => Promise<RecordedEvent[]> | RecordedEvent[],
  after: number,
  options: StreamAllOptions = {},
): AsyncGenerator<RecordedEvent[]> {
  const size = options.pageSize ?? DEFAULT_STREAM_PAGE;
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`streamAll: pageSize must be a positive whole number, not ${size}`);
  const upTo = options.upTo ?? Number.POSITIVE_INFINITY;
  for (let position = after; position < upTo; ) {
    const page = await readPage(position, size);
    if (page.length === 0) return;
    const last = page[page.length - 1].position;
    if (last > upTo) {
      // Positions rise through the page: keep the events up to `upTo`, and stop.
      const kept = page.filter((e) => e.position <= upTo);
      if (kept.length > 0) yield kept;
      return;
    }
    yield page;
    if (page.length < size) return;
    position = last;
  }
}
