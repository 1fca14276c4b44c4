import type { SqlStatement } from '../shared/sql-database';
import type { RecordedEvent } from '../../events';
import { ACTIVITY_EVENT_TYPES } from '../../events';
import { activityOfFundLineEvent } from '../balances/balances.fold';
import type { BalancesProjector } from '../balances/balances.projector';
import type { Projector, ProjectorHost } from '../read-model';
import { centsParam } from '../shared/cents';
import { dateToInt } from '../shared/context';
import { CounterTable } from '../shared/counter-table';
import { DocCache, overHeapBudget } from '../shared/doc-cache';
import { PROVENANCE_COLUMN_NAMES, provenance } from '../shared/provenance';
import type { RecordedActivityEvent, RecordedFundLineEvent } from '../shared/recorded';
import { Row, RowWriter, big, placeholders, sortedJson, str } from '../shared/sql';
import {
  ACTIVITY_PROGRESS_STATUSES,
  ActivityInfo,
  ActivityProgress,
  EMPTY_PROGRESS,
  ProgressGroupKey,
  ActivityProgressStatus,
  ProgressMaps,
  activityStatus,
  applyToMaps,
  evolveActivityProgress,
  initialActivityProgress,
  progressGroupOf,
  replaceInMaps,
  statusOf,
} from './progress.fold';
import { PROGRESS_GRAINS, PROGRESS_GRAIN_NAMES, PROGRESS_TABLES, ProgressGrain, progressColumns, progressTotalsFromRow, serializeActivity } from './progress.tables';

/** A progress group (component × kind at a place, at one grain): its sums that are maps (its counts and money are its row of `groupSums`). */
interface GroupHolder {
  readonly key: string;
  readonly grain: ProgressGrain;
  readonly group: ProgressGroupKey;
  maps: ProgressMaps;
}

/** A group row's fields: whether it changed since it was last written (1), its activities, then its activities by status (ACTIVITY_PROGRESS_STATUSES). Its cents are ALLOCATED and DISBURSED. */
const GROUP_CHANGED = 0;
const GROUP_ACTIVITIES = 1;
const GROUP_STATUS = 2;
const STATUS_INDEX = Object.fromEntries(ACTIVITY_PROGRESS_STATUSES.map((st, i) => [st, GROUP_STATUS + i])) as Record<ActivityProgressStatus, number>;

/** An activity row's exact counters (cents) in its CounterTable. */
const ALLOCATED = 0;
const DISBURSED = 1;
/**
 * An activity row's numeric fields: what changed since it was last written (UNCHANGED, MONEY: only its money columns,
 * WHOLE: the row with its document), its last position, whether completed (1), then its group at each grain (the
 * group's index in `groupList` + 1; 0: none, while it is not registered).
 */
const CHANGED = 0;
const LAST = 1;
const COMPLETED = 2;
const GROUP = 3;
const UNCHANGED = 0;
const MONEY = 1;
const WHOLE = 2;

/** Activities held past which an engine that is not the sole writer drops them all after a commit, per document a cache may keep. */
const ROWS_PER_CACHED_DOCUMENT = 8;

const ACTIVITY_TYPES = new Set<string>(ACTIVITY_EVENT_TYPES);

/** A group's key at a grain: its component and kind at its place (a district's key names the province too: lines held by a province have no district). */
const groupKey = (g: ProgressGroupKey, grain: ProgressGrain): string => [g.programme, g.component, g.kind, ...PROGRESS_GRAINS[grain].map((p) => g[p])].join('|');

/**
 * Keeps each activity's progress, its events, and the sums per component × kind by district and by province. Money
 * facts come from fund-line events through the balances (what each event did to the line, and so to the activity).
 * Other models read the activity as it was just before an event (documentBefore).
 *
 * An activity's money, last position, whether it is completed and its groups are a row of a CounterTable (typed
 * arrays, not objects). What it is (its document's info: kind, unit, beneficiaries, targets, outputs) changes only
 * with its own events, far fewer than its money facts: it is read for those, and held in a cache. A money fact adds to
 * the row and to its groups' sums, and is written as the row's money columns. While the engine is the sole writer (a
 * rebuild) no row or group is dropped and none is read back: a spill writes only the rows whose document changed (so
 * that the cache may drop them), and the money and the groups wait for the commit. Otherwise (a server following the
 * log) every row and group is dropped after a commit once more are held than the cache size allows, or when the heap
 * is past its budget, and read again from the tables when next used.
 */
