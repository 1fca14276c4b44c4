import { verifyRows, Verification } from '../../web/src/audit/verify';
import type { HistoryResult } from '../../web/src/types';
import { DemoLedger, startDemoLedger } from '../../bench/web-support';

/**
 * The web app's in-browser check (web/src/audit/verify.ts), run here on Node's WebCrypto against the real ledger's
 * answers: it must pass on the rows as served, and fail, naming the row, on every kind of change in transit.
 */
const LINE = 'fundline-GNBV-2021-2025:DA3.TDA2:2024:2024:NSTW:SN:184';

describe('verifying the rows shown against the signed log', () => {
  let demo: DemoLedger;
  let history: HistoryResult;
  let bundle: any;
  let publishedKey: string;
  const get = async (path: string): Promise<any> => (await fetch(`${demo.url}${path}`, { headers: demo.reader })).json();
  const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
  const problems = (v: Verification) => v.problems.map((p) => `${p.key} ${JSON.stringify(p.params ?? {})}`);

  beforeAll(async () => {
    demo = await startDemoLedger();
    history = await get(`/fund-lines/${encodeURIComponent(LINE)}/history`);
    bundle = await get(`/audit/bundles?line=${encodeURIComponent(LINE)}`);
    publishedKey = (await get('/audit/public-key')).ed25519;
  });
  afterAll(() => demo.close());

  it('passes on the rows as the ledger serves them', async () => {
    expect(history.entries.map((e) => e.type)).toEqual(['PlanAssigned', 'FundsAllocated', 'Disbursed']);
    const v = await verifyRows(history.entries, LINE, bundle, { publishedKey });
    expect(problems(v)).toEqual([]);
    expect(v.ok).toBe(true);
    expect([...v.rows.values()]).toEqual([true, true, true]);
    expect(v.treeHead?.rootHash).toBe(bundle.treeHead.rootHash);
    expect(v.keyFingerprint).toBe((await get('/audit/public-key')).fingerprint);
  });

  it('fails on a row whose amount was changed in the history answer, naming the row', async () => {
    const rows = clone(history.entries) as any[];
    rows[2].amount = '69000000';
    const v = await verifyRows(rows, LINE, bundle, { publishedKey });
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      { key: 'verify.p.rowMismatch', params: { row: 3, type: 'Disbursed', position: rows[2].position, field: 'amount', shown: '69000000', signed: '59000000' }, position: rows[2].position },
    ]);
    expect([...v.rows.values()]).toEqual([true, true, false]);
  });

  it.each([
    ['who recorded it', (r: any) => (r.recordedBy = { id: 'someone-else', role: 'officer' }), 'recordedBy'],
    ['when it was recorded', (r: any) => (r.recordedAt = '2024-07-01T00:00:00.000Z'), 'recordedAt'],
    ['its effective date', (r: any) => (r.effectiveDate = '2024-06-01'), 'effectiveDate'],
    ['its decision', (r: any) => (r.basis = { ...r.basis, number: '999/QĐ-UBND' }), 'basis'],
    ['its operation', (r: any) => (r.type = 'PlanAdjusted'), 'type'],
    ['its activity', (r: any) => (r.activityId = 'VQ-OTHER'), 'activityId'],
  ])('fails when a row misstates %s', async (_what, change, field) => {
    const rows = clone(history.entries) as any[];
    change(rows[1]);
    const v = await verifyRows(rows, LINE, bundle, { publishedKey });
    expect(v.ok).toBe(false);
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]).toMatchObject({ key: 'verify.p.rowMismatch', params: { row: 2, field } });
  });

  it('fails on a row the signed log does not hold', async () => {
    const rows = clone(history.entries) as any[];
    rows.push({ ...rows[2], position: 9999 });
    const v = await verifyRows(rows, LINE, bundle, { publishedKey });
    expect(problems(v)).toEqual([`verify.p.rowNotInBundle ${JSON.stringify({ row: 4, type: 'Disbursed', position: 9999 })}`]);
  });

  it('fails when an event of the bundle was changed: its leaf no longer leads to the signed root', async () => {
    const b = clone(bundle);
    b.events[2].event.data.amount = '59000001';
    const v = await verifyRows(history.entries, LINE, b, { publishedKey });
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.key)).toEqual(['verify.p.bundleSignature', 'verify.p.eventNotIncluded', 'verify.p.rowUnverified']);
    expect(v.problems[2].params).toMatchObject({ row: 3, position: history.entries[2].position });
  });

  it('fails when an audit path was changed', async () => {
    const b = clone(bundle);
    const proof: string[] = b.events[0].inclusionProof;
    proof[1] = proof[1].replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    const v = await verifyRows(history.entries, LINE, b, { publishedKey });
    expect(v.problems.map((p) => p.key)).toContain('verify.p.eventNotIncluded');
    expect(v.rows.get(history.entries[0].position)).toBe(false);
  });

  it('fails when the tree head was changed, since its signature no longer holds', async () => {
    const b = clone(bundle);
    b.treeHead.timestamp = '2020-01-01T00:00:00.000Z';
    const v = await verifyRows(history.entries, LINE, b, { publishedKey });
    expect(v.problems.map((p) => p.key)).toEqual(['verify.p.headSignature', 'verify.p.bundleSignature']);
    expect([...v.rows.values()]).toEqual([false, false, false]);
  });

  it('fails when an event is moved to another position, which the bundle signature binds', async () => {
    const b = clone(bundle);
    b.events[2].event.position = history.entries[1].position;
    const rows = clone(history.entries);
    const v = await verifyRows(rows, LINE, b, { publishedKey });
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.key)).toContain('verify.p.bundleSignature');
  });

  it('fails when the bundle is signed by another key than the one the ledger publishes', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const { bundleText, treeHeadText } = await import('../../src/audit/verifier/portable');
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url').toString('base64');
    const b = clone(bundle);
    b.publicKey = { ed25519: raw, pem: String(publicKey.export({ format: 'pem', type: 'spki' })) };
    b.treeHead.signature = sign(null, Buffer.from(treeHeadText(b.treeHead)), privateKey).toString('base64');
    const { signature: _old, ...unsigned } = b;
    b.signature = sign(null, Buffer.from(bundleText(unsigned)), privateKey).toString('base64');
    // Consistent on its own: only the published key tells it apart.
    expect((await verifyRows(history.entries, LINE, b)).ok).toBe(true);
    const v = await verifyRows(history.entries, LINE, b, { publishedKey });
    expect(v.problems.map((p) => p.key)).toEqual(['verify.p.keyDiffers']);
    expect([...v.rows.values()]).toEqual([false, false, false]);
  });

  it('says so plainly when the browser withholds WebCrypto (a plain-HTTP page on a LAN)', async () => {
    const v = await verifyRows(history.entries, LINE, bundle, { publishedKey }, null);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([{ key: 'verify.p.noWebCrypto' }]);
  });

  it('fails when the bundle is for another line than the one shown', async () => {
    const other = 'fundline-GNBV-2021-2025:DA5:2024:2024:NSTW:SN:184';
    const b = await get(`/audit/bundles?line=${encodeURIComponent(other)}`);
    const v = await verifyRows(history.entries, LINE, b, { publishedKey });
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatchObject({ key: 'verify.p.lineMismatch' });
  });
});
