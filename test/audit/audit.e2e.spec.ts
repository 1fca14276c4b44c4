import { AuditService } from '../../src/audit/audit.service';
import { verifyConsistency, verifyInclusion } from '../../src/audit/verifier/merkle';
import { SignedTreeHead, treeHeadMessage, verifySignature } from '../../src/audit/verifier/formats';
import { parsePublicKey, verifyBundle } from '../../src/audit/verifier/verify-bundle';
import { AUDITOR, OFFICER, startTestLedger, TestLedger } from '../support/app';
import { eventId, STREAM_A, writeHistory } from './fixtures';

const hash = (hex: string) => Buffer.from(hex, 'hex');

describe('audit HTTP API', () => {
  let ledger: TestLedger;
  /** The harness's own users' account events come first: the history's events follow them. */
  let B: number;
  const call = async (method: 'GET' | 'POST', url: string) => ledger.request(method, url, { headers: method === 'POST' ? OFFICER : AUDITOR });

  beforeAll(async () => {
    ledger = await startTestLedger();
    B = ledger.basePosition;
    await writeHistory(ledger.store);
    // The audit module follows the store on its own: wait until it has logged all ten events, then sign a head.
    const { log } = ledger.app.get(AuditService).get();
    for (let tries = 0; (await log.size()) < B + 10; tries++) {
      if (tries > 500) throw new Error('the audit log did not follow the store');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await call('POST', '/audit/tree-heads')).status).toBe(201);
  });
  afterAll(() => ledger.close());

  it('serves the public key that signs the tree heads', async () => {
    const { status, body } = await call('GET', '/audit/public-key');
    expect(status).toBe(200);
    expect(body).toMatchObject({ algorithm: 'Ed25519', fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(parsePublicKey(body.pem).equals(parsePublicKey(body.ed25519))).toBe(true);
    const latest = (await call('GET', '/audit/tree-heads/latest')).body as SignedTreeHead;
    expect(latest.treeSize).toBe(B + 10);
    expect(verifySignature(treeHeadMessage(latest), latest.signature, parsePublicKey(body.ed25519))).toBe(true);
  });

  it('lists signed tree heads newest first, a page at a time', async () => {
    await call('POST', '/audit/tree-heads');
    const { body } = await call('GET', '/audit/tree-heads?offset=0&limit=1');
    expect(body.items).toHaveLength(1);
    expect(body.total).toBeGreaterThanOrEqual(2);
    expect(body).toMatchObject({ offset: 0, limit: 1 });
    const second = await call('GET', '/audit/tree-heads?offset=1&limit=1');
    expect(second.body.items[0].timestamp <= body.items[0].timestamp).toBe(true);
  });

  it('proves the inclusion of an event in a signed tree head, and in any earlier tree', async () => {
    const { status, body } = await call('GET', `/audit/proofs/inclusion?eventId=${eventId(4)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ eventId: eventId(4), leafIndex: B + 3, treeSize: body.treeHead.treeSize, rootHash: body.treeHead.rootHash });
    const proof = body.proof.map(hash);
    expect(verifyInclusion(hash(body.leafHash), B + 3, body.treeSize, proof, hash(body.treeHead.rootHash))).toBe(true);
    const earlier = (await call('GET', `/audit/proofs/inclusion?eventId=${eventId(4)}&treeSize=${B + 5}`)).body;
    expect(verifyInclusion(hash(earlier.leafHash), B + 3, B + 5, earlier.proof.map(hash), hash(earlier.rootHash))).toBe(true);
  });

  it('proves that the latest tree head extends an earlier tree', async () => {
    const { body } = await call('GET', '/audit/proofs/consistency?first=3');
    expect(body).toMatchObject({ firstSize: 3, secondSize: B + 10 });
    expect(verifyConsistency(3, B + 10, body.proof.map(hash), hash(body.firstRootHash), hash(body.secondRootHash))).toBe(true);
  });

  it('returns an audit bundle that verifies offline against the served key', async () => {
    const key = parsePublicKey((await call('GET', '/audit/public-key')).body.ed25519);
    const { status, body } = await call('GET', `/audit/bundles?line=${encodeURIComponent(STREAM_A)}`);
    expect(status).toBe(200);
    expect(verifyBundle(body, { trustedKey: key })).toMatchObject({ ok: true, verifiedEvents: 6 });
    const query = new URLSearchParams({ decision: '4888/QĐ-UBND', issuer: 'UBND huyện Văn Quan' });
    const decision = await call('GET', `/audit/bundles?${query.toString()}`);
    expect(decision.body.events).toHaveLength(2);
  });

  it('answers bad requests with 400 and unknown things with 404', async () => {
    const status = async (url: string) => (await call('GET', url)).status;
    expect(await status('/audit/proofs/inclusion?eventId=nope')).toBe(404);
    expect(await status(`/audit/proofs/inclusion?eventId=${eventId(4)}&treeSize=${B + 3}`)).toBe(400);
    expect(await status(`/audit/proofs/inclusion?eventId=${eventId(4)}&treeSize=-1`)).toBe(400);
    expect(await status(`/audit/proofs/inclusion?eventId=${eventId(4)}&treeSize=${B + 99}`)).toBe(400);
    expect(await status('/audit/proofs/inclusion')).toBe(400);
    expect(await status('/audit/proofs/consistency?first=9&second=4')).toBe(400);
    expect(await status('/audit/proofs/consistency')).toBe(400);
    expect(await status('/audit/bundles')).toBe(400);
    expect(await status('/audit/bundles?line=x&activity=y')).toBe(400);
    expect(await status('/audit/bundles?activity=nobody')).toBe(404);
    expect(await status('/audit/tree-heads?limit=many')).toBe(400);
  });

  it('documents the endpoints in the OpenAPI document under the audit tag', async () => {
    const document = (await call('GET', '/docs-json')).body as { paths: Record<string, { get?: { tags?: string[]; parameters?: Array<{ name: string }> } }> };
    const paths = Object.keys(document.paths).filter((p) => p.startsWith('/audit'));
    expect(paths.sort()).toEqual([
      '/audit/bundles',
      '/audit/proofs/consistency',
      '/audit/proofs/inclusion',
      '/audit/public-key',
      '/audit/tree-heads',
      '/audit/tree-heads/latest',
    ]);
    const bundles = document.paths['/audit/bundles'].get;
    expect(bundles?.tags).toEqual(['audit']);
    expect(bundles?.parameters?.map((p) => p.name)).toEqual(['line', 'activity', 'decision', 'issuer', 'date']);
  });

  it('signs a tree head on its own every interval when the log grew', async () => {
    const other = await startTestLedger({ env: { LEDGER_TREE_HEAD_INTERVAL_SECONDS: '1' } });
    try {
      await writeHistory(other.store);
      const started = Date.now();
      const size = other.basePosition + 10;
      let latest = await other.get('/audit/tree-heads/latest');
      while (latest.body.treeSize !== size && Date.now() - started < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        latest = await other.get('/audit/tree-heads/latest');
      }
      expect(latest.body).toMatchObject({ treeSize: size });
    } finally {
      await other.close();
    }
  });
});
