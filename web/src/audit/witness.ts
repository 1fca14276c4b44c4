/**
 * Every auditor's browser is a witness (as `ledger witness URL` is on the command line): it keeps, in this browser's
 * storage, the last signed tree head it accepted and the key that signed it. Each time the auditor's view opens it
 * fetches the latest head, checks its signature with WebCrypto, and accepts it only if a consistency proof (RFC 9162,
 * the walk of src/audit/verifier/portable.ts, hashed here) shows it extends the kept one. A smaller tree, another root
 * for the same size, a proof that does not hold, or another key is an ALARM, and the kept head stays. The first head
 * is taken on trust, and says so. Pure apart from WebCrypto and the storage given: the tests run it in Node too.
 */
import { consistencyPathSteps, treeHeadText } from '../../../src/audit/verifier/portable';
import { Bytes, decodeBase64, decodeHash, equal, hex, NODE, sha256, signatureHolds, Subtle } from './verify';

export interface KeptHead {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly timestamp: string;
  readonly signature: string;
}

interface WitnessState {
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly head: KeptHead;
  readonly checkedAt: string;
  readonly alarms: readonly { readonly at: string; readonly reason: WitnessAlarm; readonly head?: KeptHead }[];
}

/** Each alarm is a phrase of the dictionary (i18n.tsx). */
export type WitnessAlarm = 'witness.a.key' | 'witness.a.signature' | 'witness.a.malformed' | 'witness.a.rollback' | 'witness.a.fork' | 'witness.a.inconsistent';

export type WitnessResult =
  | { readonly status: 'trusted-first'; readonly head: KeptHead; readonly fingerprint: string }
  | { readonly status: 'unchanged' | 'extended'; readonly from: KeptHead; readonly head: KeptHead }
  | { readonly status: 'alarm'; readonly alarm: WitnessAlarm; readonly kept: KeptHead | null; readonly seen?: KeptHead }
  | { readonly status: 'unavailable' };

/** Where the kept head lives: the browser's localStorage (any object with these two methods). */
export interface WitnessStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const STORAGE_KEY = 'gnbv.witness';

/** RFC 9162 section 2.1.4.2 with WebCrypto: does `proof` show the second tree extends the first? (0 < first < second) */
export async function consistent(subtle: Subtle, first: number, second: number, proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): Promise<boolean> {
  const walk = consistencyPathSteps(first, second, proof.length);
  if (walk === null || ![firstRoot, secondRoot, ...proof].every((h) => h.length === 32)) return false;
  const start = walk.startsWithFirstRoot ? firstRoot : proof[0];
  const rest = walk.startsWithFirstRoot ? proof : proof.slice(1);
  let fr: Uint8Array = start;
  let sr: Uint8Array = start;
  for (let i = 0; i < rest.length; i++) {
    if (walk.steps[i] === 'left') {
      fr = await sha256(subtle, NODE, rest[i], fr);
      sr = await sha256(subtle, NODE, rest[i], sr);
    } else {
      sr = await sha256(subtle, NODE, sr, rest[i]);
    }
  }
  return equal(fr, firstRoot) && equal(sr, secondRoot);
}

const asHead = (h: unknown): KeptHead | null => {
  const x = (typeof h === 'object' && h !== null ? h : {}) as Record<string, unknown>;
  if (!Number.isSafeInteger(x.treeSize) || (x.treeSize as number) < 0 || !decodeHash(x.rootHash) || typeof x.timestamp !== 'string' || typeof x.signature !== 'string') return null;
  return { treeSize: x.treeSize as number, rootHash: x.rootHash as string, timestamp: x.timestamp, signature: x.signature };
};

/** One witness round: `get` fetches the ledger's JSON answers (its own origin). Never throws on what the ledger says. */
export async function witnessInBrowser(
  get: (path: string) => Promise<unknown>,
  storage: WitnessStorage,
  now = new Date(),
  subtle: Subtle | null = globalThis.crypto?.subtle ?? null,
): Promise<WitnessResult> {
  if (!subtle) return { status: 'unavailable' };
  let state: WitnessState | null = null;
  try {
    state = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as WitnessState | null;
  } catch {
    state = null;
  }
  const save = (s: WitnessState) => storage.setItem(STORAGE_KEY, JSON.stringify(s));
  const alarm = (reason: WitnessAlarm, seen?: KeptHead): WitnessResult => {
    if (state) save({ ...state, checkedAt: now.toISOString(), alarms: [...state.alarms, { at: now.toISOString(), reason, ...(seen ? { head: seen } : {}) }].slice(-20) });
    return { status: 'alarm', alarm: reason, kept: state?.head ?? null, ...(seen ? { seen } : {}) };
  };

  const published = (await get('/audit/public-key')) as { ed25519?: unknown };
  const raw = decodeBase64(published.ed25519, 32);
  if (!raw) return alarm('witness.a.malformed');
  if (state && state.publicKey !== published.ed25519) return alarm('witness.a.key');
  const head = asHead(await get('/audit/tree-heads/latest'));
  if (!head) return alarm('witness.a.malformed');
  let signed = false;
  try {
    const key = await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    signed = await signatureHolds(subtle, key, head.signature, treeHeadText(head));
  } catch {
    signed = false;
  }
  if (!signed) return alarm('witness.a.signature', head);
  const fingerprint = `sha256:${hex(await sha256(subtle, raw))}`;

  if (!state) {
    save({ publicKey: published.ed25519 as string, fingerprint, head, checkedAt: now.toISOString(), alarms: [] });
    return { status: 'trusted-first', head, fingerprint };
  }
  const kept = state.head;
  if (head.treeSize < kept.treeSize) return alarm('witness.a.rollback', head);
  if (head.treeSize === kept.treeSize) {
    if (head.rootHash !== kept.rootHash) return alarm('witness.a.fork', head);
  } else if (kept.treeSize > 0) {
    const answer = (await get(`/audit/proofs/consistency?first=${kept.treeSize}&second=${head.treeSize}`)) as { proof?: unknown };
    const proof = Array.isArray(answer.proof) ? answer.proof.map(decodeHash) : [null];
    const holds = proof.every((p) => p !== null) && (await consistent(subtle, kept.treeSize, head.treeSize, proof as Bytes[], decodeHash(kept.rootHash) as Bytes, decodeHash(head.rootHash) as Bytes));
    if (!holds) return alarm('witness.a.inconsistent', head);
  }
  save({ ...state, head, checkedAt: now.toISOString() });
  return head.treeSize === kept.treeSize ? { status: 'unchanged', from: kept, head } : { status: 'extended', from: kept, head };
}