export class ProgressProjector implements Projector {
  private readonly rows = new CounterTable(2, GROUP + PROGRESS_GRAIN_NAMES.length);
  private rowIds: string[] = [];
  private rowOf = new Map<string, number>();
  /** What each activity is: held for each row whose document changed until it is written, and a cache of others by id. */
  private readonly infos: DocCache<ActivityInfo>;
  private readonly changedInfos = new Map<number, ActivityInfo>();
  /** The rows changed since they were last written, each once. */
  private changedRows: number[] = [];
  private groupList: GroupHolder[] = [];
  private readonly groupSums = new CounterTable(2, GROUP_STATUS + ACTIVITY_PROGRESS_STATUSES.length);
  private groupIndex: Record<ProgressGrain, Map<string, number>> = { district: new Map(), province: new Map() };
  private changedGroups: number[] = [];
  /** The event applied last, its activity's row, and the activity just before it: undefined until asked (documentBefore), null if none. */
  private lastEvent: RecordedEvent | null = null;
  private lastRow = -1;
  private lastBefore: ActivityProgress | null | undefined = null;
  private lastMoneyBefore: readonly [bigint, bigint, number] = [0n, 0n, 0];
  private readonly s: Record<'activityRow' | 'activityDoc' | 'updateActivityMoney', SqlStatement>;
  /**
   * Rows many to a statement: the activities' events and components as they come (nothing reads them before the end
   * of the batch, where the rest are written), the activities whose document changed at its end (each once).
   */
  private readonly w: Record<'upsertActivity' | 'insertActivityEntry' | 'insertActivityComponent', RowWriter>;
  private readonly groupStatements: Record<ProgressGrain, { get: SqlStatement; upsert: SqlStatement; remove: SqlStatement }>;

