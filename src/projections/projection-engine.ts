import type Database from 'better-sqlite3';
import type { EventMetadata, FundLineKey, RecordedEvent } from '../../events';
import { ACTIVITY_EVENT_TYPES, FUND_LINE_EVENT_TYPES } from '../../events';
import {
  ACTIVITY_PROGRESS_STATUSES,
  ActivityFact,
  ActivityProgress,
  EMPTY_PROGRESS,
  ProgressGroupKey,
  ProgressTotals,
  activityStatus,
  applyToTotals,
  evolveActivityProgress,
  initialActivityProgress,
  moneyFact,
  progressGroupOf,
  replaceInTotals,
} from '../../projections/activity-progress';
import type { LineDimensions, ProjectionContext } from '../../projections/context';
import { dateToInt, lineDimensions } from '../../projections/context';
import { ADJUSTMENT_EVENT_TYPES, Adjustment, DecisionSummary, adjustmentOf, decisionKey, decisionOf, evolveDecision } from '../../projections/decision-trail';
import { FundLineBalance, MEASURES, MeasureDelta, Measures, ZERO_MEASURES, addMeasures, evolveFundLineBalance } from '../../projections/fund-line-balance';
import { historyEntry } from '../../projections/fund-line-history';
import type { RecordedActivityEvent, RecordedFundLineEvent, RecordedLedger } from '../../projections/recorded';
import { GenerationTables, LineColumn, ROLLUP_GRAINS, ReadModelDb, tablesOf } from './read-model-db';
import { deltaColumns, measuresFromRow, parseActivity, progressTotalsFromRow, serializeActivity } from './rows';

const FUND_LINE_TYPES = new Set<string>(FUND_LINE_EVENT_TYPES);
const ACTIVITY_TYPES = new Set<string>(ACTIVITY_EVENT_TYPES);
const ADJUSTMENT_TYPES = new Set<string>(ADJUSTMENT_EVENT_TYPES);

/** Another process made a different generation live (a rebuild finished): this engine's tables are gone. */
export class GenerationChanged extends Error {
  constructor(
    readonly expected: number,
    readonly live: number | null,
  ) {
    super(`read-model generation ${expected} is no longer live (live: ${live ?? 'none'})`);
    this.name = 'GenerationChanged';
  }
}

export interface EngineOptions {
  /** A live engine checks, inside each batch, that its generation is still the live one. */
  readonly checkGeneration: boolean;
  /** Test hook, called inside the batch transaction after each event: throw to simulate a crash mid-batch. */
  readonly afterEvent?: (event: RecordedEvent) => void;
  /** Documents kept in memory between batches, per kind (lines, activities...). */
  readonly cacheSize?: number;
}

/**
 * A small two-generation cache: recent documents stay, old ones age out when it grows past its limit.
 * Only trimmed after a commit, so a document changed in the batch is never dropped before it is written.
 */
class DocCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.young.set(key, o);
    return o;
  }
  set(key: string, value: V): void {
    this.young.set(key, value);
  }
  trim(): void {
    if (this.young.size > this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
  }
  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }
}

/** A line's document, and what it was when the batch first touched it (roll-ups move by the difference). */
interface LineHolder {
  readonly id: number;
  readonly dims: LineDimensions;
  /** The line's key in each roll-up grain, in the order of ROLLUP_GRAINS. */
  readonly rollupKeys: readonly string[];
  doc: FundLineBalance;
  before: FundLineBalance | null;
  touched: boolean;
}

interface RollupHolder {
  readonly key: string;
  readonly dims: LineDimensions;
  measures: Measures;
  eventCount: number;
  lineCount: number;
}

/** An activity's document (null: never seen), and what it was when the batch first touched it. */
interface ActivityHolder {
  doc: ActivityProgress | null;
  before: ActivityProgress | null;
  touched: boolean;
  /** Something besides money changed in this batch: the stored document is rewritten, not only its money columns. */
  docChanged: boolean;
}

interface GroupHolder {
  readonly key: string;
  readonly group: ProgressGroupKey;
  totals: ProgressTotals;
}

interface DecisionHolder {
  readonly id: number;
  summary: DecisionSummary | null;
  touched: boolean;
}

