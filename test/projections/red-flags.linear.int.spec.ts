import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagId } from '../../projections/red-flags/red-flags.fold';
import { EVIDENCE_PREVIEW } from '../../projections/red-flags/red-flags.queries';
import { activityReclassified, activityRegistered, appendAll, decision, disbursed, disbursementReversed, fundsAllocated, line, planAssigned, voucher } from '../support/ledger-events';
import { Harness, harness } from '../support/projections';

const L = line();
const N = 60;
/** The k-th payment (1-based): each a day after the last, all on one voucher, each just under 1 tỷ (one chain of the split rule). */
const day = (k: number) => new Date(Date.UTC(2024, 3, k)).toISOString().slice(0, 10);
const paid = (k: number) => disbursed(L, 'm-1', `gn-${k}`, '950000000', { basis: voucher('UNC-77', day(k)) });

/**
 * One voucher reused for every payment of one activity, whose reclassification takes effect after them all: each
 * payment adds to three flags (the voucher's, the split chain's, the reclassification's). What the read models
 * write for it must not grow with the number of payments before it (it grew with them: each flag was rewritten
 * with all its evidence).
 */
describe('red flags on a voucher reused many times, for an activity with many payments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-red-flags-linear-'));
  let h: Harness;
  /** Rows written to the read models for each payment, in order. */
  const writes: number[] = [];
  const totalChanges = () => h.readModels.db.prepare('SELECT total_changes()').pluck().get() as number;

  beforeAll(async () => {
    h = harness(dir);
    await appendAll(
      h.store,
      planAssigned(L, '200000000000', { basis: decision('4888/QĐ-UBND', '2023-12-22') }),
      activityRegistered({ activityId: 'm-1', kind: 'value-chain-production' }, { basis: decision('693/QĐ-UBND', '2024-03-05') }),
      fundsAllocated(L, 'm-1', '100000000000', { basis: decision('832/QĐ-UBND', '2024-03-14') }),
      activityReclassified('m-1', 'pl-1', { kind: 'value-chain-production', component: 'DA3.TDA1' }, { kind: 'community-production', component: 'DA3.TDA1' }, {
        basis: decision('1520/QĐ-UBND', '2024-12-20'),
      }),
    );
    await h.runner.catchUp();
    for (let k = 1; k <= N; k++) {
      const before = totalChanges();
      await appendAll(h.store, paid(k));
      await h.runner.catchUp();
      writes.push(totalChanges() - before);
    }
  });
  afterAll(async () => {
    await h.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes as many rows for the sixtieth payment as for the tenth', () => {
    console.info(`rows written per payment: ${writes.join(' ')}`);
    const settled = writes.slice(9);
    expect(Math.max(...settled)).toBe(Math.min(...settled));
    // The same bound over the whole run: N payments cost N times one payment's writes, give or take the first few.
    expect(writes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(N * writes[9] + 9 * writes[9]);
  });

  it('still shows every payment as evidence of each flag', () => {
    const asOf = '2025-01-01';
    const voucherFlag = h.queries.redFlag(flagId('duplicate-voucher', 'KBNN Văn Quan', 'UNC-77'), asOf);
    expect(voucherFlag).toMatchObject({ evidenceCount: N, facts: { disbursements: N, reversed: 0 } });
    expect(voucherFlag.evidence.map((x) => x.position)).toEqual(Array.from({ length: N }, (_, i) => 5 + i));
    const reclassified = h.queries.redFlag(flagId('reclassified-after-disbursement', 4), asOf);
    expect(reclassified).toMatchObject({ evidenceCount: N + 1, facts: { disbursements: N, disbursedBefore: String(950000000n * BigInt(N)) } });
    expect(reclassified.evidence).toHaveLength(N + 1);
    const split = h.queries.redFlags({ asOf, rule: ['split-below-threshold'] });
    expect(split.rows).toMatchObject([{ evidenceCount: N, facts: { count: N } }]);
    // A list shows the first few of each flag's evidence (read alone, not all N).
    const listed = h.queries.redFlags({ asOf, rule: ['duplicate-voucher'] }).rows;
    expect(listed[0].evidence.map((x) => x.position)).toEqual(Array.from({ length: EVIDENCE_PREVIEW }, (_, i) => 5 + i));
  });

  it('takes a reversed payment out of the reclassification’s evidence and marks it reversed on the voucher’s, writing about as much as a payment', async () => {
    const before = totalChanges();
    await appendAll(h.store, disbursementReversed(L, 'm-1', 'gn-30', '950000000', { basis: voucher('UNC-78', day(N + 1)) }));
    await h.runner.catchUp();
    expect(totalChanges() - before).toBeLessThanOrEqual(writes[9] + 5);
    const asOf = '2025-01-01';
    const voucherFlag = h.queries.redFlag(flagId('duplicate-voucher', 'KBNN Văn Quan', 'UNC-77'), asOf);
    expect(voucherFlag).toMatchObject({ evidenceCount: N, facts: { disbursements: N - 1, reversed: 1 } });
    expect(voucherFlag.evidence.find((x) => x.position === 34)).toMatchObject({ role: 'context' });
    const reclassified = h.queries.redFlag(flagId('reclassified-after-disbursement', 4), asOf);
    expect(reclassified).toMatchObject({ evidenceCount: N, facts: { disbursements: N - 1 } });
    expect(reclassified.evidence.map((x) => x.position)).not.toContain(34);
  });
});
