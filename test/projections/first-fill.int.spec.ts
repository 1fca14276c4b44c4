import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { FirstFill } from '../../src/projections/projection-runner';
import { ReadModelDb } from '../../src/projections/read-model-db';
import { rebuildReadModels, verifyReadModels } from '../../src/projections/rebuild';
import { appendAll, disbursed, line, tenEvents, voucher } from '../support/ledger-events';
import { Harness, harness } from '../support/projections';

const L = line();

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** The read-model files beside the harness's: generations, lanes. */
const filesOf = (h: Harness) => readdirSync(dirname(h.readModelFile)).filter((f) => f.startsWith(`${basename(h.readModelFile)}.`) && !/-(wal|shm|journal)$/.test(f));

/**
 * A rebuild as the projection thread's (firstFillOf), on a connection of its own to the same file, in this thread: it
 * waits for `gate` first, so that the runner can be seen meanwhile.
 */
function rebuildOnOwnConnection(h: () => Harness, gate: Promise<void>, calls: { n: number }): FirstFill['rebuild'] {
  return async (onProgress) => {
    calls.n += 1;
    onProgress(0, 'events');
    await gate;
    const own = ReadModelDb.open(h().readModelFile);
    try {
      return await rebuildReadModels(h().store, own, h().context, { onProgress: (position, _events, phase) => onProgress(position, phase ?? 'events') });
    } finally {
      own.close();
    }
  };
}

describe('the read models built from position 0 at start by a rebuild (ProjectionRunnerOptions.firstFill)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-first-fill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds a log of fromEvents events or more into a generation of its own, tells how far meanwhile, then follows the log', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const calls = { n: 0 };
    const h: Harness = harness(dir, { start: false, firstFill: { fromEvents: 10, rebuild: rebuildOnOwnConnection(() => h, gate, calls) } });
    try {
      const head = await tenEvents(h.store);
      h.runner.start();
      await until(() => h.runner.rebuilding !== null, 'the rebuild starts');
      // Meanwhile the empty generation made at start is live, and nothing is folded into it.
      expect(h.runner.rebuilding).toMatchObject({ position: 0, head, phase: 'events' });
      expect({ position: h.runner.position, generation: h.runner.generation }).toEqual({ position: 0, generation: 1 });
      open();
      expect(await h.runner.catchUp()).toBe(head);
      expect(calls.n).toBe(1);
      expect(h.runner.rebuilding).toBeNull();
      expect(h.runner.generation).toBe(2);
      expect(filesOf(h)).toEqual([`${basename(h.readModelFile)}.g2`]);
      expect(h.queries.balances({}).total.disbursed).toBe('28000');
      // It follows the log from the rebuilt generation's checkpoint.
      const next = await appendAll(h.store, disbursed(L, 'a-1', 'gn-8', '8000', { basis: voucher('UNC-8', '2024-09-10') }));
      expect(await h.runner.catchUp()).toBe(next);
      expect(h.queries.balances({}).total.disbursed).toBe('36000');
      expect((await verifyReadModels(h.store, h.readModelFile, h.context)).differenceCount).toBe(0);
    } finally {
      await h.closeAll();
    }
  });

  /** A runner not started whose first fill is `rebuild` from the first event on, and the alarms it raises. */
  const withRebuild = (rebuild: FirstFill['rebuild']) => {
    const alarms: string[] = [];
    const h = harness(dir, { start: false, alarm: (message) => alarms.push(message), firstFill: { fromEvents: 1, rebuild } });
    return { h, alarms };
  };

  it('folds a log shorter than fromEvents itself, in the generation it made', async () => {
    const calls = { n: 0 };
    const h: Harness = harness(dir, { start: false, firstFill: { fromEvents: 11, rebuild: rebuildOnOwnConnection(() => h, Promise.resolve(), calls) } });
    try {
      const head = await tenEvents(h.store);
      h.runner.start();
      expect(await h.runner.catchUp()).toBe(head);
      expect({ calls: calls.n, generation: h.runner.generation, rebuilding: h.runner.rebuilding }).toEqual({ calls: 0, generation: 1, rebuilding: null });
      expect(h.queries.balances({}).total.disbursed).toBe('28000');
    } finally {
      await h.closeAll();
    }
  });

  it('folds the log itself when the rebuild fails, and says why', async () => {
    const { h, alarms } = withRebuild(() => Promise.reject(new Error('the rebuild thread stopped (exit code 1) before it finished')));
    try {
      const head = await tenEvents(h.store);
      h.runner.start();
      expect(await h.runner.catchUp()).toBe(head);
      expect(alarms).toEqual([
        'read models: the rebuild at start failed (the rebuild thread stopped (exit code 1) before it finished); folding the log in this thread instead',
      ]);
      expect({ generation: h.runner.generation, rebuilding: h.runner.rebuilding }).toEqual({ generation: 1, rebuilding: null });
      expect(h.queries.balances({}).total.disbursed).toBe('28000');
      expect((await verifyReadModels(h.store, h.readModelFile, h.context)).differenceCount).toBe(0);
    } finally {
      await h.closeAll();
    }
  });

  it('stops the rebuild when the runner stops, and folds nothing', async () => {
    let signal: AbortSignal | null = null;
    const { h, alarms } = withRebuild((_onProgress, given) => {
      signal = given;
      return new Promise((_resolve, reject) => given.addEventListener('abort', () => reject(new Error('stopped'))));
    });
    try {
      await tenEvents(h.store);
      h.runner.start();
      await until(() => signal !== null, 'the rebuild starts');
      await h.runner.stop();
      expect(signal!.aborted).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect({ position: h.runner.position, alarms }).toEqual({ position: 0, alarms: [] });
    } finally {
      await h.closeAll();
    }
  });

  it('lets one rebuild at a time hold the read models: a second (`ledger projections rebuild` beside the first fill) is refused, naming the first', async () => {
    const h: Harness = harness(dir, { start: false });
    const first = ReadModelDb.open(h.readModelFile);
    const second = ReadModelDb.open(h.readModelFile);
    try {
      const head = await tenEvents(h.store);
      const running = rebuildReadModels(h.store, first, h.context, { holder: 'the ledger server, building its read models at start' });
      await expect(rebuildReadModels(h.store, second, h.context, { holder: '`ledger projections rebuild`' })).rejects.toThrow(
        new RegExp(
          `^the read models in ${h.readModelFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} are being rebuilt by the ledger server, building its read models at start ` +
            '\\(process \\d+, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\): one rebuild at a time; wait for it to finish$',
        ),
      );
      // The first was not disturbed, and once it is over the next may run.
      expect(await running).toMatchObject({ generation: 1, position: head });
      expect(filesOf(h)).toEqual([`${basename(h.readModelFile)}.g1`]);
      expect(await rebuildReadModels(h.store, second, h.context)).toMatchObject({ generation: 2, position: head });
      expect((await verifyReadModels(h.store, h.readModelFile, h.context)).differenceCount).toBe(0);
    } finally {
      first.close();
      second.close();
      await h.closeAll();
    }
  });
});
