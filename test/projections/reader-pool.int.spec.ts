import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { loadConfig } from '../../src/config/ledger-config';
import { ReadModelDb } from '../../src/projections/read-model-db';
import { ReadModelUnavailable } from '../../src/projections/read-model-queries';
import { ReaderPool, ReaderReply } from '../../src/projections/reader-pool';

/** How the pool shares questions between its threads, and how it restarts a thread that cannot open the read models. */
describe('ReaderPool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-readers-'));
  const config = loadConfig({ LEDGER_DATA_DIR: dir });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ready = (worker: Worker) => new Promise<void>((resolve) => worker.on('message', (m: ReaderReply) => m.kind === 'ready' && resolve()));

  it('shares a light load: questions asked one at a time go to each thread in turn', async () => {
    ReadModelDb.open(config.readModelFile).close();
    const pool = new ReaderPool({ readModelLocation: config.readModelFile, catalogueDir: config.catalogueDir }, 2);
    try {
      await Promise.all(pool.workers.map(ready));
      const answered = pool.workers.map(() => 0);
      pool.workers.forEach((w, i) => w.on('message', (m: ReaderReply) => (m.kind === 'answer' || m.kind === 'error') && answered[i]++));
      for (let i = 0; i < 6; i++) {
        // No generation is built yet: each thread answers that it has none (an answer all the same).
        await expect(pool.status()).rejects.toBeInstanceOf(ReadModelUnavailable);
      }
      expect(answered).toEqual([3, 3]);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('starts a thread that cannot open the read models again after 1 s, then 2 s, not in a loop', async () => {
    const restarts: number[] = [];
    const pool = new ReaderPool({ readModelLocation: join(dir, 'no-such-folder', 'read-models.db'), catalogueDir: config.catalogueDir }, 1, {
      log: (message) => restarts.push(Date.now()) && expect(message).toMatch(/reader thread 1 stopped \(exit code 1; it could not open the read models: .+\); starting another/),
    });
    try {
      while (restarts.length < 3) await new Promise((r) => setTimeout(r, 50));
      const waits = [restarts[1] - restarts[0], restarts[2] - restarts[1]];
      // Each wait is the pause plus the thread's start (loading the catalogue, failing to open the file).
      expect(waits[0]).toBeGreaterThanOrEqual(1000);
      expect(waits[1]).toBeGreaterThanOrEqual(2000);
      expect(waits[1]).toBeGreaterThan(waits[0]);
      await expect(pool.status()).rejects.toThrow(/no reader thread is running|reader thread 1 stopped/);
    } finally {
      await pool.close();
    }
  }, 30_000);
});
