import type { SqlStatement } from '../shared/sql-database';
import type { RecordedEvent } from '../../events';
import { LINE_DIMENSIONS, LineDimensions, canonicalFundLineKey, dimensionColumn } from '../../src/fund-line/fund-line.dimensions';
import type { Projector, ProjectorHost } from '../read-model';
import { lineDimensions } from '../shared/context';
import { DocCache } from '../shared/doc-cache';
import type { RecordedFundLineEvent } from '../shared/recorded';
import { Row, RowWriter, placeholders } from '../shared/sql';
import { FundLineBalance, MEASURES, MeasureDelta, Measures, ZERO_MEASURES, addMeasures, evolveFundLineBalance, fundLineDelta } from './balances.fold';
import { BALANCE_TABLES, MEASURE_COLUMNS, ROLLUP_GRAINS, dimensionsFromRow, grainDimensions, grainKey, measureValues, measuresFromRow } from './balances.tables';

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

function difference(after: Measures, before: Measures): MeasureDelta {
  const out: { -readonly [K in keyof Measures]?: bigint } = {};
  for (const k of MEASURES) if (after[k] !== before[k]) out[k] = after[k] - before[k];
  return out;
}

const MEASURES_SET = MEASURE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ');

/**
 * Keeps each line's counters (lines) and their sums at the roll-up grains. Roll-ups are sums of lines, so at the
 * end of a batch each moves by the change of the lines it holds. Other read models use the line it gives each
 * event (lineIdOf) and what the event did to it (deltaOf), computed once.
 */
export class BalancesProjector implements Projector {
  private readonly lines: DocCache<LineHolder>;
  private readonly rollups: DocCache<RollupHolder>[];
  private readonly touched: LineHolder[] = [];
  private nextLineId = 1;
  /** The event applied last, its line and its change: read by the models applied after this one. */
  private lastEvent: RecordedEvent | null = null;
  private lastLine: LineHolder | null = null;
  private lastDelta: MeasureDelta = {};
  private readonly s: Record<'maxLineId' | 'lineByStream', SqlStatement>;
  /** The lines a batch touched, each once, many to a statement. */
  private readonly upsertLine: RowWriter;
  private readonly rollupStatements: ReadonlyArray<{ get: SqlStatement; upsert: SqlStatement; dims: ReturnType<typeof grainDimensions> }>;

