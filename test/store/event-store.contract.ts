import { firstValueFrom } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import { randomUUID } from 'node:crypto';
import { RecordedEvent, Upcasters } from '../../events';
import { rootOf } from '../../src/audit/merkle';
import { SigningKey } from '../../src/audit/signing-key';
import { eventLeafHash, SignedTreeHead, treeHeadMessage, verifySignature } from '../../src/audit/verifier/formats';
import {
  EventStore,
  IdempotencyKeyTaken,
  LogIntegrityError,
  WrongExpectedRevision,
} from '../../src/store/event-store.port';
import { testEvent, uniqueStream } from '../support/events';

const ev = (n: number) => testEvent('TestHappened', { n }, randomUUID());

export interface ContractOptions {
  /**
   * Whether a stream may come back after other streams in one append (the journal import needs it to keep
   * the journal's order). KurrentDB's multi-stream append takes each stream once: that adapter merges
   * consecutive entries of a stream and refuses a stream that comes back.
   */
  readonly interleavedStreams?: boolean;
  /**
   * A store on a new, empty log, for the tamper evidence written at commit (leaves and the seal); absent for an
   * adapter that cannot keep it (KurrentDB: its global order exists only after commit), whose suite says so.
   */
  readonly freshLog?: () => Promise<EventStore>;
}

/** What the suite may ask of a store besides the default: another upcaster registry. */
export interface StoreOptions {
  readonly upcasters?: Upcasters;
}

/**
 * The behaviour every EventStore adapter must have. Streams get unique names so the suite can run
 * against a long-lived server whose log is never emptied. `makeStore` opens the same log each time.
 */