type Grain = 'district' | 'province';
const GRAINS: readonly Grain[] = ['district', 'province'];

const DIMENSION_OF: Readonly<Record<LineColumn, keyof LineDimensions>> = {
  programme: 'programme',
  component: 'component',
  content: 'content',
  budget_year: 'budgetYear',
  origin_year: 'originYear',
  source: 'source',
  capital_type: 'capitalType',
  unit: 'unit',
  district: 'district',
  province: 'province',
  sub_project: 'subProject',
  project: 'project',
};

const rollupKeysOf = (d: LineDimensions): string[] => ROLLUP_GRAINS.map((g) => g.identity.map((c) => d[DIMENSION_OF[c]]).join('|'));

/** A district-grain key names the province too: lines and activities held by a province have no district. */
const groupKey = (g: ProgressGroupKey, grain: Grain): string =>
  grain === 'district' ? `${g.programme}|${g.component}|${g.kind}|${g.district}|${g.province}` : `${g.programme}|${g.component}|${g.kind}|${g.province}`;

function keyOf(d: LineDimensions): FundLineKey {
  return {
    programme: d.programme,
    component: d.component,
    ...(d.content ? { content: d.content } : {}),
    budgetYear: d.budgetYear,
    originYear: d.originYear,
    source: d.source,
    capitalType: d.capitalType,
    unit: d.unit,
  };
}

function difference(after: Measures, before: Measures): MeasureDelta {
  const out: { -readonly [K in keyof Measures]?: bigint } = {};
  for (const k of MEASURES) if (after[k] !== before[k]) out[k] = after[k] - before[k];
  return out;
}

const measureParams = (m: Measures): bigint[] => MEASURES.map((k) => m[k]);

/** A flat map as JSON with its keys sorted: group totals are sums, whatever order their parts arrived in. */
function sortedJson(map: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(map).sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = map[k];
  return JSON.stringify(out);
}

function basisIssuer(b: RecordedEvent['metadata']['legalBasis']): string | null {
  return b.kind === 'voucher' ? b.treasury : b.kind === 'decision' ? b.issuer : (b.issuer ?? b.title);
}

/**
 * Applies events to every read model of one generation. Each batch is one SQLite transaction that also
 * moves the checkpoint: either the whole batch and its checkpoint are stored, or neither is, so a crash
 * never applies an event twice or skips one. The folds are the pure functions of projections/; this class
 * loads their documents, hands them the events, and writes the results back at the end of the batch.
 * Roll-ups (district, province) and progress groups are sums of documents, so they move by each touched
 * document's change over the batch.
 */
export class ProjectionEngine {
  readonly tables: GenerationTables;
  private position_ = 0;
  private events_ = 0;
  /** Position and count reached inside the open transaction, published by a commit. */
  private pendingPosition = 0;
  private pendingCount = 0;
  private nextLineId = 1;
  private nextDecisionId = 1;

  private readonly lines: DocCache<LineHolder | null>;
  private readonly activities: DocCache<ActivityHolder>;
  private readonly rollups: DocCache<RollupHolder>[];
  private readonly groups: Record<Grain, DocCache<GroupHolder>>;
  private readonly decisions: DocCache<DecisionHolder>;

  private readonly touchedLines: LineHolder[] = [];
  private readonly touchedActivities: Array<[string, ActivityHolder]> = [];
  private readonly touchedDecisions: DecisionHolder[] = [];

  private readonly s: Record<string, Database.Statement>;
  private readonly rollupStatements: ReadonlyArray<{ get: Database.Statement; upsert: Database.Statement; columns: ReadonlyArray<keyof LineDimensions> }>;
  private readonly runBatch: (events: Iterable<RecordedEvent>) => void;

