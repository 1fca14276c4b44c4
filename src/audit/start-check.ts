import type { LedgerConfig } from '../config/ledger-config';
import { openLedgerStore } from '../store/create-event-store';
import type { EventStore, LogCheck } from '../store/event-store.port';
import { openMerkleLog } from './merkle-log';
import { MerkleFrontier } from './verifier/merkle';

const PAGE = 5000;

/** What the ledger found at start about its own log, and so whether it records anything. */
export interface StartCheck {
  /** The log against its seal (null: the store keeps no evidence at commit). */
  readonly seal: LogCheck | null;
  /** The log against the tree heads this ledger published (audit file): a head the log no longer extends. */
  readonly headFindings: readonly string[];
  /** How the signing key is kept, when it is kept weakly. */
  readonly keyWarnings: readonly string[];
  /** Every finding: when there is one, the ledger serves reads only. */
  readonly findings: readonly string[];
}

/**
 * Every tree head this ledger has published (kept in the audit file) must still be a prefix of the log: the leaves
 * written at commit, up to the head's size, must hash to its root. A log rolled back (events, leaves and seal
 * together) is caught by any head published after the point it went back to; and the audit file's own leaves must be
 * the log's. Reads the leaves once, page by page.
 */
export async function checkPublishedHeads(store: EventStore, config: Pick<LedgerConfig, 'store' | 'databaseUrl' | 'auditFile'>): Promise<string[]> {
  if (!store.readLeaves) return [];
  const log = await openMerkleLog(config, store);
  try {
    const heads = await log.treeHeadsBySize();
    const findings: string[] = [];
    const frontier = new MerkleFrontier();
    let next = 0;
    const checkHeads = () => {
      for (; next < heads.length && heads[next].treeSize === frontier.size; next++) {
        if (frontier.root().toString('hex') !== heads[next].rootHash) {
          findings.push(`the tree head of ${heads[next].treeSize} events published ${heads[next].timestamp} is no longer a prefix of the log: its first events were rewritten`);
        }
      }
    };
    checkHeads();
    const cacheSize = await log.size();
    let firstDifference: number | null = null;
    for (let after = 0; ; ) {
      const page = await store.readLeaves(after, PAGE);
      if (page.length === 0) break;
      const cached = await log.leaves(frontier.size, page.length);
      for (const [i, { leafHash, position }] of page.entries()) {
        const cachedLeaf = cached[i];
        if (firstDifference === null && cachedLeaf && leafHash && !cachedLeaf.leafHash.equals(leafHash)) firstDifference = frontier.size;
        frontier.push(leafHash ?? Buffer.alloc(32));
        after = position;
        checkHeads();
      }
    }
    for (const head of heads.slice(next)) {
      findings.push(
        `the tree head of ${head.treeSize} events published ${head.timestamp} covers more than the ${frontier.size} events the log holds: events were removed (rolled back)`,
      );
    }
    if (firstDifference !== null) {
      findings.push(`leaf ${firstDifference} of the audit file (${cacheSize} leaves) differs from the leaf the log wrote at commit: one of them was rewritten`);
    }
    return findings;
  } finally {
    await log.close();
  }
}

/**
 * Opens the configured store as a writer of the ledger (openLedgerStore: key, writer role, the log against its seal),
 * then checks the log against every tree head the ledger published. A finding makes the store refuse appends (the
 * ledger serves reads only) and is said loudly; the server and `ledger import` both open the ledger so.
 */
export async function openCheckedLedger(
  config: LedgerConfig,
  logger: { warn(m: string): void; error(m: string): void } | null,
): Promise<{ store: EventStore; startCheck: StartCheck }> {
  const { store, key, check } = await openLedgerStore(config);
  try {
    const headFindings = await checkPublishedHeads(store, config);
    const findings = [...(check?.findings ?? []), ...headFindings];
    for (const warning of key.warnings) logger?.warn(warning);
    if (findings.length > 0) {
      store.stopWriting?.(`the log does not match its evidence: ${findings.join('; ')}; the ledger records nothing more (run \`ledger verify\`)`);
      logger?.error('LOG INTEGRITY: the log does not match its evidence; serving READ-ONLY until this is resolved (run `ledger verify`):');
      for (const finding of findings) logger?.error(`  - ${finding}`);
    }
    return { store, startCheck: { seal: check, headFindings, keyWarnings: key.warnings, findings } };
  } catch (error) {
    await store.close();
    throw error;
  }
}
