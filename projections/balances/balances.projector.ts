import type { SqlStatement } from '../shared/sql-database';
import type { RecordedEvent } from '../../events';
import { LINE_DIMENSIONS, LineDimensions, dimensionColumn } from '../../src/fund-line/fund-line.dimensions';
import type { Projector, ProjectorHost } from '../read-model';
import { centsParam } from '../shared/cents';
import { lineDimensions } from '../shared/context';
import { CounterTable } from '../shared/counter-table';
import { overHeapBudget } from '../shared/doc-cache';
import type { RecordedFundLineEvent } from '../shared/recorded';
import { Row, RowWriter, big, placeholders } from '../shared/sql';
import { MEASURES, Measure, MeasureDelta, Measures, fundLineDelta } from './balances.fold';
import { BALANCE_TABLES, MEASURE_COLUMNS, ROLLUP_GRAINS, dimensionsFromRow, grainDimensions, grainKey } from './balances.tables';

/** Each measure's column in a CounterTable row: its place in MEASURES. */
const MEASURE_INDEX = Object.fromEntries(MEASURES.map((m, i) => [m, i])) as Record<Measure, number>;
const GRAINS = ROLLUP_GRAINS.length;
const GRAIN_INDEX = new Map(ROLLUP_GRAINS.map((g, i) => [g.table, i]));

/**
 * A row's numeric fields. Both kinds: whether it changed since it was last written (CHANGED: 1). A line's: its
 * read-model id, its event count, its last position, then its row in each roll-up grain. A roll-up's: its event and
 * line counts, and its grain.
 */
const CHANGED = 0;
const LINE_ID = 1;
const LINE_EVENTS = 2;
const LINE_LAST = 3;
const LINE_ROLLUP = 4;
const ROLLUP_EVENTS = 1;
const ROLLUP_LINES = 2;
const ROLLUP_GRAIN = 3;

/** Rows held (lines and roll-ups) past which an engine that is not the sole writer drops them all after a commit, per document a cache may keep. */
const ROWS_PER_CACHED_DOCUMENT = 8;

const MEASURES_SET = MEASURE_COLUMNS.map((c) => `${c} = ?`).join(', ');

/**
 * Keeps each line's counters (lines) and their sums at the roll-up grains. Every event adds its change to its line and
 * to the line's row in each grain. Other read models use the line it gives each event (lineIdOf) and what the event did
 * to it (deltaOf), computed once.
 *
 * The counters are rows of a CounterTable (typed arrays, not objects), so a rebuild holds every line and roll-up of the
 * log from the first event to the last, and never reads one back: while the engine is the sole writer of the tables,
 * nothing is dropped, and a rebuild's spill writes only the lines new since the last (the red flags look lines up by
 * stream in their flush); the rest waits for the commit. Otherwise (a server following the log) every row is dropped
 * after a commit once more are held than the cache size allows, or when the heap is past its budget, and read again
 * from the tables when next used. A row's dimensions (its columns other than counters) are held only until it is
 * first written: after that a change updates its counters alone.
 */
export class BalancesProjector implements Projector {
  private readonly lines = new CounterTable(MEASURES.length, LINE_ROLLUP + GRAINS);
  private readonly rollups = new CounterTable(MEASURES.length, ROLLUP_GRAIN + 1);
  private lineRows = new Map<string, number>();
  private lineStreams: string[] = [];
  private rollupRows: Map<string, number>[] = ROLLUP_GRAINS.map(() => new Map());
  private rollupKeys: string[] = [];
  /** The dimensions of the rows not yet in the tables (inserted when first written; updated after that). */
  private readonly unwritten = new Map<number, LineDimensions>();
  private readonly unwrittenRollups = new Map<number, LineDimensions>();
  /** The rows changed since they were last written, in the order first changed. */
  private changedLines: number[] = [];
  private changedRollups: number[] = [];
  private nextLineId = 1;
  /** The event applied last, its line's row and its change: read by the models applied after this one. */
  private lastEvent: RecordedEvent | null = null;
  private lastRow = -1;
  private lastDelta: MeasureDelta = {};
  private readonly s: Record<'maxLineId' | 'lineByStream' | 'updateLine', SqlStatement>;
  /** The lines first written, many to a statement. */
  private readonly insertLine: RowWriter;
  private readonly rollupStatements: ReadonlyArray<{ get: SqlStatement; insert: SqlStatement; update: SqlStatement; dims: ReturnType<typeof grainDimensions> }>;