  constructor(
    private readonly rm: ReadModelDb,
    readonly generation: number,
    private readonly ctx: ProjectionContext,
    private readonly options: EngineOptions,
  ) {
    rm.attach(generation);
    const t = (this.tables = tablesOf(generation));
    const db = rm.db;
    const size = options.cacheSize ?? 200_000;
    this.lines = new DocCache(size);
    this.activities = new DocCache(size);
    this.rollups = ROLLUP_GRAINS.map(() => new DocCache<RollupHolder>(size));
    this.groups = { district: new DocCache(size), province: new DocCache(size) };
    this.decisions = new DocCache(size);
    const measureCols = 'assigned, increased, decreased, moved_in, moved_out, carried_in, carried_out, returned, allocated, disbursed';
    const measureSet = measureCols
      .split(', ')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    const q = (n: number) => Array.from({ length: n }, () => '?').join(', ');
    const progressCols = (grainCols: string) =>
      `key, programme, component, kind, ${grainCols}, sub_project, project, activities, n_registered, n_allocated, n_disbursing, n_completed, allocated, disbursed, beneficiaries, targets, outputs`;
    const progressUpsert = (table: string, grainCols: string) =>
      db.prepare(
        `INSERT INTO ${table} (${progressCols(grainCols)}) VALUES (${q(progressCols(grainCols).split(',').length)})
         ON CONFLICT (key) DO UPDATE SET activities = excluded.activities, n_registered = excluded.n_registered,
           n_allocated = excluded.n_allocated, n_disbursing = excluded.n_disbursing, n_completed = excluded.n_completed,
           allocated = excluded.allocated, disbursed = excluded.disbursed, beneficiaries = excluded.beneficiaries,
           targets = excluded.targets, outputs = excluded.outputs`,
      );
    this.s = {
      liveGeneration: db.prepare("SELECT value FROM read_model_meta WHERE key = 'generation'").pluck(),
      checkpoint: db.prepare(`SELECT position, events FROM ${t.checkpoint} WHERE id = 1`),
      setCheckpoint: db.prepare(`UPDATE ${t.checkpoint} SET position = ?, events = ? WHERE id = 1`),
      maxLineId: db.prepare(`SELECT coalesce(max(line_id), 0) FROM ${t.lines}`).pluck(),
      maxDecisionId: db.prepare(`SELECT coalesce(max(decision_id), 0) FROM ${t.decisions}`).pluck(),
      lineByStream: db.prepare(`SELECT * FROM ${t.lines} WHERE stream = ?`).safeIntegers(true),
      upsertLine: db.prepare(
        `INSERT INTO ${t.lines} (line_id, stream, programme, component, content, budget_year, origin_year, source, capital_type,
           unit, district, province, sub_project, project, ${measureCols}, event_count, last_position)
         VALUES (${q(26)})
         ON CONFLICT (line_id) DO UPDATE SET ${measureSet}, event_count = excluded.event_count, last_position = excluded.last_position`,
      ),

      insertEntry: db.prepare(
        `INSERT INTO ${t.entries} (position, line_id, eff, rec, recorded_at, type, amount, activity_id, reference, counterpart, details,
           actor, actor_role, command, basis_kind, basis_number, basis_date, basis_issuer, decision_id, m1, d1, m2, d2)
         VALUES (${q(23)})`,
      ),
      activityById: db.prepare(`SELECT doc, allocated, disbursed, last_position FROM ${t.activities} WHERE activity_id = ?`).safeIntegers(true),
      updateActivityMoney: db.prepare(`UPDATE ${t.activities} SET status = ?, allocated = ?, disbursed = ?, last_position = ? WHERE activity_id = ?`),
      upsertActivity: db.prepare(
        `INSERT INTO ${t.activities} (activity_id, registered, programme, component, kind, unit, district, province, status,
           allocated, disbursed, last_position, doc)
         VALUES (${q(13)})
         ON CONFLICT (activity_id) DO UPDATE SET registered = excluded.registered, programme = excluded.programme,
           component = excluded.component, kind = excluded.kind, unit = excluded.unit, district = excluded.district,
           province = excluded.province, status = excluded.status, allocated = excluded.allocated, disbursed = excluded.disbursed,
           last_position = excluded.last_position, doc = excluded.doc`,
      ),
      insertActivityEntry: db.prepare(
        `INSERT INTO ${t.activity_entries} (position, activity_id, eff, rec, recorded_at, type, data, actor, actor_role, command,
           basis_kind, basis_number, basis_date, basis_issuer, decision_id)
         VALUES (${q(15)})`,
      ),
      insertActivityComponent: db.prepare(`INSERT OR IGNORE INTO ${t.activity_components} (component, activity_id) VALUES (?, ?)`),
      groupDistrict: db.prepare(`SELECT * FROM ${t.progress_district} WHERE key = ?`).safeIntegers(true),
      groupProvince: db.prepare(`SELECT * FROM ${t.progress_province} WHERE key = ?`).safeIntegers(true),
      upsertGroupDistrict: progressUpsert(t.progress_district, 'district, province'),
      upsertGroupProvince: progressUpsert(t.progress_province, 'province'),
      decisionByRef: db.prepare(`SELECT * FROM ${t.decisions} WHERE number = ? AND issuer = ? AND date = ?`),
      upsertDecision: db.prepare(
        `INSERT INTO ${t.decisions} (decision_id, number, issuer, date, event_count, first_position, last_position,
           first_recorded_at, last_recorded_at, first_effective_date, last_effective_date, by_type)
         VALUES (${q(12)})
         ON CONFLICT (decision_id) DO UPDATE SET event_count = excluded.event_count, last_position = excluded.last_position,
           last_recorded_at = excluded.last_recorded_at, first_effective_date = excluded.first_effective_date,
           last_effective_date = excluded.last_effective_date, by_type = excluded.by_type`,
      ),
      insertAdjustment: db.prepare(
        `INSERT INTO ${t.adjustments} (position, kind, reference, eff, rec, recorded_at, actor, actor_role, decision_id, unit, district,
           province, component, other_component, stream, activity_id, amount, from_kind, to_kind, counterpart, reason,
           recorded_days_after_effect, activity_disbursed_before)
         VALUES (${q(23)})`,
      ),
    };
    this.rollupStatements = ROLLUP_GRAINS.map((g) => {
      const dims = [...g.identity, ...g.derived];
      return {
        get: db.prepare(`SELECT * FROM ${t[g.table]} WHERE key = ?`).safeIntegers(true),
        upsert: db.prepare(
          `INSERT INTO ${t[g.table]} (key, ${dims.join(', ')}, ${measureCols}, event_count, line_count) VALUES (${q(dims.length + 13)})
           ON CONFLICT (key) DO UPDATE SET ${measureSet}, event_count = excluded.event_count, line_count = excluded.line_count`,
        ),
        columns: dims.map((c) => DIMENSION_OF[c]),
      };
    });
    this.runBatch = db.transaction((events: Iterable<RecordedEvent>) => this.applyInTransaction(events));
    this.reload();
  }

