import type { FigureMeasure, FigureScope, FundLineKey, LegalBasis, RecordedEvent } from '../../events';
import { ACTIVITY_EVENT_TYPES, FUND_LINE_EVENT_TYPES } from '../../events';
import { ZERO_MEASURES, activityOfFundLineEvent, addMeasures, balanceFigures, fundLineDelta } from '../balances/balances.fold';
import { Cents, centsToMoney, toCents } from '../shared/cents';
import type { ProjectionContext, UnitPlace } from '../shared/context';
import { dateToInt, fnv1a, intToDate } from '../shared/context';
import type { RecordedActivityEvent, RecordedFundLineEvent, RecordedLedger } from '../shared/recorded';
import { RULE_CODES, RuleCode, RuleDefinition } from './rules';
import { addTo } from '../shared/group';

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
  /** The flag no longer holds for now; its evidence is kept for when it holds again (an 'add' then brings only what is new). */
  | { readonly op: 'hide'; readonly id: string }
  /** One evidence event of the flag (shown or hidden) changes role (a disbursement of a voucher was reversed). */
  | { readonly op: 'role'; readonly id: string; readonly position: number; readonly role: EvidenceRole }
  /** The flag's header as it is now, and evidence events it no longer has. */
  | { readonly op: 'remove'; readonly flag: FlagRecord; readonly positions: readonly number[] }
  /** Add these to the unit's counts. */
  | { readonly op: 'count'; readonly count: UnitCount }
  | { readonly op: 'carried'; readonly line: CarriedLine }
  | { readonly op: 'review'; readonly review: Review };

/**
 * Where the fold keeps what it remembers: documents by key, plain JSON (no BigInt); and lists too long to be
 * one document (a voucher's disbursements), one item per key number (a log position), read and written one at a
 * time so that adding to a list costs the same however long it is.
 */
export interface DocStore {
  get<T>(key: string): T | undefined;
  set(key: string, doc: unknown): void;
  /** The item `at` of a list, or undefined. */
  item<T>(list: string, at: number): T | undefined;
  /** Adds or replaces the item `at` of a list. */
  setItem(list: string, at: number, item: unknown): void;
  /** A list's items with `at` above `after`, in `at` order. */
  items<T>(list: string, after?: number): T[];
  /**
   * A voucher (by its hash): its first payment, and whether it has others (then the document v|<hash> sums them up).
   * Kept apart from the documents, one row a voucher written as it comes, never held in memory: there is one for nearly
   * every payment, and most are never read again.
   */
  voucher(hash: string): StoredVoucher | undefined;
  setVoucher(hash: string, voucher: StoredVoucher): void;
  /**
   * An activity's money on one line (a pair, named by the position of its first event: PairDoc.k), one entry a row:
   * a batch writes only its new entries, and each rule reads only the entries it needs, whatever the pair's history.
   */
  addEntry(pair: number, entry: PairEntry): void;
  /** Marks the pair's entry (effective day, position) reversed. */
  reverseEntry(pair: number, eff: number, position: number): void;
  /** The pair's entries effective on or after a day (yyyymmdd), in (effective day, position) order. */
  entriesFrom(pair: number, from: number): PairEntry[];
  /** The pair's disbursements not reversed effective on or before a day (yyyymmdd), in (effective day, position) order. */
  paidBy(pair: number, to: number): PairEntry[];
  /** The pair's disbursements with this id (one, on a log the deciders wrote), in (effective day, position) order. */
  disbursements(pair: number, id: string): PairEntry[];
  /** The positions of the pair's allocation changes, in log order. */
  allocations(pair: number): number[];
}

/** A voucher as DocStore.voucher keeps it: the first payment (as it was when a second one came, if one did), and whether it has others. */
export interface StoredVoucher {
  readonly first: VoucherMember;
  readonly several: boolean;
}

/** The event types the red flags read: every money and activity event, stated figures, and reviews. */
export const RED_FLAG_HANDLED_TYPES: readonly string[] = [...FUND_LINE_EVENT_TYPES, ...ACTIVITY_EVENT_TYPES, 'FigureStated', 'RedFlagReviewed'];

/**
 * A flag's id: its rule and a 64-bit hash (FNV-1a) of what it is about — a voucher, an activity, the log position of
 * the event it is about (positions never change), a person's day of recording... Not a security hash: an identity.
 */
export function flagId(rule: RuleCode, ...about: readonly (string | number)[]): string {
  return `${rule}-${fnv1a(JSON.stringify([rule, ...about]))}`;
}

export const FLAG_ID_PATTERN = /^([a-z]+(?:-[a-z]+)*)-([0-9a-f]{16})$/;

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

let lastInstant = '';
let lastDay = '';

