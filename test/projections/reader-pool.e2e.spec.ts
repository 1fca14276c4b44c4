import type { ProjectionContext } from '../../projections/shared/context';
import { Catalogue } from '../../src/catalogue/catalogue';
import { LiveProjections } from '../../src/projections/projection-runner';
import { PROJECTION_CONTEXT } from '../../src/projections/projections.module';
import { ReadModelDb } from '../../src/projections/read-model-db';
import { NotInReadModel, OutsideScope, PositionNotReached, ReadModelQueries, ReadModelUnavailable } from '../../src/projections/read-model-queries';
import { InProcessQueries, QUERY_METHODS, QueryMethod, ReadQueries } from '../../src/projections/read-queries';
import { ReaderPool } from '../../src/projections/reader-pool';
import { InvalidRequest } from '../../src/shared/errors';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { rebuildReadModels } from '../../src/projections/rebuild';
import { appendAll, decision, line, planAssigned } from '../support/ledger-events';
import { startTestLedger, TestLedger } from '../support/app';

/**
 * The read models' questions answered by reader threads (LEDGER_READER_THREADS) against the same questions answered
 * in the test's thread by ReadModelQueries over its own connection to the same files: on the demo data, as `npm start`
 * serves it, every kind of question gets the same answer, every refusal the same error; a thread that dies mid-question
 * fails it with 503 and is replaced.
 */
