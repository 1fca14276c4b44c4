import type { SqlStatement } from '../shared/sql-database';
import { FUND_LINE_EVENT_TYPES, RecordedEvent } from '../../events';
import { BALANCE_TABLES, MEASURE_COLUMNS, measuresFromRow } from '../balances/balances.tables';
import { HISTORY_TABLES } from '../history/history.tables';
import { type Projector, type ProjectorHost, tablesIn } from '../read-model';
import { centsParam } from '../shared/cents';
import { dateToInt, intToDate } from '../shared/context';
import { DocCache, KeySieve, SoleWriter, WrittenKeys } from '../shared/doc-cache';
import { Row, RowWriter, big, num, placeholders, str } from '../shared/sql';
import { DocStore, FlagRecord, PairEntry, RedFlagChange, RedFlagFold, StoredVoucher, UnitCount, VoucherMember, daysBetween, flagId } from './red-flags.fold';
import { RED_FLAG_TABLES } from './red-flags.tables';
import { OPEN_END, Span, firstFlaggedDay, restep, unspentOf, unspentSpans } from './unspent';

const FUND_LINE_TYPES: ReadonlySet<string> = new Set(FUND_LINE_EVENT_TYPES);

/** A carried line's stored spans (red_flag_unspent), with the place and deadline they count under. */
interface UnspentSpans {
  readonly flagId: string;
  readonly areas: readonly string[];
  readonly deadline: number;
  readonly spans: readonly Span[];
}

/** A voucher's key in red_flag_vouchers: its hash (16 hex digits, 64 bits) as a signed 64-bit integer. */
const voucherKey = (hash: string): bigint => BigInt.asIntN(64, BigInt(`0x${hash}`));

/** A cached document; null: known to be absent (most lines carry no carried money, most units no figures). */
interface Held {
  doc: unknown | null;
  dirty: boolean;
}

/**
 * The fold's documents, kept in red_flag_state: read once, held in a cache between batches, written back at the
 * end of each batch (in the engine's transaction, with the checkpoint).
 */
class StateDocs implements DocStore {
  private readonly cache: DocCache<Held>;
  private readonly dirty: Array<[string, Held]> = [];
  private readonly s: Record<'get' | 'item' | 'putItem' | 'items' | 'voucher' | 'entriesFrom' | 'paidBy' | 'disbursements' | 'allocations' | 'reverseEntry', SqlStatement>;
  /** The documents written back at the end of a batch, each key once: many to a statement. */
  private readonly put: RowWriter;
  /**
   * Vouchers and their first payments (red-flags.tables.ts), written as they come (many to a statement: a key is read
   * only after the rows held back are written, so one statement never meets a key twice). While the engine is the sole
   * writer, the vouchers written (a KeySieve): a voucher it never wrote is not read. A rebuild meets one for nearly
   * every payment, in no order: held in the document cache they cost more than the rest of its documents (1M events:
   * 580 000 of 750 000 documents).
   */
  private readonly putVoucher: RowWriter;
  private readonly putFirstPayment: RowWriter;
  private vouchersWritten: KeySieve | null = null;
  /**
   * Entries of the activities' lines, written as they come (many to a statement on PostgreSQL): the rows held back are
   * written before any entry is read or marked.
   */
  private readonly putEntry: RowWriter;
  private readonly sole: SoleWriter;

