import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalogue } from '../../src/catalogue/catalogue';
import type { Principal } from '../../src/identity/rights';
import { JournalImporter } from '../../src/journal/journal.importer';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

export const catalogue = Catalogue.load();
/** Who imports in these tests: an importer for the whole country (the import's authorisation has its own tests). */
export const IMPORTER: Principal = { id: 'can-bo-nhap', name: 'Cán bộ nhập liệu', grants: [{ role: 'importer', scope: 'VN' }], via: 'console' };
/** What its events record: the grant used. */
export const IMPORTER_ACTOR = { id: 'can-bo-nhap', role: 'importer', name: 'Cán bộ nhập liệu', scope: 'VN', via: 'console' };
export const NOW = '2026-01-15T08:00:00.000Z';

/**
 * A small journal for Văn Quan 2024 with the decisions, the voucher and the document the entries name.
 * `entries` is the YAML of the entries list, indented by two spaces.
 */
export function journal(entries: string, id = 'test-journal'): string {
  return `journal: 1
id: ${id}
defaults: { programme: GNBV-2021-2025, unit: "184", year: 2024 }
documents:
  BC-6T:
    title: Báo cáo kết quả 6 tháng đầu năm 2024
    issuer: UBND huyện Văn Quan
    date: 2024-07-05
    asOf: 2024-06-30
decisions:
  QD-4888: { number: 4888/QĐ-UBND, date: 2023-12-22, issuer: UBND huyện Văn Quan }
  QD-832: { number: 832/QĐ-UBND, date: 14/03/2024, issuer: UBND huyện Văn Quan }
vouchers:
  UNC-158: { number: UNC-000158, date: 2024-06-14, treasury: KBNN Văn Quan }
entries:
${entries}`;
}

/** Dự án 5 of Văn Quan 2024: a plan of 8.036 triệu, a housing activity, 7.700 triệu allocated, 620 triệu disbursed. */
export const DA5_MONEY = `
  - id: plan-da5
    plan: { line: { component: DA5, source: NSTW, capitalType: SN }, amount: 8.036 triệu đồng, decision: QD-4888 }
  - id: VQ-DA5-2024-01
    activity: { name: Hỗ trợ nhà ở 2024 (lần 01), component: DA5, kind: housing-support, targets: { houses-new: 101, houses-repaired: 177 }, decision: QD-832 }
  - id: alloc-da5
    allocate: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: VQ-DA5-2024-01, amount: 7.700 triệu đồng, decision: QD-832 }
  - id: gn-da5
    disburse: { line: { component: DA5, source: NSTW, capitalType: SN }, activityId: VQ-DA5-2024-01, amount: 620 triệu đồng, voucher: UNC-158 }
  - id: out-da5
    outputs: { activityId: VQ-DA5-2024-01, outputs: { houses-repaired: 19, houses-new: 6 }, document: BC-6T, effectiveDate: 30/06/2024 }
`;

export interface TestStore {
  readonly store: SqliteEventStore;
  readonly importer: JournalImporter;
  /** SHA-256 over every row of the events and idempotency tables, in order (as test/support/app.ts). */
  digest(): string;
  close(): Promise<void>;
}

/** A real SQLite store in a temp folder. */
export function openStore(): TestStore {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-journal-'));
  const store = new SqliteEventStore({ file: join(dir, 'ledger.db') });
  return {
    store,
    importer: new JournalImporter(store, catalogue),
    digest: () => {
      const hash = createHash('sha256');
      for (const table of ['events', 'idempotency']) {
        for (const row of store.db.prepare(`SELECT * FROM ${table} ORDER BY 1`).raw().iterate()) hash.update(JSON.stringify(row));
      }
      return hash.digest('hex');
    },
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
