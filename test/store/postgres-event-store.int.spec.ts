import { firstValueFrom } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import type { RecordedEvent } from '../../events';
import { canonicalJson } from '../../src/audit/verifier/canonical-json';
import { IdempotencyKeyTaken, StreamAppend, WrongExpectedRevision } from '../../src/store/event-store.port';
import { PostgresEventStore, PostgresEventStoreOptions } from '../../src/store/postgres/postgres-event-store';
import { channelOf } from '../../src/store/postgres/postgres-schema';
import { eventStoreContract } from './event-store.contract';
import { testEvent, uniqueStream } from '../support/events';
import { runStatement } from '../../src/store/postgres/connection';
import { createTestSchema, postgres, describeWithPostgres } from '../support/postgres';

/*
 * These suites need a PostgreSQL server: DATABASE_URL (`export DATABASE_URL="$(.ci/postgres)"`). Each run works in
 * a fresh schema, dropped at the end, so that reruns start from an empty log.
 */
describeWithPostgres('PostgreSQL event store', () => {
  const url = postgres.url as string;
  let schema: string;
  let drop: () => Promise<void>;
  const open = (options: Partial<PostgresEventStoreOptions> = {}) => PostgresEventStore.connect({ connectionString: url, schema, ...options });
  const sql = <T extends object>(text: string, values: unknown[] = []) => runStatement<T>(url, text, values);

  beforeAll(async () => {
    ({ schema, drop } = await createTestSchema(url));
  });
  afterAll(async () => {
    await drop?.();
  });

  describe('contract', () => {
    const schemas: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const dropSchema of schemas) await dropSchema();
    });
    eventStoreContract((options) => open(options), {
      freshLog: async () => {
        const fresh = await createTestSchema(url);
        schemas.push(fresh.drop);
        return PostgresEventStore.connect({ connectionString: url, schema: fresh.schema });
      },
    });
  });

  describe('on PostgreSQL', () => {
    let store: PostgresEventStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores data and metadata as their canonical JSON text (RFC 8785), and reads back every number and string', async () => {
      const s = uniqueStream('line');
      const data = {
        zeta: 'first key',
        amount: '1550440000.25',
        numbers: [0.1, 1e21, 5e-324, 9007199254740991, -1.5, 0],
        text: ['Giảm nghèo bền vững', '\u0000', '\ud800', 'tab\tquote"backslash\\', '😀'],
        alpha: { z: 1, a: 2 },
      };
      const e = testEvent('PlanAssigned', data);
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [e] }]);
      const [stored] = await sql<{ data: string; metadata: string }>(
        `SELECT data::text AS data, metadata::text AS metadata FROM "${schema}".events WHERE stream = $1`,
        [s],
      );
      // The text written is the event's RFC 8785 form, the very text its leaf hashes.
      expect(stored.data).toBe(canonicalJson(data));
      expect(stored.metadata).toBe(canonicalJson(e.metadata));
      expect(stored.data).toBe(
        '{"alpha":{"a":2,"z":1},"amount":"1550440000.25","numbers":[0.1,1e+21,5e-324,9007199254740991,-1.5,0],' +
          '"text":["Giảm nghèo bền vững","\\u0000","\\ud800","tab\\tquote\\"backslash\\\\","😀"],"zeta":"first key"}',
      );
      const [read] = await store.readStream(s);
      expect(read.data).toEqual(data);
      expect(read.metadata).toEqual(e.metadata);
      // Every number and string reads back as written; members come back in their canonical order.
      expect(Object.keys(read.data as object)).toEqual(['alpha', 'amount', 'numbers', 'text', 'zeta']);
      expect(JSON.stringify(read.data)).toBe(canonicalJson(data));
      expect(JSON.stringify(read.metadata)).toBe(canonicalJson(e.metadata));
    });

    it('keeps events across reopening, at dense positions from 1', async () => {
      const fresh = await createTestSchema(url, 'ledger_reopen');
      try {
        const s = uniqueStream('line');
        const first = await PostgresEventStore.connect({ connectionString: url, schema: fresh.schema });
        await first.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent(), testEvent()] }]);
        await first.close();
        const second = await PostgresEventStore.connect({ connectionString: url, schema: fresh.schema });
        expect((await second.readAll(0)).map((e) => e.position)).toEqual([1, 2]);
        await second.append([{ stream: s, expectedRevision: 1, events: [testEvent()] }]);
        expect(await second.headPosition()).toBe(3);
        await second.close();
      } finally {
        await fresh.drop();
      }
    });

    it('refuses a second event at the same (stream, revision) even bypassing the adapter', async () => {
      const s = uniqueStream('line');
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }]);
      await expect(
        sql(`INSERT INTO "${schema}".events (position, stream, revision, event_id, type, version, data, metadata)
             VALUES (1000000, $1, 0, 'other-id', 'T', 1, '{}', '{}')`, [s]),
      ).rejects.toThrow(/duplicate key/);
    });

    it('commits concurrent appends together and refuses only the conflicting ones', async () => {
      const hot = uniqueStream('hot');
      await store.append([{ stream: hot, expectedRevision: 'no_stream', events: [testEvent()] }]);
      const before = await store.headPosition();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? store.append([{ stream: uniqueStream('cold'), expectedRevision: 'no_stream', events: [testEvent()] }])
            : store.append([{ stream: hot, expectedRevision: 0, events: [testEvent()] }]),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(11);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refused.every((r) => r.reason instanceof WrongExpectedRevision)).toBe(true);
      expect(await store.readStream(hot)).toHaveLength(2);
      const positions = (await store.readAll(before)).map((e) => e.position);
      expect(positions).toEqual(positions.map((_, i) => before + i + 1));
    });

    it('fails only the append whose event id is already stored when it shares a batch with others', async () => {
      const taken = testEvent();
      await store.append([{ stream: uniqueStream('line'), expectedRevision: 'no_stream', events: [taken] }]);
      const head = await store.headPosition();
      const results = await Promise.allSettled([
        store.append([{ stream: uniqueStream('line'), expectedRevision: 'no_stream', events: [testEvent()] }]),
        store.append([{ stream: uniqueStream('line'), expectedRevision: 'no_stream', events: [taken] }]),
        store.append([{ stream: uniqueStream('line'), expectedRevision: 'no_stream', events: [testEvent()] }]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason.message)).toMatch(/duplicate key.*event_id/);
      expect(await store.headPosition()).toBe(head + 2);
    });

    it("delivers its own commits to a subscription that is caught up without reading them back, as a read would", async () => {
      const own = await open({ pollIntervalMs: 3_600_000 });
      try {
        const s = uniqueStream('own');
        const start = await own.headPosition();
        const got: RecordedEvent[] = [];
        let caughtUp: () => void = () => undefined;
        const marker = new Promise<void>((resolve) => (caughtUp = resolve));
        const subscription = own.subscribeToAll({ after: start }).subscribe((e) => {
          got.push(e);
          if (e.stream === s) caughtUp();
        });
        // Once the first event is delivered, the subscription has nothing left to read.
        await own.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }]);
        await marker;
        const reads = jest.spyOn(own, 'readAll');
        await own.append([{ stream: s, expectedRevision: 0, events: [testEvent('PlanAssigned', { amount: '1550440000.25', n: 0.1 })] }]);
        await own.append([{ stream: s, expectedRevision: 1, events: [testEvent(), testEvent()] }]);
        await new Promise((r) => setTimeout(r, 100)); // the NOTIFY of both commits arrives, and changes nothing
        expect(reads).not.toHaveBeenCalled();
        reads.mockRestore();
        subscription.unsubscribe();
        expect(got).toEqual(await own.readAll(start));
        expect(got.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      } finally {
        await own.close();
      }
    });

    it('completes live subscriptions when it closes', async () => {
      const other = await open();
      const done = firstValueFrom(other.subscribeToAll({ after: await other.headPosition() }).pipe(toArray()));
      await new Promise((r) => setTimeout(r, 20));
      await other.close();
      await expect(done).resolves.toEqual([]);
    });
  });

  describe('several processes on one database', () => {
    let stores: PostgresEventStore[] = [];
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
      stores = [];
    });

    it('create the tables once when they start at the same time', async () => {
      const fresh = await createTestSchema(url, 'ledger_start');
      try {
        stores = await Promise.all(Array.from({ length: 4 }, () => PostgresEventStore.connect({ connectionString: url, schema: fresh.schema })));
        const s = uniqueStream('line');
        await stores[3].append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }]);
        expect(await stores[0].headPosition()).toBe(1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        stores = [];
        await fresh.drop();
      }
    });

    it('let exactly one of two appends with the same expected revision win across connections', async () => {
      stores = [await open(), await open()];
      const s = uniqueStream('line');
      await stores[0].append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }]);
      const outcomes = await Promise.allSettled(stores.map((st) => st.append([{ stream: s, expectedRevision: 0, events: [testEvent()] }])));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
    });

    it('let exactly one of two claims of an idempotency key win across connections', async () => {
      stores = [await open(), await open()];
      const key = `key-${uniqueStream('k')}`;
      const head = await stores[0].headPosition();
      const outcomes = await Promise.allSettled(
        stores.map((st) =>
          st.append([{ stream: uniqueStream('line'), expectedRevision: 'no_stream', events: [testEvent()] }], {
            idempotency: { key, fingerprint: 'f' },
          }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyKeyTaken);
      expect(await stores[1].headPosition()).toBe(head + 1);
    });

    it('wake a live subscription of another connection by NOTIFY, without polling', async () => {
      const reader = await open({ pollIntervalMs: 3_600_000 });
      const writer = await open();
      stores = [reader, writer];
      const s = uniqueStream('notified');
      const start = await reader.headPosition();
      const received = firstValueFrom(reader.subscribeToAll({ after: start }).pipe(filter((e) => e.stream === s), take(2), toArray()));
      await new Promise((r) => setTimeout(r, 50));
      await writer.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }]);
      await new Promise((r) => setTimeout(r, 50));
      await writer.append([{ stream: s, expectedRevision: 0, events: [testEvent()] }]);
      expect((await received).map((e) => e.revision)).toEqual([0, 1]);
    });
    it('listen again when the listening connection is cut, and catch up with what was committed meanwhile', async () => {
      const reader = await open({ pollIntervalMs: 3_600_000 });
      const writer = await open();
      stores = [reader, writer];
      const s = uniqueStream('relisten');
      const received = firstValueFrom(
        reader.subscribeToAll({ after: await reader.headPosition() }).pipe(filter((e) => e.stream === s), take(2), toArray()),
      );
      await new Promise((r) => setTimeout(r, 50));
      const cut = await sql<{ cut: boolean }>(
        `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'gnbv-ledger-listen' AND query = $1`,
        [`LISTEN "${channelOf(schema)}"`],
      );
      expect(cut.length).toBeGreaterThanOrEqual(2);
      await writer.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }]);
      await writer.append([{ stream: s, expectedRevision: 0, events: [testEvent()] }]);
      expect((await received).map((e) => e.revision)).toEqual([0, 1]);
    });
  });

  describe('the gap problem: a transaction that commits after a later position became visible', () => {
    const WRITERS = 4;
    const APPENDS_PER_WRITER = 60;
    let stores: PostgresEventStore[] = [];
    let fresh: { schema: string; drop: () => Promise<void> };

    beforeAll(async () => {
      fresh = await createTestSchema(url, 'ledger_gaps');
      stores = await Promise.all(
        Array.from({ length: WRITERS + 1 }, (_, i) =>
          PostgresEventStore.connect({ connectionString: url, schema: fresh.schema, pollIntervalMs: i === WRITERS ? 2 : 1000 }),
        ),
      );
      // A deferred trigger sleeps at COMMIT, after the events are inserted, up to 4 ms per event: a wide window in
      // which a transaction holding later positions could commit first, and a reader see them, if the adapter let it.
      await sql(`CREATE FUNCTION "${fresh.schema}".slow_commit() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN PERFORM pg_sleep(random() * 0.004); RETURN NULL; END $$`);
      await sql(`CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON "${fresh.schema}".events
                 DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "${fresh.schema}".slow_commit()`);
    });
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await fresh?.drop();
    });

    it('delivers to a subscriber every position exactly once, in order, while writers on several connections commit', async () => {
      const subscriber = stores[WRITERS];
      const writers = stores.slice(0, WRITERS);
      // Each writer: appends of 1 to 3 events, over 5 streams of its own and 3 shared ones (expected revision any).
      const plan = writers.map((_, w) =>
        Array.from({ length: APPENDS_PER_WRITER }, (_, i): StreamAppend[] => {
          const own = { stream: `gap-w${w}-s${i % 5}`, expectedRevision: 'any' as const, events: Array.from({ length: 1 + (i % 3) }, () => testEvent()) };
          return i % 4 === 0 ? [own, { stream: `gap-shared-${i % 3}`, expectedRevision: 'any', events: [testEvent()] }] : [own];
        }),
      );
      const total = plan.flat(2).reduce((n, a) => n + a.events.length, 0);

      const seen: RecordedEvent[] = [];
      let failure: unknown;
      const subscription = subscriber.subscribeToAll({ after: 0 }).subscribe({
        next: (e) => seen.push(e),
        error: (error) => (failure = error),
      });
      // Every writer (its own connection) keeps 8 appends in flight, which it commits in batches.
      await Promise.all(
        writers.map(async (store, w) => {
          const queue = [...plan[w]];
          await Promise.all(
            Array.from({ length: 8 }, async () => {
              for (let next = queue.shift(); next; next = queue.shift()) await store.append(next);
            }),
          );
        }),
      );
      const head = await subscriber.headPosition();
      for (let waited = 0; seen[seen.length - 1]?.position !== head && !failure && waited < 10_000; waited += 10) {
        await new Promise((r) => setTimeout(r, 10));
      }
      subscription.unsubscribe();
      expect(failure).toBeUndefined();

      const all = await subscriber.readAll(0);
      expect(all).toHaveLength(total);
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
      expect(seen.map((e) => e.position)).toEqual(all.map((e) => e.position));
      expect(seen.map((e) => e.metadata.eventId)).toEqual(all.map((e) => e.metadata.eventId));
      for (const w of writers.keys()) {
        const revisions = (await subscriber.readStream(`gap-w${w}-s0`)).map((e) => e.revision);
        expect(revisions).toEqual(revisions.map((_, i) => i));
      }
    });
  });
});
