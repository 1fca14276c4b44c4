import { Inject, Injectable } from '@nestjs/common';
import type { RecordedEvent } from '../../events';
import { Catalogue } from '../catalogue/catalogue';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { ImportOptions, ImportOutcome, JournalImporter } from './journal.importer';
import { ReconcileFilter, ReconciliationReport, reconcile } from './reconciliation';

const PAGE = 5000;

/** The whole log, in order, read page by page. */
export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll(all.length > 0 ? all[all.length - 1].position : 0, { maxCount: PAGE });
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}

/** Reconciles the store's whole log: the pure `reconcile` over what readWholeLog returns. */
export async function reconcileStore(store: EventStore, catalogue: Catalogue, filter: ReconcileFilter = {}): Promise<ReconciliationReport> {
  return reconcile(await readWholeLog(store), catalogue, filter);
}

/** Journal import and reconciliation on the application's store, for the HTTP API. */
@Injectable()
export class JournalService {
  private readonly importer: JournalImporter;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalogue: Catalogue,
  ) {
    this.importer = new JournalImporter(store, catalogue);
  }

  import(body: unknown, options: ImportOptions): Promise<ImportOutcome> {
    return typeof body === 'string' ? this.importer.importText(body, options) : this.importer.importValue(body, options);
  }

  reconcile(filter: ReconcileFilter): Promise<ReconciliationReport> {
    return reconcileStore(this.store, this.catalogue, filter);
  }
}