  constructor(host: ProjectorHost) {
    const t = RED_FLAG_TABLES.in(host.schema);
    this.sole = host.sole;
    this.cache = new DocCache(host.cacheSize, host.sole);
    this.put = new RowWriter(host, `INSERT INTO ${t.red_flag_state} (key, doc)`, 2, 'ON CONFLICT (key) DO UPDATE SET doc = excluded.doc');
    this.putVoucher = new RowWriter(
      host,
      `INSERT INTO ${t.red_flag_vouchers} (voucher, position, several)`,
      3,
      'ON CONFLICT (voucher) DO UPDATE SET position = excluded.position, several = excluded.several',
    );
    this.putFirstPayment = new RowWriter(
      host,
      `INSERT INTO ${t.red_flag_first_payments} (position, amount, eff, unit, budget_year, reversed)`,
      6,
      'ON CONFLICT (position) DO UPDATE SET amount = excluded.amount, eff = excluded.eff, unit = excluded.unit, budget_year = excluded.budget_year, reversed = excluded.reversed',
    );
    this.putEntry = new RowWriter(host, `INSERT INTO ${t.red_flag_entries} (pair, eff, position, kind, amount, disbursement, voucher, reversed)`, 8);
    const entry = `SELECT position, eff, kind, amount, disbursement, voucher, reversed FROM ${t.red_flag_entries}`;
    this.s = {
      entriesFrom: host.db.prepare(`${entry} WHERE pair = ? AND eff >= ? ORDER BY eff, position`).safeIntegers(true),
      paidBy: host.db.prepare(`${entry} WHERE pair = ? AND eff <= ? AND kind = 1 AND reversed = 0 ORDER BY eff, position`).safeIntegers(true),
      disbursements: host.db.prepare(`${entry} WHERE pair = ? AND disbursement = ? AND kind = 1 ORDER BY eff, position`).safeIntegers(true),
      allocations: host.db.prepare(`SELECT position FROM ${t.red_flag_entries} WHERE pair = ? AND disbursement IS NULL AND kind = 0 ORDER BY position`).pluck(),
      reverseEntry: host.db.prepare(`UPDATE ${t.red_flag_entries} SET reversed = 1 WHERE pair = ? AND eff = ? AND position = ?`),
      voucher: host.db
        .prepare(
          `SELECT v.position, p.amount, p.eff, p.unit, p.budget_year, p.reversed, v.several FROM ${t.red_flag_vouchers} v
             JOIN ${t.red_flag_first_payments} p ON p.position = v.position WHERE v.voucher = ?`,
        )
        .safeIntegers(true),
      get: host.db.prepare(`SELECT doc FROM ${t.red_flag_state} WHERE key = ?`).pluck(),
      item: host.db.prepare(`SELECT item FROM ${t.red_flag_items} WHERE list = ? AND at = ?`).pluck(),
      putItem: host.db.prepare(`INSERT INTO ${t.red_flag_items} (list, at, item) VALUES (?, ?, ?) ON CONFLICT (list, at) DO UPDATE SET item = excluded.item`),
      items: host.db.prepare(`SELECT item FROM ${t.red_flag_items} WHERE list = ? AND at > ? ORDER BY at`).pluck(),
    };
  }

