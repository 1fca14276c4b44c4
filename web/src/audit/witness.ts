/**
 * Every auditor's browser is a witness (as `ledger witness URL` is on the command line): it keeps, in this browser's
 * storage, the last signed tree head it accepted and the key that signed it. Each time the auditor's view opens it
 * fetches the latest head, checks its signature with WebCrypto, and accepts it only if a consistency proof (RFC 9162,
 * the walk of src/audit/verifier/portable.ts, hashed here) shows it extends the kept one. A smaller tree, another root
 * for the same size, a proof that does not hold, or another key is an ALARM, and the kept head stays. The first head
 * is taken on trust, and says so. Pure apart from WebCrypto and the storage given: the tests run it in Node too.
 */
import { consistencyPathSteps, treeHeadText } from '../../../src/audit/verifier/portable';

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

type Subtle = Pick<typeof globalThis.crypto.subtle, 'digest' | 'importKey' | 'verify'>;
type Bytes = Uint8Array<ArrayBuffer>;
/** Where the kept head lives: the browser's localStorage (any object with these two methods). */
export interface WitnessStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const encoder = new TextEncoder();
const STORAGE_KEY = 'gnbv.witness';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
function unhex(value: unknown): Bytes | null {
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return out;
}
function base64(value: unknown, length: number): Bytes | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
  let binary: string;
  try {
    binary = atob(value);
  } catch {
    return null;
  }
  return binary.length === length && btoa(binary) === value ? Uint8Array.from(binary, (c) => c.charCodeAt(0)) : null;
}
async function nodeHash(subtle: Subtle, left: Uint8Array, right: Uint8Array): Promise<Bytes> {
  const bytes = new Uint8Array(1 + left.length + right.length);
  bytes[0] = 0x01;
  bytes.set(left, 1);
  bytes.set(right, 1 + left.length);
  return new Uint8Array(await subtle.digest('SHA-256', bytes));
}
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

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
      fr = await nodeHash(subtle, rest[i], fr);
      sr = await nodeHash(subtle, rest[i], sr);
    } else {
      sr = await nodeHash(subtle, sr, rest[i]);
    }
  }
  return same(fr, firstRoot) && same(sr, secondRoot);
}

const asHead = (h: unknown): KeptHead | null => {
  const x = (typeof h === 'object' && h !== null ? h : {}) as Record<string, unknown>;
  if (!Number.isSafeInteger(x.treeSize) || (x.treeSize as number) < 0 || !unhex(x.rootHash) || typeof x.timestamp !== 'string' || typeof x.signature !== 'string') return null;
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
  const raw = base64(published.ed25519, 32);
  if (!raw) return alarm('witness.a.malformed');
  if (state && state.publicKey !== published.ed25519) return alarm('witness.a.key');
  const head = asHead(await get('/audit/tree-heads/latest'));
  if (!head) return alarm('witness.a.malformed');
  const signature = base64(head.signature, 64);
  let signed = false;
  try {
    const key = await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    signed = !!signature && (await subtle.verify({ name: 'Ed25519' }, key, signature, encoder.encode(treeHeadText(head))));
  } catch {
    signed = false;
  }
  if (!signed) return alarm('witness.a.signature', head);
  const fingerprint = `sha256:${hex(new Uint8Array(await subtle.digest('SHA-256', raw)))}`;

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
    const proof = Array.isArray(answer.proof) ? answer.proof.map(unhex) : [null];
    const holds = proof.every((p) => p !== null) && (await consistent(subtle, kept.treeSize, head.treeSize, proof as Bytes[], unhex(kept.rootHash) as Bytes, unhex(head.rootHash) as Bytes));
    if (!holds) return alarm('witness.a.inconsistent', head);
  }
  save({ ...state, head, checkedAt: now.toISOString() });
  return head.treeSize === kept.treeSize ? { status: 'unchanged', from: kept, head } : { status: 'extended', from: kept, head };
}
