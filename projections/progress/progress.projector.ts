import type { SqlStatement } from '../shared/sql-database';
import type { RecordedEvent } from '../../events';
import { ACTIVITY_EVENT_TYPES } from '../../events';
import { activityOfFundLineEvent } from '../balances/balances.fold';
import type { BalancesProjector } from '../balances/balances.projector';
import type { Projector, ProjectorHost } from '../read-model';
import { centsParam } from '../shared/cents';
import { dateToInt } from '../shared/context';
import { DocCache } from '../shared/doc-cache';
import { PROVENANCE_COLUMN_NAMES, provenance } from '../shared/provenance';
import type { RecordedActivityEvent, RecordedFundLineEvent } from '../shared/recorded';
import { Row, RowWriter, big, placeholders, sortedJson } from '../shared/sql';
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
} from './progress.fold';
import { PROGRESS_GRAINS, PROGRESS_GRAIN_NAMES, PROGRESS_TABLES, ProgressGrain, parseActivity, progressColumns, progressTotalsFromRow, serializeActivity } from './progress.tables';

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

const ACTIVITY_TYPES = new Set<string>(ACTIVITY_EVENT_TYPES);

/** A group's key at a grain: its component and kind at its place (a district's key names the province too: lines held by a province have no district). */
const groupKey = (g: ProgressGroupKey, grain: ProgressGrain): string => [g.programme, g.component, g.kind, ...PROGRESS_GRAINS[grain].map((p) => g[p])].join('|');

/**
 * Keeps each activity's progress document, its events, and the sums per component × kind by district and by
 * province. Money facts come from fund-line events through the balances (what each event did to the line, and so
 * to the activity). Other models read the activity as it was just before an event (documentBefore).
 */
export class ProgressProjector implements Projector {
  private readonly activities: DocCache<ActivityHolder>;
  private readonly groups: Record<ProgressGrain, DocCache<GroupHolder>>;
  private readonly touched: Array<[string, ActivityHolder]> = [];
  private lastEvent: RecordedEvent | null = null;
  private lastBefore: ActivityProgress | null = null;
  private readonly s: Record<'activityById' | 'updateActivityMoney', SqlStatement>;
  /**
   * Rows many to a statement: the activities' events and components as they come (nothing reads them before the end
   * of the batch, where the rest are written), the activities rewritten at its end (each once).
   */
  private readonly w: Record<'upsertActivity' | 'insertActivityEntry' | 'insertActivityComponent', RowWriter>;
  private readonly groupStatements: Record<ProgressGrain, { get: SqlStatement; upsert: SqlStatement; remove: SqlStatement }>;