  // Items are read and written in the batch's transaction as they come: a list is never held in memory whole.
  item<T>(list: string, at: number): T | undefined {
    const json = this.s.item.get(list, at) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  setItem(list: string, at: number, item: unknown): void {
    this.s.putItem.run(list, at, JSON.stringify(item));
  }

  items<T>(list: string, after = -1): T[] {
    return (this.s.items.all(list, after) as string[]).map((json) => JSON.parse(json) as T);
  }

  voucher(hash: string): StoredVoucher | undefined {
    if (this.sole.active && (this.vouchersWritten === null || !this.vouchersWritten.mayHave(hash))) return undefined;
    this.putVoucher.flush();
    this.putFirstPayment.flush();
    const r = this.s.voucher.get(voucherKey(hash)) as Row | undefined;
    if (r === undefined) return undefined;
    const first: VoucherMember = [num(r.position), String(big(r.amount)), str(r.eff), str(r.unit), num(r.budget_year)];
    if (num(r.reversed) === 1) first.push(1);
    return { first, several: num(r.several) === 1 };
  }

  setVoucher(hash: string, { first, several }: StoredVoucher): void {
    this.putVoucher.add(voucherKey(hash), first[0], several ? 1 : 0);
    this.putFirstPayment.add(first[0], centsParam(BigInt(first[1])), first[2], first[3], first[4], first[5] ? 1 : 0);
    if (this.sole.active) (this.vouchersWritten ??= new KeySieve()).add(hash);
  }

  addEntry(pair: number, [p, e, k, v, id, vh]: PairEntry): void {
    this.putEntry.add(pair, e, p, k, centsParam(BigInt(v)), k === 1 ? (id ?? '') : null, k === 1 ? (vh ?? '') : null, 0);
  }

  reverseEntry(pair: number, eff: number, position: number): void {
    this.putEntry.flush();
    this.s.reverseEntry.run(pair, eff, position);
  }

  private entries(statement: SqlStatement, ...params: unknown[]): PairEntry[] {
    this.putEntry.flush();
    return (statement.all(...params) as Row[]).map((r) => {
      const kind = num(r.kind);
      const amount = String(big(r.amount));
      if (kind === 0) return [num(r.position), num(r.eff), 0, amount];
      const x: PairEntry = [num(r.position), num(r.eff), 1, amount, str(r.disbursement), str(r.voucher)];
      if (num(r.reversed) === 1) x[6] = 1;
      return x;
    });
  }

  entriesFrom(pair: number, from: number): PairEntry[] {
    return this.entries(this.s.entriesFrom, pair, from);
  }

  paidBy(pair: number, to: number): PairEntry[] {
    return this.entries(this.s.paidBy, pair, to);
  }

  disbursements(pair: number, id: string): PairEntry[] {
    return this.entries(this.s.disbursements, pair, id);
  }

  allocations(pair: number): number[] {
    this.putEntry.flush();
    return (this.s.allocations.all(pair) as unknown[]).map(num);
  }

  get<T>(key: string): T | undefined {
    let held = this.cache.get(key);
    if (!held) {
      const json = this.cache.mayBeStored(key) ? (this.s.get.get(key) as string | undefined) : undefined;
      held = { doc: json === undefined ? null : JSON.parse(json), dirty: false };
      this.cache.set(key, held);
    }
    return held.doc === null ? undefined : (held.doc as T);
  }

  set(key: string, doc: unknown): void {
    let held = this.cache.get(key);
    if (!held) {
      held = { doc, dirty: false };
      this.cache.set(key, held);
    }
    held.doc = doc;
    if (!held.dirty) {
      held.dirty = true;
      this.dirty.push([key, held]);
    }
  }

  flush(): void {
    for (const [key, held] of this.dirty) {
      this.put.add(key, JSON.stringify(held.doc));
      held.dirty = false;
    }
    this.put.flush();
    this.putVoucher.flush();
    this.putFirstPayment.flush();
    this.putEntry.flush();
    this.dirty.length = 0;
  }

  trim(): void {
    this.cache.trim();
  }

  clear(): void {
    this.cache.clear();
    this.dirty.length = 0;
    this.putVoucher.clear();
    this.putFirstPayment.clear();
    this.putEntry.clear();
    this.vouchersWritten = null;
  }
}

/** What a stored flag's row counts by: red_flag_counts' areas and years (see red-flags.tables.ts). */
interface Counted {
  readonly rule: string;
  readonly unit: string;
  readonly district: string;
  readonly province: string;
  /** yyyymmdd */
  readonly effFrom: number;
  readonly effTo: number;
}

const sameCounted = (a: Counted, b: Counted) =>
  a.rule === b.rule && a.unit === b.unit && a.district === b.district && a.province === b.province && a.effFrom === b.effFrom && a.effTo === b.effTo;

/** The areas a flag counts in (the country, its unit, district and province) and the years (0: any period, then each calendar year its period overlaps). */
export function countedIn(f: Counted): { areas: string[]; years: number[] } {
  const years = [0];
  for (let y = Math.floor(f.effFrom / 10000); y <= Math.floor(f.effTo / 10000); y++) years.push(y);
  return { areas: ['', `unit:${f.unit}`, `district:${f.district}`, `province:${f.province}`], years };
}

type Statements =
  | 'insertFlag'
  | 'updateFlag'
  | 'updateFlagFigures'
  | 'deleteFlag'
  | 'deleteEvidence'
  | 'insertEvidence'
  | 'deleteOneEvidence'
  | 'setRole'
  | 'addCount'
  | 'putCarried'
  | 'insertReview'
  | 'counted'
  | 'reviewed'
  | 'addFlags'
  | 'dropNoFlags'
  | 'spans'
  | 'putSpan'
  | 'carriedOf'
  | 'lineDays'
  | 'unspentOf'
  | 'dropUnspent'
  | 'putUnspent'
  | 'unspentDaysFrom'
  | 'putUnspentDay'
  | 'dropUnspentDay';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Writes the fold's changes to the red-flag tables as it finds them. */
export class RedFlagsProjector implements Projector {
  private readonly docs: StateDocs;
  private readonly fold: RedFlagFold;
  /**
   * Per unit, then budget year, what the batch adds to the counts, added up in place: most disbursements bring a count,
   * and a new object for each (with its key text) cost a 1M rebuild 2.6 s more.
   */
  private readonly counts = new Map<string, Map<number, Mutable<UnitCount>>>();
  /** Per area, year, rule and review (joined by NUL), what the batch adds to red_flag_counts. */
  private readonly flagCounts = new Map<string, number>();
  /** Each rule's longest period, in days (red_flag_spans), read once; the rules whose span the batch raised. */
  private spans: Map<string, number> | null = null;
  private readonly raisedSpans = new Set<string>();
  /** The flags written to red_flags, and those reviewed (while the engine is the sole writer: the others are not). */
  private readonly stored: WrittenKeys<string>;
  private readonly reviewedFlags: WrittenKeys<string>;
  /** The fund-line streams the batch had events on: the carried ones among them get their unspent spans recomputed at flush. */
  private readonly touched = new Set<string>();
  private readonly graceDays: number | null;
  /**
   * In a lane of its own (ProjectorHost.ownLane), the lines' day rows are not there: the carried lines touched are kept
   * until the join (leftForJoin), and their unspent spans computed from the joined tables.
   */
  private readonly ownLane: boolean;
  private readonly s: Record<Statements, SqlStatement>;