describe('reader threads (LEDGER_READER_THREADS=2) on the demo data', () => {
  let ledger: TestLedger;
  let pool: ReaderPool;
  let readModels: ReadModelDb;
  let here: ReadModelQueries;

  beforeAll(async () => {
    ledger = await startTestLedger({ demo: true, env: { LEDGER_READER_THREADS: '2' } });
    const queries = ledger.app.get(ReadQueries);
    if (!(queries instanceof ReaderPool)) throw new Error(`the ledger answers with ${queries.constructor.name}, not a ReaderPool`);
    pool = queries;
    expect(await ledger.app.get(LiveProjections).waitFor(await ledger.store.headPosition(), 30_000)).toBe(true);
    readModels = ReadModelDb.open(ledger.config.readModelFile, { readOnly: true });
    here = new ReadModelQueries(readModels, ledger.app.get(Catalogue), ledger.app.get<ProjectionContext>(PROJECTION_CONTEXT));
  }, 120_000);

  afterAll(async () => {
    readModels?.close();
    await ledger?.close();
  });

  it('runs the number of threads configured', () => {
    expect(pool.size).toBe(2);
    expect(pool.workers).toHaveLength(2);
  });

  /**
   * The same question in a reader thread and here: the same answer, field for field (plain data, nothing lost on the
   * way), and as JSON text the same characters.
   */
  async function same<K extends QueryMethod>(method: K, ...args: Parameters<ReadModelQueries[K]>): Promise<ReturnType<ReadModelQueries[K]>> {
    const expected = (here[method] as (...a: unknown[]) => ReturnType<ReadModelQueries[K]>)(...args);
    const answered = await (pool[method] as (...a: unknown[]) => Promise<ReturnType<ReadModelQueries[K]>>)(...args);
    expectPlainData(expected, method);
    // toEqual: the answer's objects are made by structured clone outside Jest's realm, which toStrictEqual tells apart.
    expect(answered).toEqual(expected);
    // As HTTP asks: the answer's JSON text, written in the thread, is what JSON.stringify writes of it here.
    expect((await pool.json(method, ...args)).text).toBe(JSON.stringify(expected));
    return answered;
  }

  /** Strings, numbers, bigints, booleans, null, arrays and plain objects only: what structured clone carries unchanged. */
  function expectPlainData(value: unknown, path: string): void {
    if (value === null || value === undefined || ['string', 'number', 'bigint', 'boolean'].includes(typeof value)) return;
    if (Array.isArray(value)) return value.forEach((v, i) => expectPlainData(v, `${path}[${i}]`));
    const proto = Object.getPrototypeOf(value) as object | null;
    expect({ path, kind: proto === null || proto === Object.prototype ? 'plain object' : String(proto.constructor?.name) }).toEqual({ path, kind: 'plain object' });
    for (const [k, v] of Object.entries(value as object)) expectPlainData(v, `${path}.${k}`);
  }

  const asked = new Set<QueryMethod>();
  afterAll(() => {
    // Every question of the one list was asked below.
    expect([...QUERY_METHODS].filter((m) => !asked.has(m))).toEqual([]);
  });
  const ask = <K extends QueryMethod>(method: K, ...args: Parameters<ReadModelQueries[K]>) => {
    asked.add(method);
    return same(method, ...args);
  };

  it('answers status and balances now, as of a date and as known at a time, rolled up, like the ledger thread', async () => {
    const status = await ask('status');
    expect(status.position).toBeGreaterThan(0);
    const lines = await ask('balances', { pageSize: 500 });
    expect(lines.rows.length).toBeGreaterThan(10);
    await ask('balances', { asOf: '2024-06-30', pageSize: 500 });
    await ask('balances', { asOf: '2024-06-30', knownAt: '2026-01-01T00:00:00.000Z', groupBy: ['unit', 'source'] });
    await ask('balances', { groupBy: ['province', 'subProject'], upToPosition: Math.floor(status.position / 2) });
    await ask('balances', { unit: '184', budgetYear: 2024, scope: ['184'] });
  });

  it('answers history pages of every line in log and effective order, as of and known at, up to a position', async () => {
    const lines = await here.balances({ pageSize: 500 });
    for (const row of lines.rows.slice(0, 12)) {
      const stream = row.stream as string;
      const first = await ask('history', stream, { pageSize: 5 });
      await ask('history', stream, { order: 'effective', page: 2, pageSize: 3 });
      await ask('history', stream, { asOf: '2024-12-31', knownAt: '2026-01-01', pageSize: 50 });
      await ask('history', stream, { upToPosition: first.entries[0]?.position ?? 1 });
    }
  });

  it('answers progress, decisions and their trails, adjustments, notes, results and stated figures', async () => {
    await ask('progress', {});
    await ask('progress', { unit: '184', asOf: '2024-06-30' });
    const decisions = await ask('decisions', { pageSize: 50 });
    expect(decisions.rows.length).toBeGreaterThan(0);
    for (const d of decisions.rows.slice(0, 5)) await ask('trail', { number: d.number, issuer: d.issuer, date: d.date });
    await ask('adjustments', {});
    await ask('adjustments', { from: '2024-01-01', to: '2024-12-31', kind: ['reclassification'] });
    await ask('notes', { unit: '184' });
    await ask('results', {});
    await ask('results', { unit: '184', asOf: '2024-12-31' });
    const stated = await ask('statedFigures', { unit: '184' });
    expect(stated.figures.length).toBeGreaterThan(0);
    await ask('statedFigures', { unit: '184', budgetYear: 2024, measures: ['estimate'], upToPosition: stated.position });
  });

  it('answers red flags, one flag with its evidence, and the rules', async () => {
    const flags = await ask('redFlags', { asOf: '2026-01-15' });
    await ask('redFlags', { asOf: '2026-01-15', unit: '184' }, { units: ['184'] });
    for (const f of flags.rows.slice(0, 5)) await ask('redFlag', f.id, '2026-01-15');
    await ask('redFlagRules');
    await ask('redFlagsUnspentByScan', { asOf: '2026-01-15', unit: '184' });
  });

  /** The error a question ends with in a reader thread: the same class, name, message and fields as here. */
  async function sameError(method: QueryMethod, args: readonly unknown[], kind: abstract new (...a: never[]) => Error): Promise<void> {
    let expected: unknown = null;
    try {
      (here[method] as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      expected = error;
    }
    expect(expected).toBeInstanceOf(kind);
    const got = await (pool[method] as (...a: unknown[]) => Promise<unknown>)(...args).then(
      () => null,
      (error: unknown) => error,
    );
    expect(got).toBeInstanceOf(kind);
    expect(Object.getPrototypeOf(got)).toBe(Object.getPrototypeOf(expected));
    const e = expected as Error;
    const g = got as Error;
    expect({ name: g.name, message: g.message, fields: { ...g } }).toEqual({ name: e.name, message: e.message, fields: { ...e } });
    // Asked for JSON text, as HTTP asks: the same refusal.
    const asJson = await (pool.json as (m: QueryMethod, ...a: unknown[]) => Promise<unknown>)(method, ...args).then(
      () => null,
      (error: unknown) => error,
    );
    expect(Object.getPrototypeOf(asJson)).toBe(Object.getPrototypeOf(expected));
    expect((asJson as Error).message).toBe(e.message);
  }

  it('refuses as the ledger thread does: the same classes, messages and fields the exception filter answers by', async () => {
    const lines = await here.balances({ unit: '184', pageSize: 1 });
    await sameError('history', ['fundline-NO-SUCH', {}], NotInReadModel);
    await sameError('history', [lines.rows[0].stream, { scope: ['076'] }], OutsideScope);
    await sameError('balances', [{ upToPosition: 10_000_000 }], PositionNotReached);
    await sameError('balances', [{ component: 'DA99' }], InvalidRequest);
    await sameError('balances', [{ knownAt: 'hôm qua' }], InvalidRequest);
    await sameError('trail', [{}], InvalidRequest);
    await sameError('redFlag', ['no-such-flag', '2026-01-15'], NotInReadModel);
  });

  it('answers over HTTP what the ledger thread answers', async () => {
    const stream = (await here.balances({ pageSize: 1 })).rows[0].stream as string;
    const res = await ledger.get(`/fund-lines/${encodeURIComponent(stream)}/history?order=effective&pageSize=20`);
    expect(res.status).toBe(200);
    // Written as JSON in the thread, sent as Fastify sends the JSON it writes itself.
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(here.history(stream, { order: 'effective', pageSize: 20, scope: 'all' }))));
    const balances = await ledger.get('/balances?groupBy=district,source&asOf=2024-06-30');
    expect(balances.status).toBe(200);
    expect(balances.body).toEqual(JSON.parse(JSON.stringify(here.balances({ groupBy: ['district', 'source'], asOf: '2024-06-30', scope: 'all' }))));
  });

  it('answers many questions at once over HTTP, each with its own bytes, and sends them from buffers lent again once sent', async () => {
    const streams = (await here.balances({ pageSize: 12 })).rows.map((r) => r.stream as string);
    const burst = async (n: number, offset: number) => {
      const asks = Array.from({ length: n }, (_, i) => ({
        stream: streams[(i + offset) % streams.length],
        q: { pageSize: 1 + ((i + offset) % 40), order: i % 3 === 0 ? ('effective' as const) : ('recorded' as const) },
      }));
      const responses = await Promise.all(
        asks.map(({ stream, q }) => ledger.get(`/fund-lines/${encodeURIComponent(stream)}/history?pageSize=${q.pageSize}&order=${q.order}`)),
      );
      // A buffer lent again before its response was over would send another answer's bytes.
      responses.forEach((res, i) => {
        expect(res.status).toBe(200);
        expect(res.body).toEqual(JSON.parse(JSON.stringify(here.history(asks[i].stream, { ...asks[i].q, scope: 'all' }))));
      });
      // A buffer is given back when its response closes, just after the client has read it.
      await new Promise((r) => setTimeout(r, 100));
    };
    // More questions at once than the two threads have answer slots (2 × 32): some answers come in buffers of their own.
    await burst(150, 0);
    expect(pool.lentSlots).toEqual([0, 0]);
    // Fewer at once than the buffers kept: the second burst is sent from the buffers of the first.
    await burst(40, 7);
    const made = pool.sendBuffers.made;
    await burst(40, 11);
    expect(pool.sendBuffers.made).toBe(made);
    expect(pool.lentSlots).toEqual([0, 0]);
    // Asked all at once, 100 questions find 64 slots: the others' answers come in buffers of their own, the same text.
    const expected = JSON.stringify(here.history(streams[0], { pageSize: 30, scope: 'all' }));
    const texts = await Promise.all(Array.from({ length: 100 }, () => pool.json('history', streams[0], { pageSize: 30, scope: 'all' }).then((a) => a.text)));
    expect(new Set(texts)).toEqual(new Set([expected]));
    expect(pool.lentSlots).toEqual([0, 0]);
  });

  it('fails the questions of a thread that dies with 503 READ_MODEL_UNAVAILABLE, and answers again from the threads that replace it', async () => {
    const stream = (await here.balances({ pageSize: 1 })).rows[0].stream as string;
    const before = [...pool.workers];
    // Both threads busy with a long queue of questions; the HTTP question then waits behind them.
    const queued = Array.from({ length: 3000 }, () =>
      pool.history(stream, { pageSize: 500, order: 'effective' }).then(
        () => null,
        (error: unknown) => error,
      ),
    );
    // The HTTP question is sent (as JSON) once `send` was called for it.
    const original = (ReaderPool.prototype as unknown as { send: (...a: unknown[]) => Promise<unknown> }).send;
    const spy = jest.spyOn(pool as unknown as { send: (...a: unknown[]) => Promise<unknown> }, 'send');
    const dispatched = new Promise<void>((resolve) => {
      spy.mockImplementation((...args: unknown[]) => {
        const answer = original.apply(pool, args);
        if (args[0] === 'history') resolve();
        return answer;
      });
    });
    const response = ledger.get(`/fund-lines/${encodeURIComponent(stream)}/history?pageSize=7`);
    await dispatched;
    spy.mockRestore();
    expect(pool.load.reduce((a, b) => a + b, 0)).toBeGreaterThan(1);
    await Promise.all(before.map((w) => w.terminate()));

    const res = await response;
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'READ_MODEL_UNAVAILABLE' });
    expect(res.body.message).toMatch(/^reader thread [12] stopped \(exit code 1\) before answering; retry \(history\)$/);
    const failed = (await Promise.all(queued)).filter((e) => e !== null);
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) expect(e).toBeInstanceOf(ReadModelUnavailable);

    // Replaced: new threads answer, as before.
    let again = await ledger.get(`/fund-lines/${encodeURIComponent(stream)}/history?pageSize=7`);
    for (let i = 0; i < 100 && again.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await ledger.get(`/fund-lines/${encodeURIComponent(stream)}/history?pageSize=7`);
    }
    expect(again.status).toBe(200);
    expect(again.body).toEqual(JSON.parse(JSON.stringify(here.history(stream, { pageSize: 7, scope: 'all' }))));
    expect(pool.workers).toHaveLength(2);
    for (const w of pool.workers) expect(before).not.toContain(w);
  }, 60_000);

  it('follows the generation a rebuild swaps in beside the server, and answers what a command wrote once minPosition is reached', async () => {
    const before = await pool.status();
    // As `ledger projections rebuild` does, with a connection of its own, while the server runs.
    const cli = ReadModelDb.open(ledger.config.readModelFile);
    try {
      await rebuildReadModels(ledger.store, cli, ledger.app.get<ProjectionContext>(PROJECTION_CONTEXT));
    } finally {
      cli.close();
    }
    // Asked together, the questions go to both threads: each follows the swap.
    const statuses = await Promise.all(Array.from({ length: 4 }, () => pool.status()));
    for (const s of statuses) expect(s).toMatchObject({ generation: before.generation + 1, position: before.position });
    await ask('balances', { groupBy: ['district'] });

    // A new line's plan, written after the swap: read through the threads once the read models reached it.
    const L = line({ component: 'DA4.TDA1', budgetYear: 2025, originYear: 2025 });
    const head = await appendAll(ledger.store, planAssigned(L, '123456789.5', { basis: decision('77/QĐ-UBND', '2025-01-10') }));
    const res = await ledger.get(`/fund-lines/${encodeURIComponent(fundLineStream(L))}/history?minPosition=${head}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ position: head, totalEntries: 1, balance: { plan: '123456789.5' } });
    expect((await ledger.get('/read-models/status')).body).toMatchObject({ generation: before.generation + 1, position: head });
  });
});

describe('LEDGER_READER_THREADS=0', () => {
  it('answers in the ledger thread, with the same facade', async () => {
    const ledger = await startTestLedger({ env: { LEDGER_READER_THREADS: '0' } });
    try {
      expect(ledger.app.get(ReadQueries)).toBeInstanceOf(InProcessQueries);
      const res = await ledger.get('/fund-lines/fundline-NO-SUCH/history');
      expect(res.status).toBe(404);
      expect((await ledger.get('/read-models/status')).status).toBe(200);
    } finally {
      await ledger.close();
    }
  });
});