  /** Global position of the last event applied and committed. */
  get position(): number {
    return this.position_;
  }

  /** Events applied to this generation so far (ledger events and others). */
  get eventCount(): number {
    return this.events_;
  }

  /**
   * Applies a batch in one transaction. Events at or before the checkpoint are skipped, so a batch may be
   * delivered twice. On any error nothing of the batch is stored and the engine reloads from its checkpoint.
   */
  apply(events: Iterable<RecordedEvent>): number {
    if (Array.isArray(events) && events.length === 0) return this.position_;
    try {
      this.rm.assertFree();
      this.runBatch(events);
    } catch (error) {
      // This generation's tables may be gone: nothing to reload, the runner opens the live one.
      if (!(error instanceof GenerationChanged)) this.reload();
      throw error;
    }
    this.afterCommit();
    return this.position_;
  }

  /**
   * Applies a stream of pages in transactions of about `batchSize` events (whole pages), each committed with its
   * checkpoint. A transaction stays open while the next page is read, so the connection is held for the whole
   * stream: a rebuild fills a generation nobody reads, on a connection of its own (ReadModelDb.hold refuses other
   * transactions on it meanwhile). On any error the open batch is rolled back and the engine reloads.
   */
  async applyStream(pages: AsyncIterable<readonly RecordedEvent[]>, batchSize: number, onCommit?: () => void): Promise<void> {
    const release = this.rm.hold('a rebuild streaming the log');
    let open = false;
    let inBatch = 0;
    const commit = () => {
      this.finishBatch();
      this.rm.db.exec('COMMIT');
      open = false;
      inBatch = 0;
      this.afterCommit();
      onCommit?.();
    };
    try {
      for await (const page of pages) {
        if (!open) {
          this.rm.db.exec('BEGIN');
          open = true;
          this.startBatch();
        }
        this.addEvents(page);
        inBatch += page.length;
        if (inBatch >= batchSize) commit();
      }
      if (open) commit();
    } catch (error) {
      if (this.rm.db.inTransaction) this.rm.db.exec('ROLLBACK');
      this.reload();
      throw error;
    } finally {
      release();
    }
  }

