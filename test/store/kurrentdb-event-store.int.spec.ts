import { randomUUID } from 'node:crypto';
import { KurrentDbEventStore } from '../../src/store/kurrentdb/kurrentdb-event-store';
import { eventStoreContract } from './event-store.contract';
import { testEvent, uniqueStream } from '../support/events';
import { describeWhen } from '../support/skip';

/*
 * These tests need a real KurrentDB node (docker compose up -d, then KURRENTDB_URL=kurrentdb://localhost:2113?tls=false).
 * There is no in-process KurrentDB and a fake would only test the fake, so without KURRENTDB_URL the suite is
 * skipped, and `npm test` prints why rather than passing silently.
 */
const url = process.env.KURRENTDB_URL;

describeWhen(url, 'KURRENTDB_URL is not set (docker compose up -d, then KURRENTDB_URL=kurrentdb://localhost:2113?tls=false)', 'KurrentDB event store', () => {
  describe('contract', () => {
    eventStoreContract((options) => KurrentDbEventStore.connect(url as string, options), { interleavedStreams: false });
  });

  describe('on KurrentDB', () => {
    let store: KurrentDbEventStore;
    beforeAll(async () => {
      store = await KurrentDbEventStore.connect(url as string);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('returns for a one-event append the position the event is read back at', async () => {
      const s = uniqueStream('line');
      const r = await store.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }]);
      const [read] = await store.readStream(s);
      expect(r.position).toBe(read.position);
      expect(r.events[0].position).toBe(read.position);
    });

    it('keeps idempotency claims out of readAll and headPosition', async () => {
      const before = await store.headPosition();
      const s = uniqueStream('line');
      const r = await store.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }], {
        idempotency: { key: `key-${randomUUID()}`, fingerprint: 'f' },
      });
      const after = await store.readAll(before);
      expect(after.every((e) => !e.stream.startsWith('ledger-idempotency-'))).toBe(true);
      expect(after.map((e) => e.position)).toContain(r.position);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(r.position);
    });

    it('rebuilds the result of a claimed append whose expected revision was any', async () => {
      const a = uniqueStream('line');
      const b = uniqueStream('line');
      await store.append([{ stream: a, expectedRevision: 'no_stream', events: [testEvent()] }]);
      const key = `key-${randomUUID()}`;
      const first = await store.append(
        [
          { stream: a, expectedRevision: 'any', events: [testEvent(), testEvent()] },
          { stream: b, expectedRevision: 'no_stream', events: [testEvent()] },
        ],
        { idempotency: { key, fingerprint: 'f' } },
      );
      expect(first.events.map((e) => [e.stream, e.revision])).toEqual([
        [a, 1],
        [a, 2],
        [b, 0],
      ]);
      expect(await store.findIdempotency(key)).toEqual({ key, fingerprint: 'f', result: first });
    });

    it('appends atomically to streams named like fund lines', async () => {
      const line = `fundline-${randomUUID()}:DA5:2024:2024:NSTW:SN:183`;
      const activity = uniqueStream('activity');
      const r = await store.append([
        { stream: line, expectedRevision: 'no_stream', events: [testEvent()] },
        { stream: activity, expectedRevision: 'no_stream', events: [testEvent()] },
      ]);
      expect(r.events.map((e) => e.stream)).toEqual([line, activity]);
      expect(await store.readStream(line)).toHaveLength(1);
    });

    it('refuses the reserved stream prefix and $ event types before writing', async () => {
      await expect(
        store.append([{ stream: `ledger-idempotency-${randomUUID()}`, expectedRevision: 'any', events: [testEvent()] }]),
      ).rejects.toThrow(/reserved/);
      await expect(
        store.append([{ stream: uniqueStream('line'), expectedRevision: 'any', events: [testEvent('$metadata')] }]),
      ).rejects.toThrow(/reserved/);
    });
  });
});
