import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runConsistencyProof, runExport, runTreeHead, runVerifyBundle } from '../../src/audit/audit.commands';
import { NothingSelected, parseBundleQuery } from '../../src/audit/bundle-selection';
import { SigningKey } from '../../src/audit/signing-key';
import { AuditBundle, bundleMessage } from '../../src/audit/verifier/formats';
import { verifyConsistency } from '../../src/audit/verifier/merkle';
import { verifyBundle } from '../../src/audit/verifier/verify-bundle';
import type { LedgerConfig } from '../../src/config/ledger-config';
import { fundLineLabel } from '../../src/fund-line/fund-line.key';
import { InvalidRequest } from '../../src/shared/errors';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { testEvent } from '../support/events';
import { configWithHistory, eventId, LINE_A, LINE_B, STREAM_A, STREAM_B } from './fixtures';

const ids = (bundle: AuditBundle) => bundle.events.map((e) => (e.event.metadata as { eventId: string }).eventId);
const numbered = (...n: number[]) => n.map(eventId);

describe('audit bundles', () => {
  let config: LedgerConfig;
  let bundle: AuditBundle;
  let file: string;

  beforeAll(async () => {
    config = await configWithHistory();
    file = join(config.dataDir, 'line-a.json');
    ({ bundle } = await runExport(config, { line: STREAM_A }, file));
  });
  afterAll(() => rmSync(config.dataDir, { recursive: true, force: true }));

  describe('selection', () => {
    it('takes a fund line by stream or by label', async () => {
      expect(bundle.selection).toEqual({ kind: 'line', stream: STREAM_A });
      expect(ids(bundle)).toEqual(numbered(1, 3, 4, 6, 7, 10));
      const byLabel = await runExport(config, { line: fundLineLabel(LINE_B) }, join(config.dataDir, 'b.json'));
      expect(byLabel.bundle.selection).toEqual({ kind: 'line', stream: STREAM_B });
      expect(ids(byLabel.bundle)).toEqual(numbered(8));
    });

    it("takes an activity's own events and the fund-line events that concern it", async () => {
      const act1 = await runExport(config, { activity: 'act-1' }, join(config.dataDir, 'act-1.json'));
      expect(ids(act1.bundle)).toEqual(numbered(2, 3, 4, 7, 8, 9));
      const act2 = await runExport(config, { activity: 'act-2' }, join(config.dataDir, 'act-2.json'));
      expect(ids(act2.bundle)).toEqual(numbered(5, 6, 7, 8, 10));
    });

    it('takes the events recorded under a decision, narrowed by issuer or date', async () => {
      const out = join(config.dataDir, 'decision.json');
      expect(ids((await runExport(config, { decision: '4888/QĐ-UBND' }, out)).bundle)).toEqual(numbered(1, 3, 6));
      const district = await runExport(config, { decision: '4888/QĐ-UBND', issuer: 'UBND huyện Văn Quan' }, out);
      expect(ids(district.bundle)).toEqual(numbered(1, 3));
      expect(district.bundle.selection).toEqual({ kind: 'decision', number: '4888/QĐ-UBND', issuer: 'UBND huyện Văn Quan' });
      expect(ids((await runExport(config, { decision: '4888/QĐ-UBND', date: '2024-03-01' }, out)).bundle)).toEqual(numbered(6));
      await expect(runExport(config, { decision: '1/QĐ-UBND' }, out)).rejects.toThrow(NothingSelected);
    });

    it('accepts exactly one of line, activity, decision', () => {
      expect(parseBundleQuery({ decision: '4888/QĐ-UBND', date: '2023-12-22' })).toEqual({ decision: '4888/QĐ-UBND', date: '2023-12-22' });
      expect(() => parseBundleQuery({})).toThrow(InvalidRequest);
      expect(() => parseBundleQuery({ line: STREAM_A, activity: 'act-1' })).toThrow(InvalidRequest);
      expect(() => parseBundleQuery({ line: STREAM_A, issuer: 'UBND huyện Văn Quan' })).toThrow(InvalidRequest);
    });
  });

  describe('offline verification', () => {
    it('accepts the bundle as written, with or without the trusted key', async () => {
      const written = JSON.parse(readFileSync(file, 'utf8')) as AuditBundle;
      expect(written).toEqual(JSON.parse(JSON.stringify(bundle)));
      expect(runVerifyBundle(file)).toMatchObject({ ok: true, problems: [], verifiedEvents: 6 });
      expect(runVerifyBundle(file, bundle.publicKey.pem).ok).toBe(true);
      expect(runVerifyBundle(file, bundle.publicKey.ed25519).ok).toBe(true);
      expect(runVerifyBundle(file, config.signingKeyFile).ok).toBe(true);
      expect(runVerifyBundle(file, join(config.dataDir, 'missing.pem')).problems).toEqual([
        'cannot use the trusted key: a public key must be PEM, or the 32 raw Ed25519 bytes in base64',
      ]);
    });

    it("has a tree head that the ledger's later heads provably extend", async () => {
      const store = new SqliteEventStore({ file: config.dbFile });
      await store.append([{ stream: 'activity-act-3', expectedRevision: 'no_stream', events: [testEvent('T', {}, eventId(11))] }]);
      await store.close();
      const later = await runTreeHead(config);
      expect(later.treeSize).toBe(11);
      const { proof } = await runConsistencyProof(config, bundle.treeHead.treeSize, later.treeSize);
      const root = (h: { rootHash: string }) => Buffer.from(h.rootHash, 'hex');
      expect(verifyConsistency(10, 11, proof.map((p) => Buffer.from(p, 'hex')), root(bundle.treeHead), root(later))).toBe(true);
    });

    it('rejects the bundle when any field is changed or removed', () => {
      const changes = [...mutations(bundle)];
      expect(changes.length).toBeGreaterThan(150);
      const accepted = changes.filter(([, changed]) => verifyBundle(changed).ok).map(([what]) => what);
      expect(accepted).toEqual([]);
    });

    it("says which event no longer matches the signed tree when an event's content is changed", () => {
      const changed = structuredClone(bundle) as unknown as { events: Array<{ event: { data: { amount: string } } }> };
      changed.events[2].event.data.amount = '150000001';
      const result = verifyBundle(changed);
      expect(result.ok).toBe(false);
      expect(result.problems).toContain(
        `event #3 (${eventId(4)}, Disbursed in ${STREAM_A}) is not leaf 3 of the signed tree: its content or its proof was changed`,
      );
    });

    it('rejects a bundle re-signed with another key when the auditor names the ledger key', () => {
      const forger = SigningKey.generate();
      const { signature: _, ...unsigned } = structuredClone(bundle);
      const treeHead = forger.signTreeHead(unsigned.treeHead);
      const forged = { ...unsigned, treeHead, publicKey: { ed25519: forger.publicKeyBase64, pem: forger.publicKeyPem } };
      const resigned = { ...forged, signature: forger.sign(bundleMessage(forged)) };
      expect(verifyBundle(resigned).ok).toBe(true);
      const pinned = join(config.dataDir, 'forged.json');
      writeFileSync(pinned, JSON.stringify(resigned));
      const result = runVerifyBundle(pinned, bundle.publicKey.ed25519);
      expect(result.ok).toBe(false);
      expect(result.problems[0]).toMatch(/not by the trusted key/);
    });
  });
});

