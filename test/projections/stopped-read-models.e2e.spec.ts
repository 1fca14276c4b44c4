import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { ProjectionFailure } from '../../src/projections/projection-runner';
import { registerProjectionCommands } from '../../src/projections/projections.commands';
import { startTestLedger, TestLedger } from '../support/app';
import { ledgerCli } from '../support/cli';
import { harness } from '../support/projections';
import { line, unfoldablePlan } from '../support/ledger-events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Issue 9, item 2: an event the read models cannot fold (here one stored by an earlier version, before the
 * invariants: a "decision" legal basis with no number and no date). The write side no longer stores such an event
 * (event-invariants.spec.ts, hostile-input.e2e.spec.ts); this is what happens to one already in a log.
 */
const L = line({ component: 'DA5' });

describe('read models that cannot fold an event say so (issue 9, item 2)', () => {
  let ledger: TestLedger;
  let before = 0;
  let head = 0;

  beforeAll(async () => {
    ledger = await startTestLedger({ env: { LEDGER_DEMO: '1' }, demo: true });
    before = await ledger.store.headPosition();
    await ledger.store.append([unfoldablePlan()]);
    const ok = await ledger.post('/commands/assign-plan', { line: { ...L, component: 'DA1.TDA1' }, amount: '1000', decision: { number: '2/QĐ-UBND', date: '2024-01-03', issuer: 'UBND huyện Văn Quan' } });
    expect(ok.status).toBe(201);
    head = ok.body.position;
    // The runner meets the event and stops before it.
    for (let i = 0; i < 50 && !(await ledger.get('/read-models/status')).body.failing; i++) await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(() => ledger.close());

  it('names the failing event in the read models’ status', async () => {
    const status = (await ledger.get('/read-models/status')).body;
    expect(status).toMatchObject({ position: before, head, behind: head - before });
    expect(status.failing).toMatchObject({ position: before + 1, eventId: 'poisoned-0001', type: 'PlanAssigned', stream: fundLineStream(L) });
    expect(status.failing.message).toMatch(/poisoned-0001 at position \d+ \(PlanAssigned/);
    expect(status.failing.attempts).toBeGreaterThanOrEqual(1);
  });

  it('reports health as degraded, with the problem', async () => {
    const health = await ledger.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', problems: [{ component: 'read-models' }] });
    expect(health.body.problems[0].problem).toContain('poisoned-0001');
  });

  it('marks every read answer as stale instead of serving old figures as current', async () => {
    for (const path of ['/balances', '/progress', '/decisions', '/adjustments']) {
      const res = await ledger.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.body.stale).toMatchObject({ position: before, failing: { eventId: 'poisoned-0001' } });
    }
  });

  it('answers minPosition beyond the stop at once with 503, naming the event', async () => {
    const res = await ledger.get(`/balances?minPosition=${head}`);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'READ_MODEL_BEHIND', details: { position: before, minPosition: head, failing: { eventId: 'poisoned-0001' } } });
  });

  describe('the CLI on the same data folder', () => {
    const run = ledgerCli(registerProjectionCommands, 'projections', () => ledger.dir);

    it('projections verify does not say "no difference" for read models that are behind, and names the event', async () => {
      const printed = await run('verify');
      expect(printed).not.toMatch(/no difference/);
      expect(printed).toMatch(new RegExp(`NOT VERIFIED: the live read models are at position ${before}, ${head - before} event\\(s\\) behind`));
      expect(printed).toContain('poisoned-0001');
      expect(process.exitCode).toBe(1);
    });

    it('projections rebuild fails naming the event it cannot fold', async () => {
      await expect(run('rebuild')).rejects.toThrow(/poisoned-0001 at position \d+ \(PlanAssigned/);
    });
  });
});

describe('the runner retries a failing batch with a growing wait', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-backoff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('doubles the wait after each failure in a row, up to the maximum', async () => {
    const alarms: string[] = [];
    const h = harness(dir, { retryDelayMs: 5, maxRetryDelayMs: 40, alarm: (m) => alarms.push(m) });
    await h.store.append([unfoldablePlan()]);
    const waits: number[] = [];
    for (let i = 0; i < 400 && waits.length < 5; i++) {
      const f: ProjectionFailure | null = h.runner.failure;
      if (f && f.attempts > waits.length) waits.push(f.retryInMs);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(waits).toEqual([5, 10, 20, 40, 40]);
    expect(alarms[0]).toMatch(/read models STOPPED at position 0: event poisoned-0001/);
    await h.closeAll();
  });
});