  constructor(private readonly host: ProjectorHost) {
    const { db } = host;
    const t = BALANCE_TABLES.in(host.schema);
    const lineColumns = ['line_id', 'stream', ...LINE_DIMENSIONS.map(dimensionColumn), ...MEASURE_COLUMNS, 'event_count', 'last_position'];
    this.s = {
      maxLineId: db.prepare(`SELECT coalesce(max(line_id), 0) FROM ${t.lines}`).pluck(),
      lineByStream: db.prepare(`SELECT * FROM ${t.lines} WHERE stream = ?`).safeIntegers(true),
      updateLine: db.prepare(`UPDATE ${t.lines} SET ${MEASURES_SET}, event_count = ?, last_position = ? WHERE line_id = ?`),
    };
    this.insertLine = new RowWriter(host, `INSERT INTO ${t.lines} (${lineColumns.join(', ')})`, lineColumns.length);
    this.rollupStatements = ROLLUP_GRAINS.map((g) => {
      const dims = grainDimensions(g);
      const columns = ['key', ...dims.map(dimensionColumn), ...MEASURE_COLUMNS, 'event_count', 'line_count'];
      const table = BALANCE_TABLES.in(host.schema)[g.table as keyof typeof t];
      return {
        get: db.prepare(`SELECT * FROM ${table} WHERE key = ?`).safeIntegers(true),
        insert: db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders(columns.length)})`),
        update: db.prepare(`UPDATE ${table} SET ${MEASURES_SET}, event_count = ?, line_count = ? WHERE key = ?`),
        dims,
      };
    });
    this.reload();
  }

  apply(event: RecordedEvent): void {
    const e = event as RecordedFundLineEvent;
    const row = this.lineRow(e);
    const delta = fundLineDelta(e);
    this.lastEvent = event;
    this.lastRow = row;
    this.lastDelta = delta;
    const lines = this.lines;
    const rollups = this.rollups;
    if (lines.number(row, CHANGED) === 0) {
      lines.setNumber(row, CHANGED, 1);
      this.changedLines.push(row);
    }
    const newLine = lines.number(row, LINE_EVENTS) === 0 ? 1 : 0;
    lines.addNumber(row, LINE_EVENTS, 1);
    lines.setNumber(row, LINE_LAST, e.position);
    for (const k in delta) lines.addCent(row, MEASURE_INDEX[k as Measure], delta[k as Measure] as bigint);
    for (let g = 0; g < GRAINS; g++) {
      const r = lines.number(row, LINE_ROLLUP + g);
      if (rollups.number(r, CHANGED) === 0) {
        rollups.setNumber(r, CHANGED, 1);
        this.changedRollups.push(r);
      }
      rollups.addNumber(r, ROLLUP_EVENTS, 1);
      rollups.addNumber(r, ROLLUP_LINES, newLine);
      for (const k in delta) rollups.addCent(r, MEASURE_INDEX[k as Measure], delta[k as Measure] as bigint);
    }
  }

  /** What a fund-line event did to its line's counters (for the event just applied, without computing it again). */
  deltaOf(e: RecordedFundLineEvent): MeasureDelta {
    return this.lastEvent === e ? this.lastDelta : fundLineDelta(e);
  }

  /** How many events the line of a fund-line event has had, up to and with it (for the event just applied). */
  lineEventCount(e: RecordedFundLineEvent): number {
    return this.lines.number(this.rowOf(e), LINE_EVENTS);
  }

  /** The counters of a fund-line event's line right after it (for the event just applied). */
  lineMeasures(e: RecordedFundLineEvent): Measures {
    return this.measures(this.lines, this.rowOf(e));
  }

  /** The read-model id of a fund-line event's line. */
  lineIdOf(e: RecordedFundLineEvent): number {
    return this.lines.number(this.rowOf(e), LINE_ID);
  }

  /** The key of a fund-line event's line in a roll-up grain (ROLLUP_GRAINS' table name), for the event just applied. */
  rollupKeyOf(e: RecordedFundLineEvent, table: string): string {
    return this.rollupKeys[this.lines.number(this.rowOf(e), LINE_ROLLUP + (GRAIN_INDEX.get(table) as number))];
  }

  /** Writes every row changed since it was last written. */
  flush(): void {
    this.writeNewLines();
    const lines = this.lines;
    for (const row of this.changedLines) {
      lines.setNumber(row, CHANGED, 0);
      this.s.updateLine.run(...this.measureValues(lines, row), lines.number(row, LINE_EVENTS), lines.number(row, LINE_LAST), lines.number(row, LINE_ID));
    }
    this.changedLines = [];
    const rollups = this.rollups;
    for (const r of this.changedRollups) {
      rollups.setNumber(r, CHANGED, 0);
      const { insert, update, dims: columns } = this.rollupStatements[rollups.number(r, ROLLUP_GRAIN)];
      const counts = [...this.measureValues(rollups, r), rollups.number(r, ROLLUP_EVENTS), rollups.number(r, ROLLUP_LINES)];
      const dims = this.unwrittenRollups.get(r);
      if (dims === undefined) update.run(...counts, this.rollupKeys[r]);
      else {
        insert.run(this.rollupKeys[r], ...columns.map((d) => dims[d]), ...counts);
        this.unwrittenRollups.delete(r);
      }
    }
    this.changedRollups = [];
  }

  /**
   * A rebuild's spill, while the engine is the sole writer: only the lines new since the last write are written (the
   * red flags look lines up by stream in their flush), nothing is dropped; the other changes wait for the commit.
   * Otherwise a flush and a commit's trim.
   */
  spill(): void {
    if (this.host.sole.active) this.writeNewLines();
    else {
      this.flush();
      this.committed();
    }
  }

  committed(): void {
    this.forgetLast();
    if (this.host.sole.active) return;
    if (this.lines.rows + this.rollups.rows > ROWS_PER_CACHED_DOCUMENT * this.host.cacheSize || (this.lines.rows > 0 && overHeapBudget())) this.drop();
  }

  reload(): void {
    this.drop();
    this.insertLine.clear();
    this.nextLineId = Number(this.s.maxLineId.get()) + 1;
  }

  /** Forgets every row held, and every change not yet written. */
  private drop(): void {
    this.forgetLast();
    this.lines.clear();
    this.rollups.clear();
    this.lineRows = new Map();
    this.lineStreams = [];
    this.rollupRows = ROLLUP_GRAINS.map(() => new Map());
    this.rollupKeys = [];
    this.unwritten.clear();
    this.unwrittenRollups.clear();
    this.changedLines = [];
    this.changedRollups = [];
  }

  /** Inserts the lines not yet in the tables that have had events, as they are now: they are then unchanged. */
  private writeNewLines(): void {
    const lines = this.lines;
    let written = 0;
    for (const [row, dims] of this.unwritten) {
      if (lines.number(row, LINE_EVENTS) === 0) continue;
      this.insertLine.add(
        lines.number(row, LINE_ID),
        this.lineStreams[row],
        ...LINE_DIMENSIONS.map((d) => dims[d]),
        ...this.measureValues(lines, row),
        lines.number(row, LINE_EVENTS),
        lines.number(row, LINE_LAST),
      );
      lines.setNumber(row, CHANGED, 0);
      this.unwritten.delete(row);
      written += 1;
    }
    this.insertLine.flush();
    if (written > 0) this.changedLines = this.changedLines.filter((row) => lines.number(row, CHANGED) === 1);
  }

  private forgetLast(): void {
    this.lastEvent = null;
    this.lastRow = -1;
    this.lastDelta = {};
  }

  private rowOf(e: RecordedFundLineEvent): number {
    return this.lastEvent === e ? this.lastRow : this.lineRow(e);
  }

  private measures(table: CounterTable, row: number): Measures {
    const out: Record<string, bigint> = {};
    for (let i = 0; i < MEASURES.length; i++) out[MEASURES[i]] = table.cent(row, i);
    return out as unknown as Measures;
  }

  private measureValues(table: CounterTable, row: number): (bigint | string)[] {
    const out: (bigint | string)[] = [];
    for (let i = 0; i < MEASURES.length; i++) out.push(centsParam(table.cent(row, i)));
    return out;
  }

  /** The row of a fund-line event's line: held, read from the tables (unless the engine wrote them all), or new. */
  private lineRow(e: RecordedFundLineEvent): number {
    const held = this.lineRows.get(e.stream);
    if (held !== undefined) return held;
    const stored = this.host.sole.active ? undefined : (this.s.lineByStream.get(e.stream) as Row | undefined);
    const lines = this.lines;
    const row = lines.addRow();
    this.lineRows.set(e.stream, row);
    this.lineStreams.push(e.stream);
    let dims: LineDimensions;
    if (stored) {
      dims = dimensionsFromRow(stored);
      lines.setNumber(row, LINE_ID, Number(stored.line_id));
      lines.setNumber(row, LINE_EVENTS, Number(stored.event_count));
      lines.setNumber(row, LINE_LAST, Number(stored.last_position));
      for (let i = 0; i < MEASURES.length; i++) lines.setCent(row, i, big(stored[MEASURE_COLUMNS[i]]));
    } else {
      dims = lineDimensions(e.data.line, this.host.ctx);
      lines.setNumber(row, LINE_ID, this.nextLineId++);
      this.unwritten.set(row, dims);
    }
    for (let g = 0; g < GRAINS; g++) lines.setNumber(row, LINE_ROLLUP + g, this.rollupRow(g, grainKey(ROLLUP_GRAINS[g], dims), dims));
    return row;
  }

  private rollupRow(grain: number, key: string, dims: LineDimensions): number {
    const held = this.rollupRows[grain].get(key);
    if (held !== undefined) return held;
    const stored = this.host.sole.active ? undefined : (this.rollupStatements[grain].get.get(key) as Row | undefined);
    const rollups = this.rollups;
    const r = rollups.addRow();
    this.rollupRows[grain].set(key, r);
    this.rollupKeys.push(key);
    rollups.setNumber(r, ROLLUP_GRAIN, grain);
    if (stored === undefined) this.unwrittenRollups.set(r, dims);
    else {
      rollups.setNumber(r, ROLLUP_EVENTS, Number(stored.event_count));
      rollups.setNumber(r, ROLLUP_LINES, Number(stored.line_count));
      for (let i = 0; i < MEASURES.length; i++) rollups.setCent(r, i, big(stored[MEASURE_COLUMNS[i]]));
    }
    return r;
  }
}
