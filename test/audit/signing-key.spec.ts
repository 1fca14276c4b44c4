import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPublicKey, loadSigningKey, SigningKey } from '../../src/audit/signing-key';
import { decodeBase64, treeHeadMessage, verifySignature } from '../../src/audit/verifier/formats';

describe('the signing key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-key-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is generated into the data folder on first start, readable by its owner only, and loaded afterwards', () => {
    const config = { dataDir, signingKeyFile: join(dataDir, 'signing-key.pem') };
    expect(loadPublicKey(config)).toBeNull();
    const first = loadSigningKey(config);
    expect(first.generated).toBe(true);
    expect(statSync(config.signingKeyFile).mode & 0o777).toBe(0o600);
    const second = loadSigningKey(config);
    expect(second.generated).toBe(false);
    expect(second.key.publicKeyBase64).toBe(first.key.publicKeyBase64);
    expect(loadPublicKey(config)?.equals(first.key.publicKey)).toBe(true);
    expect(decodeBase64(first.key.publicKeyBase64, 32)).not.toBeNull();
    expect(first.key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('is never generated in place of a key file configured elsewhere', () => {
    const config = { dataDir, signingKeyFile: join(dataDir, 'secrets', 'ledger.pem') };
    expect(() => loadSigningKey(config)).toThrow(/does not exist/);
  });

  it('must be Ed25519', () => {
    const file = join(dataDir, 'rsa.pem');
    writeFileSync(file, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(() => loadSigningKey({ dataDir, signingKeyFile: file })).toThrow(/must be Ed25519/);
  });

  it('signs tree heads so that any change to size, root or time breaks the signature', () => {
    const key = SigningKey.generate();
    const head = key.signTreeHead({ treeSize: 10, rootHash: 'ab'.repeat(32), timestamp: '2024-07-01T00:00:00.000Z' });
    expect(verifySignature(treeHeadMessage(head), head.signature, key.publicKey)).toBe(true);
    const changes = [{ treeSize: 11 }, { rootHash: 'ac'.repeat(32) }, { timestamp: '2024-07-01T00:00:01.000Z' }];
    for (const change of changes) {
      expect(verifySignature(treeHeadMessage({ ...head, ...change }), head.signature, key.publicKey)).toBe(false);
    }
    expect(verifySignature(treeHeadMessage(head), head.signature, SigningKey.generate().publicKey)).toBe(false);
  });
});
