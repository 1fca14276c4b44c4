import { ReadModelStatus, noticeOf } from '../../web/src/read-model-status';

/** The message key and its parameters, as the page would translate them. */
const say = (key: string, params: Readonly<Record<string, string | number>> = {}) => `${key} ${JSON.stringify(params)}`;
const ok: ReadModelStatus = { position: 319, head: 319, failing: null, rebuilding: null };

describe('what the read models’ status means for the figures a page shows', () => {
  it('says nothing while they follow the log', () => {
    expect(noticeOf(ok, false, say)).toBeNull();
    expect(noticeOf({ ...ok, position: 300 }, false, say)).toBeNull();
  });

  it('tells how far a rebuild at start is, in events, then while it builds the indexes', () => {
    const rebuilding = { ...ok, position: 0, rebuilding: { position: 456_789, head: 1_000_000, phase: 'events' as const, since: '2026-12-02T18:00:00.000Z' } };
    expect(noticeOf(rebuilding, false, say)).toEqual({ kind: 'rebuilding', text: 'readModels.rebuilding {"percent":45,"position":"456.789","head":"1.000.000"}' });
    const indexes = { ...rebuilding, rebuilding: { ...rebuilding.rebuilding, position: 1_000_000, phase: 'indexes' as const } };
    expect(noticeOf(indexes, true, say)).toEqual({ kind: 'rebuilding', text: 'readModels.rebuildingIndexes {"head":"1.000.000"}' });
    expect(noticeOf({ ...rebuilding, rebuilding: { ...rebuilding.rebuilding, position: 0, head: 0 } }, false, say)?.text).toContain('"percent":0');
  });

  it('once a rebuild seen under way is over, asks for the page to be reloaded', () => {
    expect(noticeOf(ok, true, say)).toEqual({ kind: 'rebuilt', text: 'readModels.rebuilt {}' });
  });

  it('says where read models that cannot go on stopped, and why', () => {
    const stopped = { ...ok, position: 319, head: 321, failing: { position: 320, eventId: 'poisoned-0001', message: 'cannot fold poisoned-0001 at position 320' } };
    expect(noticeOf(stopped, false, say)).toEqual({
      kind: 'stopped',
      text: 'readModels.stopped {"position":"319","head":"321","message":"cannot fold poisoned-0001 at position 320"}',
    });
  });
});
