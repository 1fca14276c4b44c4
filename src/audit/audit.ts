import type { RecordedEvent } from '../../events';
import { InvalidRequest } from '../shared/errors';
import type { EventStore } from '../store/event-store.port';
import { BundleQuery, NothingSelected, selectEvents } from './bundle-selection';
import { LogIntegrityError, MerkleLog } from './merkle-log';
import { SigningKey } from './signing-key';
import { AuditBundle, BUNDLE_FORMAT, bundleMessage, eventLeafHash, SignedTreeHead, treeHeadMessage, UnsignedAuditBundle, verifySignature } from './verifier/formats';

export interface PublicKeyInfo {
  readonly algorithm: 'Ed25519';
  /** The 32 raw bytes, base64. */
  readonly ed25519: string;
  readonly pem: string;
  readonly fingerprint: string;
}

export interface InclusionProof {
  readonly eventId: string;
  readonly leafIndex: number;
  readonly leafHash: string;
  readonly treeSize: number;
  readonly rootHash: string;
  /** Audit path, lowercase hex, leaf level first. */
  readonly proof: readonly string[];
  /** The signed head of that size, when there is one. */
  readonly treeHead?: SignedTreeHead;
}

export interface ConsistencyProof {
  readonly firstSize: number;
  readonly secondSize: number;
  readonly firstRootHash: string;
  readonly secondRootHash: string;
  readonly proof: readonly string[];
}

/** A request names something the log does not have (HTTP 404). */
export class AuditNotFound extends Error {
  override readonly name = 'AuditNotFound';
}

/** The audit log is not running: the application is starting or stopping (HTTP 503, AUDIT_UNAVAILABLE). */
export class AuditUnavailable extends Error {
  override readonly name = 'AuditUnavailable';
}

const hex = (b: Buffer) => b.toString('hex');

/** What the audit endpoints and commands do, over one store, one Merkle log and one signing key. */
export class Audit {
  constructor(
    readonly store: EventStore,
    readonly log: MerkleLog,
    readonly key: SigningKey,
  ) {}

  publicKey(): PublicKeyInfo {
    return { algorithm: 'Ed25519', ed25519: this.key.publicKeyBase64, pem: this.key.publicKeyPem, fingerprint: this.key.fingerprint };
  }

  /** Signs and keeps a tree head over the whole log as it is now. */
  async produceTreeHead(now = new Date()): Promise<SignedTreeHead> {
    const treeSize = await this.log.size();
    const head = this.key.signTreeHead({ treeSize, rootHash: hex(await this.log.rootHash(treeSize)), timestamp: now.toISOString() });
    await this.log.addTreeHead(head);
    return head;
  }

  /** A new head only if the log grew since the last one; returns it, or undefined. */
  async produceTreeHeadIfGrown(now = new Date()): Promise<SignedTreeHead | undefined> {
    const latest = await this.log.latestTreeHead();
    return (await this.log.size()) > (latest?.treeSize ?? 0) ? this.produceTreeHead(now) : undefined;
  }

  /**
   * The latest signed tree head, up to the log's last commit: the seal (the head signed in the commit's own
   * transaction) is published as a tree head once the audit log has followed the store to it and its tree has the
   * seal's root; a seal the tree does not match is not published (the start check and `ledger verify` report it).
   */
  async latestTreeHead(): Promise<SignedTreeHead | undefined> {
    await this.log.catchUp();
    const latest = await this.log.latestTreeHead();
    const seal = (await this.store.readSeal?.()) ?? null;
    if (!seal || seal.treeSize <= (latest?.treeSize ?? 0) || seal.treeSize > (await this.log.size())) return latest;
    if (hex(await this.log.rootHash(seal.treeSize)) !== seal.rootHash) return latest;
    if (!verifySignature(treeHeadMessage(seal), seal.signature, this.key.publicKey)) return latest;
    await this.log.addTreeHead(seal);
    return seal;
  }

  /** The latest signed head if it covers `size` leaves, else a new one. */
  async headCovering(size: number): Promise<SignedTreeHead> {
    const latest = await this.log.latestTreeHead();
    return latest && latest.treeSize >= size ? latest : this.produceTreeHead();
  }

  /**
   * What a report computed at a log position carries: the tree of the events up to that position (its size and
   * root), and the latest signed tree head covering it (signed now if none does). Log the store first (catchUp).
   */
  async treeHeadCoveringPosition(position: number): Promise<{ readonly position: number; readonly treeSize: number; readonly rootHash: string; readonly treeHead: SignedTreeHead }> {
    const tree = await this.treeAt(position);
    return { ...tree, treeHead: await this.headCovering(tree.treeSize) };
  }

  /** The tree of the events at or before a log position: its size and root hash. */
  async treeAt(position: number): Promise<{ readonly position: number; readonly treeSize: number; readonly rootHash: string }> {
    const logged = await this.log.checkpoint();
    if (position > logged) throw new AuditUnavailable(`the audit log has not logged position ${position} yet (it is at ${logged}): retry`);
    const treeSize = await this.log.sizeAtPosition(position);
    return { position, treeSize, rootHash: hex(await this.log.rootHash(treeSize)) };
  }

