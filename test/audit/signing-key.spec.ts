import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/ledger-config';
import { isInside, loadPublicKey, loadSigningKey, SigningKey } from '../../src/audit/signing-key';
import { decodeBase64, treeHeadMessage, verifySignature } from '../../src/audit/verifier/formats';

describe('the signing key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-key-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is kept beside the data folder by default, not in it (issue 9, item 11)', () => {
    const config = loadConfig({ LEDGER_DATA_DIR: join(dataDir, 'data') });
    expect(config.signingKeyFile).toBe(`${join(dataDir, 'data')}-signing-key.pem`);
    expect(isInside(config.signingKeyFile, config.dataDir)).toBe(false);
    const loaded = loadSigningKey(config, { logIsEmpty: true });
    expect(loaded).toMatchObject({ generated: true, warnings: [] });
  });

  it('inside the data folder, works for a demo and is warned about', () => {
    const config = { dataDir, signingKeyFile: join(dataDir, 'demo-key.pem') };
    expect(loadSigningKey(config).warnings).toEqual([expect.stringMatching(/inside the data folder .*whoever can write the data can rewrite the log and sign it again/)]);
  });

  it('is warned about when others than its owner can read it', () => {
    const config = { dataDir, signingKeyFile: join(dataDir, 'outside', 'open.pem') };
    loadSigningKey({ ...config, dataDir: join(dataDir, 'elsewhere') });
    chmodSync(config.signingKeyFile, 0o644);
    expect(loadSigningKey({ ...config, dataDir: join(dataDir, 'elsewhere') }).warnings).toEqual([expect.stringMatching(/can be read by others .*chmod 600/)]);
  });

  it('is generated on first start, readable by its owner only, and loaded afterwards', () => {
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

  it('is never generated for a log that holds events: a new key would not verify their seal', () => {
    const config = { dataDir, signingKeyFile: join(dataDir, 'secrets', 'ledger.pem') };
    expect(() => loadSigningKey(config, { logIsEmpty: false })).toThrow(/does not exist, but the log holds events sealed with a key: restore the key/);
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