  constructor(private readonly host: ProjectorHost) {
    const { db, cacheSize } = host;
    const t = BALANCE_TABLES.in(host.schema);
    this.lines = new DocCache(cacheSize, host.sole);
    this.rollups = ROLLUP_GRAINS.map(() => new DocCache<RollupHolder>(cacheSize, host.sole));
    const lineColumns = ['line_id', 'stream', ...LINE_DIMENSIONS.map(dimensionColumn), ...MEASURE_COLUMNS, 'event_count', 'last_position'];
    this.s = {
      maxLineId: db.prepare(`SELECT coalesce(max(line_id), 0) FROM ${t.lines}`).pluck(),
      lineByStream: db.prepare(`SELECT * FROM ${t.lines} WHERE stream = ?`).safeIntegers(true),
    };
    this.upsertLine = new RowWriter(
      host,
      `INSERT INTO ${t.lines} (${lineColumns.join(', ')})`,
      lineColumns.length,
      `ON CONFLICT (line_id) DO UPDATE SET ${MEASURES_SET}, event_count = excluded.event_count, last_position = excluded.last_position`,
    );
    this.rollupStatements = ROLLUP_GRAINS.map((g) => {
      const dims = grainDimensions(g);
      const columns = ['key', ...dims.map(dimensionColumn), ...MEASURE_COLUMNS, 'event_count', 'line_count'];
      const table = BALANCE_TABLES.in(host.schema)[g.table as keyof typeof t];
      return {
        get: db.prepare(`SELECT * FROM ${table} WHERE key = ?`).safeIntegers(true),
        upsert: db.prepare(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders(columns.length)})
           ON CONFLICT (key) DO UPDATE SET ${MEASURES_SET}, event_count = excluded.event_count, line_count = excluded.line_count`,
        ),
        dims,
      };
    });
    this.reload();
  }

  apply(event: RecordedEvent): void {
    const e = event as RecordedFundLineEvent;
    const line = this.line(e);
    const delta = fundLineDelta(e);
    this.lastEvent = event;
    this.lastLine = line;
    this.lastDelta = delta;
    if (!line.touched) {
      line.touched = true;
      line.before = line.doc;
      this.touched.push(line);
    }
    line.doc = evolveFundLineBalance(line.doc, e, delta);
  }

  /** What a fund-line event did to its line's counters (for the event just applied, without computing it again). */
  deltaOf(e: RecordedFundLineEvent): MeasureDelta {
    return this.lastEvent === e ? this.lastDelta : fundLineDelta(e);
  }

  /** The counters of a fund-line event's line right after it (for the event just applied). */
  lineAfter(e: RecordedFundLineEvent): FundLineBalance {
    return (this.lastEvent === e ? (this.lastLine as LineHolder) : this.line(e)).doc;
  }

  /** The read-model id of a fund-line event's line. */
  lineIdOf(e: RecordedFundLineEvent): number {
    return this.lastEvent === e ? (this.lastLine as LineHolder).id : this.line(e).id;
  }

  /** The key of a fund-line event's line in a roll-up grain (ROLLUP_GRAINS' table name), for the event just applied. */
  rollupKeyOf(e: RecordedFundLineEvent, table: string): string {
    const line = this.lastEvent === e ? (this.lastLine as LineHolder) : this.line(e);
    return line.rollupKeys[ROLLUP_GRAINS.findIndex((g) => g.table === table)];
  }

  flush(): void {
    const touchedRollups = ROLLUP_GRAINS.map(() => new Set<RollupHolder>());
    for (const l of this.touched) {
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
      this.upsertLine.add(l.id, l.doc.stream, ...LINE_DIMENSIONS.map((d) => l.dims[d]), ...measureValues(l.doc.measures), l.doc.eventCount, l.doc.lastPosition);
      l.before = null;
      l.touched = false;
    }
    this.upsertLine.flush();
    this.touched.length = 0;
    touchedRollups.forEach((set, g) => {
      const { upsert, dims } = this.rollupStatements[g];
      for (const r of set) upsert.run(r.key, ...dims.map((d) => r.dims[d]), ...measureValues(r.measures), r.eventCount, r.lineCount);
    });
  }

  committed(): void {
    this.forgetLast();
    this.lines.trim();
    for (const r of this.rollups) r.trim();
  }

  reload(): void {
    this.forgetLast();
    this.lines.clear();
    for (const r of this.rollups) r.clear();
    this.touched.length = 0;
    this.upsertLine.clear();
    this.nextLineId = Number(this.s.maxLineId.get()) + 1;
  }

  private forgetLast(): void {
    this.lastEvent = null;
    this.lastLine = null;
    this.lastDelta = {};
  }

  private line(e: RecordedFundLineEvent): LineHolder {
    const cached = this.lines.get(e.stream);
    if (cached) return cached;
    const row = this.lines.mayBeStored(e.stream) ? (this.s.lineByStream.get(e.stream) as Row | undefined) : undefined;
    let holder: LineHolder;
    if (row) {
      const dims = dimensionsFromRow(row);
      holder = {
        id: Number(row.line_id),
        dims,
        rollupKeys: ROLLUP_GRAINS.map((g) => grainKey(g, dims)),
        doc: {
          stream: e.stream,
          key: canonicalFundLineKey(dims),
          measures: measuresFromRow(row),
          eventCount: Number(row.event_count),
          lastPosition: Number(row.last_position),
        },
        before: null,
        touched: false,
      };
    } else {
      const dims = lineDimensions(e.data.line, this.host.ctx);
      holder = {
        id: this.nextLineId++,
        dims,
        rollupKeys: ROLLUP_GRAINS.map((g) => grainKey(g, dims)),
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
    const row = cache.mayBeStored(key) ? (this.rollupStatements[grain].get.get(key) as Row | undefined) : undefined;
    const holder: RollupHolder = row
      ? { key, dims, measures: measuresFromRow(row), eventCount: Number(row.event_count), lineCount: Number(row.line_count) }
      : { key, dims, measures: ZERO_MEASURES, eventCount: 0, lineCount: 0 };
    cache.set(key, holder);
    return holder;
  }
}
