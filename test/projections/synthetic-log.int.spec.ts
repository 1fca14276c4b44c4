import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticLog, shapeFor, syntheticCatalogue, SyntheticEvent } from '../../bench/synthetic-log';
import { GROUP_DIMENSIONS } from '../../src/projections/read-model-queries';
import { formatDifference, verifyReadModels } from '../../src/projections/rebuild';
import { harness } from '../support/projections';

describe('on a synthetic log shaped like the programme', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-synthetic-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const shape = shapeFor(12_000, 7);
  const catalogue = syntheticCatalogue(shape);
  const groups: SyntheticEvent[][] = [];
  generateSyntheticLog(shape, (g) => groups.push([...g]));

  it('builds live, in small batches while events arrive, exactly what a rebuild from position 0 builds', async () => {
    const h = harness(dir, { catalogue, batchSize: 97 });
    for (const g of groups) await h.store.append(g.map((e) => ({ stream: e.stream, expectedRevision: 'any', events: [e.event] })));
    const head = await h.runner.catchUp();
    expect(head).toBeGreaterThanOrEqual(12_000);
    const verified = await verifyReadModels(h.store, h.readModelFile, h.context, { batchSize: 5000 });
    expect(verified.differences.map(formatDifference)).toEqual([]);
    expect(verified.position).toBe(head);

    // Every roll-up gives the same figures from the maintained tables and from the bitemporal entries.
    for (const dimension of GROUP_DIMENSIONS) {
      const now = h.queries.balances({ groupBy: [dimension], pageSize: 500 });
      const end = h.queries.balances({ groupBy: [dimension], pageSize: 500, asOf: '2100-01-01', knownAt: '2100-01-01' });
      expect(end.rows.map(({ events: _e, ...r }) => r)).toEqual(now.rows.map(({ events: _e, ...r }) => r));
      expect(end.total).toEqual(now.total);
    }
    const province = catalogue.units.has('S01') ? 'S01' : 'S02';
    const now = h.queries.progress({ unit: province });
    const end = h.queries.progress({ unit: province, asOf: '2100-01-01' });
    expect({ ...end, asOf: null }).toEqual(now);
    expect(now.components.length).toBeGreaterThan(5);
    await h.closeAll();
    // Builds every read model twice (live in small batches, then a rebuild to compare): on 2 shared cores this takes
    // longer than jest's default 30 s.
  }, 120_000);
});
