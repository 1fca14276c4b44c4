import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainEvent } from '../../events';
import { AggregateCache, Fold } from '../../src/commands/aggregate-cache';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { testEvent, uniqueStream } from '../support/events';

/** The number of events folded: enough to tell a stale state from a fresh one. */
const counting: Fold<number, DomainEvent> = { initial: () => 0, evolve: (n) => n + 1 };

describe('the aggregate cache on the SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('while the store writes alone (it holds the writer lock)', () => {
    let store: SqliteEventStore;
    let cache: AggregateCache;
    let reads: jest.SpyInstance;
    beforeEach(async () => {
      store = new SqliteEventStore({ file: join(dir, `alone-${uniqueStream('db')}.db`) });
      await store.startWriting();
      cache = new AggregateCache(store);
      reads = jest.spyOn(store, 'readStream');
    });
    afterEach(async () => {
      reads.mockRestore();
      await store.close();
    });

    it('serves a state it read without asking the store again', async () => {
      const s = uniqueStream('line');
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent(), testEvent()] }]);
      expect((await cache.load(s, counting)).state).toBe(2);
      expect((await cache.load(s, counting)).state).toBe(2);
      expect(reads).toHaveBeenCalledTimes(1);
    });

    it('drops a state as soon as a commit outgrows it, before the append is answered', async () => {
      const s = uniqueStream('line');
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }]);
      expect((await cache.load(s, counting)).state).toBe(1);
      // Appended past the cache (as a journal import or another command's own cache would): heard at commit.
      await store.append([{ stream: s, expectedRevision: 0, events: [testEvent(), testEvent()] }]);
      expect(await cache.load(s, counting)).toMatchObject({ state: 3, revision: 2 });
      expect(reads).toHaveBeenCalledTimes(2);
    });

    it('keeps a speculated state that its own commit reaches, and serves it committed', async () => {
      const s = uniqueStream('line');
      expect((await cache.load(s, counting)).state).toBe(0);
      const event = testEvent();
      const committed = store.append([{ stream: s, expectedRevision: 'no_stream', events: [event] }]);
      cache.speculate(s, counting, [event as unknown as DomainEvent], committed);
      await committed;
      await Promise.resolve();
      expect(await cache.load(s, counting)).toMatchObject({ state: 1, revision: 0 });
      expect(reads).toHaveBeenCalledTimes(1);
    });
  });

  it('asks the store at every load while another process may write (no startWriting)', async () => {
    const file = join(dir, 'shared.db');
    const store = new SqliteEventStore({ file });
    // Another writer of the same file, as another process would be: this store hears nothing of its commits.
    const other = new Database(file);
    other.pragma('busy_timeout = 5000');
    const insert = other.prepare('INSERT INTO events (stream, revision, event_id, type, version, data, metadata) VALUES (?, ?, ?, ?, 1, ?, ?)');
    const write = (stream: string, revision: number) => {
      const e = testEvent();
      insert.run(stream, revision, e.metadata.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
    };
    const reads = jest.spyOn(store, 'readStream');
    try {
      const cache = new AggregateCache(store);
      const s = uniqueStream('line');
      write(s, 0);
      expect(store.writesAlone()).toBe(false);
      expect((await cache.load(s, counting)).state).toBe(1);
      write(s, 1);
      expect((await cache.load(s, counting)).state).toBe(2);
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      reads.mockRestore();
      other.close();
      await store.close();
    }
  });
});
