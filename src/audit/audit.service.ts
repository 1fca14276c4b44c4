import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LedgerConfig } from '../config/ledger-config';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { Audit, AuditUnavailable } from './audit';
import { auditFollowsInThread } from '../projections/projection-thread';
import { openMerkleLog } from './merkle-log';
import { loadSigningKey } from './signing-key';
import type { SignedTreeHead } from './verifier/formats';

/**
 * Runs the audit log inside the application: from bootstrap it follows the event store into the Merkle log (itself, or
 * through the projection thread, see auditFollowsInThread)
 * and signs a tree head every config.treeHeadIntervalSeconds when the log grew; on shutdown it stops.
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private audit?: Audit;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: LedgerConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { key, generated } = loadSigningKey(this.config);
    const log = await openMerkleLog(this.config, this.store);
    this.audit = new Audit(this.store, log, key);
    this.logger.log(
      `${generated ? 'generated a new signing key in' : 'signing with the key of'} ${this.config.signingKeyFile}; ` +
        `Ed25519 public key ${key.publicKeyBase64} (${key.fingerprint}), also at GET /audit/public-key`,
    );
    // With the SQLite log in a file, the projection thread follows it into the Merkle log (off the event loop); this
    // connection answers proofs, catching up first where they need the head.
    if (!auditFollowsInThread(this.store, this.config)) {
      log.follow((error: unknown) =>
        this.logger.error(`the Merkle log stopped following the event store: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    this.timer = setInterval(() => void this.produceTreeHeadIfGrown(), this.config.treeHeadIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const log = this.audit?.log;
    this.audit = undefined;
    await log?.close();
  }

  /**
   * How far the audit log has followed the store: the log position of its last leaf and its number of leaves, as
   * stored (no catching up first); null while it is not running.
   */
  async progress(): Promise<{ readonly position: number; readonly size: number } | null> {
    const log = this.audit?.log;
    return log ? { position: await log.checkpoint(), size: await log.size() } : null;
  }

  /** The running audit log; refuses while the application is not (yet, or any more) running. */
  get(): Audit {
    if (!this.audit) throw new AuditUnavailable('the audit log is not running');
    return this.audit;
  }

  /**
   * The tree of the events up to a log position and the latest signed tree head covering it (signed now if none
   * does), after logging what the store holds: what a report computed at that position carries.
   */
  async treeHeadCovering(position: number): ReturnType<Audit['treeHeadCoveringPosition']> {
    const audit = this.get();
    await audit.log.catchUp();
    return audit.treeHeadCoveringPosition(position);
  }

  /** The tree of the events up to a log position (size and root), after logging what the store holds. */
  async treeAt(position: number): ReturnType<Audit['treeAt']> {
    const audit = this.get();
    await audit.log.catchUp();
    return audit.treeAt(position);
  }

  /** Whether a signed tree head (from a report) is this ledger's and the log still has its root at its size. */
  async checkTreeHead(head: SignedTreeHead): ReturnType<Audit['checkTreeHead']> {
    const audit = this.get();
    await audit.log.catchUp();
    return audit.checkTreeHead(head);
  }

  private async produceTreeHeadIfGrown(): Promise<void> {
    try {
      const head = await this.audit?.produceTreeHeadIfGrown();
      if (head) this.logger.log(`signed tree head: ${head.treeSize} events, root ${head.rootHash}`);
    } catch (error) {
      this.logger.error(`could not sign a tree head: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