  private afterCommit(): void {
    this.position_ = this.pendingPosition;
    this.events_ = this.pendingCount;
    this.lines.trim();
    this.activities.trim();
    this.decisions.trim();
    for (const r of this.rollups) r.trim();
    for (const g of GRAINS) this.groups[g].trim();
  }

  /** Forgets everything held in memory and reads the checkpoint and id counters back from the database. */
  reload(): void {
    this.lines.clear();
    this.activities.clear();
    this.decisions.clear();
    for (const r of this.rollups) r.clear();
    for (const g of GRAINS) this.groups[g].clear();
    this.touchedLines.length = 0;
    this.touchedActivities.length = 0;
    this.touchedDecisions.length = 0;
    const cp = this.s.checkpoint.get() as { position: number; events: number } | undefined;
    this.position_ = cp?.position ?? 0;
    this.events_ = cp?.events ?? 0;
    this.pendingPosition = this.position_;
    this.pendingCount = this.events_;
    this.nextLineId = (this.s.maxLineId.get() as number) + 1;
    this.nextDecisionId = (this.s.maxDecisionId.get() as number) + 1;
  }

  private applyInTransaction(events: Iterable<RecordedEvent>): void {
    this.startBatch();
    this.addEvents(events);
    this.finishBatch();
  }

  private startBatch(): void {
    if (this.options.checkGeneration) {
      const live = this.s.liveGeneration.get() as string | undefined;
      if (live === undefined || Number(live) !== this.generation) throw new GenerationChanged(this.generation, live === undefined ? null : Number(live));
    }
    // Another runner on the same generation may have moved on: start from what is stored, not what we remember.
    const stored = this.s.checkpoint.get() as { position: number; events: number };
    if (stored.position !== this.position_) this.reload();
    this.pendingPosition = this.position_;
    this.pendingCount = this.events_;
  }

  private addEvents(events: Iterable<RecordedEvent>): void {
    let position = this.pendingPosition;
    let count = this.pendingCount;
    for (const e of events) {
      if (e.position <= position) continue;
      if (FUND_LINE_TYPES.has(e.type)) this.applyFundLineEvent(e as RecordedFundLineEvent);
      else if (ACTIVITY_TYPES.has(e.type)) this.applyActivityEvent(e as RecordedActivityEvent);
      position = e.position;
      count += 1;
      this.pendingPosition = position;
      this.pendingCount = count;
      this.options.afterEvent?.(e);
    }
  }

  private finishBatch(): void {
    this.flush();
    this.s.setCheckpoint.run(this.pendingPosition, this.pendingCount);
  }

  private applyFundLineEvent(e: RecordedFundLineEvent): void {
    const m = e.metadata;
    const decisionId = m.legalBasis.kind === 'decision' ? this.recordDecision(e) : null;
    const line = this.line(e);
    const entry = historyEntry(e);
    const delta = entry.delta;
    if (!line.touched) {
      line.touched = true;
      line.before = line.doc;
      this.touchedLines.push(line);
    }
    line.doc = evolveFundLineBalance(line.doc, e, delta);
    const [m1, d1, m2, d2] = deltaColumns(delta);
    this.s.insertEntry.run(
      e.position,
      line.id,
      dateToInt(m.effectiveDate),
      Date.parse(m.recordedAt),
      m.recordedAt,
      e.type,
      entry.amount,
      entry.activityId ?? null,
      entry.reference ?? null,
      entry.counterpart ?? null,
      entry.details ? JSON.stringify(entry.details) : null,
      ...provenance(m, decisionId),
      m1,
      d1,
      m2,
      d2,
    );
    let before: ActivityProgress | null = null;
    if (entry.activityId) {
      const holder = this.activity(entry.activityId);
      before = holder.doc;
      this.evolveActivity(entry.activityId, holder, moneyFact(e.position, m.effectiveDate, entry.activityId, delta));
    }
    if (ADJUSTMENT_TYPES.has(e.type)) this.insertAdjustment(adjustmentOf(e, this.ctx, before), decisionId);
  }

