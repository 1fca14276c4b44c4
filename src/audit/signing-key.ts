import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LedgerConfig } from '../config/ledger-config';
import { keyFingerprint, rawPublicKey, SignedTreeHead, TreeHead, treeHeadMessage } from './verifier/formats';

/** The ledger's Ed25519 key: signs tree heads and audit bundles. */
export class SigningKey {
  readonly publicKey: KeyObject;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error(`the signing key must be Ed25519, not ${String(privateKey.asymmetricKeyType)}`);
    }
    this.publicKey = createPublicKey(privateKey);
  }

  static generate(): SigningKey {
    return new SigningKey(generateKeyPairSync('ed25519').privateKey);
  }

  /** The 32 raw public key bytes, base64. */
  get publicKeyBase64(): string {
    return rawPublicKey(this.publicKey).toString('base64');
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  get fingerprint(): string {
    return keyFingerprint(this.publicKey);
  }

  /** Base64 Ed25519 signature. */
  sign(message: Buffer): string {
    return sign(null, message, this.privateKey).toString('base64');
  }

  signTreeHead(head: TreeHead): SignedTreeHead {
    const { treeSize, rootHash, timestamp } = head;
    return { treeSize, rootHash, timestamp, signature: this.sign(treeHeadMessage(head)) };
  }

  privateKeyPem(): string {
    return this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }
}

export interface LoadedKey {
  readonly key: SigningKey;
  /** True when this call created the key file. */
  readonly generated: boolean;
}

/**
 * Loads the key of config.signingKeyFile. When the file is missing and lies in the data folder (the default, on
 * first start), a new key is generated into it, readable by its owner only. A key file configured elsewhere
 * that is missing is an error rather than a new key: a new key would make every earlier tree head unverifiable.
 */
export function loadSigningKey(config: Pick<LedgerConfig, 'signingKeyFile' | 'dataDir'>): LoadedKey {
  const file = config.signingKeyFile;
  if (existsSync(file)) return { key: new SigningKey(createPrivateKey(readFileSync(file))), generated: false };
  if (resolve(dirname(file)) !== resolve(config.dataDir)) {
    throw new Error(`signing key file ${file} does not exist (a key is generated only into the data folder, ${config.dataDir})`);
  }
  const key = SigningKey.generate();
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, key.privateKeyPem(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process generated it first: use theirs, so there is one key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadSigningKey(config);
    throw error;
  }
  return { key, generated: true };
}

/** The public half of the configured key, for checking signatures without ever creating a key; null if none. */
export function loadPublicKey(config: Pick<LedgerConfig, 'signingKeyFile'>): KeyObject | null {
  return existsSync(config.signingKeyFile) ? createPublicKey(createPrivateKey(readFileSync(config.signingKeyFile))) : null;
}