  constructor(host: ProjectorHost) {
    const t = RED_FLAG_TABLES.in(host.schema);
    const db = host.db;
    this.docs = new StateDocs(host);
    this.stored = new WrittenKeys(host.sole);
    this.reviewedFlags = new WrittenKeys(host.sole);
    this.fold = new RedFlagFold(host.ctx, this.docs);
    this.graceDays = host.ctx.redFlagRules.active('carried-unspent-after-deadline')?.params.graceDays ?? null;
    this.ownLane = host.ownLane ?? false;
    const b = tablesIn(host.schema, BALANCE_TABLES, HISTORY_TABLES);
    this.s = {
      // A flag is inserted when it is not stored (upsert reads it: counted), else updated. An update that leaves what the
      // flag counts by as it was (its rule, place and period: the columns of red_flags' five indexes) sets only the other
      // columns, so that SQLite rewrites the row alone, not an entry in each index (it rewrites those of every index
      // naming a column set, changed or not).
      insertFlag: db.prepare(
        `INSERT INTO ${t.red_flags} (flag_id, rule, subject, unit, district, province, eff_from, eff_to, amount, facts, evidence_count, last_position)
         VALUES (${placeholders(12)})`,
      ),
      updateFlag: db.prepare(
        `UPDATE ${t.red_flags} SET rule = ?, subject = ?, unit = ?, district = ?, province = ?, eff_from = ?, eff_to = ?, amount = ?, facts = ?,
           evidence_count = ?, last_position = ? WHERE flag_id = ?`,
      ),
      updateFlagFigures: db.prepare(`UPDATE ${t.red_flags} SET subject = ?, amount = ?, facts = ?, evidence_count = ?, last_position = ? WHERE flag_id = ?`),
      deleteFlag: db.prepare(`DELETE FROM ${t.red_flags} WHERE flag_id = ?`),
      deleteEvidence: db.prepare(`DELETE FROM ${t.red_flag_evidence} WHERE flag_id = ?`),
      insertEvidence: db.prepare(`INSERT INTO ${t.red_flag_evidence} (flag_id, position, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
      deleteOneEvidence: db.prepare(`DELETE FROM ${t.red_flag_evidence} WHERE flag_id = ? AND position = ?`),
      setRole: db.prepare(`UPDATE ${t.red_flag_evidence} SET role = ? WHERE flag_id = ? AND position = ?`),
      addCount: db.prepare(
        `INSERT INTO ${t.red_flag_unit_counts} AS c (unit, budget_year, district, province, disbursements, reversals, disbursed, reversed)
         VALUES (${placeholders(8)})
         ON CONFLICT (unit, budget_year) DO UPDATE SET disbursements = c.disbursements + excluded.disbursements,
           reversals = c.reversals + excluded.reversals, disbursed = cents_add(c.disbursed, excluded.disbursed), reversed = cents_add(c.reversed, excluded.reversed)`,
      ),
      putCarried: db.prepare(
        `INSERT INTO ${t.red_flag_carried} (stream, unit, district, province, budget_year, deadline, carried, positions)
         VALUES (${placeholders(8)})
         ON CONFLICT (stream) DO UPDATE SET deadline = excluded.deadline, carried = excluded.carried, positions = excluded.positions`,
      ),
      counted: db.prepare(`SELECT rule, unit, district, province, eff_from, eff_to FROM ${t.red_flags} WHERE flag_id = ?`),
      reviewed: db.prepare(`SELECT 1 FROM ${t.red_flag_reviews} WHERE flag_id = ? LIMIT 1`).pluck(),
      addFlags: db.prepare(
        `INSERT INTO ${t.red_flag_counts} AS c (area, year, rule, reviewed, flags) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (area, year, rule, reviewed) DO UPDATE SET flags = c.flags + excluded.flags`,
      ),
      // A count back to 0 is no row: the table is then the same whatever the batches were.
      dropNoFlags: db.prepare(`DELETE FROM ${t.red_flag_counts} WHERE area = ? AND year = ? AND rule = ? AND reviewed = ? AND flags = 0`),
      spans: db.prepare(`SELECT rule, days FROM ${t.red_flag_spans}`),
      putSpan: db.prepare(`INSERT INTO ${t.red_flag_spans} (rule, days) VALUES (?, ?) ON CONFLICT (rule) DO UPDATE SET days = excluded.days`),
      carriedOf: db.prepare(
        `SELECT c.stream, c.unit, c.district, c.province, c.deadline, l.line_id FROM ${t.red_flag_carried} c LEFT JOIN ${b.lines} l ON l.stream = c.stream
         WHERE c.stream IN (SELECT value FROM json_each(?)) ORDER BY c.stream`,
      ),
      // A line's day rows from its last one on or before a day on.
      lineDays: db
        .prepare(
          `SELECT eff, ${MEASURE_COLUMNS.join(', ')} FROM ${b.line_days} WHERE line_id = ? AND eff >= coalesce((SELECT max(eff) FROM ${b.line_days} WHERE line_id = ? AND eff <= ?), 0) ORDER BY eff`,
        )
        .safeIntegers(true),
      unspentOf: db.prepare(`SELECT from_day, to_day, flag_id, unit, district, province, deadline FROM ${t.red_flag_unspent} WHERE stream = ? ORDER BY from_day`),
      dropUnspent: db.prepare(`DELETE FROM ${t.red_flag_unspent} WHERE stream = ?`),
      putUnspent: db.prepare(
        `INSERT INTO ${t.red_flag_unspent} (stream, from_day, to_day, flag_id, unit, district, province, deadline) VALUES (${placeholders(8)})`,
      ),
      unspentDaysFrom: db.prepare(
        `SELECT day, flags FROM ${t.red_flag_unspent_days} WHERE area = ? AND deadline = ?
           AND day >= coalesce((SELECT max(day) FROM ${t.red_flag_unspent_days} WHERE area = ? AND deadline = ? AND day < ?), 0) ORDER BY day`,
      ),
      putUnspentDay: db.prepare(
        `INSERT INTO ${t.red_flag_unspent_days} (area, deadline, day, flags) VALUES (?, ?, ?, ?) ON CONFLICT (area, deadline, day) DO UPDATE SET flags = excluded.flags`,
      ),
      dropUnspentDay: db.prepare(`DELETE FROM ${t.red_flag_unspent_days} WHERE area = ? AND deadline = ? AND day = ?`),
      insertReview: db.prepare(
        `INSERT INTO ${t.red_flag_reviews} (position, flag_id, rule, note, actor, actor_role, recorded_at, eff, evidence_count, last_evidence_position)
         VALUES (${placeholders(10)})`,
      ),
    };
  }

  apply(event: RecordedEvent): void {
    for (const c of this.fold.apply(event)) this.write(c);
    if (this.graceDays !== null && FUND_LINE_TYPES.has(event.type)) this.touched.add(event.stream);
  }

  private write(c: RedFlagChange): void {
    switch (c.op) {
      case 'put':
        // A flag never stored has no evidence rows (a hidden one was stored, and keeps them).
        if (this.stored.mayBeStored(c.flag.id)) this.s.deleteEvidence.run(c.flag.id);
        this.upsert(c.flag);
        for (const x of c.evidence) this.s.insertEvidence.run(c.flag.id, x.position, x.role);
        return;
      case 'add':
        this.upsert(c.flag);
        for (const x of c.evidence) this.s.insertEvidence.run(c.flag.id, x.position, x.role);
        return;
      case 'remove':
        this.upsert(c.flag);
        for (const p of c.positions) this.s.deleteOneEvidence.run(c.flag.id, p);
        return;
      case 'drop':
        this.s.deleteEvidence.run(c.id);
        this.uncount(c.id);
        this.s.deleteFlag.run(c.id);
        return;
      case 'hide':
        // Its evidence rows stay, unseen (the lists join from red_flags), for when it holds again.
        this.uncount(c.id);
        this.s.deleteFlag.run(c.id);
        return;
      case 'role':
        this.s.setRole.run(c.role, c.id, c.position);
        return;
      case 'count': {
        // Added up over the batch, written at its end.
        const n = c.count;
        let years = this.counts.get(n.unit);
        if (!years) this.counts.set(n.unit, (years = new Map()));
        const held = years.get(n.budgetYear);
        if (!held) {
          years.set(n.budgetYear, { ...n });
          return;
        }
        held.disbursements += n.disbursements;
        held.reversals += n.reversals;
        if (n.disbursed !== 0n) held.disbursed += n.disbursed;
        if (n.reversed !== 0n) held.reversed += n.reversed;
        return;
      }
      case 'carried': {
        const l = c.line;
        this.s.putCarried.run(l.stream, l.unit, l.district, l.province, l.budgetYear, dateToInt(l.deadline), centsParam(l.carried), JSON.stringify(l.positions));
        return;
      }
      case 'review': {
        const r = c.review;
        // Its first review moves a stored flag from the unreviewed counts to the reviewed ones.
        if (!this.isReviewed(r.flagId)) {
          const was = this.counted(r.flagId);
          if (was) {
            this.count(was, false, -1);
            this.count(was, true, 1);
          }
        }
        this.s.insertReview.run(r.position, r.flagId, r.rule, r.note, r.actorId, r.actorRole, r.recordedAt, dateToInt(r.effectiveDate), r.evidenceCount, r.lastEvidencePosition);
        this.reviewedFlags.add(r.flagId);
        return;
      }
    }
  }

  /** Adds a flag to (sign 1) or takes it off (-1) the batch's counts. */
  private count(f: Counted, reviewed: boolean, sign: 1 | -1): void {
    const { areas, years } = countedIn(f);
    for (const area of areas) {
      for (const year of years) {
        const key = `${area}\u0000${year}\u0000${f.rule}\u0000${reviewed ? 1 : 0}`;
        this.flagCounts.set(key, (this.flagCounts.get(key) ?? 0) + sign);
      }
    }
  }

  /** What a stored flag counts by, or undefined when it is not stored. */
  private counted(id: string): Counted | undefined {
    const r = this.stored.mayBeStored(id) ? (this.s.counted.get(id) as Row | undefined) : undefined;
    return r && { rule: str(r.rule), unit: str(r.unit), district: str(r.district), province: str(r.province), effFrom: num(r.eff_from), effTo: num(r.eff_to) };
  }

  /** Takes a stored flag about to be deleted off the counts. */
  private uncount(id: string): void {
    const was = this.counted(id);
    if (was) this.count(was, this.isReviewed(id), -1);
  }

  /** Whether a flag has a review stored. */
  private isReviewed(id: string): boolean {
    return this.reviewedFlags.mayBeStored(id) && this.s.reviewed.get(id) !== undefined;
  }

  private raiseSpan(f: FlagRecord): void {
    if (!this.spans) this.spans = new Map((this.s.spans.all() as Row[]).map((r) => [str(r.rule), num(r.days)]));
    const days = daysBetween(f.effFrom, f.effTo);
    if (days > (this.spans.get(f.rule) ?? -1)) {
      this.spans.set(f.rule, days);
      this.raisedSpans.add(f.rule);
    }
  }

  private upsert(f: FlagRecord): void {
    const now: Counted = { rule: f.rule, unit: f.unit, district: f.district, province: f.province, effFrom: dateToInt(f.effFrom), effTo: dateToInt(f.effTo) };
    const was = this.counted(f.id);
    if (!was || !sameCounted(was, now)) {
      const reviewed = this.isReviewed(f.id);
      if (was) this.count(was, reviewed, -1);
      this.count(now, reviewed, 1);
      this.raiseSpan(f);
    }
    this.stored.add(f.id);
    const amount = f.amount === null ? null : centsParam(f.amount);
    const facts = JSON.stringify(f.facts);
    if (!was) this.s.insertFlag.run(f.id, f.rule, f.subject, f.unit, f.district, f.province, now.effFrom, now.effTo, amount, facts, f.evidenceCount, f.lastPosition);
    else if (sameCounted(was, now)) this.s.updateFlagFigures.run(f.subject, amount, facts, f.evidenceCount, f.lastPosition, f.id);
    else this.s.updateFlag.run(f.rule, f.subject, f.unit, f.district, f.province, now.effFrom, now.effTo, amount, facts, f.evidenceCount, f.lastPosition, f.id);
  }

  /**
   * The unspent spans of the carried lines the batch touched, from their day rows as the history's flush left them
   * (it runs before this one): a line's rows replaced when they changed, and the per-area counts by day moved by the difference.
   */
  private flushUnspent(): void {
    if (this.touched.size === 0 || this.graceDays === null) return;
    const grace = this.graceDays;
    const changes = new Map<string, { area: string; deadline: number; days: Map<number, number> }>();
    const move = (u: UnspentSpans, sign: 1 | -1) => {
      for (const area of u.areas) {
        const key = `${area}\u0000${u.deadline}`;
        let c = changes.get(key);
        if (!c) {
          c = { area, deadline: u.deadline, days: new Map() };
          changes.set(key, c);
        }
        for (const span of u.spans) {
          c.days.set(span.from, (c.days.get(span.from) ?? 0) + sign);
          if (span.to !== OPEN_END) c.days.set(span.to, (c.days.get(span.to) ?? 0) - sign);
        }
      }
    };
    for (const r of this.s.carriedOf.all(JSON.stringify([...this.touched])) as Row[]) {
      const stream = str(r.stream);
      const deadline = num(r.deadline);
      const start = firstFlaggedDay(deadline, grace);
      const days =
        r.line_id === null || r.line_id === undefined
          ? []
          : (this.s.lineDays.all(r.line_id, r.line_id, start) as Row[]).map((d) => ({ eff: Number(d.eff), unspent: unspentOf(measuresFromRow(d)) }));
      const now: UnspentSpans = {
        flagId: flagId('carried-unspent-after-deadline', stream, intToDate(deadline)),
        areas: ['', `unit:${str(r.unit)}`, `district:${str(r.district)}`, `province:${str(r.province)}`],
        deadline,
        spans: unspentSpans(start, days),
      };
      const rows = this.s.unspentOf.all(stream) as Row[];
      const was: UnspentSpans | null =
        rows.length === 0
          ? null
          : {
              flagId: str(rows[0].flag_id),
              areas: ['', `unit:${str(rows[0].unit)}`, `district:${str(rows[0].district)}`, `province:${str(rows[0].province)}`],
              deadline: num(rows[0].deadline),
              spans: rows.map((x) => ({ from: num(x.from_day), to: num(x.to_day) })),
            };
      if (was && JSON.stringify(was) === JSON.stringify(now)) continue;
      if (was) {
        move(was, -1);
        this.s.dropUnspent.run(stream);
      }
      move(now, 1);
      for (const span of now.spans) this.s.putUnspent.run(stream, span.from, span.to, now.flagId, str(r.unit), str(r.district), str(r.province), deadline);
    }
    for (const { area, deadline, days } of changes.values()) {
      for (const [day, n] of days) if (n === 0) days.delete(day);
      if (days.size === 0) continue;
      const first = Math.min(...days.keys());
      const rows = (this.s.unspentDaysFrom.all(area, deadline, area, deadline, first) as Row[]).map((x) => ({ day: num(x.day), value: num(x.flags) }));
      const { put, drop } = restep(rows, days);
      for (const x of put) this.s.putUnspentDay.run(area, deadline, x.day, x.value);
      for (const day of drop) this.s.dropUnspentDay.run(area, deadline, day);
    }
  }

  flush(): void {
    if (!this.ownLane) {
      this.flushUnspent();
      this.touched.clear();
    }
    this.docs.flush();
    for (const years of this.counts.values()) {
      for (const n of years.values()) this.s.addCount.run(n.unit, n.budgetYear, n.district, n.province, n.disbursements, n.reversals, centsParam(n.disbursed), centsParam(n.reversed));
    }
    this.counts.clear();
    for (const [key, n] of this.flagCounts) {
      if (n === 0) continue;
      const [area, year, rule, reviewed] = key.split('\u0000');
      this.s.addFlags.run(area, Number(year), rule, Number(reviewed), n);
      if (n < 0) this.s.dropNoFlags.run(area, Number(year), rule, Number(reviewed));
    }
    this.flagCounts.clear();
    for (const rule of this.raisedSpans) this.s.putSpan.run(rule, (this.spans as Map<string, number>).get(rule));
    this.raisedSpans.clear();
  }

  committed(): void {
    this.docs.trim();
  }

  /** The fund-line streams touched in the lane: their unspent spans, once the lines' day rows are joined. */
  leftForJoin(): string[] {
    return [...this.touched];
  }

  joinLane(streams: unknown): void {
    for (const stream of streams as string[]) this.touched.add(stream);
  }

  reload(): void {
    this.touched.clear();
    this.docs.clear();
    this.counts.clear();
    this.flagCounts.clear();
    this.spans = null;
    this.raisedSpans.clear();
    this.stored.clear();
    this.reviewedFlags.clear();
  }
}