  private applyActivityEvent(e: RecordedActivityEvent): void {
    const m = e.metadata;
    const decisionId = m.legalBasis.kind === 'decision' ? this.recordDecision(e) : null;
    const id = e.data.activityId;
    const holder = this.activity(id);
    const before = holder.doc;
    this.evolveActivity(id, holder, { fact: 'event', position: e.position, effectiveDate: m.effectiveDate, type: e.type, data: e.data });
    this.s.insertActivityEntry.run(
      e.position,
      id,
      dateToInt(m.effectiveDate),
      Date.parse(m.recordedAt),
      m.recordedAt,
      e.type,
      JSON.stringify(e.data),
      ...provenance(m, decisionId),
    );
    if (e.type === 'ActivityRegistered') this.s.insertActivityComponent.run(e.data.component, id);
    if (e.type === 'ActivityReclassified') {
      this.s.insertActivityComponent.run(e.data.fromComponent, id);
      this.s.insertActivityComponent.run(e.data.toComponent, id);
    }
    if (ADJUSTMENT_TYPES.has(e.type)) this.insertAdjustment(adjustmentOf(e as RecordedLedger, this.ctx, before), decisionId);
  }

  private insertAdjustment(a: Adjustment | null, decisionId: number | null): void {
    if (!a) return;
    this.s.insertAdjustment.run(
      a.position,
      a.kind,
      a.reference,
      dateToInt(a.effectiveDate),
      Date.parse(a.recordedAt),
      a.recordedAt,
      a.actorId,
      a.actorRole,
      decisionId,
      a.unit,
      a.district,
      a.province,
      a.component,
      a.otherComponent,
      a.stream,
      a.activityId,
      a.amount,
      a.fromKind,
      a.toKind,
      a.counterpart,
      a.reason,
      a.recordedDaysAfterEffect,
      a.activityDisbursedBefore,
    );
  }

  // ---- fund lines ----

  private line(e: RecordedFundLineEvent): LineHolder {
    const cached = this.lines.get(e.stream);
    if (cached) return cached;
    const row = this.s.lineByStream.get(e.stream) as Record<string, unknown> | undefined;
    let holder: LineHolder;
    if (row) {
      const dims: LineDimensions = {
        programme: row.programme as string,
        component: row.component as string,
        content: row.content as string,
        budgetYear: Number(row.budget_year),
        originYear: Number(row.origin_year),
        source: row.source as string,
        capitalType: row.capital_type as string,
        unit: row.unit as string,
        district: row.district as string,
        province: row.province as string,
        subProject: row.sub_project as string,
        project: row.project as string,
      };
      holder = {
        id: Number(row.line_id),
        dims,
        rollupKeys: rollupKeysOf(dims),
        doc: {
          stream: e.stream,
          key: keyOf(dims),
          measures: measuresFromRow(row),
          eventCount: Number(row.event_count),
          lastPosition: Number(row.last_position),
        },
        before: null,
        touched: false,
      };
    } else {
      const dims = lineDimensions(e.data.line, this.ctx);
      holder = {
        id: this.nextLineId++,
        dims,
        rollupKeys: rollupKeysOf(dims),
        doc: { stream: e.stream, key: e.data.line, measures: ZERO_MEASURES, eventCount: 0, lastPosition: 0 },
        before: null,
        touched: false,
      };
    }
    this.lines.set(e.stream, holder);
    return holder;
  }

  private rollup(grain: number, key: string, dims: LineDimensions): RollupHolder {
    const cache = this.rollups[grain];
    const cached = cache.get(key);
    if (cached) return cached;
    const row = this.rollupStatements[grain].get.get(key) as Record<string, unknown> | undefined;
    const holder: RollupHolder = row
      ? { key, dims, measures: measuresFromRow(row), eventCount: Number(row.event_count), lineCount: Number(row.line_count) }
      : { key, dims, measures: ZERO_MEASURES, eventCount: 0, lineCount: 0 };
    cache.set(key, holder);
    return holder;
  }

