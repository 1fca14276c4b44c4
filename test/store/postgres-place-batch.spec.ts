import { IdempotencyKeyTaken, WrongExpectedRevision } from '../../src/store/event-store.port';
import { LogState, placeBatch } from '../../src/store/postgres/place-batch';
import { testEvent } from '../support/events';

const state = (head: number, revisions: Record<string, number> = {}, claimed: string[] = []): LogState => ({
  head,
  revisions: new Map(Object.entries(revisions)),
  claimed: new Set(claimed),
});

describe('PostgreSQL adapter: placing a batch of appends', () => {
  describe('given a log at position 10 where stream a is at revision 3', () => {
    const log = state(10, { a: 3 });

    it('gives the appends dense positions after the head and revisions after each stream', () => {
      const placed = placeBatch(
        [
          { appends: [{ stream: 'a', expectedRevision: 3, events: [testEvent(), testEvent()] }] },
          { appends: [{ stream: 'b', expectedRevision: 'no_stream', events: [testEvent()] }] },
        ],
        log,
      );
      expect(placed.events.map((e) => [e.position, e.stream, e.revision])).toEqual([
        [11, 'a', 4],
        [12, 'a', 5],
        [13, 'b', 0],
      ]);
      expect(placed.placements).toEqual([
        { ok: { position: 12, events: [expect.objectContaining({ position: 11 }), expect.objectContaining({ position: 12 })] } },
        { ok: { position: 13, events: [expect.objectContaining({ stream: 'b', revision: 0, position: 13 })] } },
      ]);
      expect(placed.head).toBe(13);
    });

    it('lets a later append of the batch see the revisions an earlier one left', () => {
      const placed = placeBatch(
        [
          { appends: [{ stream: 'a', expectedRevision: 3, events: [testEvent()] }] },
          { appends: [{ stream: 'a', expectedRevision: 3, events: [testEvent()] }] },
          { appends: [{ stream: 'a', expectedRevision: 4, events: [testEvent()] }] },
        ],
        log,
      );
      expect(placed.placements.map((p) => ('ok' in p ? p.ok.position : p.refused.constructor.name))).toEqual([11, 'WrongExpectedRevision', 12]);
      expect(placed.events.map((e) => e.revision)).toEqual([4, 5]);
    });

    it('leaves no trace of a refused append: no rows, no positions, no revisions', () => {
      const placed = placeBatch(
        [
          {
            appends: [
              { stream: 'c', expectedRevision: 'no_stream', events: [testEvent()] },
              { stream: 'a', expectedRevision: 0, events: [testEvent()] },
            ],
          },
          { appends: [{ stream: 'c', expectedRevision: 'no_stream', events: [testEvent()] }] },
        ],
        log,
      );
      const refused = placed.placements[0] as { refused: WrongExpectedRevision };
      expect(refused.refused).toBeInstanceOf(WrongExpectedRevision);
      expect(refused.refused).toMatchObject({ stream: 'a', expected: 0, actual: 3 });
      expect(placed.events.map((e) => [e.position, e.stream, e.revision])).toEqual([[11, 'c', 0]]);
    });

    it('places a stream that comes back after another in the order given', () => {
      const placed = placeBatch(
        [
          {
            appends: [
              { stream: 'a', expectedRevision: 3, events: [testEvent()] },
              { stream: 'b', expectedRevision: 'no_stream', events: [testEvent()] },
              { stream: 'a', expectedRevision: 4, events: [testEvent()] },
            ],
          },
        ],
        log,
      );
      expect(placed.events.map((e) => [e.position, e.stream, e.revision])).toEqual([
        [11, 'a', 4],
        [12, 'b', 0],
        [13, 'a', 5],
      ]);
    });
  });

  describe('idempotency claims', () => {
    it('claims the positions of its append, and refuses a key claimed before or earlier in the batch', () => {
      const placed = placeBatch(
        [
          { appends: [{ stream: 'a', expectedRevision: 'any', events: [testEvent(), testEvent()] }], idempotency: { key: 'k1', fingerprint: 'f' } },
          { appends: [{ stream: 'b', expectedRevision: 'any', events: [testEvent()] }], idempotency: { key: 'k1', fingerprint: 'f' } },
          { appends: [{ stream: 'c', expectedRevision: 'any', events: [testEvent()] }], idempotency: { key: 'old', fingerprint: 'f' } },
        ],
        state(0, {}, ['old']),
      );
      expect(placed.claims).toEqual([{ key: 'k1', fingerprint: 'f', firstPosition: 1, lastPosition: 2 }]);
      expect(placed.placements.slice(1).map((p) => ('refused' in p ? p.refused : p))).toEqual([
        new IdempotencyKeyTaken('k1'),
        new IdempotencyKeyTaken('old'),
      ]);
      expect(placed.head).toBe(2);
    });

    it('reports a wrong revision before a taken key, as the other adapters do', () => {
      const placed = placeBatch(
        [{ appends: [{ stream: 'a', expectedRevision: 7, events: [testEvent()] }], idempotency: { key: 'old', fingerprint: 'f' } }],
        state(0, {}, ['old']),
      );
      expect((placed.placements[0] as { refused: Error }).refused).toBeInstanceOf(WrongExpectedRevision);
    });
  });

  it('keeps data and metadata as the JSON text of the appended values', () => {
    const e = testEvent('T', { amount: '12.50', n: 0.1 });
    const [row] = placeBatch([{ appends: [{ stream: 'a', expectedRevision: 'any', events: [e] }] }], state(0)).events;
    expect(row.data).toBe('{"amount":"12.50","n":0.1}');
    expect(row.metadata).toBe(JSON.stringify(e.metadata));
  });
});
