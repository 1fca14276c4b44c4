import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { eventStoreContract } from './event-store.contract';
import { testEvent, uniqueStream } from '../support/events';

describe('SQLite event store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('contract', () => {
    let fresh = 0;
    eventStoreContract(async (options) => new SqliteEventStore({ file: join(dir, 'contract.db'), ...options }), {
      freshLog: async () => new SqliteEventStore({ file: join(dir, `fresh-${(fresh += 1)}.db`) }),
    });
  });

  describe('the database file', () => {
    it('is in WAL mode with synchronous=FULL', async () => {
      const store = new SqliteEventStore({ file: join(dir, 'pragmas.db') });
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      await store.close();
    });

    it('keeps events across reopening, with dense global positions from 1', async () => {
      const file = join(dir, 'reopen.db');
      const s = uniqueStream('line');
      const first = new SqliteEventStore({ file });
      await first.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent(), testEvent()] }]);
      await first.close();
      const second = new SqliteEventStore({ file });
      const all = await second.readAll(0);
      expect(all.map((e) => e.position)).toEqual([1, 2]);
      await second.append([{ stream: s, expectedRevision: 1, events: [testEvent()] }]);
      expect(await second.headPosition()).toBe(3);
      await second.close();
    });

    it('refuses a second event at the same (stream, revision) even bypassing the adapter', async () => {
      const store = new SqliteEventStore({ file: join(dir, 'unique.db') });
      const s = uniqueStream('line');
      await store.append([{ stream: s, expectedRevision: 'no_stream', events: [testEvent()] }]);
      expect(() =>
        store.db
          .prepare('INSERT INTO events (stream, revision, event_id, type, version, data, metadata) VALUES (?,?,?,?,?,?,?)')
          .run(s, 0, 'other-id', 'T', 1, '{}', '{}'),
      ).toThrow(/UNIQUE/);
      await store.close();
    });
  });

  describe('group commit', () => {
    it('commits concurrent appends to different streams together and refuses only the conflicting one', async () => {
      const store = new SqliteEventStore({ file: join(dir, 'group.db') });
      const hot = uniqueStream('hot');
      await store.append([{ stream: hot, expectedRevision: 'no_stream', events: [testEvent()] }]);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? store.append([{ stream: uniqueStream('cold'), expectedRevision: 'no_stream', events: [testEvent()] }])
            : store.append([{ stream: hot, expectedRevision: 0, events: [testEvent()] }]),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(11);
      expect(await store.readStream(hot)).toHaveLength(2);
      const positions = (await store.readAll(0)).map((e) => e.position);
      expect(positions).toEqual(positions.map((_, i) => i + 1));
      await store.close();
    });
  });
});