  /**
   * Whether a signed tree head a report carries still holds: signed by this ledger's key, and the log still has that
   * root at that size (nothing before it was altered since).
   */
  async checkTreeHead(head: SignedTreeHead): Promise<{ readonly signed: boolean; readonly rootMatches: boolean; readonly logSize: number }> {
    const logSize = await this.log.size();
    const { treeSize, rootHash, timestamp, signature } = head;
    const signed = verifySignature(treeHeadMessage({ treeSize, rootHash, timestamp }), signature, this.key.publicKey);
    const rootMatches = Number.isSafeInteger(treeSize) && treeSize >= 0 && treeSize <= logSize && hex(await this.log.rootHash(treeSize)) === rootHash;
    return { signed, rootMatches, logSize };
  }

  /** Against the tree of `treeSize` leaves, or by default against a signed head that covers the event. */
  async inclusionProof(eventId: string, treeSize?: number): Promise<InclusionProof> {
    const leaf = await this.log.leafOf(eventId);
    if (!leaf) throw new AuditNotFound(`event ${eventId} is not in the log`);
    if (treeSize !== undefined) await this.checkTreeSize('treeSize', treeSize);
    const head = treeSize === undefined ? await this.headCovering(leaf.leafIndex + 1) : await this.log.treeHeadOfSize(treeSize);
    const size = head?.treeSize ?? (treeSize as number);
    if (leaf.leafIndex >= size) throw InvalidRequest.field('treeSize', `event ${eventId} is leaf ${leaf.leafIndex}, not in a tree of ${size} leaves`);
    return {
      eventId,
      leafIndex: leaf.leafIndex,
      leafHash: hex(leaf.leafHash),
      treeSize: size,
      rootHash: hex(await this.log.rootHash(size)),
      proof: (await this.log.inclusionProof(leaf.leafIndex, size)).map(hex),
      ...(head ? { treeHead: head } : {}),
    };
  }

  /** That the tree of `second` leaves (default: the latest signed head) extends the tree of `first` leaves. */
  async consistencyProof(first: number, second?: number): Promise<ConsistencyProof> {
    const secondSize = second ?? (await this.log.latestTreeHead())?.treeSize ?? (await this.log.size());
    if (second !== undefined) await this.checkTreeSize('second', second);
    if (first < 1) {
      throw InvalidRequest.field('first', 'must be 1 or more: RFC 9162 defines no consistency proof from the empty tree (every tree extends it)');
    }
    if (first > secondSize) throw InvalidRequest.field('first', `the first tree (${first}) must not be larger than the second (${secondSize})`);
    return {
      firstSize: first,
      secondSize,
      firstRootHash: hex(await this.log.rootHash(first)),
      secondRootHash: hex(await this.log.rootHash(secondSize)),
      proof: (await this.log.consistencyProof(first, secondSize)).map(hex),
    };
  }

  /** A tree size a client asked for: the log has had a tree of every size from 0 to its own. */
  private async checkTreeSize(field: string, size: number): Promise<void> {
    const current = await this.log.size();
    if (!Number.isSafeInteger(size) || size < 0 || size > current) {
      throw InvalidRequest.field(field, `tree size ${size} is not between 0 and the log's size, ${current}`);
    }
  }

  /**
   * The selected events with their inclusion proofs in one signed tree head, signed as a whole. Logs the store's
   * newest events first, so that a bundle never leaves out an event just recorded.
   */
  /** `readable`: the selected events the reader may see (the HTTP API keeps those under the reader's scopes). */
  async exportBundle(query: BundleQuery, now = new Date(), readable?: (events: RecordedEvent[]) => Promise<RecordedEvent[]>): Promise<AuditBundle> {
    await this.log.catchUp();
    const selected = await selectEvents(this.store, query);
    const { selection } = selected;
    const events = readable ? await readable(selected.events) : selected.events;
    if (events.length === 0) throw new NothingSelected(`no event matches ${JSON.stringify(selection)}${readable && selected.events.length > 0 ? ' under your scopes' : ''}`);
    const entries: Array<{ leafIndex: number; event: RecordedEvent }> = [];
    for (const event of events) {
      const leaf = await this.log.leafOf(event.metadata.eventId);
      if (!leaf || !leaf.leafHash.equals(eventLeafHash(event))) {
        throw new LogIntegrityError(`event ${event.metadata.eventId} no longer matches the Merkle log: run \`ledger verify\``);
      }
      entries.push({ leafIndex: leaf.leafIndex, event });
    }
    const head = await this.headCovering(entries.reduce((size, e) => Math.max(size, e.leafIndex + 1), 0));
    const proofs = await Promise.all(entries.map(({ leafIndex }) => this.log.inclusionProof(leafIndex, head.treeSize)));
    const unsigned: UnsignedAuditBundle = {
      format: BUNDLE_FORMAT,
      selection,
      exportedAt: now.toISOString(),
      publicKey: { ed25519: this.key.publicKeyBase64, pem: this.key.publicKeyPem },
      treeHead: head,
      events: entries.map(({ leafIndex, event }, i) => ({ leafIndex, event, inclusionProof: proofs[i].map(hex) })),
    };
    return { ...unsigned, signature: this.key.sign(bundleMessage(unsigned)) };
  }
}