  // ---- activities ----

  private activity(id: string): ActivityHolder {
    const cached = this.activities.get(id);
    if (cached) return cached;
    const row = this.s.activityById.get(id) as { doc: string; allocated: bigint; disbursed: bigint; last_position: bigint } | undefined;
    const holder: ActivityHolder = {
      doc: row === undefined ? null : parseActivity(id, row.doc, row.allocated, row.disbursed, Number(row.last_position)),
      before: null,
      touched: false,
      docChanged: false,
    };
    this.activities.set(id, holder);
    return holder;
  }

  private evolveActivity(id: string, holder: ActivityHolder, fact: ActivityFact): void {
    if (!holder.touched) {
      holder.touched = true;
      holder.before = holder.doc;
      holder.docChanged = holder.doc === null;
      this.touchedActivities.push([id, holder]);
    }
    if (fact.fact === 'event') holder.docChanged = true;
    holder.doc = evolveActivityProgress(holder.doc ?? initialActivityProgress(id), fact);
  }

  private group(grain: Grain, key: string, group: ProgressGroupKey): GroupHolder {
    const cache = this.groups[grain];
    const cached = cache.get(key);
    if (cached) return cached;
    const row = (grain === 'district' ? this.s.groupDistrict : this.s.groupProvince).get(key) as Record<string, unknown> | undefined;
    const holder: GroupHolder = { key, group, totals: row ? progressTotalsFromRow(row) : EMPTY_PROGRESS };
    cache.set(key, holder);
    return holder;
  }

  // ---- decisions ----

  private recordDecision(e: RecordedEvent): number {
    const ref = decisionOf(e);
    if (!ref) throw new Error(`event at position ${e.position} has no decision`);
    const key = decisionKey(ref);
    let holder = this.decisions.get(key);
    if (!holder) {
      const row = this.s.decisionByRef.get(ref.number, ref.issuer, ref.date) as Record<string, unknown> | undefined;
      holder = row
        ? {
            id: row.decision_id as number,
            summary: {
              number: row.number as string,
              issuer: row.issuer as string,
              date: row.date as string,
              eventCount: row.event_count as number,
              firstPosition: row.first_position as number,
              lastPosition: row.last_position as number,
              firstRecordedAt: row.first_recorded_at as string,
              lastRecordedAt: row.last_recorded_at as string,
              firstEffectiveDate: row.first_effective_date as string,
              lastEffectiveDate: row.last_effective_date as string,
              byType: JSON.parse(row.by_type as string) as Record<string, number>,
            },
            touched: false,
          }
        : { id: this.nextDecisionId++, summary: null, touched: false };
      this.decisions.set(key, holder);
    }
    holder.summary = evolveDecision(holder.summary, e);
    if (!holder.touched) {
      holder.touched = true;
      this.touchedDecisions.push(holder);
    }
    return holder.id;
  }

  // ---- end of batch: roll-ups, progress groups, documents written back ----

