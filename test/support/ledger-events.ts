import type {
  Actor,
  DecisionBasis,
  DomainEvent,
  EventToAppend,
  FigureStated,
  FundLineKey,
  LegalBasis,
  LedgerEvent,
  OutputQuantity,
  Quantity,
  RecordedEvent,
  VoucherBasis,
} from '../../events';
import { EVENT_SCHEMA_VERSION } from '../../events';
import { assertionStream } from '../../src/commands/state-figure/figure.state';
import { activityStream, fundLineStream } from '../../src/fund-line/fund-line.key';
import type { EventStore, StreamAppend } from '../../src/store/event-store.port';

/**
 * Well-formed ledger events with fixed ids and amounts, appended straight to a store: the projections'
 * tests do not depend on the command handlers. Each factory returns the streams to append to, in order.
 */

export const PROGRAMME = 'GNBV-2021-2025';
/** Văn Quan (Lạng Sơn): district 184 of province 20 in the catalogue. */
export const VAN_QUAN = '184';
export const LANG_SON = '20';
export const TRA_CU = '849';

export function line(overrides: Partial<FundLineKey> = {}): FundLineKey {
  return {
    programme: PROGRAMME,
    component: 'DA3.TDA1',
    budgetYear: 2024,
    originYear: 2024,
    source: 'NSTW',
    capitalType: 'SN',
    unit: VAN_QUAN,
    ...overrides,
  };
}

export function decision(number: string, date: string, issuer = 'UBND huyện Văn Quan'): DecisionBasis {
  return { kind: 'decision', number, date, issuer };
}

export function voucher(number: string, date: string, treasury = 'KBNN Văn Quan'): VoucherBasis {
  return { kind: 'voucher', number, date, treasury };
}

export interface Meta {
  /** Valid time, default the basis' date. */
  readonly effectiveDate?: string;
  /** Transaction time, default the effective date at 09:00 Vietnam time. */
  readonly recordedAt?: string;
  readonly basis: LegalBasis;
  readonly actor?: Actor;
  readonly command?: string;
  /** Default: the event's own id (each event its own recording). Events of one command or import share one. */
  readonly correlationId?: string;
}

export const OFFICER: Actor = { id: 'can-bo-ldtbxh', role: 'district-officer' };

let counter = 0;

/** Restarts the fixed event ids (call in beforeEach when a test compares ids). */
export function resetIds(): void {
  counter = 0;
}

function withMeta(e: DomainEvent, meta: Meta): EventToAppend {
  counter += 1;
  const id = `00000000-0000-4000-9000-${String(counter).padStart(12, '0')}`;
  const effectiveDate = meta.effectiveDate ?? meta.basis.date;
  return {
    type: e.type,
    version: 1,
    data: e.data,
    metadata: {
      eventId: id,
      actor: meta.actor ?? OFFICER,
      recordedAt: meta.recordedAt ?? `${effectiveDate}T02:00:00.000Z`,
      effectiveDate,
      legalBasis: meta.basis,
      correlationId: meta.correlationId ?? id,
      causationId: id,
      command: meta.command ?? e.type,
    },
  };
}

/** One atomic append: one or more streams, each with its events. */
export type Append = ReadonlyArray<{ readonly stream: string; readonly events: readonly EventToAppend[] }>;

const on = (stream: string, e: DomainEvent, meta: Meta): Append => [{ stream, events: [withMeta(e, meta)] }];
const ev = <E extends LedgerEvent>(type: E['type'], data: E['data']): DomainEvent => ({ type, version: EVENT_SCHEMA_VERSION[type], data });

export const planAssigned = (key: FundLineKey, amount: string, meta: Meta): Append =>
  on(fundLineStream(key), ev('PlanAssigned', { line: key, amount }), meta);

export const fundsAllocated = (key: FundLineKey, activityId: string, amount: string, meta: Meta): Append =>
  on(fundLineStream(key), ev('FundsAllocated', { line: key, activityId, amount }), meta);

export const planAdjusted = (key: FundLineKey, adjustmentId: string, direction: 'increase' | 'decrease', amount: string, meta: Meta): Append =>
  on(fundLineStream(key), ev('PlanAdjusted', { line: key, adjustmentId, direction, amount, reason: `điều chỉnh ${direction}` }), meta);

