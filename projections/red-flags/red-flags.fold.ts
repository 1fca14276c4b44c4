import { createHash } from 'node:crypto';
import type { FigureMeasure, FigureScope, FundLineKey, LegalBasis, RecordedEvent } from '../../events';
import { ACTIVITY_EVENT_TYPES, FUND_LINE_EVENT_TYPES } from '../../events';
import { ZERO_MEASURES, activityOfFundLineEvent, addMeasures, balanceFigures, fundLineDelta } from '../balances/balances.fold';
import { Cents, centsToMoney, toCents } from '../shared/cents';
import type { ProjectionContext, UnitPlace } from '../shared/context';
import { dateToInt, intToDate } from '../shared/context';
import type { RecordedActivityEvent, RecordedFundLineEvent, RecordedLedger } from '../shared/recorded';
import type { RuleCode } from './rules';

/**
 * Cờ đỏ: patterns inspectors look for, found by folding the log. The fold is deterministic: the same events,
 * catalogue and rules (ProjectionContext) give the same flags, so a rebuild from position 0 equals the live
 * read model. What it remembers between events lives in documents of a DocStore (a Map in tests, a table
 * with a cache in the projector); what it finds comes out as changes to apply (RedFlagChange).
 *
 * A flag's id is derived from its rule and what its evidence is about (a voucher, a disbursement, a recording,
 * a reclassification...), never from when it was found, so a review names the same flag across rebuilds.
 * Evidence is a list of log positions: the event the rule is about ("subject") and what it was compared with
 * ("context"); the queries read each event's details from the history, the progress and the stated figures.
 *
 * Two rules depend on "now" and are evaluated when asked, from what this fold stores (see red-flags.queries.ts):
 * carried-over money still unspent after its deadline (as of the day asked), and units whose reversal rate is
 * unusual among their peers (from the per-unit counts below).
 */

export type EvidenceRole = 'subject' | 'context';

export interface EvidenceRef {
  readonly position: number;
  readonly role: EvidenceRole;
}

/** A flag as stored. Money in cents; facts are rule-specific and plain (money as decimal strings). */
export interface FlagRecord {
  readonly id: string;
  readonly rule: RuleCode;
  /** What the flag is about, in a few words (a voucher, an activity, a recording). */
  readonly subject: string;
  readonly unit: string;
  readonly district: string;
  readonly province: string;
  /** Effective dates the evidence spans (YYYY-MM-DD). */
  readonly effFrom: string;
  readonly effTo: string;
  readonly amount: Cents | null;
  readonly facts: Readonly<Record<string, string | number | boolean | null>>;
  readonly evidenceCount: number;
  /** Log position of the latest evidence event. */
  readonly lastPosition: number;
}

/** Per unit and budget year: disbursements and reversals (the reversal-rate rule compares units at query time). */
export interface UnitCount {
  readonly unit: string;
  readonly budgetYear: number;
  readonly district: string;
  readonly province: string;
  readonly disbursements: number;
  readonly reversals: number;
  readonly disbursed: Cents;
  readonly reversed: Cents;
}

/** A line holding carried-over money, its tranches and their latest deadline (the unspent-after-deadline rule reads it at query time). */
export interface CarriedLine {
  readonly stream: string;
  readonly unit: string;
  readonly district: string;
  readonly province: string;
  readonly budgetYear: number;
  readonly deadline: string;
  readonly carried: Cents;
  readonly positions: readonly number[];
}

/** A money figure a document stated: evidence of the recorded-after-stated-figure rule. */
export interface StatedFigure {
  readonly position: number;
  readonly assertionId: string;
  readonly documentId: string;
  readonly documentTitle: string;
  readonly section: string;
  readonly measure: FigureMeasure;
  readonly unit: string;
  readonly scope: FigureScope;
  readonly asOf: string;
  readonly amount: Cents | null;
  readonly recordedAt: string;
}

export interface Review {
  readonly position: number;
  readonly flagId: string;
  readonly rule: string;
  readonly note: string;
  readonly actorId: string;
  readonly actorRole: string;
  readonly recordedAt: string;
  readonly effectiveDate: string;
  readonly evidenceCount: number;
  readonly lastEvidencePosition: number;
}

export type RedFlagChange =
  /** The flag as it is now, with all its evidence (what it had before is replaced). */
  | { readonly op: 'put'; readonly flag: FlagRecord; readonly evidence: readonly EvidenceRef[] }
  /** The flag's header as it is now, and evidence to add to what it has. */
  | { readonly op: 'add'; readonly flag: FlagRecord; readonly evidence: readonly EvidenceRef[] }
  /** The flag no longer holds (a reversal or a back-dated correction undid it). */
  | { readonly op: 'drop'; readonly id: string }
  /** Add these to the unit's counts. */
  | { readonly op: 'count'; readonly count: UnitCount }
  | { readonly op: 'carried'; readonly line: CarriedLine }
  | { readonly op: 'figure'; readonly figure: StatedFigure }
  | { readonly op: 'review'; readonly review: Review };

/** Where the fold keeps what it remembers: documents by key, plain JSON (no BigInt). */
export interface DocStore {
  get<T>(key: string): T | undefined;
  set(key: string, doc: unknown): void;
}

/** The event types the red flags read: every money and activity event, stated figures, and reviews. */
export const RED_FLAG_HANDLED_TYPES: readonly string[] = [...FUND_LINE_EVENT_TYPES, ...ACTIVITY_EVENT_TYPES, 'FigureStated', 'RedFlagReviewed'];

/** A flag's id: its rule and a hash of what it is about. */
export function flagId(rule: RuleCode, ...about: readonly string[]): string {
  return `${rule}-${createHash('sha256').update(JSON.stringify([rule, ...about])).digest('hex').slice(0, 12)}`;
}

export const FLAG_ID_PATTERN = /^([a-z]+(?:-[a-z]+)*)-([0-9a-f]{12})$/;