  constructor(
    private readonly host: ProjectorHost,
    private readonly balances: BalancesProjector,
  ) {
    const { db, cacheSize } = host;
    const t = PROGRESS_TABLES.in(host.schema);
    this.infos = new DocCache(cacheSize);
    const entryColumns = `position, activity_id, eff, rec, recorded_at, type, data, ${PROVENANCE_COLUMN_NAMES}`;
    this.s = {
      activityRow: db
        .prepare(`SELECT registered, programme, component, kind, unit, status, allocated, disbursed, last_position FROM ${t.activities} WHERE activity_id = ?`)
        .safeIntegers(true),
      activityDoc: db.prepare(`SELECT doc FROM ${t.activities} WHERE activity_id = ?`).pluck(),
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
    const id = activityOfFundLineEvent(e);
    if (!id) return;
    const delta = this.balances.deltaOf(e);
    const rows = this.rows;
    let row = this.heldRow(id);
    this.lastEvent = e;
    if (row === undefined) {
      row = this.newRow(id);
      this.lastBefore = null;
    } else {
      this.lastBefore = undefined;
      this.lastMoneyBefore = [rows.cent(row, ALLOCATED), rows.cent(row, DISBURSED), rows.number(row, LAST)];
    }
    this.lastRow = row;
    const allocated = delta.allocated ?? 0n;
    const disbursed = delta.disbursed ?? 0n;
    const completed = rows.number(row, COMPLETED) === 1;
    const before = statusOf(completed, rows.cent(row, ALLOCATED), rows.cent(row, DISBURSED));
    if (allocated !== 0n) rows.addCent(row, ALLOCATED, allocated);
    if (disbursed !== 0n) rows.addCent(row, DISBURSED, disbursed);
    if (e.position > rows.number(row, LAST)) rows.setNumber(row, LAST, e.position);
    const after = statusOf(completed, rows.cent(row, ALLOCATED), rows.cent(row, DISBURSED));
    for (let g = 0; g < PROGRESS_GRAIN_NAMES.length; g++) {
      const index = rows.number(row, GROUP + g);
      if (index !== 0) this.addMoneyToGroup(index - 1, allocated, disbursed, before, after);
    }
    this.rowChanged(row, MONEY);
  }

  /** The activity an event concerns as it was just before that event (the event applied last), or null. */
  documentBefore(event: RecordedEvent): ActivityProgress | null {
    if (this.lastEvent !== event) return null;
    if (this.lastBefore === undefined) {
      // A money fact's: its money before, and what the activity is (which money does not change).
      const [allocated, disbursed, lastPosition] = this.lastMoneyBefore;
      this.lastBefore = { activityId: this.rowIds[this.lastRow], info: this.info(this.lastRow), allocated, disbursed, lastPosition };
    }
    return this.lastBefore;
  }

  private applyActivityEvent(e: RecordedActivityEvent): void {
    const m = e.metadata;
    const id = e.data.activityId;
    const held = this.heldRow(id);
    const before = held === undefined ? null : this.document(held);
    const row = held ?? this.newRow(id);
    this.lastEvent = e;
    this.lastRow = row;
    this.lastBefore = before;
    const after = evolveActivityProgress(before ?? initialActivityProgress(id), {
      fact: 'event',
      position: e.position,
      effectiveDate: m.effectiveDate,
      type: e.type,
      data: e.data,
    });
    this.regroup(row, before, after);
    const rows = this.rows;
    rows.setNumber(row, COMPLETED, after.info.completedOn === null ? 0 : 1);
    rows.setNumber(row, LAST, after.lastPosition);
    this.infos.set(id, after.info);
    this.changedInfos.set(row, after.info);
    this.rowChanged(row, WHOLE);
    this.w.insertActivityEntry.add(e.position, id, dateToInt(m.effectiveDate), Date.parse(m.recordedAt), m.recordedAt, e.type, JSON.stringify(e.data), ...provenance(m));
    if (e.type === 'ActivityRegistered') this.w.insertActivityComponent.add(e.data.component, id);
    if (e.type === 'ActivityReclassified') {
      this.w.insertActivityComponent.add(e.data.fromComponent, id);
      this.w.insertActivityComponent.add(e.data.toComponent, id);
    }
  }

  /** Moves an activity's whole contribution from its groups before an event of its own to its groups after it. */
  private regroup(row: number, before: ActivityProgress | null, after: ActivityProgress): void {
    const rows = this.rows;
    const b = before?.info;
    const a = after.info;
    // Most events of an activity (outputs, stages) leave it where it was: its groups stay.
    const stays = b !== undefined && b.registered === a.registered && b.programme === a.programme && b.component === a.component && b.kind === a.kind && b.unit === a.unit;
    const next = stays ? null : progressGroupOf(a, this.host.ctx);
    for (let g = 0; g < PROGRESS_GRAIN_NAMES.length; g++) {
      const grain = PROGRESS_GRAIN_NAMES[g];
      const was = rows.number(row, GROUP + g);
      const now = stays ? was : next === null ? 0 : this.groupRow(grain, groupKey(next, grain), next) + 1;
      if (was !== 0 && was === now) this.replaceInGroup(now - 1, before as ActivityProgress, after);
      else {
        if (was !== 0) this.addToGroup(was - 1, before as ActivityProgress, -1);
        if (now !== 0) this.addToGroup(now - 1, after, 1);
        rows.setNumber(row, GROUP + g, now);
      }
    }
  }

  /** Adds (1) or removes (−1) an activity's whole contribution to a group. */
  private addToGroup(group: number, doc: ActivityProgress, sign: 1 | -1): void {
    const sums = this.groupSums;
    sums.addNumber(group, GROUP_ACTIVITIES, sign);
    sums.addNumber(group, STATUS_INDEX[activityStatus(doc)], sign);
    sums.addCent(group, ALLOCATED, sign === 1 ? doc.allocated : -doc.allocated);
    sums.addCent(group, DISBURSED, sign === 1 ? doc.disbursed : -doc.disbursed);
    const holder = this.groupList[group];
    holder.maps = applyToMaps(holder.maps, doc, sign);
    this.groupChanged(group);
  }

  /** Moves an activity's contribution within a group from its previous document to its new one. */
  private replaceInGroup(group: number, previous: ActivityProgress, doc: ActivityProgress): void {
    this.addMoneyToGroup(group, doc.allocated - previous.allocated, doc.disbursed - previous.disbursed, activityStatus(previous), activityStatus(doc));
    const holder = this.groupList[group];
    holder.maps = replaceInMaps(holder.maps, previous, doc);
  }

  /** Adds a change of an activity's money to a group, and moves the activity from one status to another if it changed them. */
  private addMoneyToGroup(group: number, allocated: bigint, disbursed: bigint, before: ActivityProgressStatus, after: ActivityProgressStatus): void {
    const sums = this.groupSums;
    if (allocated !== 0n) sums.addCent(group, ALLOCATED, allocated);
    if (disbursed !== 0n) sums.addCent(group, DISBURSED, disbursed);
    if (before !== after) {
      sums.addNumber(group, STATUS_INDEX[before], -1);
      sums.addNumber(group, STATUS_INDEX[after], 1);
    }
    this.groupChanged(group);
  }

  flush(): void {
    this.w.insertActivityEntry.flush();
    this.w.insertActivityComponent.flush();
    for (const row of this.changedRows) this.writeRow(row);
    this.w.upsertActivity.flush();
    this.changedRows = [];
    this.changedInfos.clear();
    for (const g of this.changedGroups) this.writeGroup(g);
    this.changedGroups = [];
  }

  /**
   * A rebuild's spill, while the engine is the sole writer: the activities' events and the rows whose document changed
   * are written (the cache of documents may then drop them); their money and the groups, never dropped, wait for the
   * commit. Otherwise a flush and a commit's trim.
   */
  spill(): void {
    if (!this.host.sole.active) {
      this.flush();
      this.committed();
      return;
    }
    this.w.insertActivityEntry.flush();
    this.w.insertActivityComponent.flush();
    const rows = this.rows;
    for (const row of this.changedRows) if (rows.number(row, CHANGED) === WHOLE) this.writeRow(row);
    this.w.upsertActivity.flush();
    this.changedRows = this.changedRows.filter((row) => rows.number(row, CHANGED) !== UNCHANGED);
    this.changedInfos.clear();
    this.forgetLast();
    this.infos.trim();
  }

  committed(): void {
    this.forgetLast();
    this.infos.trim();
    if (this.host.sole.active) return;
    if (this.rows.rows > ROWS_PER_CACHED_DOCUMENT * this.host.cacheSize || (this.rows.rows > 0 && overHeapBudget())) this.dropRows();
  }

  reload(): void {
    this.dropRows();
    this.infos.clear();
    this.changedInfos.clear();
    for (const w of Object.values(this.w)) w.clear();
  }

  /** Forgets every row and group held, and every change not yet written. */
  private dropRows(): void {
    this.forgetLast();
    this.rows.clear();
    this.rowIds = [];
    this.rowOf = new Map();
    this.changedRows = [];
    this.groupList = [];
    this.groupSums.clear();
    this.groupIndex = { district: new Map(), province: new Map() };
    this.changedGroups = [];
  }

  private forgetLast(): void {
    this.lastEvent = null;
    this.lastRow = -1;
    this.lastBefore = null;
  }

  private rowChanged(row: number, change: typeof MONEY | typeof WHOLE): void {
    const was = this.rows.number(row, CHANGED);
    if (was === UNCHANGED) this.changedRows.push(row);
    if (change > was) this.rows.setNumber(row, CHANGED, change);
  }

  private groupChanged(group: number): void {
    if (this.groupSums.number(group, GROUP_CHANGED) === 1) return;
    this.groupSums.setNumber(group, GROUP_CHANGED, 1);
    this.changedGroups.push(group);
  }

  /** Writes a changed row: its money columns, or the whole row with its document. */
  private writeRow(row: number): void {
    const rows = this.rows;
    const change = rows.number(row, CHANGED);
    if (change === UNCHANGED) return;
    rows.setNumber(row, CHANGED, UNCHANGED);
    const id = this.rowIds[row];
    const allocated = rows.cent(row, ALLOCATED);
    const disbursed = rows.cent(row, DISBURSED);
    const status = statusOf(rows.number(row, COMPLETED) === 1, allocated, disbursed);
    if (change === MONEY) {
      this.s.updateActivityMoney.run(status, centsParam(allocated), centsParam(disbursed), rows.number(row, LAST), id);
      return;
    }
    const info = this.changedInfos.get(row) as ActivityInfo;
    const place = info.registered ? this.host.ctx.unitPlace(info.unit) : { district: '', province: '' };
    this.w.upsertActivity.add(
      id,
      info.registered ? 1 : 0,
      info.programme,
      info.component,
      info.kind,
      info.unit,
      place.district,
      place.province,
      status,
      centsParam(allocated),
      centsParam(disbursed),
      rows.number(row, LAST),
      serializeActivity(info),
    );
  }

  private writeGroup(group: number): void {
    const sums = this.groupSums;
    sums.setNumber(group, GROUP_CHANGED, 0);
    const { key, grain, group: k, maps } = this.groupList[group];
    const activities = sums.number(group, GROUP_ACTIVITIES);
    // A group its last activity left (a reclassification) is no group: a rebuild, folding the same events in one
    // batch, never writes it, and the live read model must not keep a row of zeros that a rebuild lacks.
    if (activities === 0) {
      this.groupStatements[grain].remove.run(key);
      return;
    }
    this.groupStatements[grain].upsert.run(
      key,
      k.programme,
      k.component,
      k.kind,
      ...PROGRESS_GRAINS[grain].map((p) => k[p]),
      k.subProject,
      k.project,
      activities,
      ...ACTIVITY_PROGRESS_STATUSES.map((st) => sums.number(group, STATUS_INDEX[st])),
      centsParam(sums.cent(group, ALLOCATED)),
      centsParam(sums.cent(group, DISBURSED)),
      sortedJson(maps.beneficiaries),
      sortedJson(maps.targets),
      sortedJson(maps.outputs),
      sortedJson(maps.byStage),
    );
  }

  /** The activity's document now: what it is, and its money. */
  private document(row: number): ActivityProgress {
    const rows = this.rows;
    return {
      activityId: this.rowIds[row],
      info: this.info(row),
      allocated: rows.cent(row, ALLOCATED),
      disbursed: rows.cent(row, DISBURSED),
      lastPosition: rows.number(row, LAST),
    };
  }

  /** What a held activity is: changed and not yet written, cached, or read from its stored row (a row is written with its document before the cache may drop it). */
  private info(row: number): ActivityInfo {
    const changed = this.changedInfos.get(row);
    if (changed !== undefined) return changed;
    const id = this.rowIds[row];
    const cached = this.infos.get(id);
    if (cached !== undefined) return cached;
    const info = JSON.parse(this.s.activityDoc.get(id) as string) as ActivityInfo;
    this.infos.set(id, info);
    return info;
  }

  /** The row of an activity: held, read from the tables (unless the engine wrote them all), or undefined if it has none. */
  private heldRow(id: string): number | undefined {
    const held = this.rowOf.get(id);
    if (held !== undefined || this.host.sole.active) return held;
    const stored = this.s.activityRow.get(id) as Row | undefined;
    if (stored === undefined) return undefined;
    const rows = this.rows;
    const row = this.addRow(id);
    rows.setCent(row, ALLOCATED, big(stored.allocated));
    rows.setCent(row, DISBURSED, big(stored.disbursed));
    rows.setNumber(row, LAST, Number(stored.last_position));
    rows.setNumber(row, COMPLETED, stored.status === 'completed' ? 1 : 0);
    const group = progressGroupOf(
      { registered: Number(stored.registered) === 1, programme: str(stored.programme), component: str(stored.component), kind: str(stored.kind), unit: str(stored.unit) },
      this.host.ctx,
    );
    if (group !== null) {
      for (let g = 0; g < PROGRESS_GRAIN_NAMES.length; g++) {
        const grain = PROGRESS_GRAIN_NAMES[g];
        rows.setNumber(row, GROUP + g, this.groupRow(grain, groupKey(group, grain), group) + 1);
      }
    }
    return row;
  }

  /** A row for an activity first met: nothing yet but what an unregistered activity is, to be written whole. */
  private newRow(id: string): number {
    const row = this.addRow(id);
    const info = initialActivityProgress(id).info;
    this.infos.set(id, info);
    this.changedInfos.set(row, info);
    this.rowChanged(row, WHOLE);
    return row;
  }

  private addRow(id: string): number {
    const row = this.rows.addRow();
    this.rowOf.set(id, row);
    this.rowIds.push(id);
    return row;
  }

  /** A group's index in groupList (and row in groupSums): held, read from the tables (unless the engine wrote them all), or new and empty. */
  private groupRow(grain: ProgressGrain, key: string, group: ProgressGroupKey): number {
    const index = this.groupIndex[grain];
    const held = index.get(key);
    if (held !== undefined) return held;
    const stored = this.host.sole.active ? undefined : (this.groupStatements[grain].get.get(key) as Row | undefined);
    const totals = stored ? progressTotalsFromRow(stored) : EMPTY_PROGRESS;
    const i = this.groupSums.addRow();
    this.groupList.push({ key, grain, group, maps: { beneficiaries: totals.beneficiaries, targets: totals.targets, outputs: totals.outputs, byStage: totals.byStage } });
    index.set(key, i);
    const sums = this.groupSums;
    sums.setNumber(i, GROUP_ACTIVITIES, totals.activities);
    for (const st of ACTIVITY_PROGRESS_STATUSES) sums.setNumber(i, STATUS_INDEX[st], totals.byStatus[st]);
    sums.setCent(i, ALLOCATED, totals.allocated);
    sums.setCent(i, DISBURSED, totals.disbursed);
    return i;
  }
}