export const disbursed = (key: FundLineKey, activityId: string, disbursementId: string, amount: string, meta: Meta): Append =>
  on(fundLineStream(key), ev('Disbursed', { line: key, activityId, disbursementId, amount }), meta);

export const disbursementReversed = (key: FundLineKey, activityId: string, disbursementId: string, amount: string, meta: Meta): Append =>
  on(fundLineStream(key), ev('DisbursementReversed', { line: key, activityId, disbursementId, amount, reason: 'chứng từ sai' }), meta);

export const fundsReturned = (key: FundLineKey, returnId: string, amount: string, meta: Meta, activityId?: string): Append =>
  on(
    fundLineStream(key),
    ev('FundsReturned', { line: key, returnId, mode: 'returned', amount, ...(activityId ? { activityId } : {}), reason: 'không sử dụng hết' }),
    meta,
  );

export function fundsMoved(
  from: FundLineKey,
  to: FundLineKey,
  adjustmentId: string,
  amount: string,
  meta: Meta,
  activities: { fromActivityId?: string; toActivityId?: string } = {},
): Append {
  const reason = 'điều chỉnh vốn giữa các dòng';
  return [
    {
      stream: fundLineStream(from),
      events: [withMeta(ev('FundsMovedOut', { line: from, adjustmentId, amount, toLine: to, reason, ...activities }), meta)],
    },
    {
      stream: fundLineStream(to),
      events: [withMeta(ev('FundsMovedIn', { line: to, adjustmentId, amount, fromLine: from, reason, ...activities }), meta)],
    },
  ];
}

export function carriedOver(
  from: FundLineKey,
  to: FundLineKey,
  carryOverId: string,
  amount: string,
  meta: Meta,
  activityId?: string,
  deadline = `${to.budgetYear}-12-31`,
): Append {
  const a = activityId ? { activityId } : {};
  return [
    { stream: fundLineStream(from), events: [withMeta(ev('CarriedOver', { line: from, carryOverId, amount, toLine: to, deadline, ...a }), meta)] },
    { stream: fundLineStream(to), events: [withMeta(ev('CarriedIn', { line: to, carryOverId, amount, fromLine: from, deadline, ...a }), meta)] },
  ];
}

/** Số dư đầu kỳ: money carried into the ledger's first year from a year it does not hold, with its deadline. */
export const balanceOpened = (key: FundLineKey, openingId: string, amount: string, deadline: string, meta: Meta, activityId?: string): Append =>
  on(fundLineStream(key), ev('BalanceOpened', { line: key, openingId, amount, deadline, ...(activityId ? { activityId } : {}) }), meta);

/** Chuyển giao hoạt động: the activity passes to a successor unit (its money moves by a FundsTransferredOut/In pair). */
export const activityTransferred = (activityId: string, transferId: string, fromUnit: string, toUnit: string, meta: Meta): Append =>
  on(activityStream(activityId), ev('ActivityTransferred', { activityId, transferId, fromUnit, toUnit, reason: 'đơn vị kết thúc hoạt động' }), meta);

export interface ActivitySpec {
  readonly activityId: string;
  readonly kind: string;
  readonly component?: string;
  readonly unit?: string;
  readonly name?: string;
  readonly beneficiaries?: Readonly<Record<string, number>>;
  readonly targets?: readonly Quantity[];
}

export const activityRegistered = (a: ActivitySpec, meta: Meta): Append =>
  on(
    activityStream(a.activityId),
    ev('ActivityRegistered', {
      activityId: a.activityId,
      name: a.name ?? `Hoạt động ${a.activityId}`,
      programme: PROGRAMME,
      component: a.component ?? 'DA3.TDA1',
      kind: a.kind,
      unit: a.unit ?? VAN_QUAN,
      communes: [],
      beneficiaries: a.beneficiaries ?? {},
      targets: a.targets ?? [],
    }),
    meta,
  );

export const activityReclassified = (
  activityId: string,
  reclassificationId: string,
  from: { kind: string; component: string },
  to: { kind: string; component: string },
  meta: Meta,
): Append =>
  on(
    activityStream(activityId),
    ev('ActivityReclassified', {
      activityId,
      reclassificationId,
      fromKind: from.kind,
      toKind: to.kind,
      fromComponent: from.component,
      toComponent: to.component,
      reason: 'điều chỉnh phân loại mô hình',
    }),
    meta,
  );

