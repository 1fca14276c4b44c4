import fc from 'fast-check';
import { catalogueContext } from '../../projections/shared/context';
import { Catalogue } from '../../src/catalogue/catalogue';
import { formatDifference, verifyReadModels } from '../../src/projections/rebuild';
import { fastCheckSeed } from '../audit/seed';
import { startTestLedger, TestLedger } from '../support/app';

/**
 * Issue 9, item 2, as a property through the real app: whatever commands clients send — well formed, careless or
 * hostile, on every route — the ledger answers each with a 2xx or a 4xx (never a 5xx), and every event it accepts is
 * folded by every read model: after each run the read models reach the head of the log with no failure, and at the
 * end a rebuild from the log equals them.
 */

const PROGRAMME = 'GNBV-2021-2025';
const lines = ['DA5', 'DA1.TDA1', 'DA3.TDA1'].flatMap((component) =>
  ['184', '849'].flatMap((unit) => [2024, 2025].map((budgetYear) => ({ programme: PROGRAMME, component, budgetYear, originYear: budgetYear, source: 'NSTW', capitalType: 'SN', unit }))),
);
const ACTIVITIES = ['A-1', 'A-2', 'A-3'];

/** Anything a careless or hostile client might put in a field. */
const junk = fc.oneof(
  fc.constantFrom(null, [], {}, '', ' ', 0, -1, 1e400, true, '[]', 'null', '__proto__', '\u0000', '\u202e', '\ud800', '9999-12-31', '0100-01-01'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
/** Mostly a good value, sometimes junk. */
const mostly = <T>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 30 }, { arbitrary: junk, weight: 1 });
/** A good value, sometimes a plausible mistake. */
const usually = <T>(good: fc.Arbitrary<T>, mistakes: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 15 }, { arbitrary: mistakes, weight: 1 });

const line = mostly(
  usually(
    fc.constantFrom(...lines) as fc.Arbitrary<Record<string, unknown>>,
    fc.oneof(fc.constantFrom(...lines).map((l) => ({ ...l, component: 'DA99' })), fc.constantFrom(...lines).map(({ unit: _unit, ...rest }) => rest)),
  ),
);
const amount = mostly(
  usually(
    fc.oneof(
      fc.constantFrom('1', '0.01', '1000000', '92233720368547758.08', '60000000000000000', '99999999999999999999.99', '100000000000000000000'),
      fc.bigInt({ min: 1n, max: 10n ** 12n }).map(String),
    ),
    fc.constantFrom('0', '-1', '1e5', '1.001', '100000000000000000000.01', '1'.repeat(41)),
  ),
);
const date = mostly(usually(fc.constantFrom('2023-12-22', '2024-06-30', '2025-01-01', '2100-12-31'), fc.constantFrom('2024-02-30', '1999-12-31', '2101-01-01')));
const text = mostly(usually(fc.constantFrom('UBND huyện Văn Quan', 'UBND huye\u0302\u0323n Văn Quan', 'KBNN Trà Cú'), fc.constantFrom(' lề ', 'QĐ\nUBND')));
const decision = mostly(fc.record({ number: mostly(fc.constantFrom('4888/QĐ-UBND', '832/QĐ-UBND', '4888/Q\u0110-UBND')), date, issuer: text }));
const voucher = mostly(fc.record({ number: mostly(fc.constantFrom('UNC-1', 'UNC-2')), date, treasury: text }));
const activityId = mostly(fc.constantFrom(...ACTIVITIES));
const reason = mostly(fc.constantFrom('điều chỉnh', 'thu hồi'));
const optional = { requiredKeys: [] as never[] };

