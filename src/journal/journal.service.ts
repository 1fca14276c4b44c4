import { LedgerConfig } from '../config/ledger-config';
import { Inject, Injectable } from '@nestjs/common';
import type { RecordedEvent } from '../../events';
import type { SignedTreeHead } from '../audit/verifier/formats';
import { Catalogue } from '../catalogue/catalogue';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { ImportOptions, ImportOutcome, JournalImporter } from './journal.importer';
import { ReconcileFilter, ReconciliationReport, reconcile } from './reconciliation';

const PAGE = 5000;

/** The whole log (or its first `upTo` positions), in order, read page by page. */
export async function readWholeLog(store: EventStore, upTo = Number.MAX_SAFE_INTEGER): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const page of store.streamAll(0, { pageSize: PAGE, upTo })) all.push(...page);
  return all;
}

/** A report with the signed tree head it was made at: anyone can check that later history extends it. */
export type HeadedReport = ReconciliationReport & { readonly treeHead: SignedTreeHead | null };

/**
 * Reconciles the store's log as its seal covers it (the whole log on a store that keeps no seal): the pure
 * `reconcile`, and the seal, so that the report names the signed state of the log it was made from.
 */
export async function reconcileStore(store: EventStore, catalogue: Catalogue, filter: ReconcileFilter = {}): Promise<HeadedReport> {
  const seal = (await store.readSeal?.()) ?? null;
  return { ...reconcile(await readWholeLog(store, seal?.treeSize), catalogue, filter), treeHead: seal };
}

/** Journal import and reconciliation on the application's store, for the HTTP API. */
@Injectable()
export class JournalService {
  private readonly importer: JournalImporter;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalogue: Catalogue,
    config: LedgerConfig,
  ) {
    this.importer = new JournalImporter(store, catalogue, config.journalLimitMb * 1024 * 1024);
  }

  import(body: unknown, options: ImportOptions): Promise<ImportOutcome> {
    return typeof body === 'string' ? this.importer.importText(body, options) : this.importer.importValue(body, options);
  }

  reconcile(filter: ReconcileFilter): Promise<HeadedReport> {
    return reconcileStore(this.store, this.catalogue, filter);
  }
}