export function eventStoreContract(makeStore: (options?: StoreOptions) => Promise<EventStore>, options: ContractOptions = {}): void {
  const interleavedStreams = options.interleavedStreams ?? true;
  let store: EventStore;

  beforeAll(async () => {
    store = await makeStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  describe('appending to one stream', () => {
    it('creates the stream with revisions from 0 and returns the global position of the last event', async () => {
      const s = uniqueStream('line');
      const r = await store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(1), ev(2)] }]);
      expect(r.events.map((e) => e.revision)).toEqual([0, 1]);
      expect(r.position).toBe(r.events[1].position);
      expect(r.events[1].position).toBeGreaterThan(r.events[0].position);
      const read = await store.readStream(s);
      expect(read.map((e) => [e.revision, (e.data as { n: number }).n])).toEqual([[0, 1], [1, 2]]);
      expect(read[1].position).toBe(r.position);
    });

    it('keeps type, version, data and metadata exactly', async () => {
      const s = uniqueStream('line');
      const e = testEvent('PlanAssigned', { amount: '1550440000.25', nested: { list: ['a', 'đồng'] } }, randomUUID());
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [e] }]);
      const [read] = await store.readStream(s);
      expect(read.type).toBe('PlanAssigned');
      expect(read.version).toBe(1);
      expect(read.data).toEqual(e.data);
      expect(read.metadata).toEqual(e.metadata);
      expect(read.stream).toBe(s);
    });

    it('appends when the expected revision matches', async () => {
      const s = uniqueStream('line');
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(1)] }]);
      const r = await store.append([{ stream: s, expectedRevision: 0, events: [ev(2)] }]);
      expect(r.events[0].revision).toBe(1);
    });

    describe('when the expected revision does not match', () => {
      it('throws WrongExpectedRevision and writes nothing', async () => {
        const s = uniqueStream('line');
        await store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(1), ev(2)] }]);
        const head = await store.headPosition();
        await expect(store.append([{ stream: s, expectedRevision: 0, events: [ev(3)] }])).rejects.toBeInstanceOf(
          WrongExpectedRevision,
        );
        await expect(store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(3)] }])).rejects.toBeInstanceOf(
          WrongExpectedRevision,
        );
        expect(await store.readStream(s)).toHaveLength(2);
        expect(await store.headPosition()).toBe(head);
      });

      it('refuses stream_exists on a stream that does not exist', async () => {
        const s = uniqueStream('line');
        await expect(store.append([{ stream: s, expectedRevision: 'stream_exists', events: [ev(1)] }])).rejects.toBeInstanceOf(
          WrongExpectedRevision,
        );
        expect(await store.readStream(s)).toEqual([]);
      });
    });

    it('lets exactly one of two concurrent appends with the same expected revision win', async () => {
      const s = uniqueStream('line');
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(1)] }]);
      const outcomes = await Promise.allSettled([
        store.append([{ stream: s, expectedRevision: 0, events: [ev(2)] }]),
        store.append([{ stream: s, expectedRevision: 0, events: [ev(3)] }]),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(WrongExpectedRevision);
      expect(await store.readStream(s)).toHaveLength(2);
    });
  });

  describe('appending to several streams at once', () => {
    it('stores all events when every expected revision holds', async () => {
      const a = uniqueStream('line');
      const b = uniqueStream('line');
      await store.append([{ stream: a, expectedRevision: 'no_stream', events: [ev(1)] }]);
      const r = await store.append([
        { stream: a, expectedRevision: 0, events: [ev(2)] },
        { stream: b, expectedRevision: 'no_stream', events: [ev(3), ev(4)] },
      ]);
      expect(r.events.map((e) => [e.stream, e.revision])).toEqual([
        [a, 1],
        [b, 0],
        [b, 1],
      ]);
      expect(await store.readStream(a)).toHaveLength(2);
      expect(await store.readStream(b)).toHaveLength(2);
    });

    it('appends consecutive entries of one stream when each names the revision the previous one leaves', async () => {
      const a = uniqueStream('line');
      const b = uniqueStream('line');
      const r = await store.append([
        { stream: a, expectedRevision: 'no_stream', events: [ev(1)] },
        { stream: a, expectedRevision: 0, events: [ev(2), ev(3)] },
        { stream: b, expectedRevision: 'no_stream', events: [ev(4)] },
      ]);
      expect(r.events.map((e) => [e.stream, e.revision])).toEqual([
        [a, 0],
        [a, 1],
        [a, 2],
        [b, 0],
      ]);
      expect((await store.readStream(a)).map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
    });

    if (interleavedStreams) {
      it('appends a stream that comes back after another, in the order given', async () => {
        const before = await store.headPosition();
        const a = uniqueStream('line');
        const b = uniqueStream('line');
        const r = await store.append([
          { stream: a, expectedRevision: 'no_stream', events: [ev(1)] },
          { stream: b, expectedRevision: 'no_stream', events: [ev(2)] },
          { stream: a, expectedRevision: 0, events: [ev(3)] },
        ]);
        expect(r.events.map((e) => [e.stream, e.revision])).toEqual([
          [a, 0],
          [b, 0],
          [a, 1],
        ]);
        const all = (await store.readAll(before)).filter((e) => e.stream === a || e.stream === b);
        expect(all.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
      });

      it('stores nothing when a later entry of a stream names the wrong revision', async () => {
        const a = uniqueStream('line');
        const b = uniqueStream('line');
        const head = await store.headPosition();
        await expect(
          store.append([
            { stream: a, expectedRevision: 'no_stream', events: [ev(1), ev(2)] },
            { stream: b, expectedRevision: 'no_stream', events: [ev(3)] },
            { stream: a, expectedRevision: 0, events: [ev(4)] },
          ]),
        ).rejects.toBeInstanceOf(WrongExpectedRevision);
        expect(await store.readStream(a)).toEqual([]);
        expect(await store.readStream(b)).toEqual([]);
        expect(await store.headPosition()).toBe(head);
      });
    } else {
      it('refuses a stream that comes back after another, writing nothing', async () => {
        const a = uniqueStream('line');
        const b = uniqueStream('line');
        const head = await store.headPosition();
        await expect(
          store.append([
            { stream: a, expectedRevision: 'no_stream', events: [ev(1)] },
            { stream: b, expectedRevision: 'no_stream', events: [ev(2)] },
            { stream: a, expectedRevision: 0, events: [ev(3)] },
          ]),
        ).rejects.toThrow(TypeError);
        expect(await store.headPosition()).toBe(head);
      });
    }

    it('stores nothing in any stream when one expected revision fails', async () => {
      const a = uniqueStream('line');
      const b = uniqueStream('line');
      await store.append([{ stream: b, expectedRevision: 'no_stream', events: [ev(1)] }]);
      const head = await store.headPosition();
      await expect(
        store.append([
          { stream: a, expectedRevision: 'no_stream', events: [ev(2)] },
          { stream: b, expectedRevision: 5, events: [ev(3)] },
        ]),
      ).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect(await store.readStream(a)).toEqual([]);
      expect(await store.readStream(b)).toHaveLength(1);
      expect(await store.headPosition()).toBe(head);
    });
  });

  describe('reading', () => {
    it('reads a stream forward from a revision, with a maximum count', async () => {
      const s = uniqueStream('line');
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(0), ev(1), ev(2), ev(3)] }]);
      const from2 = await store.readStream(s, 2);
      expect(from2.map((e) => e.revision)).toEqual([2, 3]);
      const two = await store.readStream(s, 1, { maxCount: 2 });
      expect(two.map((e) => e.revision)).toEqual([1, 2]);
    });

    it('reads the global log forward from a position, in order of appending', async () => {
      const before = await store.headPosition();
      const a = uniqueStream('line');
      const b = uniqueStream('line');
      await store.append([{ stream: a, expectedRevision: 'any', events: [ev(10)] }]);
      await store.append([{ stream: b, expectedRevision: 'any', events: [ev(11)] }]);
      await store.append([{ stream: a, expectedRevision: 'any', events: [ev(12)] }]);
      const all = (await store.readAll(before)).filter((e) => e.stream === a || e.stream === b);
      expect(all.map((e) => (e.data as { n: number }).n)).toEqual([10, 11, 12]);
      const positions = all.map((e) => e.position);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      expect(all.every((e) => e.position > before)).toBe(true);
      const afterFirst = (await store.readAll(all[0].position)).filter((e) => e.stream === a || e.stream === b);
      expect(afterFirst.map((e) => (e.data as { n: number }).n)).toEqual([11, 12]);
      expect(await store.headPosition()).toBe(all[2].position);
    });
  });

  describe('streaming the global log', () => {
    async function collect(pages: AsyncIterable<RecordedEvent[]>): Promise<RecordedEvent[][]> {
      const out: RecordedEvent[][] = [];
      for await (const page of pages) out.push(page);
      return out;
    }

    it('delivers every event after a position in order, a page at a time', async () => {
      const before = await store.headPosition();
      const a = uniqueStream('line');
      const b = uniqueStream('line');
      await store.append([{ stream: a, expectedRevision: 'no_stream', events: [ev(1), ev(2)] }]);
      await store.append([{ stream: b, expectedRevision: 'no_stream', events: [ev(3)] }]);
      await store.append([{ stream: a, expectedRevision: 1, events: [ev(4), ev(5)] }]);
      const pages = await collect(store.streamAll(before, { pageSize: 2 }));
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(pages.every((p) => p.length >= 1 && p.length <= 2)).toBe(true);
      const all = pages.flat();
      expect(all.filter((e) => e.stream === a || e.stream === b).map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
      const positions = all.map((e) => e.position);
      expect(positions[0]).toBeGreaterThan(before);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
      expect(positions).toEqual((await store.readAll(before)).map((e) => e.position).slice(0, positions.length));
    });

    it('stops after upTo, and is empty after the end', async () => {
      const before = await store.headPosition();
      const s = uniqueStream('line');
      const r = await store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(1), ev(2), ev(3)] }]);
      const upTo = r.events[1].position;
      const mine = (await collect(store.streamAll(before, { upTo, pageSize: 2 }))).flat();
      expect(mine.filter((e) => e.stream === s).map((e) => e.revision)).toEqual([0, 1]);
      expect(mine.every((e) => e.position <= upTo)).toBe(true);
      expect(await collect(store.streamAll(upTo, { upTo }))).toEqual([]);
      expect((await collect(store.streamAll(r.position))).flat().filter((e) => e.stream === s)).toEqual([]);
    });

    it('reads each page when the one before was taken: appends meanwhile are included', async () => {
      const before = await store.headPosition();
      const s = uniqueStream('line');
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(1), ev(2)] }]);
      const seen: RecordedEvent[] = [];
      let appended = false;
      for await (const page of store.streamAll(before, { pageSize: 1 })) {
        seen.push(...page);
        if (!appended) {
          appended = true;
          await store.append([{ stream: s, expectedRevision: 1, events: [ev(3)] }]);
        }
      }
      expect(seen.filter((e) => e.stream === s).map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
    });

    it('refuses a page size that is not a positive whole number', async () => {
      await expect(collect(store.streamAll(0, { pageSize: 0 }))).rejects.toThrow(RangeError);
    });
  });

  describe('catch-up subscription', () => {
    it('delivers past events after the position, then live ones, in order', async () => {
      const s = uniqueStream('sub');
      const start = await store.headPosition();
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(1), ev(2)] }]);
      const received = firstValueFrom(
        store.subscribeToAll({ after: start }).pipe(
          // other suites may append concurrently to a shared server: look only at this stream
          filter((e) => e.stream === s),
          take(4),
          toArray(),
        ),
      );
      await new Promise((r) => setTimeout(r, 50));
      await store.append([{ stream: s, expectedRevision: 1, events: [ev(3)] }]);
      await store.append([{ stream: s, expectedRevision: 2, events: [ev(4)] }]);
      const events = await received;
      expect(events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4]);
      expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    });
  });

  describe('when an event was stored at an older schema version', () => {
    // A test type whose amount became a decimal string at version 2; this store was appended to at version 1.
    const upcasters = new Upcasters({ TestAmountChanged: 2 }, [
      { type: 'TestAmountChanged', from: 1, up: (data) => ({ amount: String((data as { amount: number }).amount) }) },
    ]);
    let reader: EventStore;
    let s: string;
    let before: number;
    beforeAll(async () => {
      reader = await makeStore({ upcasters });
      before = await store.headPosition();
      s = uniqueStream('shape');
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent('TestAmountChanged', { amount: 1500 }, randomUUID()), ev(2)] }]);
    });
    afterAll(async () => {
      await reader?.close();
    });
    const shapes = (events: readonly { stream: string; type: string; version: number; data: unknown }[]) =>
      events.filter((e) => e.stream === s).map((e) => [e.type, e.version, e.data]);
    const UPCAST = [['TestAmountChanged', 2, { amount: '1500' }], ['TestHappened', 1, { n: 2 }]];
    const STORED = [['TestAmountChanged', 1, { amount: 1500 }], ['TestHappened', 1, { n: 2 }]];
    const subscribed = (asStored?: boolean) =>
      firstValueFrom(reader.subscribeToAll({ after: before, asStored }).pipe(filter((e) => e.stream === s), take(2), toArray()));

    const streamed = async (asStored?: boolean) => {
      const events: RecordedEvent[] = [];
      for await (const page of reader.streamAll(before, { asStored })) events.push(...page);
      return events;
    };

    it('reads it back upcast to the current version on every read path', async () => {
      expect(shapes(await reader.readStream(s))).toEqual(UPCAST);
      expect(shapes(await reader.readAll(before))).toEqual(UPCAST);
      expect(shapes(await subscribed())).toEqual(UPCAST);
      expect(shapes(await streamed())).toEqual(UPCAST);
    });

    it('reads it back exactly as stored when asked (the audit hashes it so)', async () => {
      expect(shapes(await reader.readStream(s, 0, { asStored: true }))).toEqual(STORED);
      expect(shapes(await reader.readAll(before, { asStored: true }))).toEqual(STORED);
      expect(shapes(await subscribed(true))).toEqual(STORED);
      expect(shapes(await streamed(true))).toEqual(STORED);
    });
  });

  describe('idempotency claims', () => {
    it('records the first result and refuses a second claim of the key, writing nothing', async () => {
      const key = `key-${randomUUID()}`;
      const s = uniqueStream('line');
      const first = await store.append([{ stream: s, expectedRevision: 'no_stream', events: [ev(1), ev(2)] }], {
        idempotency: { key, fingerprint: 'f1' },
      });
      const found = await store.findIdempotency(key);
      expect(found).toEqual({ key, fingerprint: 'f1', result: first });
      const head = await store.headPosition();
      await expect(
        store.append([{ stream: uniqueStream('line'), expectedRevision: 'no_stream', events: [ev(3)] }], {
          idempotency: { key, fingerprint: 'f1' },
        }),
      ).rejects.toBeInstanceOf(IdempotencyKeyTaken);
      expect(await store.headPosition()).toBe(head);
    });

    it('knows nothing of an unused key', async () => {
      expect(await store.findIdempotency(`never-${randomUUID()}`)).toBeNull();
    });

    it('does not keep the claim of an append that failed', async () => {
      const key = `key-${randomUUID()}`;
      const s = uniqueStream('line');
      await expect(
        store.append([{ stream: s, expectedRevision: 3, events: [ev(1)] }], { idempotency: { key, fingerprint: 'f' } }),
      ).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect(await store.findIdempotency(key)).toBeNull();
    });
  });

  describe('tamper evidence written at commit', () => {
    if (!options.freshLog) {
      it.todo('is not kept by this adapter: its global order exists only after commit (the Merkle log follows it instead)');
      return;
    }
    const freshLog = options.freshLog;
    const key = SigningKey.generate();
    const rich = (n: number) =>
      testEvent('TestHappened', { n, text: 'Giảm nghèo bền vững 😀', amount: '1550440000.25', numbers: [0.1, 1e21, -0], nested: { z: [], a: null } }, randomUUID());

    it('writes each event’s leaf in its append: the hash of the event as read back as stored', async () => {
      const log = await freshLog();
      try {
        const s = uniqueStream('line');
        await log.append([{ stream: s, expectedRevision: 'no_stream', events: [rich(1), rich(2)] }]);
        await log.append([{ stream: s, expectedRevision: 'any', events: [rich(3)] }, { stream: uniqueStream('other'), expectedRevision: 'any', events: [rich(4)] }]);
        const stored = await log.readAll(0, { asStored: true });
        const leaves = await (log.readLeaves as NonNullable<EventStore['readLeaves']>)(0, 100);
        expect(leaves.map((l) => l.position)).toEqual(stored.map((e) => e.position));
        expect(leaves.map((l) => l.leafHash?.toString('hex'))).toEqual(stored.map((e) => eventLeafHash(e).toString('hex')));
      } finally {
        await log.close();
      }
    });

    it('leaves no leaf behind a refused append', async () => {
      const log = await freshLog();
      try {
        const s = uniqueStream('line');
        await log.append([{ stream: s, expectedRevision: 'no_stream', events: [rich(1)] }]);
        await expect(log.append([{ stream: s, expectedRevision: 'no_stream', events: [rich(2)] }])).rejects.toBeInstanceOf(WrongExpectedRevision);
        expect(await (log.readLeaves as NonNullable<EventStore['readLeaves']>)(0, 100)).toHaveLength(1);
      } finally {
        await log.close();
      }
    });

    it('seals every commit once writing with the key: the seal covers the whole log, hashes to its leaves and verifies', async () => {
      const log = await freshLog();
      try {
        expect(await log.startWriting?.({ signingKeyPem: key.privateKeyPem() })).toMatchObject({ ok: true, events: 0, seal: null, findings: [] });
        // Concurrent appends share commits: the seal after them covers all.
        await Promise.all([1, 2, 3, 4, 5].map((n) => log.append([{ stream: uniqueStream('line'), expectedRevision: 'no_stream', events: [rich(n)] }])));
        const seal = (await log.readSeal?.()) as SignedTreeHead;
        const leaves = (await (log.readLeaves as NonNullable<EventStore['readLeaves']>)(0, 100)).map((l) => l.leafHash as Buffer);
        expect(seal.treeSize).toBe(5);
        expect(seal.rootHash).toBe(rootOf(leaves).toString('hex'));
        expect(verifySignature(treeHeadMessage(seal), seal.signature, key.publicKey)).toBe(true);
        // A writer starting again on the sealed log finds it whole.
        expect(await log.startWriting?.({ publicKeyPem: key.publicKeyPem })).toMatchObject({ ok: true, events: 5, leaves: 5, findings: [] });
      } finally {
        await log.close();
      }
    });

    it('refuses to go on from a log its key did not seal, and appends nothing more', async () => {
      const log = await freshLog();
      try {
        await log.append([{ stream: uniqueStream('line'), expectedRevision: 'no_stream', events: [rich(1)] }]);
        const check = await log.startWriting?.({ signingKeyPem: key.privateKeyPem() });
        expect(check).toMatchObject({ ok: false, events: 1, seal: null });
        expect(check?.findings).toEqual([expect.stringMatching(/holds 1 events but no seal/)]);
        await expect(log.append([{ stream: uniqueStream('line'), expectedRevision: 'no_stream', events: [rich(2)] }])).rejects.toBeInstanceOf(LogIntegrityError);
        expect(await log.headPosition()).toBe(1);
      } finally {
        await log.close();
      }
    });
  });

  describe('malformed appends', () => {
    it('refuses an empty append, an empty stream and a repeated stream without an exact revision before writing', async () => {
      const head = await store.headPosition();
      await expect(store.append([])).rejects.toThrow(TypeError);
      const s = uniqueStream('line');
      await expect(store.append([{ stream: s, expectedRevision: 'any', events: [] }])).rejects.toThrow(/no events/);
      await expect(
        store.append([
          { stream: s, expectedRevision: 'any', events: [ev(1)] },
          { stream: s, expectedRevision: 'any', events: [ev(2)] },
        ]),
      ).rejects.toThrow(/twice/);
      expect(await store.headPosition()).toBe(head);
    });
  });
}