  private flush(): void {
    const touchedRollups = ROLLUP_GRAINS.map(() => new Set<RollupHolder>());
    for (const l of this.touchedLines) {
      const before = l.before as FundLineBalance;
      const delta = difference(l.doc.measures, before.measures);
      const events = l.doc.eventCount - before.eventCount;
      const newLine = before.eventCount === 0 ? 1 : 0;
      for (let g = 0; g < ROLLUP_GRAINS.length; g++) {
        const r = this.rollup(g, l.rollupKeys[g], l.dims);
        r.measures = addMeasures(r.measures, delta);
        r.eventCount += events;
        r.lineCount += newLine;
        touchedRollups[g].add(r);
      }
      const d = l.dims;
      this.s.upsertLine.run(
        l.id,
        l.doc.stream,
        d.programme,
        d.component,
        d.content,
        d.budgetYear,
        d.originYear,
        d.source,
        d.capitalType,
        d.unit,
        d.district,
        d.province,
        d.subProject,
        d.project,
        ...measureParams(l.doc.measures),
        l.doc.eventCount,
        l.doc.lastPosition,
      );
      l.before = null;
      l.touched = false;
    }
    this.touchedLines.length = 0;
    touchedRollups.forEach((set, g) => {
      const { upsert, columns } = this.rollupStatements[g];
      for (const r of set) upsert.run(r.key, ...columns.map((c) => r.dims[c]), ...measureParams(r.measures), r.eventCount, r.lineCount);
    });

    const touchedGroups: Record<Grain, Set<GroupHolder>> = { district: new Set(), province: new Set() };
    for (const [id, a] of this.touchedActivities) {
      const prev = a.before;
      const next = a.doc as ActivityProgress;
      // Only money moved (the usual case): the activity stays in the same groups.
      const sameGroups = !a.docChanged && prev !== null;
      const gNext = progressGroupOf(next, this.ctx);
      const gPrev = sameGroups ? gNext : prev ? progressGroupOf(prev, this.ctx) : null;
      for (const grain of GRAINS) {
        const kNext = gNext ? groupKey(gNext, grain) : null;
        const kPrev = sameGroups ? kNext : gPrev ? groupKey(gPrev, grain) : null;
        if (kPrev !== null && kPrev === kNext) {
          const g = this.group(grain, kPrev, gNext as ProgressGroupKey);
          g.totals = replaceInTotals(g.totals, prev as ActivityProgress, next);
          touchedGroups[grain].add(g);
        } else {
          if (kPrev !== null) {
            const g = this.group(grain, kPrev, gPrev as ProgressGroupKey);
            g.totals = applyToTotals(g.totals, prev as ActivityProgress, -1);
            touchedGroups[grain].add(g);
          }
          if (kNext !== null) {
            const g = this.group(grain, kNext, gNext as ProgressGroupKey);
            g.totals = applyToTotals(g.totals, next, 1);
            touchedGroups[grain].add(g);
          }
        }
      }
      if (sameGroups) {
        this.s.updateActivityMoney.run(activityStatus(next), next.allocated, next.disbursed, next.lastPosition, id);
        a.before = null;
        a.touched = false;
        continue;
      }
      a.docChanged = false;
      const info = next.info;
      const place = info.registered ? this.ctx.unitPlace(info.unit) : { district: '', province: '' };
      this.s.upsertActivity.run(
        id,
        info.registered ? 1 : 0,
        info.programme,
        info.component,
        info.kind,
        info.unit,
        place.district,
        place.province,
        activityStatus(next),
        next.allocated,
        next.disbursed,
        next.lastPosition,
        serializeActivity(next),
      );
      a.before = null;
      a.touched = false;
    }
    this.touchedActivities.length = 0;
    for (const grain of GRAINS) {
      for (const g of touchedGroups[grain]) {
        const k = g.group;
        const t = g.totals;
        const stmt = grain === 'district' ? this.s.upsertGroupDistrict : this.s.upsertGroupProvince;
        stmt.run(
          g.key,
          k.programme,
          k.component,
          k.kind,
          ...(grain === 'district' ? [k.district, k.province] : [k.province]),
          k.subProject,
          k.project,
          t.activities,
          ...ACTIVITY_PROGRESS_STATUSES.map((s) => t.byStatus[s]),
          t.allocated,
          t.disbursed,
          sortedJson(t.beneficiaries),
          sortedJson(t.targets),
          sortedJson(t.outputs),
        );
      }
    }

    for (const d of this.touchedDecisions) {
      const s = d.summary as DecisionSummary;
      d.touched = false;
      this.s.upsertDecision.run(
        d.id,
        s.number,
        s.issuer,
        s.date,
        s.eventCount,
        s.firstPosition,
        s.lastPosition,
        s.firstRecordedAt,
        s.lastRecordedAt,
        s.firstEffectiveDate,
        s.lastEffectiveDate,
        JSON.stringify(s.byType),
      );
    }
    this.touchedDecisions.length = 0;
  }
}

export type { ProjectionContext };

/** Who recorded an event and on what legal basis: the columns every entry table ends its provenance with. */
function provenance(m: EventMetadata, decisionId: number | null) {
  const basis = m.legalBasis;
  return [m.actor.id, m.actor.role, m.command, basis.kind, basis.number ?? null, basis.date, basisIssuer(basis), decisionId] as const;
}
