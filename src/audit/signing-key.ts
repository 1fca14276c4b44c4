import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
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
  /** Why the key is weakly kept, to be said loudly at start: inside the data folder, or readable by others. */
  readonly warnings: readonly string[];
}

/** Whether a path lies inside a folder (or is it). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Loads the key of config.signingKeyFile. Kept outside the data folder by default (beside it: DATA_DIR-signing-key.pem):
 * whoever can write the data folder must not be able to re-sign a rewritten log. A key inside the data folder works,
 * for a demo, and is warned about.
 *
 * A missing key file is generated (readable by its owner only) only for an empty log: a log already sealed with a
 * key cannot be verified with a new one, so then the missing key is an error, not a new key.
 */
export function loadSigningKey(config: Pick<LedgerConfig, 'signingKeyFile' | 'dataDir'>, options: { logIsEmpty?: boolean } = {}): LoadedKey {
  const file = config.signingKeyFile;
  const warnings: string[] = [];
  if (isInside(file, config.dataDir)) {
    warnings.push(
      `the signing key ${file} is inside the data folder ${config.dataDir}: whoever can write the data can rewrite the log and sign it again. ` +
        'For a demo only: keep it elsewhere (LEDGER_SIGNING_KEY_FILE), readable by the ledger alone',
    );
  }
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) warnings.push(`the signing key ${file} can be read by others than its owner: chmod 600 it`);
    return { key: new SigningKey(createPrivateKey(readFileSync(file))), generated: false, warnings };
  }
  if (options.logIsEmpty === false) {
    throw new Error(
      `the signing key ${file} does not exist, but the log holds events sealed with a key: restore the key that signed them ` +
        '(a new key would not verify the log\'s seal), or point LEDGER_SIGNING_KEY_FILE at it',
    );
  }
  const key = SigningKey.generate();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, key.privateKeyPem(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process generated it first: use theirs, so there is one key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadSigningKey(config, options);
    throw error;
  }
  return { key, generated: true, warnings };
}

/** The public half of the configured key, for checking signatures without ever creating a key; null if none. */
export function loadPublicKey(config: Pick<LedgerConfig, 'signingKeyFile'>): KeyObject | null {
  return existsSync(config.signingKeyFile) ? createPublicKey(createPrivateKey(readFileSync(config.signingKeyFile))) : null;
}