/** A command: its route and body. Bodies are records of mostly good fields, some left out, some junk. */
const command = fc.oneof(
  fc.record({ route: fc.constant('assign-plan'), body: fc.record({ line, amount, decision, effectiveDate: date, note: text }, { requiredKeys: ['line', 'amount', 'decision'] }) }),
  fc.record({
    route: fc.constant('register-activity'),
    body: fc.record(
      { activityId, name: text, programme: mostly(fc.constant(PROGRAMME)), component: mostly(fc.constantFrom('DA5', 'DA3.TDA1')), kind: mostly(fc.constantFrom('housing-support', 'value-chain-production', 'community-production')), unit: mostly(fc.constantFrom('184', '849')), decision },
      { requiredKeys: ['name', 'programme', 'component', 'kind', 'unit', 'decision'] },
    ),
  }),
  fc.record({ route: fc.constant('allocate'), body: fc.record({ line, activityId, amount, decision }, { requiredKeys: ['line', 'activityId', 'amount', 'decision'] }) }),
  fc.record({ route: fc.constant('disburse'), body: fc.record({ line, activityId, amount, voucher, disbursementId: activityId }, { requiredKeys: ['line', 'activityId', 'amount', 'voucher'] }) }),
  fc.record({ route: fc.constant('reverse-disbursement'), body: fc.record({ line, disbursementId: activityId, reason, voucher }, optional) }),
  fc.record({ route: fc.constant('return-funds'), body: fc.record({ line, mode: mostly(fc.constantFrom('returned', 'cancelled')), amount, reason, decision, activityId }, { requiredKeys: ['line', 'mode', 'amount', 'reason', 'decision'] }) }),
  fc.record({ route: fc.constant('carry-over'), body: fc.record({ from: line, amount, deadline: date, decision, activityId }, { requiredKeys: ['from', 'amount', 'deadline', 'decision'] }) }),
  fc.record({
    route: fc.constant('adjust'),
    body: fc.oneof(
      fc.record({ kind: mostly(fc.constantFrom('increase', 'decrease')), line, amount, reason, decision }, { requiredKeys: ['kind', 'line', 'amount', 'reason', 'decision'] }),
      fc.record({ kind: fc.constant('move'), from: mostly(fc.record({ line, activityId }, { requiredKeys: ['line'] })), to: mostly(fc.record({ line, activityId }, { requiredKeys: ['line'] })), amount, reason, decision }, optional),
    ),
  }),
  fc.record({
    route: fc.constantFrom(...ACTIVITIES.map((a) => `activities/${a}/reclassify`)),
    body: fc.record({ toKind: mostly(fc.constantFrom('community-production', 'value-chain-production')), reason, decision, toComponent: mostly(fc.constant('DA3.TDA1')) }, { requiredKeys: ['toKind', 'reason', 'decision'] }),
  }),
  fc.record({
    route: fc.constantFrom(...ACTIVITIES.map((a) => `activities/${a}/outputs`)),
    body: fc.record(
      { outputs: mostly(fc.array(fc.record({ indicator: mostly(fc.constantFrom('houses-new', 'households-supported')), quantity: amount }), { maxLength: 3 })), decision, completed: mostly(fc.boolean()) },
      { requiredKeys: ['outputs', 'decision'] },
    ),
  }),
);

describe('generated commands through the real app (issue 9, item 2)', () => {
  let ledger: TestLedger;
  const seed = fastCheckSeed('commands.property.e2e.spec');
  const statuses = new Map<number, number>();
  const fields = new Map<string, number>();

  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('answers every command with 2xx or 4xx, and every accepted event folds in every read model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 8 }), async (commands) => {
        for (const { route, body } of commands) {
          const res = await ledger.post(`/commands/${route}`, body);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 400) for (const p of res.body.problems ?? []) fields.set(p.field, (fields.get(p.field) ?? 0) + 1);
          expect({ route, body, status: res.status < 500 ? 'not 5xx' : res.status, answer: res.status < 500 ? undefined : res.body }).toEqual({
            route,
            body,
            status: 'not 5xx',
            answer: undefined,
          });
        }
        const head = await ledger.store.headPosition();
        const status = await ledger.get(`/read-models/status?minPosition=${head}`);
        expect(status.body).toMatchObject({ position: head, failing: null, lastError: null });
      }),
      { seed, numRuns: 60 },
    );
    // The run recorded events and refused others: the property was exercised both ways.
    console.info(`commands.property.e2e.spec: answers by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; most refused fields ${JSON.stringify([...fields].sort((a, b) => b[1] - a[1]).slice(0, 5))}`);
    expect(statuses.get(201)).toBeGreaterThan(5);
    expect(statuses.get(400)).toBeGreaterThan(5);
    expect((await ledger.get('/health')).status).toBe(200);
    const verified = await verifyReadModels(ledger.store, ledger.config.readModelFile, catalogueContext(Catalogue.load(ledger.config.catalogueDir)));
    expect({ differences: verified.differences.map(formatDifference), behind: verified.behind }).toEqual({ differences: [], behind: 0 });
  }, 240_000);
});