const DAY_MS = 86_400_000;
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** The calendar day in Vietnam (UTC+7) of an instant. */
export function vietnamDate(instant: string): string {
  return new Date(Date.parse(instant) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** 2024-06-30 → 30/06/2024: how dates read in a flag's subject. */
export const dmy = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

/** Whole days from `from` to `to` (YYYY-MM-DD); positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
}

/** The money figures a document states that the ledger's lines make (output, target... are not money of a line). */
const LINE_MEASURES: ReadonlySet<FigureMeasure> = new Set(['plan', 'funds', 'allocated', 'unallocated', 'disbursed', 'available', 'carriedIn', 'carriedOut', 'returned']);

// ───────────────────────────── documents ─────────────────────────────

/** One allocation-type change or disbursement of an activity on one line. */
interface PairEntry {
  readonly p: number;
  /** Effective date, yyyymmdd. */
  readonly e: number;
  /** 'a': the activity's allocation on the line changes by v; 'd': a disbursement of v. */
  readonly k: 'a' | 'd';
  /** Cents, as text. */
  readonly v: string;
  /** Disbursement id, event id and voucher key of a disbursement; r when it was reversed. */
  readonly id?: string;
  readonly x?: string;
  readonly vk?: string;
  r?: 1;
}

/** An activity's money on one line, in effective-date order: what the disbursed-without-allocation rule walks. */
interface PairDoc {
  readonly stream: string;
  readonly activityId: string;
  readonly unit: string;
  readonly budgetYear: number;
  readonly entries: PairEntry[];
  /** Disbursement ids currently flagged. */
  flagged: string[];
}

interface Reclassification {
  readonly p: number;
  readonly e: number;
  readonly x: string;
  readonly fromKind: string;
  readonly toKind: string;
}

interface ActivityDoc {
  unit: string;
  /** Streams of the lines the activity has money on. */
  readonly lines: string[];
  readonly reclassifications: Reclassification[];
  /** Event ids of reclassifications flagged as after disbursement. */
  after: string[];
}

/** Accumulating groups (a recording's back-dated events, a decision's early events, a document's late changes). */
interface GroupDoc {
  count: number;
  /** Money of the group's events by event type (cents as text): a plan and a payment are not added together. */
  byType: Record<string, string>;
  effFrom: string;
  effTo: string;
  last: number;
  facts: Record<string, string | number | boolean | null>;
  /** Figures already listed as context (recorded-after-stated-figure). */
  seen?: number[];
}

interface VoucherMember {
  readonly p: number;
  readonly x: string;
  readonly stream: string;
  readonly id: string;
  readonly unit: string;
  readonly budgetYear: number;
  readonly v: string;
  readonly e: string;
  r?: 1;
}

interface VoucherDoc {
  readonly number: string;
  readonly treasury: string;
  readonly members: VoucherMember[];
  flagged: boolean;
}

interface SplitMember {
  readonly p: number;
  readonly e: number;
  readonly v: string;
  readonly x: string;
  /** Disbursement id (a reversal removes it). */
  readonly id?: string;
  readonly stream: string;
}

interface SplitDoc {
  readonly activityId: string;
  members: SplitMember[];
  flags: string[];
}

interface Tranche {
  readonly p: number;
  readonly id: string;
  readonly activityId?: string;
  readonly deadline: string;
  readonly v: string;
}

interface CarriedDoc {
  readonly unit: string;
  readonly budgetYear: number;
  readonly tranches: Tranche[];
  /** Disbursement id → its flag id, for disbursements after their deadline. */
  readonly late: Record<string, string>;
}

interface FigureRef {
  readonly p: number;
  readonly doc: string;
  readonly title: string;
  readonly measure: FigureMeasure;
  readonly scope: FigureScope;
  readonly asOf: string;
  readonly rec: number;
}

/** A recorded event of one type, its data narrowed. */
type Rec<T extends RecordedLedger['type']> = Extract<RecordedLedger, { type: T }>;


function basisText(b: LegalBasis): string {
  if (b.kind === 'decision') return `${b.number} (${b.issuer}, ${dmy(b.date)})`;
  if (b.kind === 'voucher') return `${b.number} (${b.treasury}, ${dmy(b.date)})`;
  return `${b.title}${b.number ? ` ${b.number}` : ''} (${dmy(b.date)})`;
}

/**
 * The red-flag fold: hand it every event of the types in RED_FLAG_HANDLED_TYPES, in log order; each call
 * returns what changed. `ctx` carries the catalogue's trees (a unit's district and province) and the rules.
 */
export class RedFlagFold {
  constructor(
    private readonly ctx: ProjectionContext,
    private readonly docs: DocStore,
  ) {}

  private get rules() {
    return this.ctx.redFlagRules;
  }

  apply(event: RecordedEvent): RedFlagChange[] {
    const e = event as RecordedLedger;
    const out: RedFlagChange[] = [];
    switch (e.type) {
      case 'FigureStated':
        this.figureStated(e, out);
        return out;
      case 'RedFlagReviewed':
        out.push({
          op: 'review',
          review: {
            position: e.position,
            flagId: e.data.flagId,
            rule: e.data.rule,
            note: e.data.note,
            actorId: e.metadata.actor.id,
            actorRole: e.metadata.actor.role,
            recordedAt: e.metadata.recordedAt,
            effectiveDate: e.metadata.effectiveDate,
            evidenceCount: e.data.evidenceCount,
            lastEvidencePosition: e.data.lastEvidencePosition,
          },
        });
        return out;
      case 'ActivityRegistered':
      case 'ActivityReclassified':
      case 'OutputsRecorded':
        this.activityEvent(e, out);
        return out;
      default:
        this.fundLineEvent(e, out);
        return out;
    }
  }

  // ───────────────────────────── helpers ─────────────────────────────

  private place(unit: string, budgetYear?: number): UnitPlace {
    return this.ctx.unitPlace(unit, budgetYear);
  }

  private flag(
    rule: RuleCode,
    id: string,
    subject: string,
    unit: string,
    budgetYear: number | undefined,
    span: { effFrom: string; effTo: string; amount: Cents | null; evidenceCount: number; lastPosition: number },
    facts: FlagRecord['facts'],
  ): FlagRecord {
    return { id, rule, subject, unit, ...this.place(unit, budgetYear), ...span, facts };
  }

  /** The unit an event belongs to and the year its place is read for. */
  private unitOf(e: RecordedLedger): { unit: string; year: number } | null {
    if ((FUND_LINE_EVENT_TYPES as readonly string[]).includes(e.type)) {
      const line = (e as RecordedFundLineEvent).data.line;
      return { unit: line.unit, year: line.budgetYear };
    }
    if (e.type === 'ActivityRegistered') return { unit: e.data.unit, year: Number(e.metadata.effectiveDate.slice(0, 4)) };
    if (e.type === 'ActivityReclassified' || e.type === 'OutputsRecorded') {
      const a = this.docs.get<ActivityDoc>(`activity|${e.data.activityId}`);
      return a ? { unit: a.unit, year: Number(e.metadata.effectiveDate.slice(0, 4)) } : null;
    }
    return null;
  }

  /** Adds an event to an accumulating group; returns the group's flag header and the evidence to add. */
  private accumulate(
    rule: RuleCode,
    key: readonly string[],
    subject: string,
    where: { unit: string; year: number },
    e: RecordedLedger,
    amount: Cents | null,
    facts: (doc: GroupDoc | undefined) => GroupDoc['facts'],
  ): { doc: GroupDoc; flag: FlagRecord } {
    const docKey = `group|${rule}|${key.join('|')}`;
    const before = this.docs.get<GroupDoc>(docKey);
    const eff = e.metadata.effectiveDate;
    const byType = { ...(before?.byType ?? {}) };
    if (amount !== null) byType[e.type] = String(BigInt(byType[e.type] ?? '0') + amount);
    const doc: GroupDoc = {
      count: (before?.count ?? 0) + 1,
      byType,
      effFrom: before && before.effFrom < eff ? before.effFrom : eff,
      effTo: before && before.effTo > eff ? before.effTo : eff,
      last: e.position,
      facts: facts(before),
      ...(before?.seen ? { seen: before.seen } : {}),
    };
    this.docs.set(docKey, doc);
    const types = Object.keys(doc.byType).sort();
    const flag = this.flag(rule, flagId(rule, ...key), subject, where.unit, where.year, {
      effFrom: doc.effFrom,
      effTo: doc.effTo,
      // One kind of money: its sum. Several (plans, allocations, payments): none; each is in the facts.
      amount: types.length === 1 ? BigInt(doc.byType[types[0]]) : null,
      evidenceCount: doc.count + (doc.seen?.length ?? 0),
      lastPosition: doc.last,
    }, { ...doc.facts, events: doc.count, ...(types.length > 0 ? { amountsByType: types.map((t) => `${t} ${centsToMoney(BigInt(doc.byType[t]))}`).join('; ') } : {}) });
    return { doc, flag };
  }

  // ───────────────────────────── every money or activity event ─────────────────────────────

  /** Back-dated recording and a decision dated after the event takes effect: rules on the event's own dates. */
  private datesOf(e: RecordedLedger, amount: Cents | null, out: RedFlagChange[]): void {
    const where = this.unitOf(e);
    if (!where) return;
    const m = e.metadata;
    const backdated = this.rules.active('backdated');
    if (backdated) {
      const recordedOn = vietnamDate(m.recordedAt);
      const late = daysBetween(m.effectiveDate, recordedOn);
      if (late > backdated.params.days) {
        const journal = /^journal:([^:]+):/.exec(m.correlationId)?.[1];
        const { flag } = this.accumulate(
          'backdated',
          [m.actor.id, recordedOn, where.unit],
          `${m.actor.id} ghi sổ ngày ${dmy(recordedOn)}${journal ? ` (nhập nhật ký ${journal})` : ''}`,
          where,
          e,
          amount,
          (doc) => ({
            actor: m.actor.id,
            actorRole: m.actor.role,
            recordedOn,
            commands: addToList(doc?.facts.commands, m.command),
            journals: journal ? addToList(doc?.facts.journals, journal) : ((doc?.facts.journals as string | undefined) ?? null),
            maxDaysLate: Math.max(late, (doc?.facts.maxDaysLate as number | undefined) ?? 0),
            minDaysLate: Math.min(late, (doc?.facts.minDaysLate as number | undefined) ?? late),
            thresholdDays: backdated.params.days,
          }),
        );
        out.push({ op: 'add', flag, evidence: [{ position: e.position, role: 'subject' }] });
      }
    }
    const early = this.rules.active('decision-after-effect');
    const b = m.legalBasis;
    if (early && b.kind === 'decision') {
      const before = daysBetween(m.effectiveDate, b.date);
      if (before > early.params.days) {
        const { flag } = this.accumulate(
          'decision-after-effect',
          [b.number, b.issuer, b.date, where.unit],
          `quyết định ${basisText(b)}`,
          where,
          e,
          amount,
          (doc) => ({
            decisionNumber: b.number,
            decisionIssuer: b.issuer,
            decisionDate: b.date,
            maxDaysBeforeDecision: Math.max(before, (doc?.facts.maxDaysBeforeDecision as number | undefined) ?? 0),
            thresholdDays: early.params.days,
          }),
        );
        out.push({ op: 'add', flag, evidence: [{ position: e.position, role: 'subject' }] });
      }
    }
  }

  // ───────────────────────────── activity events ─────────────────────────────

  private activityEvent(e: RecordedActivityEvent, out: RedFlagChange[]): void {
    const key = `activity|${e.data.activityId}`;
    if (e.type === 'ActivityRegistered') {
      const doc = this.docs.get<ActivityDoc>(key) ?? { unit: e.data.unit, lines: [], reclassifications: [], after: [] };
      doc.unit = e.data.unit;
      this.docs.set(key, doc);
    }
    this.datesOf(e as RecordedLedger, null, out);
    if (e.type !== 'ActivityReclassified') return;
    const doc = this.docs.get<ActivityDoc>(key) ?? { unit: '', lines: [], reclassifications: [], after: [] };
    const m = e.metadata;
    const r: Reclassification = { p: e.position, e: dateToInt(m.effectiveDate), x: m.eventId, fromKind: e.data.fromKind, toKind: e.data.toKind };
    doc.reclassifications.push(r);
    const year = Number(m.effectiveDate.slice(0, 4));
    const subject = `hoạt động ${e.data.activityId}: ${e.data.fromKind} → ${e.data.toKind}`;

    const yearEnd = this.rules.active('reclassified-at-year-end');
    if (yearEnd) {
      const daysToEnd = daysBetween(m.effectiveDate, `${year}-12-31`);
      if (daysToEnd < yearEnd.params.days) {
        const id = flagId('reclassified-at-year-end', m.eventId);
        out.push({
          op: 'put',
          flag: this.flag('reclassified-at-year-end', id, subject, doc.unit, year, { effFrom: m.effectiveDate, effTo: m.effectiveDate, amount: null, evidenceCount: 1, lastPosition: e.position }, {
            activityId: e.data.activityId,
            fromKind: e.data.fromKind,
            toKind: e.data.toKind,
            daysBeforeYearEnd: daysToEnd,
            thresholdDays: yearEnd.params.days,
          }),
          evidence: [{ position: e.position, role: 'subject' }],
        });
      }
    }

    const repeated = this.rules.active('reclassified-repeatedly');
    if (repeated && doc.reclassifications.length > repeated.params.maxReclassifications) {
      const rs = doc.reclassifications;
      const effs = rs.map((x) => intToDate(x.e)).sort();
      out.push({
        op: 'put',
        flag: this.flag('reclassified-repeatedly', flagId('reclassified-repeatedly', e.data.activityId), `hoạt động ${e.data.activityId}`, doc.unit, year, {
          effFrom: effs[0],
          effTo: effs[effs.length - 1],
          amount: null,
          evidenceCount: rs.length,
          lastPosition: e.position,
        }, {
          activityId: e.data.activityId,
          reclassifications: rs.length,
          kinds: [rs[0].fromKind, ...rs.map((x) => x.toKind)].join(' → '),
          threshold: repeated.params.maxReclassifications,
        }),
        evidence: rs.map((x) => ({ position: x.p, role: 'subject' as const })),
      });
    }
    this.reclassifiedAfterDisbursement(e.data.activityId, doc, out);
    this.docs.set(key, doc);
  }

  /** Every reclassification of the activity that took effect once disbursements had started: flagged, or dropped when no longer so. */
  private reclassifiedAfterDisbursement(activityId: string, doc: ActivityDoc, out: RedFlagChange[]): void {
    const rule = this.rules.active('reclassified-after-disbursement');
    if (!rule || doc.reclassifications.length === 0) return;
    const disbursements: PairEntry[] = [];
    for (const stream of doc.lines) {
      const pair = this.docs.get<PairDoc>(`pair|${stream}|${activityId}`);
      if (pair) for (const x of pair.entries) if (x.k === 'd' && !x.r) disbursements.push(x);
    }
    const flagged = new Set(doc.after);
    const now: string[] = [];
    for (const r of doc.reclassifications) {
      const before = disbursements.filter((d) => d.e <= r.e).sort((a, b) => a.e - b.e || a.p - b.p);
      const id = flagId('reclassified-after-disbursement', r.x);
      if (before.length === 0) {
        if (flagged.has(r.x)) out.push({ op: 'drop', id });
        continue;
      }
      now.push(r.x);
      const paid = before.reduce((s, d) => s + BigInt(d.v), 0n);
      const eff = intToDate(r.e);
      out.push({
        op: 'put',
        flag: this.flag('reclassified-after-disbursement', id, `hoạt động ${activityId}: ${r.fromKind} → ${r.toKind}`, doc.unit, Number(eff.slice(0, 4)), {
          effFrom: intToDate(before[0].e),
          effTo: eff,
          amount: paid,
          evidenceCount: before.length + 1,
          lastPosition: Math.max(r.p, ...before.map((d) => d.p)),
        }, {
          activityId,
          fromKind: r.fromKind,
          toKind: r.toKind,
          reclassifiedOn: eff,
          firstDisbursementOn: intToDate(before[0].e),
          disbursedBefore: centsToMoney(paid),
          disbursements: before.length,
        }),
        evidence: [{ position: r.p, role: 'subject' }, ...before.map((d) => ({ position: d.p, role: 'context' as const }))],
      });
    }
    doc.after = now;
  }

  // ───────────────────────────── fund-line events ─────────────────────────────

  private fundLineEvent(e: RecordedFundLineEvent, out: RedFlagChange[]): void {
    const amount = toCents(e.data.amount);
    this.datesOf(e as RecordedLedger, amount, out);
    this.afterStatedFigure(e, amount, out);
    const activityId = activityOfFundLineEvent(e);
    const pair = activityId ? this.pairEntry(e, activityId, amount) : null;
    switch (e.type) {
      case 'Disbursed':
        this.countFor(e.data.line, { disbursements: 1, reversals: 0, disbursed: amount, reversed: 0n }, out);
        this.voucherOf(e, amount, out);
        this.splitOf(e, e.data.activityId, 'disbursement', amount, out);
        this.carriedDisbursement(e, amount, out);
        break;
      case 'DisbursementReversed': {
        this.countFor(e.data.line, { disbursements: 0, reversals: 1, disbursed: 0n, reversed: amount }, out);
        const original = pair?.entries.find((x) => x.k === 'd' && x.id === e.data.disbursementId);
        if (original?.vk) this.voucherReversed(original.vk, e.stream, e.data.disbursementId, out);
        this.splitReversed(e, amount, out);
        const carried = this.docs.get<CarriedDoc>(`carried|${e.stream}`);
        const late = carried?.late[e.data.disbursementId];
        if (carried && late) {
          delete carried.late[e.data.disbursementId];
          this.docs.set(`carried|${e.stream}`, carried);
          out.push({ op: 'drop', id: late });
        }
        break;
      }
      case 'FundsAllocated':
        this.splitOf(e, e.data.activityId, 'allocation', amount, out);
        break;
      case 'FundsMovedIn':
        if (e.data.toActivityId) this.splitOf(e, e.data.toActivityId, 'allocation', amount, out);
        break;
      case 'CarriedIn':
        this.carriedIn(e, amount, out);
        break;
      default:
        break;
    }
    if (pair && activityId) {
      this.withoutAllocation(pair, out);
      if (e.type === 'Disbursed' || e.type === 'DisbursementReversed') {
        const a = this.docs.get<ActivityDoc>(`activity|${activityId}`);
        if (a && a.reclassifications.length > 0) {
          this.reclassifiedAfterDisbursement(activityId, a, out);
          this.docs.set(`activity|${activityId}`, a);
        }
      }
    }
  }

  private countFor(line: FundLineKey, add: Pick<UnitCount, 'disbursements' | 'reversals' | 'disbursed' | 'reversed'>, out: RedFlagChange[]): void {
    out.push({ op: 'count', count: { unit: line.unit, budgetYear: line.budgetYear, ...this.place(line.unit, line.budgetYear), ...add } });
  }

  /** Records the event in its (line, activity) timeline; returns the timeline. */
  private pairEntry(e: RecordedFundLineEvent, activityId: string, amount: Cents): PairDoc {
    const key = `pair|${e.stream}|${activityId}`;
    let doc = this.docs.get<PairDoc>(key);
    if (!doc) {
      doc = { stream: e.stream, activityId, unit: e.data.line.unit, budgetYear: e.data.line.budgetYear, entries: [], flagged: [] };
      const aKey = `activity|${activityId}`;
      const a = this.docs.get<ActivityDoc>(aKey) ?? { unit: e.data.line.unit, lines: [], reclassifications: [], after: [] };
      a.lines.push(e.stream);
      this.docs.set(aKey, a);
    }
    const eff = dateToInt(e.metadata.effectiveDate);
    if (e.type === 'Disbursed') {
      const b = e.metadata.legalBasis;
      insertSorted(doc.entries, {
        p: e.position,
        e: eff,
        k: 'd',
        v: String(amount),
        id: e.data.disbursementId,
        x: e.metadata.eventId,
        ...(b.kind === 'voucher' ? { vk: voucherKey(b.treasury, b.number) } : {}),
      });
    } else if (e.type === 'DisbursementReversed') {
      const original = doc.entries.find((x) => x.k === 'd' && x.id === e.data.disbursementId);
      if (original) original.r = 1;
    } else {
      const delta = fundLineDelta(e).allocated;
      if (delta !== undefined && delta !== 0n) insertSorted(doc.entries, { p: e.position, e: eff, k: 'a', v: String(delta) });
    }
    this.docs.set(key, doc);
    return doc;
  }

  /**
   * Disbursed with no allocation in effect: walking the activity's money on the line by effective date, a day
   * whose disbursements (not reversed) exceed the allocation in effect by the end of that day flags them.
   */
  private withoutAllocation(pair: PairDoc, out: RedFlagChange[]): void {
    if (!this.rules.active('disbursed-without-allocation')) return;
    const was = new Set(pair.flagged);
    const now: string[] = [];
    let allocated = 0n;
    let disbursed = 0n;
    const entries = pair.entries;
    for (let i = 0; i < entries.length; ) {
      let j = i;
      while (j < entries.length && entries[j].e === entries[i].e) {
        const x = entries[j];
        if (x.k === 'a') allocated += BigInt(x.v);
        else if (!x.r) disbursed += BigInt(x.v);
        j += 1;
      }
      if (disbursed > allocated) {
        for (let k = i; k < j; k++) {
          const d = entries[k];
          if (d.k !== 'd' || d.r) continue;
          now.push(d.id as string);
          const allocations = entries.filter((x) => x.k === 'a');
          const eff = intToDate(d.e);
          out.push({
            op: 'put',
            flag: this.flag(
              'disbursed-without-allocation',
              flagId('disbursed-without-allocation', d.x as string),
              `giải ngân ${d.id} của hoạt động ${pair.activityId}`,
              pair.unit,
              pair.budgetYear,
              { effFrom: eff, effTo: eff, amount: BigInt(d.v), evidenceCount: 1 + allocations.length, lastPosition: Math.max(d.p, ...allocations.map((a) => a.p)) },
              {
                activityId: pair.activityId,
                disbursementId: d.id as string,
                stream: pair.stream,
                allocatedByThen: centsToMoney(allocated),
                disbursedByThen: centsToMoney(disbursed),
                shortfall: centsToMoney(disbursed - allocated),
              },
            ),
            evidence: [{ position: d.p, role: 'subject' }, ...allocations.map((a) => ({ position: a.p, role: 'context' as const }))],
          });
        }
      }
      i = j;
    }
    for (const id of was) {
      if (!now.includes(id)) {
        const d = entries.find((x) => x.k === 'd' && x.id === id);
        if (d) out.push({ op: 'drop', id: flagId('disbursed-without-allocation', d.x as string) });
      }
    }
    pair.flagged = now;
    this.docs.set(`pair|${pair.stream}|${pair.activityId}`, pair);
  }

  // ── one voucher, several disbursements

  private voucherOf(e: Rec<'Disbursed'>, amount: Cents, out: RedFlagChange[]): void {
    const b = e.metadata.legalBasis;
    if (b.kind !== 'voucher') return;
    const key = voucherKey(b.treasury, b.number);
    const doc = this.docs.get<VoucherDoc>(key) ?? { number: b.number, treasury: b.treasury, members: [], flagged: false };
    doc.members.push({
      p: e.position,
      x: e.metadata.eventId,
      stream: e.stream,
      id: e.data.disbursementId,
      unit: e.data.line.unit,
      budgetYear: e.data.line.budgetYear,
      v: String(amount),
      e: e.metadata.effectiveDate,
    });
    this.voucherFlag(key, doc, out);
  }

  private voucherReversed(key: string, stream: string, disbursementId: string, out: RedFlagChange[]): void {
    const doc = this.docs.get<VoucherDoc>(key);
    if (!doc) return;
    const m = doc.members.find((x) => x.stream === stream && x.id === disbursementId);
    if (!m) return;
    m.r = 1;
    this.voucherFlag(key, doc, out);
  }

  private voucherFlag(key: string, doc: VoucherDoc, out: RedFlagChange[]): void {
    const active = doc.members.filter((x) => !x.r);
    const id = flagId('duplicate-voucher', doc.treasury, doc.number);
    const flagged = doc.flagged;
    doc.flagged = this.rules.active('duplicate-voucher') !== null && active.length >= 2;
    this.docs.set(key, doc);
    if (!doc.flagged) {
      if (flagged) out.push({ op: 'drop', id });
      return;
    }
    const effs = active.map((x) => x.e).sort();
    const reversed = doc.members.filter((x) => x.r);
    const unit = commonUnit(active.map((x) => ({ unit: x.unit, place: this.place(x.unit, x.budgetYear) })));
    out.push({
      op: 'put',
      flag: this.flag('duplicate-voucher', id, `chứng từ ${doc.number} (${doc.treasury})`, unit, active[0].budgetYear, {
        effFrom: effs[0],
        effTo: effs[effs.length - 1],
        amount: active.reduce((s, x) => s + BigInt(x.v), 0n),
        evidenceCount: doc.members.length,
        lastPosition: Math.max(...doc.members.map((x) => x.p)),
      }, { voucherNumber: doc.number, treasury: doc.treasury, disbursements: active.length, reversed: reversed.length }),
      evidence: [...active.map((x) => ({ position: x.p, role: 'subject' as const })), ...reversed.map((x) => ({ position: x.p, role: 'context' as const }))],
    });
  }

  // ── several amounts just under a threshold in a short window

  private splitOf(e: RecordedFundLineEvent, activityId: string, group: 'allocation' | 'disbursement', amount: Cents, out: RedFlagChange[]): void {
    const rule = this.rules.active('split-below-threshold');
    if (!rule) return;
    for (const band of this.rules.bands) {
      if (amount < band.lower || amount >= band.amount) continue;
      const key = `split|${activityId}|${group}|${band.amount}`;
      const doc = this.docs.get<SplitDoc>(key) ?? { activityId, members: [], flags: [] };
      insertSorted(doc.members, {
        p: e.position,
        e: dateToInt(e.metadata.effectiveDate),
        v: String(amount),
        x: e.metadata.eventId,
        stream: e.stream,
        ...(e.type === 'Disbursed' ? { id: e.data.disbursementId } : {}),
      });
      this.splitFlags(key, doc, group, band.amount, out);
    }
  }

  private splitReversed(e: Rec<'DisbursementReversed'>, amount: Cents, out: RedFlagChange[]): void {
    if (!this.rules.active('split-below-threshold')) return;
    for (const band of this.rules.bands) {
      if (amount < band.lower || amount >= band.amount) continue;
      const key = `split|${e.data.activityId}|disbursement|${band.amount}`;
      const doc = this.docs.get<SplitDoc>(key);
      if (!doc) continue;
      doc.members = doc.members.filter((m) => !(m.id === e.data.disbursementId && m.stream === e.stream));
      this.splitFlags(key, doc, 'disbursement', band.amount, out);
    }
  }

  /** Chains of members whose effective dates follow each other within the window; a chain of minCount or more is a flag. */
  private splitFlags(key: string, doc: SplitDoc, group: 'allocation' | 'disbursement', threshold: Cents, out: RedFlagChange[]): void {
    const rule = this.rules.active('split-below-threshold');
    if (!rule) return;
    const { windowDays, minCount } = rule.params;
    const chains: SplitMember[][] = [];
    for (const m of doc.members) {
      const chain = chains[chains.length - 1];
      const prev = chain?.[chain.length - 1];
      if (prev && daysBetween(intToDate(prev.e), intToDate(m.e)) <= windowDays) chain.push(m);
      else chains.push([m]);
    }
    const activity = this.docs.get<ActivityDoc>(`activity|${doc.activityId}`);
    const now: string[] = [];
    const band = this.rules.bands.find((b) => b.amount === threshold);
    for (const chain of chains) {
      if (chain.length < minCount) continue;
      const first = chain.reduce((a, b) => (b.p < a.p ? b : a));
      const id = flagId('split-below-threshold', doc.activityId, group, String(threshold), first.x);
      now.push(id);
      const from = intToDate(chain[0].e);
      const to = intToDate(chain[chain.length - 1].e);
      const unit = activity?.unit || (this.docs.get<PairDoc>(`pair|${chain[0].stream}|${doc.activityId}`)?.unit ?? '');
      out.push({
        op: 'put',
        flag: this.flag('split-below-threshold', id, `hoạt động ${doc.activityId}: ${chain.length} khoản ${group === 'allocation' ? 'phân bổ' : 'giải ngân'} sát dưới ${centsToMoney(threshold)} đ`, unit, Number(from.slice(0, 4)), {
          effFrom: from,
          effTo: to,
          amount: chain.reduce((s, m) => s + BigInt(m.v), 0n),
          evidenceCount: chain.length,
          lastPosition: Math.max(...chain.map((m) => m.p)),
        }, {
          activityId: doc.activityId,
          kind: group,
          threshold: centsToMoney(threshold),
          thresholdLabelVi: band?.label.vi ?? null,
          thresholdLabelEn: band?.label.en ?? null,
          count: chain.length,
          spanDays: daysBetween(from, to),
        }),
        evidence: chain.map((m) => ({ position: m.p, role: 'subject' as const })),
      });
    }
    for (const id of doc.flags) if (!now.includes(id)) out.push({ op: 'drop', id });
    doc.flags = now;
    this.docs.set(key, doc);
  }

  // ── carried-over money

  private carriedIn(e: Rec<'CarriedIn'>, amount: Cents, out: RedFlagChange[]): void {
    const key = `carried|${e.stream}`;
    const line = e.data.line;
    const doc = this.docs.get<CarriedDoc>(key) ?? { unit: line.unit, budgetYear: line.budgetYear, tranches: [], late: {} };
    doc.tranches.push({ p: e.position, id: e.data.carryOverId, ...(e.data.activityId ? { activityId: e.data.activityId } : {}), deadline: e.data.deadline, v: String(amount) });
    this.docs.set(key, doc);
    out.push({
      op: 'carried',
      line: {
        stream: e.stream,
        unit: line.unit,
        ...this.place(line.unit, line.budgetYear),
        budgetYear: line.budgetYear,
        deadline: doc.tranches.map((t) => t.deadline).sort()[doc.tranches.length - 1],
        carried: doc.tranches.reduce((s, t) => s + BigInt(t.v), 0n),
        positions: doc.tranches.map((t) => t.p),
      },
    });
  }

  /**
   * A disbursement on a line of carried-over money after the deadline of the tranches that can pay it: those
   * carried with its activity, else those carried unallocated, else all of the line's.
   */
  private carriedDisbursement(e: Rec<'Disbursed'>, amount: Cents, out: RedFlagChange[]): void {
    if (!this.rules.active('carried-disbursed-after-deadline') || e.data.line.originYear >= e.data.line.budgetYear) return;
    const key = `carried|${e.stream}`;
    const doc = this.docs.get<CarriedDoc>(key);
    if (!doc || doc.tranches.length === 0) return;
    const own = doc.tranches.filter((t) => t.activityId === e.data.activityId);
    const free = doc.tranches.filter((t) => t.activityId === undefined);
    const applicable = own.length > 0 ? own : free.length > 0 ? free : doc.tranches;
    const deadline = applicable.map((t) => t.deadline).sort()[applicable.length - 1];
    const eff = e.metadata.effectiveDate;
    if (eff <= deadline) return;
    const id = flagId('carried-disbursed-after-deadline', e.metadata.eventId);
    doc.late[e.data.disbursementId] = id;
    this.docs.set(key, doc);
    out.push({
      op: 'put',
      flag: this.flag('carried-disbursed-after-deadline', id, `giải ngân ${e.data.disbursementId} sau hạn ${dmy(deadline)}`, e.data.line.unit, e.data.line.budgetYear, {
        effFrom: eff,
        effTo: eff,
        amount,
        evidenceCount: 1 + applicable.length,
        lastPosition: e.position,
      }, {
        activityId: e.data.activityId,
        disbursementId: e.data.disbursementId,
        stream: e.stream,
        originYear: e.data.line.originYear,
        deadline,
        daysAfterDeadline: daysBetween(deadline, eff),
      }),
      evidence: [{ position: e.position, role: 'subject' }, ...applicable.map((t) => ({ position: t.p, role: 'context' as const }))],
    });
  }

  // ── stated figures, and money recorded after them

  private figureStated(e: Rec<'FigureStated'>, out: RedFlagChange[]): void {
    const d = e.data;
    if (!LINE_MEASURES.has(d.measure) || d.amount === undefined) return;
    const figure: FigureRef = { p: e.position, doc: d.document.id, title: d.document.title, measure: d.measure, scope: d.scope, asOf: d.asOf, rec: Date.parse(e.metadata.recordedAt) };
    const key = `figures|${d.scope.unit}`;
    const list = this.docs.get<FigureRef[]>(key) ?? [];
    list.push(figure);
    this.docs.set(key, list);
    out.push({
      op: 'figure',
      figure: {
        position: e.position,
        assertionId: d.assertionId,
        documentId: d.document.id,
        documentTitle: d.document.title,
        section: d.section,
        measure: d.measure,
        unit: d.scope.unit,
        scope: d.scope,
        asOf: d.asOf,
        amount: toCents(d.amount),
        recordedAt: e.metadata.recordedAt,
      },
    });
  }

  /**
   * A money event recorded after a document had stated a figure it changes: the figure covers the event's line
   * (its unit or one above, its component or one above, its year, source, capital type, activity), reports a day
   * on or after the event takes effect, was recorded before the event, and the event moves that measure.
   */
  private afterStatedFigure(e: RecordedFundLineEvent, amount: Cents, out: RedFlagChange[]): void {
    if (!this.rules.active('recorded-after-stated-figure')) return;
    const line = e.data.line;
    const place = this.place(line.unit, line.budgetYear);
    const candidates: FigureRef[] = [];
    for (const unit of new Set([line.unit, place.district, place.province])) {
      if (!unit) continue;
      const list = this.docs.get<FigureRef[]>(`figures|${unit}`);
      if (list) candidates.push(...list);
    }
    if (candidates.length === 0) return;
    const rec = Date.parse(e.metadata.recordedAt);
    const eff = e.metadata.effectiveDate;
    const activityId = activityOfFundLineEvent(e);
    let changed: Record<string, string> | null = null;
    const matched: FigureRef[] = [];
    for (const f of candidates) {
      if (f.rec >= rec || f.asOf < eff) continue;
      if (f.scope.activityId !== undefined && f.scope.activityId !== activityId) continue;
      if (!this.lineInScope(line, place, f.scope)) continue;
      changed ??= changedFigures(e);
      if (changed[f.measure] === undefined) continue;
      matched.push(f);
    }
    if (matched.length === 0) return;
    const byDocument = new Map<string, FigureRef[]>();
    for (const f of matched) byDocument.set(f.doc, [...(byDocument.get(f.doc) ?? []), f]);
    const m = e.metadata;
    for (const [documentId, figures] of byDocument) {
      const recordedOn = vietnamDate(m.recordedAt);
      const key = ['recorded-after-stated-figure', m.actor.id, recordedOn, documentId, line.unit];
      const docKey = `group|${key.join('|')}`;
      const seen = new Set(this.docs.get<GroupDoc>(docKey)?.seen ?? []);
      const fresh = figures.filter((f) => !seen.has(f.p));
      const { doc, flag } = this.accumulate(
        'recorded-after-stated-figure',
        key.slice(1),
        `${m.actor.id} ghi sổ ngày ${dmy(recordedOn)} sau số liệu của ${documentId}`,
        { unit: line.unit, year: line.budgetYear },
        e as RecordedLedger,
        amount,
        (before) => ({
          documentId,
          documentTitle: figures[0].title,
          recordedOn,
          actor: m.actor.id,
          commands: addToList(before?.facts.commands, m.command),
          figures: ((before?.facts.figures as number | undefined) ?? 0) + fresh.length,
        }),
      );
      doc.seen = [...seen, ...fresh.map((f) => f.p)];
      this.docs.set(docKey, doc);
      out.push({
        op: 'add',
        flag: { ...flag, evidenceCount: doc.count + doc.seen.length },
        evidence: [{ position: e.position, role: 'subject' }, ...fresh.map((f) => ({ position: f.p, role: 'context' as const }))],
      });
    }
  }

  private lineInScope(line: FundLineKey, place: UnitPlace, scope: FigureScope): boolean {
    if (line.programme !== scope.programme) return false;
    if (scope.unit !== line.unit && scope.unit !== place.district && scope.unit !== place.province) return false;
    if (scope.component !== undefined) {
      const c = this.ctx.componentPlace(line.component, line.programme);
      if (scope.component !== line.component && scope.component !== c.subProject && scope.component !== c.project) return false;
    }
    return (
      (scope.content === undefined || line.content === scope.content) &&
      (scope.budgetYear === undefined || line.budgetYear === scope.budgetYear) &&
      (scope.originYear === undefined || line.originYear === scope.originYear) &&
      (scope.sources === undefined || scope.sources.includes(line.source)) &&
      (scope.capitalType === undefined || line.capitalType === scope.capitalType)
    );
  }
}

/** The figures of a line an event changes (non-zero), by figure measure. */
function changedFigures(e: RecordedFundLineEvent): Record<string, string> {
  const figures = balanceFigures(addMeasures(ZERO_MEASURES, fundLineDelta(e)));
  const out: Record<string, string> = {};
  for (const measure of LINE_MEASURES) {
    const v = (figures as unknown as Record<string, string>)[measure];
    if (v !== undefined && v !== '0') out[measure] = v;
  }
  return out;
}

export function voucherKey(treasury: string, number: string): string {
  return `voucher|${treasury}|${number}`;
}

/** The lowest unit above all of them: the unit itself, else their district, else their province, else ''. */
function commonUnit(units: readonly { unit: string; place: UnitPlace }[]): string {
  const all = (f: (u: { unit: string; place: UnitPlace }) => string) => {
    const v = f(units[0]);
    return v && units.every((u) => f(u) === v) ? v : '';
  };
  return all((u) => u.unit) || all((u) => u.place.district) || all((u) => u.place.province);
}

/** "a, c" + "b" → "a, b, c": a short list of names kept as text in a flag's facts. */
function addToList(list: unknown, item: string): string {
  return [...new Set([...String(list ?? '').split(', ').filter(Boolean), item])].sort().join(', ');
}

/** Inserts keeping the list in (effective date, position) order. */
function insertSorted<T extends { p: number; e: number }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && (list[i - 1].e > item.e || (list[i - 1].e === item.e && list[i - 1].p > item.p))) i -= 1;
  list.splice(i, 0, item);
}