/** Every bundle that differs from `value` in exactly one field: each scalar changed, each member removed. */
function* mutations(value: unknown): Generator<[string, unknown]> {
  for (const path of scalarPaths(value)) {
    const copy = structuredClone(value);
    const [parent, key] = locate(copy, path);
    parent[key] = changed(parent[key]);
    yield [`changed ${path.join('.')}`, copy];
  }
  for (const path of memberPaths(value)) {
    const copy = structuredClone(value);
    const [parent, key] = locate(copy, path);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
    yield [`removed ${path.join('.')}`, copy];
  }
}

function scalarPaths(value: unknown, path: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [path];
  return Object.entries(value).flatMap(([k, v]) => scalarPaths(v, [...path, k]));
}

function memberPaths(value: unknown, path: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [[...path, k], ...memberPaths(v, [...path, k])]);
}

function locate(root: unknown, path: string[]): [Record<string, unknown>, string] {
  const parent = path.slice(0, -1).reduce((node, k) => (node as Record<string, unknown>)[k], root);
  return [parent as Record<string, unknown>, path[path.length - 1]];
}

/** A different value of the same kind; strings keep their length and alphabet where they can. */
function changed(v: unknown): unknown {
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'string') return v.length === 0 ? 'x' : v.slice(0, -1) + (v.endsWith('a') ? 'b' : 'a');
  return 'x';
}
