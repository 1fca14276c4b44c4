import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventToAppend, FundLineKey, LegalBasis } from '../../events';
import { LedgerConfig, loadConfig } from '../../src/config/ledger-config';
import { activityStream, fundLineStream } from '../../src/fund-line/fund-line.key';
import type { EventStore } from '../../src/store/event-store.port';
import { openLedgerStore } from '../../src/store/create-event-store';
import { testEvent } from '../support/events';

/** A fresh data folder with its configuration (default file names inside it). */
export function tempConfig(prefix = 'ledger-audit-'): LedgerConfig {
  return loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), prefix)) });
}

export const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const LINE_A: FundLineKey = {
  programme: 'GNBV-2021-2025',
  component: 'DA2',
  budgetYear: 2024,
  originYear: 2024,
  source: 'NSTW',
  capitalType: 'SN',
  unit: '183',
};
export const LINE_B: FundLineKey = { ...LINE_A, component: 'DA3', content: 'ND1' };
export const STREAM_A = fundLineStream(LINE_A);
export const STREAM_B = fundLineStream(LINE_B);

const decision = (date: string, issuer: string): LegalBasis => ({ kind: 'decision', number: '4888/QĐ-UBND', date, issuer });
export const DECISION_4888 = decision('2023-12-22', 'UBND huyện Văn Quan');
export const DECISION_4888_PROVINCE = decision('2024-03-01', 'UBND tỉnh Lạng Sơn');
const VOUCHER: LegalBasis = { kind: 'voucher', number: 'UNC-0117', date: '2024-07-15', treasury: 'KBNN Văn Quan' };

function event(n: number, type: string, data: Record<string, unknown>, legalBasis?: LegalBasis): EventToAppend {
  const e = testEvent(type, data, eventId(n));
  return legalBasis ? { ...e, metadata: { ...e.metadata, legalBasis } } : e;
}

function activity(n: number, activityId: string, name: string): EventToAppend {
  return event(n, 'ActivityRegistered', {
    activityId,
    name,
    programme: 'GNBV-2021-2025',
    component: 'DA2',
    kind: 'production-support',
    unit: '183',
    communes: ['6094'],
    beneficiaries: { poor: 42 },
    targets: [{ indicator: 'households', quantity: '42' }],
  });
}

/**
 * Ten events, one append each, in this global order (position = n):
 *  1 PlanAssigned A (decision 4888, district)   6 FundsAllocated A → act-2 (decision 4888, province)
 *  2 ActivityRegistered act-1                   7 FundsMovedOut A act-1 → B act-2  } one append
 *  3 FundsAllocated A → act-1 (decision 4888)   8 FundsMovedIn B                   }
 *  4 Disbursed A act-1 (voucher)                9 OutputsRecorded act-1
 *  5 ActivityRegistered act-2                  10 Disbursed A act-2 (voucher)
 */
export async function writeHistory(store: EventStore): Promise<void> {
  const append = (stream: string, ...events: EventToAppend[]) => store.append([{ stream, expectedRevision: 'any', events }]);
  await append(STREAM_A, event(1, 'PlanAssigned', { line: LINE_A, amount: '1000000000' }, DECISION_4888));
  await append(activityStream('act-1'), activity(2, 'act-1', 'Nuôi bò sinh sản'));
  await append(STREAM_A, event(3, 'FundsAllocated', { line: LINE_A, activityId: 'act-1', amount: '400000000' }, DECISION_4888));
  await append(STREAM_A, event(4, 'Disbursed', { line: LINE_A, activityId: 'act-1', disbursementId: 'd-1', amount: '150000000' }, VOUCHER));
  await append(activityStream('act-2'), activity(5, 'act-2', 'Trồng quế'));
  await append(STREAM_A, event(6, 'FundsAllocated', { line: LINE_A, activityId: 'act-2', amount: '200000000' }, DECISION_4888_PROVINCE));
  const move = { adjustmentId: 'adj-1', amount: '50000000', fromActivityId: 'act-1', toActivityId: 'act-2', reason: 'điều chỉnh' };
  await store.append([
    { stream: STREAM_A, expectedRevision: 'any', events: [event(7, 'FundsMovedOut', { line: LINE_A, toLine: LINE_B, ...move })] },
    { stream: STREAM_B, expectedRevision: 'any', events: [event(8, 'FundsMovedIn', { line: LINE_B, fromLine: LINE_A, ...move })] },
  ]);
  const outputs = [{ indicator: 'cows', quantity: '42' }];
  await append(activityStream('act-1'), event(9, 'OutputsRecorded', { activityId: 'act-1', outputs, completed: false }));
  await append(STREAM_A, event(10, 'Disbursed', { line: LINE_A, activityId: 'act-2', disbursementId: 'd-2', amount: '90000000' }, VOUCHER));
}

/** A data folder holding the ten-event history in its SQLite store, written as the ledger writes (sealed with its key). */
export async function configWithHistory(): Promise<LedgerConfig> {
  const config = tempConfig();
  const { store } = await openLedgerStore(config);
  await writeHistory(store);
  await store.close();
  return config;
}
