import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeBase64, decodeHash, keyFingerprint, publicKeyFromRaw, SignedTreeHead, treeHeadMessage, verifySignature } from './verifier/formats';
import { verifyConsistency } from './verifier/merkle';

/**
 * `ledger witness URL`: an auditor's own check that the ledger's history only grows. A signed tree head protects
 * only whoever kept an earlier one: the witness keeps the last head it accepted (and the key that signed it), fetches
 * the latest, and accepts it only if it is signed by the same key and a consistency proof shows it extends the kept
 * one. A smaller tree (a rollback), the same size with another root, a proof that does not hold, or a new key, is an
 * ALARM: the kept head stays, with the evidence. The first head is taken on trust, and says so.
 */

export interface WitnessState {
  readonly url: string;
  /** The ledger's Ed25519 public key, 32 raw bytes in base64, as first seen. */
  readonly publicKey: string;
  readonly fingerprint: string;
  /** The last head accepted. */
  readonly head: SignedTreeHead;
  readonly checkedAt: string;
  /** Heads refused, with why: evidence for the auditor. */
  readonly alarms: readonly { readonly at: string; readonly reason: string; readonly head?: unknown }[];
}

export type WitnessOutcome =
  | { readonly status: 'trusted-first'; readonly head: SignedTreeHead; readonly fingerprint: string }
  | { readonly status: 'unchanged' | 'extended'; readonly from: SignedTreeHead; readonly head: SignedTreeHead }
  | { readonly status: 'alarm'; readonly reason: string; readonly kept: SignedTreeHead | null; readonly seen?: unknown };

/** Where the witness keeps its state for a ledger: one file per URL, in the user's config folder. */
export function defaultWitnessFile(url: string): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'gnbv-ledger', 'witness', `${new URL(url).host.replace(/[^A-Za-z0-9.-]/g, '_')}.json`);
}

function readState(file: string): WitnessState | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as WitnessState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`the witness state ${file} cannot be read: ${(error as Error).message}`);
  }
}

function writeState(file: string, state: WitnessState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

const isHead = (h: unknown): h is SignedTreeHead => {
  const x = h as Record<string, unknown> | null;
  return !!x && Number.isSafeInteger(x.treeSize) && (x.treeSize as number) >= 0 && decodeHash(x.rootHash) !== null && typeof x.timestamp === 'string' && typeof x.signature === 'string';
};

async function getJson(url: string, options: WitnessOptions): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await (options.fetch ?? fetch)(url, { headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

export interface WitnessOptions {
  /** A session or API token of a user who may read the ledger (LEDGER_TOKEN): tree heads and proofs are reads. */
  readonly token?: string;
  readonly now?: Date;
  readonly fetch?: typeof fetch;
}

/** One witness round against the ledger at `url`, keeping its state in `stateFile`. */
export async function witness(url: string, stateFile: string, options: WitnessOptions = {}): Promise<WitnessOutcome> {
  const now = options.now ?? new Date();
  const base = url.replace(/\/+$/, '');
  const state = readState(stateFile);
  const alarm = (reason: string, seen?: unknown): WitnessOutcome => {
    if (state) writeState(stateFile, { ...state, checkedAt: now.toISOString(), alarms: [...state.alarms, { at: now.toISOString(), reason, ...(seen ? { head: seen } : {}) }] });
    return { status: 'alarm', reason, kept: state?.head ?? null, ...(seen ? { seen } : {}) };
  };

  const published = (await getJson(`${base}/audit/public-key`, options)) as { ed25519?: unknown };
  const raw = decodeBase64(published.ed25519, 32);
  if (!raw) return alarm('the ledger published no valid Ed25519 key');
  const key = publicKeyFromRaw(raw);
  if (state && state.publicKey !== published.ed25519) {
    return alarm(`the ledger's key changed from ${state.fingerprint} to ${keyFingerprint(key)}: heads signed with a new key say nothing about the history kept`);
  }
  const head = await getJson(`${base}/audit/tree-heads/latest`, options);
  if (!isHead(head)) return alarm('the latest tree head is malformed', head);
  if (!verifySignature(treeHeadMessage(head), head.signature, key)) return alarm("the latest tree head's signature does not verify with the ledger's key", head);
  const latest: SignedTreeHead = { treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp, signature: head.signature };

  if (!state) {
    writeState(stateFile, { url: base, publicKey: published.ed25519 as string, fingerprint: keyFingerprint(key), head: latest, checkedAt: now.toISOString(), alarms: [] });
    return { status: 'trusted-first', head: latest, fingerprint: keyFingerprint(key) };
  }
  const kept = state.head;
  if (latest.treeSize < kept.treeSize) {
    return alarm(`ROLLBACK: the ledger now shows a tree of ${latest.treeSize} events, but it signed a tree of ${kept.treeSize} events (${kept.timestamp}) that this witness kept`, latest);
  }
  if (latest.treeSize === kept.treeSize) {
    if (latest.rootHash !== kept.rootHash) {
      return alarm(`the ledger signed two different trees of ${kept.treeSize} events: root ${kept.rootHash} (${kept.timestamp}) and root ${latest.rootHash} (${latest.timestamp})`, latest);
    }
  } else {
    const proof = (await getJson(`${base}/audit/proofs/consistency?first=${kept.treeSize}&second=${latest.treeSize}`, options)) as { proof?: unknown };
    const hashes = Array.isArray(proof.proof) ? proof.proof.map(decodeHash) : [];
    const holds =
      kept.treeSize > 0 &&
      hashes.every((h) => h !== null) &&
      verifyConsistency(kept.treeSize, latest.treeSize, hashes as Buffer[], decodeHash(kept.rootHash) as Buffer, decodeHash(latest.rootHash) as Buffer);
    if (!holds && kept.treeSize > 0) {
      return alarm(`the tree of ${latest.treeSize} events signed ${latest.timestamp} does not extend the tree of ${kept.treeSize} events kept (${kept.timestamp}): history was rewritten`, latest);
    }
  }
  writeState(stateFile, { ...state, head: latest, checkedAt: now.toISOString() });
  return { status: latest.treeSize === kept.treeSize ? 'unchanged' : 'extended', from: kept, head: latest };
}

export function formatWitness(outcome: WitnessOutcome, stateFile: string): string {
  switch (outcome.status) {
    case 'trusted-first':
      return `first head taken on trust: ${outcome.head.treeSize} events, root ${outcome.head.rootHash}, signed ${outcome.head.timestamp}, key ${outcome.fingerprint}\n(compare the key with the one the ledger's owner publishes; kept in ${stateFile})`;
    case 'unchanged':
      return `OK: still ${outcome.head.treeSize} events, the same root (signed ${outcome.head.timestamp})`;
    case 'extended':
      return `OK: ${outcome.from.treeSize} → ${outcome.head.treeSize} events; the consistency proof holds: the earlier history is unchanged (kept in ${stateFile})`;
    case 'alarm':
      return `ALARM: ${outcome.reason}\nthe last head accepted is kept${outcome.kept ? ` (${outcome.kept.treeSize} events, root ${outcome.kept.rootHash})` : ''}; evidence recorded in ${stateFile}`;
  }
}