  constructor(
    private readonly host: ProjectorHost,
    private readonly balances: BalancesProjector,
  ) {
    const { db, cacheSize } = host;
    const t = PROGRESS_TABLES.in(host.schema);
    this.activities = new DocCache(cacheSize, host.sole);
    this.groups = { district: new DocCache(cacheSize, host.sole), province: new DocCache(cacheSize, host.sole) };
    const entryColumns = `position, activity_id, eff, rec, recorded_at, type, data, ${PROVENANCE_COLUMN_NAMES}`;
    this.s = {
      activityById: db.prepare(`SELECT doc, allocated, disbursed, last_position FROM ${t.activities} WHERE activity_id = ?`).safeIntegers(true),
      updateActivityMoney: db.prepare(`UPDATE ${t.activities} SET status = ?, allocated = ?, disbursed = ?, last_position = ? WHERE activity_id = ?`),
    };
    this.w = {
      upsertActivity: new RowWriter(
        host,
        `INSERT INTO ${t.activities} (activity_id, registered, programme, component, kind, unit, district, province, status,
           allocated, disbursed, last_position, doc)`,
        13,
        `ON CONFLICT (activity_id) DO UPDATE SET registered = excluded.registered, programme = excluded.programme,
           component = excluded.component, kind = excluded.kind, unit = excluded.unit, district = excluded.district,
           province = excluded.province, status = excluded.status, allocated = excluded.allocated, disbursed = excluded.disbursed,
           last_position = excluded.last_position, doc = excluded.doc`,
      ),
      insertActivityEntry: new RowWriter(host, `INSERT INTO ${t.activity_entries} (${entryColumns})`, entryColumns.split(',').length),
      // A pair met twice in one statement is kept once (DO NOTHING, on both engines).
      insertActivityComponent: new RowWriter(host, `INSERT INTO ${t.activity_components} (component, activity_id)`, 2, 'ON CONFLICT DO NOTHING'),
    };
    const groupStatements = (grain: ProgressGrain) => {
      const table = grain === 'district' ? t.progress_district : t.progress_province;
      const columns = ['key', ...progressColumns(grain)];
      const sums = columns.slice(columns.indexOf('activities'));
      return {
        get: db.prepare(`SELECT * FROM ${table} WHERE key = ?`).safeIntegers(true),
        upsert: db.prepare(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders(columns.length)})
           ON CONFLICT (key) DO UPDATE SET ${sums.map((c) => `${c} = excluded.${c}`).join(', ')}`,
        ),
        remove: db.prepare(`DELETE FROM ${table} WHERE key = ?`),
      };
    };
    this.groupStatements = { district: groupStatements('district'), province: groupStatements('province') };
  }

  apply(event: RecordedEvent): void {
    if (ACTIVITY_TYPES.has(event.type)) {
      this.applyActivityEvent(event as RecordedActivityEvent);
      return;
    }
    const e = event as RecordedFundLineEvent;
    const activityId = activityOfFundLineEvent(e);
    if (!activityId) return;
    const holder = this.activity(activityId);
    this.lastEvent = e;
    this.lastBefore = holder.doc;
    this.evolve(activityId, holder, moneyFact(e.position, e.metadata.effectiveDate, activityId, this.balances.deltaOf(e)));
  }

  /** The activity an event concerns as it was just before that event (the event applied last), or null. */
  documentBefore(event: RecordedEvent): ActivityProgress | null {
    return this.lastEvent === event ? this.lastBefore : null;
  }

  private applyActivityEvent(e: RecordedActivityEvent): void {
    const m = e.metadata;
    const id = e.data.activityId;
    const holder = this.activity(id);
    this.lastEvent = e;
    this.lastBefore = holder.doc;
    this.evolve(id, holder, { fact: 'event', position: e.position, effectiveDate: m.effectiveDate, type: e.type, data: e.data });
    this.w.insertActivityEntry.add(e.position, id, dateToInt(m.effectiveDate), Date.parse(m.recordedAt), m.recordedAt, e.type, JSON.stringify(e.data), ...provenance(m));
    if (e.type === 'ActivityRegistered') this.w.insertActivityComponent.add(e.data.component, id);
    if (e.type === 'ActivityReclassified') {
      this.w.insertActivityComponent.add(e.data.fromComponent, id);
      this.w.insertActivityComponent.add(e.data.toComponent, id);
    }
  }

  flush(): void {
    this.w.insertActivityEntry.flush();
    this.w.insertActivityComponent.flush();
    const ctx = this.host.ctx;
    const touchedGroups: Record<ProgressGrain, Set<GroupHolder>> = { district: new Set(), province: new Set() };
    for (const [id, a] of this.touched) {
      const prev = a.before;
      const next = a.doc as ActivityProgress;
      // Only money moved (the usual case): the activity stays in the same groups.
      const sameGroups = !a.docChanged && prev !== null;
      const gNext = progressGroupOf(next, ctx);
      const gPrev = sameGroups ? gNext : prev ? progressGroupOf(prev, ctx) : null;
      for (const grain of PROGRESS_GRAIN_NAMES) {
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
      a.before = null;
      a.touched = false;
      if (sameGroups) {
        this.s.updateActivityMoney.run(activityStatus(next), centsParam(next.allocated), centsParam(next.disbursed), next.lastPosition, id);
        continue;
      }
      a.docChanged = false;
      const info = next.info;
      const place = info.registered ? ctx.unitPlace(info.unit) : { district: '', province: '' };
      this.w.upsertActivity.add(
        id,
        info.registered ? 1 : 0,
        info.programme,
        info.component,
        info.kind,
        info.unit,
        place.district,
        place.province,
        activityStatus(next),
        centsParam(next.allocated),
        centsParam(next.disbursed),
        next.lastPosition,
        serializeActivity(next),
      );
    }
    this.w.upsertActivity.flush();
    this.touched.length = 0;
    for (const grain of PROGRESS_GRAIN_NAMES) {
      for (const g of touchedGroups[grain]) {
        const k = g.group;
        const t = g.totals;
        // A group its last activity left (a reclassification) is no group: a rebuild, folding the same events in
        // one batch, never writes it, and the live read model must not keep a row of zeros that a rebuild lacks.
        if (t.activities === 0) {
          this.groupStatements[grain].remove.run(g.key);
          continue;
        }
        this.groupStatements[grain].upsert.run(
          g.key,
          k.programme,
          k.component,
          k.kind,
          ...PROGRESS_GRAINS[grain].map((p) => k[p]),
          k.subProject,
          k.project,
          t.activities,
          ...ACTIVITY_PROGRESS_STATUSES.map((s) => t.byStatus[s]),
          centsParam(t.allocated),
          centsParam(t.disbursed),
          sortedJson(t.beneficiaries),
          sortedJson(t.targets),
          sortedJson(t.outputs),
          sortedJson(t.byStage),
        );
      }
    }
  }

  committed(): void {
    this.lastEvent = null;
    this.lastBefore = null;
    this.activities.trim();
    for (const g of PROGRESS_GRAIN_NAMES) this.groups[g].trim();
  }

  reload(): void {
    this.lastEvent = null;
    this.lastBefore = null;
    this.activities.clear();
    for (const g of PROGRESS_GRAIN_NAMES) this.groups[g].clear();
    this.touched.length = 0;
    for (const w of Object.values(this.w)) w.clear();
  }

  private activity(id: string): ActivityHolder {
    const cached = this.activities.get(id);
    if (cached) return cached;
    type Stored = { doc: string; allocated: unknown; disbursed: unknown; last_position: bigint };
    const row = this.activities.mayBeStored(id) ? (this.s.activityById.get(id) as Stored | undefined) : undefined;
    const holder: ActivityHolder = {
      doc: row === undefined ? null : parseActivity(id, row.doc, big(row.allocated), big(row.disbursed), Number(row.last_position)),
      before: null,
      touched: false,
      docChanged: false,
    };
    this.activities.set(id, holder);
    return holder;
  }

  private evolve(id: string, holder: ActivityHolder, fact: ActivityFact): void {
    if (!holder.touched) {
      holder.touched = true;
      holder.before = holder.doc;
      holder.docChanged = holder.doc === null;
      this.touched.push([id, holder]);
    }
    if (fact.fact === 'event') holder.docChanged = true;
    holder.doc = evolveActivityProgress(holder.doc ?? initialActivityProgress(id), fact);
  }

  private group(grain: ProgressGrain, key: string, group: ProgressGroupKey): GroupHolder {
    const cache = this.groups[grain];
    const cached = cache.get(key);
    if (cached) return cached;
    const row = cache.mayBeStored(key) ? (this.groupStatements[grain].get.get(key) as Row | undefined) : undefined;
    const holder: GroupHolder = { key, group, totals: row ? progressTotalsFromRow(row) : EMPTY_PROGRESS };
    cache.set(key, holder);
    return holder;
  }
}
