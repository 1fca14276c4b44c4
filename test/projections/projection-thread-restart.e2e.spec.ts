import type { Worker } from 'node:worker_threads';
import { LiveProjections } from '../../src/projections/projection-runner';
import { ProjectionThread } from '../../src/projections/projection-thread';
import { startTestLedger, TestLedger } from '../support/app';
import { line } from '../support/ledger-events';

/** The projection thread dies while the ledger serves (an uncaught error, the thread's heap limit): it is replaced. */
describe('a projection thread that dies is replaced', () => {
  let ledger: TestLedger;
  let thread: ProjectionThread;
  const L = line({ component: 'DA5' });
  const workerOf = (t: ProjectionThread) => (t as unknown as { worker: Worker | null }).worker;

  const until = async (what: string, check: () => Promise<boolean>, ms = 15_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (await check()) return;
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    ledger = await startTestLedger({ env: { LEDGER_DEMO: '1' }, demo: true });
    const live = ledger.app.get(LiveProjections);
    expect(live).toBeInstanceOf(ProjectionThread);
    thread = live as ProjectionThread;
  });
  afterAll(() => ledger.close());

  it('says it is degraded while there is none, then follows the log again from where it stopped', async () => {
    const before = thread.position;
    const query = `/balances?unit=${L.unit}&component=DA5`;
    const assignedBefore = BigInt((await ledger.get(query)).body.total.assigned);
    const dead = workerOf(thread) as Worker;
    await dead.terminate();

    const health = await ledger.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.problems[0]).toMatchObject({ component: 'read-models' });
    expect(health.body.problems[0].problem).toMatch(/projection thread stopped \(exit code 1\)/);
    expect((await ledger.get('/balances')).body.stale).toMatchObject({ position: before });

    // Written while no thread follows the log: the new thread folds it.
    const res = await ledger.post('/commands/assign-plan', { line: L, amount: '7000000', decision: { number: '77/QĐ-UBND', date: '2024-02-01', issuer: 'UBND huyện Văn Quan' } });
    expect(res.status).toBe(201);

    await until('a new thread at the head', async () => (await ledger.get('/health')).status === 200 && thread.position >= res.body.position);
    expect(workerOf(thread)).not.toBe(dead);
    const balances = await ledger.get(`${query}&minPosition=${res.body.position}`);
    expect(balances.status).toBe(200);
    expect(balances.body.stale).toBeUndefined();
    expect(BigInt(balances.body.total.assigned) - assignedBefore).toBe(7_000_000n);
  });

  it('stops for good when the ledger stops, without starting another', async () => {
    await thread.stop();
    expect(workerOf(thread)).toBeNull();
  });
});
