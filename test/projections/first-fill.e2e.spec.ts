import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/ledger-config';
import { AUDITOR, startTestLedger, TestLedger } from '../support/app';

/** What an auditor reads of the demo: balances, progress, red flags, decisions; without the position each answer reflects. */
async function answers(ledger: TestLedger) {
  const read = async (path: string) => {
    const { position, ...rest } = (await ledger.get(path, AUDITOR)).body;
    expect(typeof position).toBe('number');
    return rest;
  };
  return {
    balances: await read('/balances'),
    byDistrict: await read('/balances?groupBy=district'),
    progress: await read('/progress'),
    redFlags: await read('/red-flags'),
    decisions: await read('/decisions'),
  };
}

describe('the server builds its read models from position 0 by a rebuild on a long log (LEDGER_REBUILD_FROM_EVENTS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-first-fill-e2e-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.auth-key`, { force: true });
    rmSync(`${dir}-signing-key.pem`, { force: true });
  });

  it('started on a log without its read models, rebuilds them in a generation of its own and serves the same answers', async () => {
    // npm start with the demo: 319 events, folded event by event (fewer than the default 100,000).
    const first = await startTestLedger({ demo: true, dir });
    let before: Awaited<ReturnType<typeof answers>>;
    let head: number;
    try {
      head = await first.store.headPosition();
      expect((await first.get('/read-models/status', AUDITOR)).body).toMatchObject({ generation: 1, position: head, rebuilding: null });
      before = await answers(first);
    } finally {
      await first.close();
    }
    // The log restored without its read models: the next start builds them from position 0, here by a rebuild.
    for (const f of readdirSync(dir)) if (f.startsWith('read-models.db')) rmSync(join(dir, f));
    const second = await startTestLedger({ demo: true, dir, env: { LEDGER_REBUILD_FROM_EVENTS: '100' } });
    try {
      // The harness added its own users (a few account events) before it waited for the read models to reflect the head.
      expect(second.basePosition).toBeGreaterThan(head);
      head = second.basePosition;
      // The harness waited until the read models reflect the head: the rebuild's generation (2), the empty one made at start (1) dropped.
      expect((await second.get('/read-models/status', AUDITOR)).body).toMatchObject({ generation: 2, position: head, head, behind: 0, rebuilding: null, failing: null });
      expect((await second.get('/health')).body.readModels).toEqual({ position: head });
      expect(readdirSync(dir).filter((f) => f.startsWith('read-models.db.') && !/-(wal|shm|journal)$/.test(f))).toEqual(['read-models.db.g2']);
      expect(await answers(second)).toEqual(before);
    } finally {
      await second.close();
    }
  });

  it('refuses a setting that is not a whole number of events, naming it', () => {
    for (const bad of ['0', '-5', '1.5', 'many']) {
      expect(() => loadConfig({ LEDGER_REBUILD_FROM_EVENTS: bad })).toThrow('LEDGER_REBUILD_FROM_EVENTS must be a whole number of events, 1 or more');
    }
    expect(loadConfig({ LEDGER_REBUILD_FROM_EVENTS: '250000' }).rebuildFromEvents).toBe(250_000);
    expect(loadConfig({}).rebuildFromEvents).toBe(100_000);
  });
});
