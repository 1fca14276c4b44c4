import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Catalogue } from '../catalogue/catalogue';
import type { Principal } from '../identity/rights';
import type { EventStore } from '../store/event-store.port';
import { ImportOutcome, JournalImporter, problemPlace } from './journal.importer';

/** The demo journals, in the order they are loaded: transcriptions of real district documents. */
export const DEMO_JOURNALS = ['van-quan-2024.yaml', 'tra-cu-2021-2025.yaml', 'son-duong-2022.yaml'] as const;

/** The repository's demo/ folder, found from here whether running from src/ (ts) or dist/src/ (js). */
export function findDemoDir(from: string = __dirname): string {
  for (let dir = from, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'demo');
    if (existsSync(join(candidate, DEMO_JOURNALS[0]))) return candidate;
  }
  throw new Error(`demo journals not found above ${from} (expected demo/${DEMO_JOURNALS[0]})`);
}

export interface DemoLoadOptions {
  /** Who imports: `npm start` uses the demo's importer (demo-importer), created just before. */
  readonly principal: Principal;
  readonly catalogue?: Catalogue;
  readonly dir?: string;
  /** Transaction time of the load; the clock is read by the caller. */
  readonly now?: string;
  /** Load only into an empty store (default): a store with data of its own is left alone. */
  readonly onlyIfEmpty?: boolean;
  readonly log?: (line: string) => void;
}

export interface DemoLoadResult {
  readonly file: string;
  readonly outcome: ImportOutcome;
}

/**
 * Loads the demo journals into the store. Idempotent: each journal's claim makes a second load store nothing.
 * By default it does nothing when the store already holds events. A demo journal that does not import is a
 * defect of the repository: it throws with every problem.
 */
export async function loadDemoData(store: EventStore, options: DemoLoadOptions): Promise<DemoLoadResult[]> {
  if ((options.onlyIfEmpty ?? true) && (await store.headPosition()) > 0) {
    options.log?.('demo data: the store is not empty, nothing loaded');
    return [];
  }
  const catalogue = options.catalogue ?? Catalogue.load();
  const dir = options.dir ?? findDemoDir();
  const importer = new JournalImporter(store, catalogue);
  const results: DemoLoadResult[] = [];
  for (const name of DEMO_JOURNALS) {
    const file = join(dir, name);
    const outcome = await importer.importText(readFileSync(file, 'utf8'), {
      principal: options.principal,
      now: options.now ?? new Date().toISOString(),
    });
    if (outcome.status === 'rejected') {
      throw new Error(`demo journal ${file} does not import:\n  ${outcome.problems.map((p) => `${problemPlace(p)}: ${p.problem}`).join('\n  ')}`);
    }
    options.log?.(
      outcome.status === 'imported'
        ? `demo data: ${name}: ${outcome.entries} entries, ${outcome.events} events at positions ${outcome.firstPosition}-${outcome.lastPosition}`
        : `demo data: ${name}: already imported at positions ${'firstPosition' in outcome ? `${outcome.firstPosition}-${outcome.lastPosition}` : '?'}`,
    );
    results.push({ file, outcome });
  }
  return results;
}
