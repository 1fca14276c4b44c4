import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Audit } from '../../src/audit/audit';
import type { MerkleLog } from '../../src/audit/merkle-log';
import { SqliteMerkleLog } from '../../src/audit/sqlite-merkle-log';
import { SigningKey } from '../../src/audit/signing-key';
import { loadDemoData } from '../../src/journal/demo';
import { IMPORTER } from '../journal/support';
import { renderReport } from '../../src/reports/report-files';
import { OutsideScope, ReportService } from '../../src/reports/reports.service';
import { Harness, harness } from '../support/projections';

describe('a report asked within an authorisation scope', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-report-scope-'));
  let h: Harness;
  let log: MerkleLog;
  let reports: ReportService;

  beforeAll(async () => {
    h = harness(dir);
    await loadDemoData(h.store, { principal: IMPORTER, now: '2026-01-15T08:00:00.000Z' });
    await h.runner.catchUp();
    log = SqliteMerkleLog.open(':memory:', h.store);
    await log.catchUp();
    const audit = new Audit(h.store, log, SigningKey.generate());
    reports = new ReportService(
      { queries: h.readQueries, catalogue: h.catalogue, ctx: h.context, position: () => h.runner.position, waitFor: (p, ms) => h.runner.waitFor(p, ms), head: () => h.store.headPosition() },
      { treeHeadCovering: async (p) => audit.treeHeadCoveringPosition(p), treeAt: async (p) => audit.treeAt(p), checkTreeHead: async (head) => audit.checkTreeHead(head) },
    );
  });
  afterAll(async () => {
    await log.close();
    await h.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const VQ = { unit: '184', budgetYear: '2024', asOf: '2024-06-30' };

  it('answers for a unit within the caller’s subtrees: the district itself or its province', async () => {
    expect((await reports.resources(VQ, { units: ['184'] })).report.unitName).toBe('Huyện Văn Quan');
    expect((await reports.resources(VQ, { units: ['849', '20'] })).report.rows[0].cells.planTotal.value).toBe('98801000000');
  });

  it('refuses a unit outside them, for a report and for the check of a filed one', async () => {
    await expect(reports.resources(VQ, { units: ['849'] })).rejects.toThrow(new OutsideScope('unit 184 is outside the units this caller may see (849)'));
    const filed = await renderReport(await reports.resources(VQ, { all: true }), 'json');
    await expect(reports.verify(filed, { units: ['06253'] })).rejects.toBeInstanceOf(OutsideScope);
    expect((await reports.verify(filed, { units: ['20'] })).ok).toBe(true);
  });
});