/**
 * The changes applied in memory: what the projector writes to its tables, as plain maps. The fold's spec reads
 * flags through it; it is also the reference the projector's tables are compared with.
 */
export class FlagBook {
  readonly flags = new Map<string, { flag: FlagRecord; evidence: EvidenceRef[] }>();
  readonly counts = new Map<string, UnitCount>();
  readonly carried = new Map<string, CarriedLine>();
  readonly figures = new Map<number, StatedFigure>();
  readonly reviews: Review[] = [];

  apply(changes: readonly RedFlagChange[]): this {
    for (const c of changes) {
      switch (c.op) {
        case 'put':
          this.flags.set(c.flag.id, { flag: c.flag, evidence: [...c.evidence] });
          break;
        case 'add': {
          const held = this.flags.get(c.flag.id);
          const evidence = held ? held.evidence : [];
          for (const x of c.evidence) if (!evidence.some((y) => y.position === x.position)) evidence.push(x);
          this.flags.set(c.flag.id, { flag: c.flag, evidence });
          break;
        }
        case 'drop':
          this.flags.delete(c.id);
          break;
        case 'count': {
          const key = `${c.count.unit}@${c.count.budgetYear}`;
          const was = this.counts.get(key);
          this.counts.set(
            key,
            was
              ? {
                  ...was,
                  disbursements: was.disbursements + c.count.disbursements,
                  reversals: was.reversals + c.count.reversals,
                  disbursed: was.disbursed + c.count.disbursed,
                  reversed: was.reversed + c.count.reversed,
                }
              : c.count,
          );
          break;
        }
        case 'carried':
          this.carried.set(c.line.stream, c.line);
          break;
        case 'figure':
          this.figures.set(c.figure.position, c.figure);
          break;
        case 'review':
          this.reviews.push(c.review);
          break;
      }
    }
    return this;
  }
}

/** A DocStore in memory, with its documents copied in and out as JSON, as the projector's table keeps them. */
export class MemoryDocs implements DocStore {
  private readonly docs = new Map<string, string>();

  get<T>(key: string): T | undefined {
    const json = this.docs.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  set(key: string, doc: unknown): void {
    this.docs.set(key, JSON.stringify(doc));
  }
}