/** The calendar day in Vietnam (UTC+7) of an instant (the events of one append share theirs: the last is kept). */
export function vietnamDate(instant: string): string {
  if (instant !== lastInstant) {
    // The ledger records instants in UTC ("…T02:00:00.000Z"): before 17:00 UTC it is the same day in Vietnam.
    const utc = instant.length >= 20 && instant.endsWith('Z') && instant[10] === 'T' ? Number(instant.slice(11, 13)) : NaN;
    lastDay = utc < 17 ? instant.slice(0, 10) : new Date(Date.parse(instant) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
    lastInstant = instant;
  }
  return lastDay;
}

/** 2024-06-30 → 30/06/2024: how dates read in a flag's subject. */
export const dmy = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

/** Days since 1970-01-01 of a calendar date YYYY-MM-DD (proleptic Gregorian; Howard Hinnant's days_from_civil). */
export function dayNumber(date: string): number {
  const y0 = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** Whole days from `from` to `to` (YYYY-MM-DD); positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The money figures a document states that the ledger's lines make (output, target... are not money of a line). */
const LINE_MEASURES: ReadonlySet<FigureMeasure> = new Set(['plan', 'funds', 'allocated', 'unallocated', 'disbursed', 'available', 'carriedIn', 'carriedOut', 'returned']);

// ───────────────────────────── documents ─────────────────────────────
// Kept small: a national log has a document per activity (and a voucher per payment, kept apart: DocStore.voucher).
// Keys are a letter and a bar (a| activity with its money on each line — the totals: the entries are rows of their own, DocStore.addEntry —,
// v| voucher paid more than once, s| split candidates, c| carried line, g| group, f| figures of a unit,
// f* units with figures); money is cents as text; events are named by their log position.

/**
 * One allocation change (k 0: allocated by v) or disbursement (k 1: v paid, its id and voucher hash; r when reversed)
 * of an activity on a line: an entry of DocStore.addEntry, by position and effective day (yyyymmdd).
 */
export type PairEntry = [p: number, e: number, k: 0 | 1, v: string, id?: string, vh?: string, r?: 1];

/**
 * An activity's money on one line: what the disbursed-without-allocation rule walks. Its entries are rows of their
 * own (DocStore.addEntry, under k), never held here: the document keeps only totals and what is flagged.
 */
interface PairDoc {
  /** The key of its entries: the position of the pair's first event (one event is on one line, for one activity). */
  readonly k: number;
  readonly u: string;
  readonly y: number;
  /** Allocated and disbursed (not reversed) over all entries, and the latest effective date. */
  ta: string;
  td: string;
  le: number;
  /**
   * How many allocation changes, and the latest's position: every flag of the pair has them all as evidence (their
   * positions: DocStore.allocations).
   */
  na: number;
  la: number;
  /** Flagged disbursements: position → the flag's figures (JSON), effective date and amount, to write only what changed. */
  fl: Record<string, [facts: string, e: number, v: string]>;
}

/** A reclassification: position, effective date, kinds. */
type Reclassification = [p: number, e: number, fromKind: string, toKind: string];

/** An activity: its unit, its reclassifications, and its money on each line (by stream). One document, one lookup per event. */
interface ActivityDoc {
  u: string;
  readonly r: Reclassification[];
  /**
   * The reclassifications flagged as after disbursement, by position: the disbursements before each (not reversed),
   * their sum (cents), the earliest's effective date, the latest position. A disbursement updates them in place.
   */
  af: Record<string, AfterDisbursement>;
  readonly ln: Record<string, PairDoc>;
}

/** What the disbursed-without-allocation rule walks after an event: the days from `from` on; the allocation change the event added. */
interface Walk {
  readonly from: number;
  readonly allocation: number | null;
  /** The event's entry when it takes effect after every other of the pair: then it is all the walk reads. */
  readonly only: PairEntry | null;
}

type AfterDisbursement = [n: number, paid: string, first: number, last: number];

const newActivity = (unit: string): ActivityDoc => ({ u: unit, r: [], af: {}, ln: {} });

/** Accumulating groups (a person's back-dated day, a decision's early events, a day's changes after a document's figures). */
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

/**
 * A disbursement on a voucher, an item of the list v|<voucher hash> at its position (and a voucher's first payment, DocStore.voucher):
 * amount, effective date, unit, budget year; r when reversed.
 */
export type VoucherMember = [p: number, v: string, e: string, unit: string, y: number, r?: 1];

/**
 * A voucher paid more than once: its number and treasury and a summary of its disbursements, whatever their number
 * (each is an item of its list): adding one costs the same for the hundredth as for the second, and so does its
 * flag's write. A voucher paid once has no such document: only that payment (DocStore.voucher).
 */
interface VoucherDoc {
  readonly n: string;
  readonly t: string;
  /** Disbursements, and those not reversed ("active"). */
  c: number;
  a: number;
  /** The active ones: their sum (cents), span of effective dates, the budget year and position of the first. */
  s: string;
  e0: string;
  e1: string;
  y: number;
  yp: number;
  /** The unit, district and province all active ones share, else ''. */
  u: string;
  d: string;
  pr: string;
  /** Latest position; latest position whose evidence row is written (rows are written once the voucher is flagged). */
  l: number;
  w: number;
  f?: 1;
}

/** A candidate of the split rule: position, effective date, amount. */
type SplitMember = [p: number, e: number, v: string];

interface SplitDoc {
  m: SplitMember[];
  /** The chains flagged: id → members when last written (a chain one longer with the same id is that chain and the newcomer). */
  f: Record<string, number>;
}

/** A carried tranche: position, carry-over id, activity ('' for unallocated money), deadline, amount. */
type Tranche = [p: number, id: string, activityId: string, deadline: string, v: string];

interface CarriedDoc {
  readonly u: string;
  readonly y: number;
  readonly t: Tranche[];
  /** Disbursement id → its position, for disbursements after their deadline. */
  readonly late: Record<string, number>;
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

const voucherHash = (treasury: string, number: string) => fnv1a(`${treasury}\u0000${number}`);
const FUND_LINE_TYPES: ReadonlySet<string> = new Set(FUND_LINE_EVENT_TYPES);

/**
 * The red-flag fold: hand it every event of the types in RED_FLAG_HANDLED_TYPES, in log order; each call
 * returns what changed. `ctx` carries the catalogue's trees (a unit's district and province) and the rules.
 */
export class RedFlagFold {
  /** Each stored rule's definition when it is enabled, else null: read once. */
  private readonly on: { readonly [R in RuleCode]: RuleDefinition<R> | null };

  constructor(
    private readonly ctx: ProjectionContext,
    private readonly docs: DocStore,
  ) {
    this.on = Object.fromEntries(RULE_CODES.map((r) => [r, ctx.redFlagRules.active(r)])) as { [R in RuleCode]: RuleDefinition<R> | null };
  }

  private get rules() {
    return this.ctx.redFlagRules;
  }

  apply(event: RecordedEvent): RedFlagChange[] {
    const e = event as RecordedLedger;
    const out: RedFlagChange[] = [];
    switch (e.type) {
      case 'FigureStated':
        this.figureStated(e);
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
      case 'ActivityTransferred':
      case 'ActivityStageReached':
        this.activityEvent(e, out);
        return out;
      case 'FindingExplained':
      case 'OutcomeMeasured':
      case 'OutcomeTargetSet':
      case 'NoteRecorded':
      case 'UserCreated':
      case 'RoleGranted':
      case 'RoleRevoked':
      case 'UserDisabled':
      case 'UserEnabled':
      case 'PasswordSet':
      case 'ApiTokenIssued':
      case 'ApiTokenRevoked':
        // Not routed here (RED_FLAG_HANDLED_TYPES): explanations, the results framework, notes and accounts move no money.
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
    if (FUND_LINE_TYPES.has(e.type)) {
      const line = (e as RecordedFundLineEvent).data.line;
      return { unit: line.unit, year: line.budgetYear };
    }
    const year = Number(e.metadata.effectiveDate.slice(0, 4));
    if (e.type === 'ActivityRegistered') return { unit: e.data.unit, year };
    if (e.type === 'ActivityReclassified' || e.type === 'OutputsRecorded' || e.type === 'ActivityStageReached') {
      const a = this.docs.get<ActivityDoc>(`a|${e.data.activityId}`);
      return a ? { unit: a.u, year } : null;
    }
    // A transfer belongs to the unit that handed the activity over.
    if (e.type === 'ActivityTransferred') return { unit: e.data.fromUnit, year };
    return null;
  }

  /** Adds an event to an accumulating group; returns the group's document and its flag as it is now. */
  private accumulate(
    rule: RuleCode,
    key: readonly string[],
    subject: string,
    where: { unit: string; year: number },
    e: RecordedLedger,
    amount: Cents | null,
    facts: (doc: GroupDoc | undefined) => GroupDoc['facts'],
  ): { doc: GroupDoc; flag: FlagRecord } {
    const docKey = `g|${rule}|${key.join('|')}`;
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
    // A copy of the facts with the counts added, not a literal that begins with a spread: see lineBalance (balances.queries.ts).
    const flagFacts = Object.assign({}, doc.facts, {
      events: doc.count,
      ...(types.length > 0 ? { amountsByType: types.map((t) => `${t} ${centsToMoney(BigInt(doc.byType[t]))}`).join('; ') } : {}),
    });
    const flag = this.flag(rule, flagId(rule, ...key), subject, where.unit, where.year, {
      effFrom: doc.effFrom,
      effTo: doc.effTo,
      // One kind of money: its sum. Several (plans, allocations, payments): none; each is in the facts.
      amount: types.length === 1 ? BigInt(doc.byType[types[0]]) : null,
      evidenceCount: doc.count + (doc.seen?.length ?? 0),
      lastPosition: doc.last,
    }, flagFacts);
    return { doc, flag };
  }

  // ───────────────────────────── every money or activity event ─────────────────────────────

  /** Back-dated recording and a decision dated after the event takes effect: rules on the event's own dates. */
  private datesOf(e: RecordedLedger, amount: Cents | null, out: RedFlagChange[]): void {
    const m = e.metadata;
    const backdated = this.on['backdated'];
    const recordedOn = vietnamDate(m.recordedAt);
    const late = backdated ? daysBetween(m.effectiveDate, recordedOn) : 0;
    const early = this.on['decision-after-effect'];
    const b = m.legalBasis;
    const before = early && b?.kind === 'decision' ? daysBetween(m.effectiveDate, b.date) : 0;
    const isLate = backdated !== null && late > backdated.params.days;
    const isEarly = early !== null && b?.kind === 'decision' && before > early.params.days;
    if (!isLate && !isEarly) return;
    const where = this.unitOf(e);
    if (!where) return;
    if (isLate && backdated) {
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
    if (isEarly && early && b?.kind === 'decision') {
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

  // ───────────────────────────── activity events ─────────────────────────────

  private activityEvent(e: Rec<'ActivityRegistered' | 'ActivityReclassified' | 'OutputsRecorded' | 'ActivityTransferred' | 'ActivityStageReached'>, out: RedFlagChange[]): void {
    const key = `a|${e.data.activityId}`;
    this.datesOf(e as RecordedLedger, null, out);
    if (e.type === 'ActivityRegistered' || e.type === 'ActivityTransferred') {
      // Its flags from now on are the unit's that runs it.
      const unit = e.type === 'ActivityRegistered' ? e.data.unit : e.data.toUnit;
      const doc = this.docs.get<ActivityDoc>(key) ?? newActivity(unit);
      doc.u = unit;
      this.docs.set(key, doc);
    }
    if (e.type !== 'ActivityReclassified') return;
    const doc = this.docs.get<ActivityDoc>(key) ?? newActivity('');
    const m = e.metadata;
    doc.r.push([e.position, dateToInt(m.effectiveDate), e.data.fromKind, e.data.toKind]);
    const year = Number(m.effectiveDate.slice(0, 4));
    const subject = `hoạt động ${e.data.activityId}: ${e.data.fromKind} → ${e.data.toKind}`;

    const yearEnd = this.on['reclassified-at-year-end'];
    if (yearEnd) {
      const daysToEnd = daysBetween(m.effectiveDate, `${year}-12-31`);
      if (daysToEnd < yearEnd.params.days) {
        out.push({
          op: 'put',
          flag: this.flag(
            'reclassified-at-year-end',
            flagId('reclassified-at-year-end', e.position),
            subject,
            doc.u,
            year,
            { effFrom: m.effectiveDate, effTo: m.effectiveDate, amount: null, evidenceCount: 1, lastPosition: e.position },
            { activityId: e.data.activityId, fromKind: e.data.fromKind, toKind: e.data.toKind, daysBeforeYearEnd: daysToEnd, thresholdDays: yearEnd.params.days },
          ),
          evidence: [{ position: e.position, role: 'subject' }],
        });
      }
    }

    const repeated = this.on['reclassified-repeatedly'];
    if (repeated && doc.r.length > repeated.params.maxReclassifications) {
      const effs = doc.r.map((x) => intToDate(x[1])).sort();
      const flag = this.flag(
          'reclassified-repeatedly',
          flagId('reclassified-repeatedly', e.data.activityId),
          `hoạt động ${e.data.activityId}`,
          doc.u,
          year,
          { effFrom: effs[0], effTo: effs[effs.length - 1], amount: null, evidenceCount: doc.r.length, lastPosition: e.position },
          {
            activityId: e.data.activityId,
            reclassifications: doc.r.length,
            kinds: [doc.r[0][2], ...doc.r.map((x) => x[3])].join(' → '),
            threshold: repeated.params.maxReclassifications,
          },
        );
      // Flagged once it passes the threshold, with them all; from then on each new one joins it.
      const fresh = doc.r.length === repeated.params.maxReclassifications + 1 ? doc.r : doc.r.slice(-1);
      out.push({ op: 'add', flag, evidence: fresh.map((x) => ({ position: x[0], role: 'subject' as const })) });
    }
    this.reclassifiedAfterDisbursement(e.data.activityId, doc, doc.r[doc.r.length - 1], out);
    this.docs.set(key, doc);
  }

  /**
   * A reclassification that took effect once disbursements had started: flagged with them all as evidence (read
   * from the activity's lines), or dropped when none is left. Called for a new reclassification, and for one a
   * reversal may have undone.
   */
  private reclassifiedAfterDisbursement(activityId: string, doc: ActivityDoc, r: Reclassification, out: RedFlagChange[], undone?: number): void {
    if (!this.on['reclassified-after-disbursement']) return;
    const [p, e] = r;
    const before: PairEntry[] = [];
    for (const pair of Object.values(doc.ln)) before.push(...this.docs.paidBy(pair.k, e));
    const id = flagId('reclassified-after-disbursement', p);
    if (before.length === 0) {
      if (doc.af[p]) out.push({ op: 'drop', id });
      delete doc.af[p];
      return;
    }
    const held: AfterDisbursement = [
      before.length,
      String(before.reduce((s, d) => s + BigInt(d[3]), 0n)),
      before.reduce((min, d) => Math.min(min, d[1]), Infinity),
      before.reduce((max, d) => Math.max(max, d[0]), 0),
    ];
    doc.af[p] = held;
    const flag = this.afterDisbursementFlag(activityId, doc, r, held);
    if (undone !== undefined) out.push({ op: 'remove', flag, positions: [undone] });
    else out.push({ op: 'put', flag, evidence: [{ position: p, role: 'subject' }, ...before.map((d) => ({ position: d[0], role: 'context' as const }))] });
  }

  /**
   * A disbursement joins the evidence of each reclassification that took effect on or after its day, a reversal
   * leaves it: only those flags are written, and only that one evidence event (not the activity's whole history).
   */
  private disbursementBeforeReclassifications(activityId: string, doc: ActivityDoc, d: PairEntry, out: RedFlagChange[]): void {
    if (!this.on['reclassified-after-disbursement']) return;
    for (const r of doc.r) {
      if (r[1] < d[1]) continue;
      if (d[6]) {
        if (doc.af[r[0]]) this.reclassifiedAfterDisbursement(activityId, doc, r, out, d[0]);
        continue;
      }
      const was = doc.af[r[0]];
      const held: AfterDisbursement = was ? [was[0] + 1, String(BigInt(was[1]) + BigInt(d[3])), Math.min(was[2], d[1]), Math.max(was[3], d[0])] : [1, d[3], d[1], d[0]];
      doc.af[r[0]] = held;
      const evidence: EvidenceRef[] = [...(was ? [] : [{ position: r[0], role: 'subject' as const }]), { position: d[0], role: 'context' }];
      out.push({ op: 'add', flag: this.afterDisbursementFlag(activityId, doc, r, held), evidence });
    }
  }

  private afterDisbursementFlag(activityId: string, doc: ActivityDoc, [p, e, fromKind, toKind]: Reclassification, [n, paid, first, last]: AfterDisbursement): FlagRecord {
    const eff = intToDate(e);
    const firstOn = intToDate(first);
    return this.flag(
      'reclassified-after-disbursement',
      flagId('reclassified-after-disbursement', p),
      `hoạt động ${activityId}: ${fromKind} → ${toKind}`,
      doc.u,
      Number(eff.slice(0, 4)),
      { effFrom: firstOn, effTo: eff, amount: BigInt(paid), evidenceCount: n + 1, lastPosition: Math.max(p, last) },
      { activityId, fromKind, toKind, reclassifiedOn: eff, firstDisbursementOn: firstOn, disbursedBefore: centsToMoney(BigInt(paid)), disbursements: n },
    );
  }

  // ───────────────────────────── fund-line events ─────────────────────────────

  private fundLineEvent(e: RecordedFundLineEvent, out: RedFlagChange[]): void {
    const amount = toCents(e.data.amount);
    this.datesOf(e as RecordedLedger, amount, out);
    this.afterStatedFigure(e, amount, out);
    const activityId = activityOfFundLineEvent(e);
    const activity = activityId ? this.docs.get<ActivityDoc>(`a|${activityId}`) ?? newActivity(e.data.line.unit) : null;
    const pair = activity ? this.pairEntry(e, activity, amount) : null;
    switch (e.type) {
      case 'Disbursed':
        this.countFor(e.data.line, amount, null, out);
        this.voucherOf(e, amount, out);
        this.splitOf(e, e.data.activityId, 'disbursement', amount, out);
        this.carriedDisbursement(e, amount, out);
        break;
      case 'DisbursementReversed': {
        this.countFor(e.data.line, null, amount, out);
        const original = pair?.paid;
        if (original) {
          if (original[5]) this.voucherReversed(original[5], original[0], out);
          this.splitReversed(e.data.activityId, original[0], amount, out);
        }
        const carried = e.data.line.originYear < e.data.line.budgetYear ? this.docs.get<CarriedDoc>(`c|${e.stream}`) : undefined;
        const late = carried?.late[e.data.disbursementId];
        if (carried && late !== undefined) {
          delete carried.late[e.data.disbursementId];
          this.docs.set(`c|${e.stream}`, carried);
          out.push({ op: 'drop', id: flagId('carried-disbursed-after-deadline', late) });
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
      case 'BalanceOpened':
        this.carriedIn(e, amount, out);
        break;
      default:
        break;
    }
    if (pair && activity && activityId) {
      if (pair.walk) this.withoutAllocation(e.stream, activityId, pair.doc, pair.walk, out);
      if (activity.r.length > 0 && pair.moved) this.disbursementBeforeReclassifications(activityId, activity, pair.moved, out);
      this.docs.set(`a|${activityId}`, activity);
    }
  }

  private countFor(line: FundLineKey, disbursed: Cents | null, reversed: Cents | null, out: RedFlagChange[]): void {
    const place = this.place(line.unit, line.budgetYear);
    out.push({
      op: 'count',
      count: {
        unit: line.unit,
        budgetYear: line.budgetYear,
        district: place.district,
        province: place.province,
        disbursements: disbursed === null ? 0 : 1,
        reversals: reversed === null ? 0 : 1,
        disbursed: disbursed ?? 0n,
        reversed: reversed ?? 0n,
      },
    });
  }

  /**
   * Records the event in its (line, activity) timeline. Returns the timeline, and whether the disbursed-without-
   * allocation rule must walk it: only when something was flagged, the event is back-dated among the pair's
   * events, or the pair's disbursements exceed its allocation (an event in date order cannot uncover an earlier day).
   */
  private pairEntry(
    e: RecordedFundLineEvent,
    activity: ActivityDoc,
    amount: Cents,
  ): { doc: PairDoc; walk: Walk | null; moved: PairEntry | null; paid?: PairEntry } {
    let doc = activity.ln[e.stream];
    if (!doc) {
      doc = { k: e.position, u: e.data.line.unit, y: e.data.line.budgetYear, ta: '0', td: '0', le: 0, na: 0, la: 0, fl: {} };
      activity.ln[e.stream] = doc;
    }
    const eff = dateToInt(e.metadata.effectiveDate);
    let walk = hasKeys(doc.fl);
    /** The day the event changes the pair's money from; the allocation change it adds. */
    let from: number | null = null;
    let allocation: number | null = null;
    /** The disbursement paid or reversed. */
    let moved: PairEntry | null = null;
    /** The entry added, when it takes effect after every other of the pair (doc.le is the latest day of its entries). */
    let only: PairEntry | null = null;
    /** A reversal's disbursement: the first of the pair's with its id, reversed or not. */
    let paid: PairEntry | undefined;
    if (e.type === 'Disbursed') {
      const b = e.metadata.legalBasis;
      moved = [e.position, eff, 1, String(amount), e.data.disbursementId, b?.kind === 'voucher' ? voucherHash(b.treasury, b.number) : ''];
      this.docs.addEntry(doc.k, moved);
      if (eff > doc.le) only = moved;
      const td = BigInt(doc.td) + amount;
      doc.td = String(td);
      walk ||= eff < doc.le || td > BigInt(doc.ta);
      doc.le = Math.max(doc.le, eff);
      from = eff;
    } else if (e.type === 'DisbursementReversed') {
      const same = this.docs.disbursements(doc.k, e.data.disbursementId);
      paid = same[0];
      const original = same.find((x) => !x[6]);
      if (original) {
        moved = original;
        original[6] = 1;
        this.docs.reverseEntry(doc.k, original[1], original[0]);
        doc.td = String(BigInt(doc.td) - BigInt(original[3]));
        from = original[1];
      }
    } else {
      const delta = fundLineDelta(e).allocated;
      if (delta !== undefined && delta !== 0n) {
        const entry: PairEntry = [e.position, eff, 0, String(delta)];
        this.docs.addEntry(doc.k, entry);
        if (eff > doc.le) only = entry;
        const ta = BigInt(doc.ta) + delta;
        doc.ta = String(ta);
        walk ||= eff < doc.le || BigInt(doc.td) > ta;
        doc.le = Math.max(doc.le, eff);
        doc.na += 1;
        doc.la = e.position;
        from = eff;
        allocation = e.position;
      }
    }
    return { doc, walk: walk && from !== null ? { from, allocation, only } : null, moved, paid };
  }

  /**
   * Disbursed with no allocation in effect: walking the activity's money on the line by effective date, a day
   * whose disbursements (not reversed) exceed the allocation in effect by the end of that day flags them. Only the
   * days from the event's on can change (the sums before them are the pair's totals less those days'), so only they
   * are walked: an event in date order walks its own day. A new allocation change joins the evidence of every flag.
   */
  private withoutAllocation(stream: string, activityId: string, pair: PairDoc, walk: Walk, out: RedFlagChange[]): void {
    if (!this.on['disbursed-without-allocation']) return;
    // The entries from the walk's first day on: the sums before them are the pair's totals less theirs.
    const en = walk.only ? [walk.only] : this.docs.entriesFrom(pair.k, walk.from);
    let allocated = BigInt(pair.ta);
    let disbursed = BigInt(pair.td);
    for (const x of en) {
      if (x[2] === 0) allocated -= BigInt(x[3]);
      else if (!x[6]) disbursed -= BigInt(x[3]);
    }
    const joined: EvidenceRef[] = walk.allocation === null ? [] : [{ position: walk.allocation, role: 'context' }];
    const header = (p: number, [facts, e, v]: PairDoc['fl'][string]): FlagRecord => {
      const eff = intToDate(e);
      const f = JSON.parse(facts) as FlagRecord['facts'];
      return this.flag(
        'disbursed-without-allocation',
        flagId('disbursed-without-allocation', p),
        `giải ngân ${f.disbursementId} của hoạt động ${activityId}`,
        pair.u,
        pair.y,
        { effFrom: eff, effTo: eff, amount: BigInt(v), evidenceCount: 1 + pair.na, lastPosition: Math.max(p, pair.la) },
        f,
      );
    };
    const walked = new Set<string>();
    for (let i = 0; i < en.length; ) {
      let j = i;
      while (j < en.length && en[j][1] === en[i][1]) {
        const x = en[j];
        if (x[2] === 0) allocated += BigInt(x[3]);
        else if (!x[6]) disbursed += BigInt(x[3]);
        j += 1;
      }
      for (let k = i; k < j; k++) {
        const d = en[k];
        if (d[2] !== 1) continue;
        const p = String(d[0]);
        walked.add(p);
        const was = pair.fl[p];
        if (d[6] || disbursed <= allocated) {
          if (was) out.push({ op: 'drop', id: flagId('disbursed-without-allocation', d[0]) });
          delete pair.fl[p];
          continue;
        }
        const facts = JSON.stringify({ activityId, disbursementId: d[4] as string, stream, allocatedByThen: centsToMoney(allocated), disbursedByThen: centsToMoney(disbursed), shortfall: centsToMoney(disbursed - allocated) });
        const now: PairDoc['fl'][string] = [facts, d[1], d[3]];
        pair.fl[p] = now;
        if (!was) {
          out.push({
            op: 'put',
            flag: header(d[0], now),
            evidence: [{ position: d[0], role: 'subject' }, ...this.docs.allocations(pair.k).map((a) => ({ position: a, role: 'context' as const }))],
          });
        } else if (was[0] !== facts || joined.length > 0) {
          out.push({ op: 'add', flag: header(d[0], now), evidence: joined });
        }
      }
      i = j;
    }
    // Flags of earlier days keep their figures; a new allocation change joins their evidence.
    if (joined.length > 0) for (const [p, held] of Object.entries(pair.fl)) if (!walked.has(p)) out.push({ op: 'add', flag: header(Number(p), held), evidence: joined });
  }

  // ── one voucher, several disbursements

  private voucherOf(e: Rec<'Disbursed'>, amount: Cents, out: RedFlagChange[]): void {
    const b = e.metadata.legalBasis;
    if (b?.kind !== 'voucher') return;
    const hash = voucherHash(b.treasury, b.number);
    const list = `v|${hash}`;
    const stored = this.docs.voucher(hash);
    const member: VoucherMember = [e.position, String(amount), e.metadata.effectiveDate, e.data.line.unit, e.data.line.budgetYear];
    // Most vouchers pay once: that payment is all that is written.
    if (stored === undefined) return this.docs.setVoucher(hash, { first: member, several: false });
    let doc: VoucherDoc;
    if (!stored.several) {
      const held = stored.first;
      doc = emptyVoucher(b.number, b.treasury);
      this.docs.setItem(list, held[0], held);
      this.docs.setVoucher(hash, { first: held, several: true });
      doc.c = 1;
      doc.l = held[0];
      if (!held[5]) this.includeMember(doc, held);
    } else doc = this.docs.get<VoucherDoc>(list) as VoucherDoc;
    this.docs.setItem(list, e.position, member);
    doc.c += 1;
    doc.l = e.position;
    this.includeMember(doc, member);
    this.voucherFlag(list, doc, out);
  }

  private voucherReversed(hash: string, position: number, out: RedFlagChange[]): void {
    const list = `v|${hash}`;
    const stored = this.docs.voucher(hash);
    if (stored === undefined) return;
    if (!stored.several) {
      const held = stored.first;
      if (held[0] === position) this.docs.setVoucher(hash, { first: [held[0], held[1], held[2], held[3], held[4], 1], several: false });
      return;
    }
    const doc = this.docs.get<VoucherDoc>(list);
    const m = doc ? this.docs.item<VoucherMember>(list, position) : undefined;
    if (!doc || !m || m[5]) return;
    m[5] = 1;
    this.docs.setItem(list, position, m);
    if (position <= doc.w) out.push({ op: 'role', id: flagId('duplicate-voucher', doc.t, doc.n), position, role: 'context' });
    if (m[2] === doc.e0 || m[2] === doc.e1 || position === doc.yp || doc.u === '') {
      // What the others share or span may change: summed again from the list (a reversal, not each disbursement, pays this).
      Object.assign(doc, emptyVoucher(doc.n, doc.t), { c: doc.c, l: doc.l, w: doc.w, f: doc.f });
      for (const x of this.docs.items<VoucherMember>(list)) if (!x[5]) this.includeMember(doc, x);
    } else {
      doc.a -= 1;
      doc.s = String(BigInt(doc.s) - BigInt(m[1]));
    }
    this.voucherFlag(list, doc, out);
  }

  /** Adds an active disbursement to the voucher's summary. */
  private includeMember(doc: VoucherDoc, [p, v, e, unit, y]: VoucherMember): void {
    const place = this.place(unit, y);
    const first = doc.a === 0;
    doc.u = first || doc.u === unit ? unit : '';
    doc.d = first || doc.d === place.district ? place.district : '';
    doc.pr = first || doc.pr === place.province ? place.province : '';
    doc.a += 1;
    doc.s = String(BigInt(doc.s) + BigInt(v));
    if (first || e < doc.e0) doc.e0 = e;
    if (first || e > doc.e1) doc.e1 = e;
    if (first || p < doc.yp) {
      doc.yp = p;
      doc.y = y;
    }
  }

  /** The voucher's flag: its header, with only the evidence not written yet; hidden (its evidence kept) while fewer than two disbursements stand. */
  private voucherFlag(list: string, doc: VoucherDoc, out: RedFlagChange[]): void {
    const id = flagId('duplicate-voucher', doc.t, doc.n);
    const flagged = doc.f === 1;
    const holds = this.on['duplicate-voucher'] !== null && doc.a >= 2;
    if (holds) doc.f = 1;
    else delete doc.f;
    if (!holds) {
      this.docs.set(list, doc);
      if (flagged) out.push({ op: 'hide', id });
      return;
    }
    const fresh = this.docs.items<VoucherMember>(list, doc.w);
    doc.w = doc.l;
    this.docs.set(list, doc);
    out.push({
      op: 'add',
      flag: this.flag(
        'duplicate-voucher',
        id,
        `chứng từ ${doc.n} (${doc.t})`,
        doc.u || doc.d || doc.pr,
        doc.y,
        { effFrom: doc.e0, effTo: doc.e1, amount: BigInt(doc.s), evidenceCount: doc.c, lastPosition: doc.l },
        { voucherNumber: doc.n, treasury: doc.t, disbursements: doc.a, reversed: doc.c - doc.a },
      ),
      evidence: fresh.map((x) => ({ position: x[0], role: x[5] ? ('context' as const) : ('subject' as const) })),
    });
  }

  // ── several amounts just under a threshold in a short window

  private splitOf(e: RecordedFundLineEvent, activityId: string, group: 'allocation' | 'disbursement', amount: Cents, out: RedFlagChange[]): void {
    if (!this.on['split-below-threshold']) return;
    for (const band of this.rules.bands) {
      if (amount < band.lower || amount >= band.amount) continue;
      const key = `s|${activityId}|${group}|${band.amount}`;
      const doc = this.docs.get<SplitDoc>(key) ?? { m: [], f: {} };
      insertSorted(doc.m, [e.position, dateToInt(e.metadata.effectiveDate), String(amount)]);
      this.splitFlags(key, activityId, doc, group, band.amount, out, { added: e.position });
    }
  }

  private splitReversed(activityId: string, position: number, amount: Cents, out: RedFlagChange[]): void {
    if (!this.on['split-below-threshold']) return;
    for (const band of this.rules.bands) {
      if (amount < band.lower || amount >= band.amount) continue;
      const key = `s|${activityId}|disbursement|${band.amount}`;
      const doc = this.docs.get<SplitDoc>(key);
      if (!doc) continue;
      doc.m = doc.m.filter((m) => m[0] !== position);
      this.splitFlags(key, activityId, doc, 'disbursement', band.amount, out, { removed: position });
    }
  }

  /**
   * Chains of members whose effective dates follow each other within the window; a chain of minCount or more is a
   * flag. Only what changed is written: a chain grown by the newcomer gets that one evidence event, a chain that
   * lost the reversed one loses it; a chain formed, merged or split is written whole.
   */
  private splitFlags(
    key: string,
    activityId: string,
    doc: SplitDoc,
    group: 'allocation' | 'disbursement',
    threshold: Cents,
    out: RedFlagChange[],
    change: { added?: number; removed?: number },
  ): void {
    const rule = this.on['split-below-threshold'];
    if (!rule) return;
    const { windowDays, minCount } = rule.params;
    const chains: SplitMember[][] = [];
    for (const m of doc.m) {
      const chain = chains[chains.length - 1];
      const prev = chain?.[chain.length - 1];
      if (prev && daysBetween(intToDate(prev[1]), intToDate(m[1])) <= windowDays) chain.push(m);
      else chains.push([m]);
    }
    const unit = this.docs.get<ActivityDoc>(`a|${activityId}`)?.u ?? '';
    const band = this.rules.bands.find((b) => b.amount === threshold);
    const now: Record<string, number> = {};
    for (const chain of chains) {
      if (chain.length < minCount) continue;
      const first = chain.reduce((min, m) => Math.min(min, m[0]), Infinity);
      const id = flagId('split-below-threshold', activityId, group, String(threshold), first);
      now[id] = chain.length;
      const was = doc.f[id];
      if (was === chain.length) continue;
      const from = intToDate(chain[0][1]);
      const to = intToDate(chain[chain.length - 1][1]);
      const flag = this.flag(
        'split-below-threshold',
        id,
        `hoạt động ${activityId}: ${chain.length} khoản ${group === 'allocation' ? 'phân bổ' : 'giải ngân'} sát dưới ${centsToMoney(threshold)} đ`,
        unit,
        Number(from.slice(0, 4)),
        { effFrom: from, effTo: to, amount: chain.reduce((s, m) => s + BigInt(m[2]), 0n), evidenceCount: chain.length, lastPosition: chain.reduce((max, m) => Math.max(max, m[0]), 0) },
        {
          activityId,
          kind: group,
          threshold: centsToMoney(threshold),
          thresholdLabelVi: band?.label.vi ?? null,
          thresholdLabelEn: band?.label.en ?? null,
          count: chain.length,
          spanDays: daysBetween(from, to),
        },
      );
      if (change.added !== undefined && was === chain.length - 1 && chain.some((m) => m[0] === change.added)) {
        out.push({ op: 'add', flag, evidence: [{ position: change.added, role: 'subject' }] });
      } else if (change.removed !== undefined && was === chain.length + 1) {
        out.push({ op: 'remove', flag, positions: [change.removed] });
      } else {
        out.push({ op: 'put', flag, evidence: chain.map((m) => ({ position: m[0], role: 'subject' as const })) });
      }
    }
    for (const id of Object.keys(doc.f)) if (now[id] === undefined) out.push({ op: 'drop', id });
    doc.f = now;
    this.docs.set(key, doc);
  }

  // ── carried-over money

  /** A tranche of carried-over money arrives on the line: carried from the year before, or an opening balance from a year the ledger does not hold. */
  private carriedIn(e: Rec<'CarriedIn' | 'BalanceOpened'>, amount: Cents, out: RedFlagChange[]): void {
    const key = `c|${e.stream}`;
    const line = e.data.line;
    const doc = this.docs.get<CarriedDoc>(key) ?? { u: line.unit, y: line.budgetYear, t: [], late: {} };
    doc.t.push([e.position, e.type === 'CarriedIn' ? e.data.carryOverId : e.data.openingId, e.data.activityId ?? '', e.data.deadline, String(amount)]);
    this.docs.set(key, doc);
    out.push({
      op: 'carried',
      line: {
        stream: e.stream,
        unit: line.unit,
        ...this.place(line.unit, line.budgetYear),
        budgetYear: line.budgetYear,
        deadline: doc.t.map((t) => t[3]).sort()[doc.t.length - 1],
        carried: doc.t.reduce((s, t) => s + BigInt(t[4]), 0n),
        positions: doc.t.map((t) => t[0]),
      },
    });
  }

  /**
   * A disbursement on a line of carried-over money after the deadline of the tranches that can pay it: those
   * carried with its activity, else those carried unallocated, else all of the line's.
   */
  private carriedDisbursement(e: Rec<'Disbursed'>, amount: Cents, out: RedFlagChange[]): void {
    if (!this.on['carried-disbursed-after-deadline'] || e.data.line.originYear >= e.data.line.budgetYear) return;
    const key = `c|${e.stream}`;
    const doc = this.docs.get<CarriedDoc>(key);
    if (!doc || doc.t.length === 0) return;
    const own = doc.t.filter((t) => t[2] === e.data.activityId);
    const free = doc.t.filter((t) => t[2] === '');
    const applicable = own.length > 0 ? own : free.length > 0 ? free : doc.t;
    const deadline = applicable.map((t) => t[3]).sort()[applicable.length - 1];
    const eff = e.metadata.effectiveDate;
    if (eff <= deadline) return;
    doc.late[e.data.disbursementId] = e.position;
    this.docs.set(key, doc);
    out.push({
      op: 'put',
      flag: this.flag(
        'carried-disbursed-after-deadline',
        flagId('carried-disbursed-after-deadline', e.position),
        `giải ngân ${e.data.disbursementId} sau hạn ${dmy(deadline)}`,
        e.data.line.unit,
        e.data.line.budgetYear,
        { effFrom: eff, effTo: eff, amount, evidenceCount: 1 + applicable.length, lastPosition: e.position },
        {
          activityId: e.data.activityId,
          disbursementId: e.data.disbursementId,
          stream: e.stream,
          originYear: e.data.line.originYear,
          deadline,
          daysAfterDeadline: daysBetween(deadline, eff),
        },
      ),
      evidence: [{ position: e.position, role: 'subject' }, ...applicable.map((t) => ({ position: t[0], role: 'context' as const }))],
    });
  }

  // ── stated figures, and money recorded after them

  /** Remembers a money figure a document stated, by its unit (its details are shown from the stated-figures read model). */
  private figureStated(e: Rec<'FigureStated'>): void {
    const d = e.data;
    if (!LINE_MEASURES.has(d.measure) || d.amount === undefined) return;
    const figure: FigureRef = { p: e.position, doc: d.document.id, title: d.document.title, measure: d.measure, scope: d.scope, asOf: d.asOf, rec: Date.parse(e.metadata.recordedAt) };
    const key = `f|${d.scope.unit}`;
    const list = this.docs.get<FigureRef[]>(key) ?? [];
    list.push(figure);
    this.docs.set(key, list);
    const units = this.docs.get<string[]>('f*') ?? [];
    if (!units.includes(d.scope.unit)) this.docs.set('f*', [...units, d.scope.unit]);
  }

  /**
   * A money event recorded after a document had stated a figure it changes: the figure covers the event's line
   * (its unit or one above, its component or one above, its year, source, capital type, activity), reports a day
   * on or after the event takes effect, was recorded before the event, and the event moves that measure.
   */
  private afterStatedFigure(e: RecordedFundLineEvent, amount: Cents, out: RedFlagChange[]): void {
    if (!this.on['recorded-after-stated-figure']) return;
    const withFigures = this.docs.get<string[]>('f*');
    if (!withFigures) return;
    const line = e.data.line;
    const place = this.place(line.unit, line.budgetYear);
    const candidates: FigureRef[] = [];
    for (const unit of new Set([line.unit, place.district, place.province])) {
      if (!unit || !withFigures.includes(unit)) continue;
      const list = this.docs.get<FigureRef[]>(`f|${unit}`);
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
    for (const f of matched) addTo(byDocument, f.doc, f);
    const m = e.metadata;
    const recordedOn = vietnamDate(m.recordedAt);
    for (const [documentId, figures] of byDocument) {
      const key = [m.actor.id, recordedOn, documentId, line.unit];
      const docKey = `g|recorded-after-stated-figure|${key.join('|')}`;
      const seen = new Set(this.docs.get<GroupDoc>(docKey)?.seen ?? []);
      const fresh = figures.filter((f) => !seen.has(f.p));
      const { doc, flag } = this.accumulate(
        'recorded-after-stated-figure',
        key,
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

const emptyVoucher = (n: string, t: string): VoucherDoc => ({ n, t, c: 0, a: 0, s: '0', e0: '', e1: '', y: 0, yp: 0, u: '', d: '', pr: '', l: 0, w: 0 });

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** "a, c" + "b" → "a, b, c": a short list of names kept as text in a flag's facts. */
function addToList(list: unknown, item: string): string {
  return [...new Set([...String(list ?? '').split(', ').filter(Boolean), item])].sort().join(', ');
}

/** Inserts keeping the list in (effective date, position) order: entries are [position, effective date, ...]. */
function insertSorted<T extends [number, number, ...unknown[]]>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && (list[i - 1][1] > item[1] || (list[i - 1][1] === item[1] && list[i - 1][0] > item[0]))) i -= 1;
  list.splice(i, 0, item);
}

/**
 * The changes applied in memory: what the projector writes to its tables, as plain maps. The fold's spec reads
 * flags through it; it is also the reference the projector's tables are compared with.
 */
export class FlagBook {
  readonly flags = new Map<string, { flag: FlagRecord; evidence: EvidenceRef[] }>();
  /** Evidence of flags hidden for now (shown again, with what is added, when they hold again). */
  readonly hidden = new Map<string, EvidenceRef[]>();
  readonly counts = new Map<string, UnitCount>();
  readonly carried = new Map<string, CarriedLine>();
  readonly reviews: Review[] = [];

  apply(changes: readonly RedFlagChange[]): this {
    for (const c of changes) {
      switch (c.op) {
        case 'put':
          this.flags.set(c.flag.id, { flag: c.flag, evidence: [...c.evidence] });
          break;
        case 'add': {
          const evidence = this.flags.get(c.flag.id)?.evidence ?? this.hidden.get(c.flag.id) ?? [];
          this.hidden.delete(c.flag.id);
          for (const x of c.evidence) if (!evidence.some((y) => y.position === x.position)) evidence.push(x);
          this.flags.set(c.flag.id, { flag: c.flag, evidence });
          break;
        }
        case 'remove': {
          const gone = new Set(c.positions);
          const evidence = (this.flags.get(c.flag.id)?.evidence ?? []).filter((x) => !gone.has(x.position));
          this.flags.set(c.flag.id, { flag: c.flag, evidence });
          break;
        }
        case 'drop':
          this.flags.delete(c.id);
          this.hidden.delete(c.id);
          break;
        case 'hide': {
          const held = this.flags.get(c.id);
          if (held) this.hidden.set(c.id, held.evidence);
          this.flags.delete(c.id);
          break;
        }
        case 'role':
          for (const x of this.flags.get(c.id)?.evidence ?? this.hidden.get(c.id) ?? []) if (x.position === c.position) (x as { role: EvidenceRole }).role = c.role;
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
        case 'review':
          this.reviews.push(c.review);
          break;
      }
    }
    // As the queries show it: the events the flag is about, then what they were compared with, each in log order.
    for (const c of changes) this.flags.get(c.op === 'put' || c.op === 'add' || c.op === 'remove' ? c.flag.id : c.op === 'role' ? c.id : '')?.evidence.sort(
      (a, b) => Number(a.role === 'context') - Number(b.role === 'context') || a.position - b.position,
    );
    return this;
  }
}

/** A DocStore in memory, with its documents copied in and out as JSON, as the projector's table keeps them. */
export class MemoryDocs implements DocStore {
  private readonly docs = new Map<string, string>();
  private readonly lists = new Map<string, Map<number, string>>();
  private readonly vouchers = new Map<string, string>();
  /** Each pair's entries, in (effective day, position) order. */
  private readonly entries = new Map<number, PairEntry[]>();
  /** Documents and items written: what the projector's tables would be written. */
  writes = 0;

  get<T>(key: string): T | undefined {
    const json = this.docs.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  set(key: string, doc: unknown): void {
    this.writes += 1;
    this.docs.set(key, JSON.stringify(doc));
  }

  item<T>(list: string, at: number): T | undefined {
    const json = this.lists.get(list)?.get(at);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  setItem(list: string, at: number, item: unknown): void {
    this.writes += 1;
    let items = this.lists.get(list);
    if (!items) this.lists.set(list, (items = new Map()));
    items.set(at, JSON.stringify(item));
  }

  voucher(hash: string): StoredVoucher | undefined {
    const json = this.vouchers.get(hash);
    return json === undefined ? undefined : (JSON.parse(json) as StoredVoucher);
  }

  setVoucher(hash: string, voucher: StoredVoucher): void {
    this.writes += 1;
    this.vouchers.set(hash, JSON.stringify(voucher));
  }

  addEntry(pair: number, entry: PairEntry): void {
    this.writes += 1;
    let list = this.entries.get(pair);
    if (!list) this.entries.set(pair, (list = []));
    insertSorted(list, [...entry] as PairEntry);
  }

  reverseEntry(pair: number, eff: number, position: number): void {
    const x = this.entries.get(pair)?.find((y) => y[1] === eff && y[0] === position);
    if (!x) return;
    this.writes += 1;
    x[6] = 1;
  }

  private pairEntries(pair: number, keep: (x: PairEntry) => boolean): PairEntry[] {
    return (this.entries.get(pair) ?? []).filter(keep).map((x) => [...x] as PairEntry);
  }

  entriesFrom(pair: number, from: number): PairEntry[] {
    return this.pairEntries(pair, (x) => x[1] >= from);
  }

  paidBy(pair: number, to: number): PairEntry[] {
    return this.pairEntries(pair, (x) => x[2] === 1 && !x[6] && x[1] <= to);
  }

  disbursements(pair: number, id: string): PairEntry[] {
    return this.pairEntries(pair, (x) => x[2] === 1 && x[4] === id);
  }

  allocations(pair: number): number[] {
    return this.pairEntries(pair, (x) => x[2] === 0)
      .map((x) => x[0])
      .sort((a, b) => a - b);
  }

  items<T>(list: string, after = -Infinity): T[] {
    const items = this.lists.get(list);
    if (!items) return [];
    return [...items]
      .filter(([at]) => at > after)
      .sort((a, b) => a[0] - b[0])
      .map(([, json]) => JSON.parse(json) as T);
  }
}