export const outputsRecorded = (
  activityId: string,
  outputs: readonly OutputQuantity[],
  meta: Meta,
  options: { beneficiaries?: Readonly<Record<string, number>>; completed?: boolean; corrects?: { reason: string } } = {},
): Append =>
  on(
    activityStream(activityId),
    ev('OutputsRecorded', {
      activityId,
      outputs,
      ...(options.beneficiaries ? { beneficiaries: options.beneficiaries } : {}),
      completed: options.completed ?? false,
      ...(options.corrects ? { corrects: options.corrects } : {}),
    }),
    meta,
  );

/** A figure a document states (FigureStated), on its document's assertion stream; programme and unit default to Văn Quan's. */
export const figureStated = (
  figure: Omit<FigureStated['data'], 'document' | 'scope'> & { readonly scope?: Partial<FigureStated['data']['scope']>; readonly document?: FigureStated['data']['document'] },
  meta: Meta,
): Append => {
  const scope = { programme: 'GNBV-2021-2025', unit: VAN_QUAN, ...figure.scope };
  const document = figure.document ?? { id: 'VQ-KH-GNBV-2025', title: 'Kế hoạch năm 2025 (kết quả 6 tháng đầu năm 2024)' };
  return on(assertionStream(scope.unit, document.id), ev('FigureStated', { ...figure, scope, document }), meta);
};

/** An inspector's review of a red flag. */
export const redFlagReviewed = (flagId: string, rule: string, note: string, meta: Meta, seen = { evidenceCount: 1, lastEvidencePosition: 0 }): Append =>
  on(`redflag-${flagId}`, ev('RedFlagReviewed', { flagId, rule, note, ...seen }), meta);

/** Appends each group atomically, in order; returns the position of the last event. */
export async function appendAll(store: EventStore, ...appends: Append[]): Promise<number> {
  let position = 0;
  for (const a of appends) {
    const streams: StreamAppend[] = a.map((s) => ({ stream: s.stream, expectedRevision: 'any', events: s.events }));
    position = (await store.append(streams)).position;
  }
  return position;
}

/** The same events as recorded, with positions from 1: for unit tests of the pure folds. */
export function recorded(...appends: Append[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  const revisions = new Map<string, number>();
  for (const a of appends) {
    for (const s of a) {
      for (const e of s.events) {
        const revision = (revisions.get(s.stream) ?? -1) + 1;
        revisions.set(s.stream, revision);
        out.push({ ...e, stream: s.stream, revision, position: out.length + 1 });
      }
    }
  }
  return out;
}

/**
 * Ten events on one line (line()): a plan, an activity a-1 and its allocation under decision 4888/QĐ-UBND, then seven
 * disbursements of 1,000 to 7,000 đồng (28,000 in all). Returns the head position.
 */
export function tenEvents(store: EventStore): Promise<number> {
  const basis = decision('4888/QĐ-UBND', '2023-12-22');
  const key = line();
  return appendAll(
    store,
    planAssigned(key, '1000000', { basis }),
    activityRegistered({ activityId: 'a-1', kind: 'value-chain-production' }, { basis }),
    fundsAllocated(key, 'a-1', '700000', { basis }),
    ...[1, 2, 3, 4, 5, 6, 7].map((i) => disbursed(key, 'a-1', `gn-${i}`, `${i}000`, { basis: voucher(`UNC-${i}`, `2024-0${i + 1}-10`) })),
  );
}

/**
 * An event the read models cannot fold, as an earlier version (before the invariants) could store one: a plan on a DA5
 * line whose "decision" legal basis has no number and no date (its id: poisoned-0001). The write side refuses such an
 * event today; this is one already in a log, appended to the store directly.
 */
export function unfoldablePlan(): StreamAppend {
  const [{ stream, events }] = planAssigned(line({ component: 'DA5' }), '5000', { basis: decision('1/QĐ-UBND', '2024-01-02') });
  const e = events[0];
  return { stream, expectedRevision: 'any', events: [{ ...e, metadata: { ...e.metadata, eventId: 'poisoned-0001', legalBasis: { kind: 'decision' } as never } }] };
}

