import type { SqlStatement } from '../../projections/shared/sql-database';
import { READ_MODELS } from '../../projections';
import { ADJUSTMENTS } from '../../projections/adjustments';
import type { AdjustmentsQuery } from '../../projections/adjustments/adjustments.queries';
import { BALANCES } from '../../projections/balances';
import type { BalancesQuery, BalancesResult } from '../../projections/balances/balances.queries';
import { DECISION_TRAIL } from '../../projections/decision-trail';
import type { DecisionsQuery, TrailQuery } from '../../projections/decision-trail/decision-trail.queries';
import { HISTORY } from '../../projections/history';
import { NOTES } from '../../projections/notes';
import type { NotesQuery } from '../../projections/notes/notes.queries';
import { PROGRESS } from '../../projections/progress';
import { RESULTS } from '../../projections/results';
import type { ResultsQuery } from '../../projections/results/results.queries';
import { STATED_FIGURES } from '../../projections/stated-figures';
import type { StatedFiguresQuery } from '../../projections/stated-figures/stated-figures.queries';
import type { Earlier, Freshness, QueryHost, ReadModel, ReadTx, Reader } from '../../projections/read-model';
import { RED_FLAGS } from '../../projections/red-flags';
import type { RedFlagsQuery, UnitScope } from '../../projections/red-flags/red-flags.queries';
import { buildInOrder } from '../../projections/read-model';
import type { ProjectionContext } from '../../projections/shared/context';
import type { ReadScope } from '../../projections/shared/filters';
import type { Paging, TimeSlice } from '../../projections/shared/query';
import type { Catalogue } from '../catalogue/catalogue';
import { ReadModelDb, schemaOf, tableName } from './read-model-db';

export { GROUP_DIMENSIONS } from '../../projections/balances/balances.queries';
export type { BalanceFilter, BalanceRow, BalancesQuery, BalancesResult, Figures, GroupDimension } from '../../projections/balances/balances.queries';
export type { TrailEvent } from '../../projections/decision-trail/decision-trail.queries';
export type { ActivityView } from '../../projections/progress/progress.queries';
export type { RedFlagView, RedFlagsQuery, UnitScope } from '../../projections/red-flags/red-flags.queries';
export type { StatedFigure, StatedFiguresQuery, StatedFiguresResult } from '../../projections/stated-figures/stated-figures.queries';
export type { Freshness } from '../../projections/read-model';
export { MAX_PAGE_SIZE, NotInReadModel, OutsideScope, PositionNotReached } from '../../projections/shared/query';
export type { ReadScope } from '../../projections/shared/filters';
export type { Paging, TimeSlice } from '../../projections/shared/query';

/** The read models are not there yet (no generation built): HTTP 503. */
export class ReadModelUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadModelUnavailable';
  }
}

class GenerationMoved extends Error {}

/**
 * Reads the live generation: each question in one read transaction, so its figures and the position it reports
 * belong to the same moment. Follows the live generation when a rebuild swaps another one in.
 */
class LiveReader implements Reader {
  private generation_: number | null = null;
  private readonly statements = new Map<string, SqlStatement>();
  private readonly liveGeneration: SqlStatement;

  constructor(private readonly rm: ReadModelDb) {
    this.liveGeneration = rm.db.prepare("SELECT value FROM read_model_meta WHERE key = 'generation'").pluck();
  }

  /** The generation the last question was answered from. */
  get generation(): number | null {
    return this.generation_;
  }

  read<T>(fn: (tx: ReadTx, position: number) => T): T & Freshness {
    for (let attempt = 1; ; attempt++) {
      // Attaching a generation's file cannot happen inside a transaction: follow the live one first.
      const live = this.liveGeneration.get() as string | undefined;
      if (live === undefined) throw new ReadModelUnavailable('the read models have not been built yet; they are being built from the log');
      if (Number(live) !== this.generation_) {
        this.rm.attach(Number(live));
        this.generation_ = Number(live);
        this.statements.clear();
        this.rm.detachOthers(this.generation_);
      }
      try {
        return this.rm.snapshot(() => {
          if (Number(this.liveGeneration.get()) !== this.generation_) throw new GenerationMoved();
          const generation = this.generation_ as number;
          const tx: ReadTx = { schema: schemaOf(generation), stmt: (sql) => this.stmt(sql) };
          const position = Number(this.stmt(`SELECT position FROM ${tableName('checkpoint', generation)} WHERE id = 1`).pluck().get());
          return { position, ...fn(tx, position) };
        });
      } catch (error) {
        // A rebuild made another generation live between the two looks: answer from that one.
        if (error instanceof GenerationMoved && attempt < 3) continue;
        throw error;
      }
    }
  }

  private stmt(sql: string): SqlStatement {
    let s = this.statements.get(sql);
    if (!s) {
      if (this.statements.size > 500) this.statements.clear();
      const prepare = (text: string) => this.rm.db.prepare(text).safeIntegers(true);
      s = /\bsum\(/.test(sql) ? exactSums(prepare(sql), () => prepare(sql.replace(/\bsum\(/g, 'cents_sum('))) : prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

/**
 * A statement whose native sum()s are answered exactly (projections/shared/cents.ts): native sum() is exact while it
 * stays within int64 and says when it does not, by failing with "integer overflow" or by returning a REAL (it met
 * cents stored as text, beyond int64; cents_add refuses such a REAL). Then the same query runs again with cents_sum,
 * which adds cents of any size.
 * Only the answers of all() and get() are checked; the statement is used through them (and pluck()).
 */
function exactSums(native: SqlStatement, exactly: () => SqlStatement): SqlStatement {
  let exact: SqlStatement | null = null;
  let plucked = false;
  const run = <T>(read: (s: SqlStatement) => T): T => {
    try {
      const answer = read(native);
      if (!hasReal(answer)) return answer;
    } catch (error) {
      // Overflow, or a native sum's REAL reaching cents_add (which refuses inexact cents).
      if (!/integer overflow|inexact cents/i.test((error as Error).message)) throw error;
    }
    exact ??= exactly();
    exact.pluck(plucked);
    return read(exact);
  };
  const statement = {
    all: (...params: unknown[]) => run((s) => s.all(...params)),
    get: (...params: unknown[]) => run((s) => s.get(...params)),
    pluck(toggle = true) {
      plucked = toggle;
      native.pluck(toggle);
      return statement;
    },
  };
  return statement as unknown as SqlStatement;
}

/** Whether an answer holds a REAL: read models store none, so it is a sum that met cents stored as text. */
function hasReal(answer: unknown): boolean {
  if (typeof answer === 'number') return true;
  if (Array.isArray(answer)) return answer.some(hasReal);
  if (answer !== null && typeof answer === 'object') return Object.values(answer).some((v) => typeof v === 'number');
  return false;
}

/**
 * Every question the read models answer, as the HTTP API and the CLI ask them: each is one read model's query
 * (projections/<model>/<model>.queries.ts), built in registry order over one live reader. Money leaves here
 * only as exact decimal strings.
 */
export class ReadModelQueries {
  private readonly reader: LiveReader;
  private readonly parts: Map<ReadModel, unknown>;

  constructor(rm: ReadModelDb, catalogue: Catalogue, ctx: ProjectionContext) {
    this.reader = new LiveReader(rm);
    const host: QueryHost = { reader: this.reader, catalogue, ctx };
    this.parts = buildInOrder(READ_MODELS, (model, earlier) => model.queries(host, earlier as Earlier<'queries'>));
  }

  private of<M extends ReadModel>(model: M): ReturnType<M['queries']> {
    return this.parts.get(model) as ReturnType<M['queries']>;
  }

  /** Position and generation of the live read model. */
  status(): Freshness & { generation: number; events: number } {
    return this.reader.read((tx) => {
      const generation = this.reader.generation as number;
      const events = Number(tx.stmt(`SELECT events FROM ${tableName('checkpoint', generation)} WHERE id = 1`).pluck().get());
      return { generation, events };
    });
  }

  /** Now from the balances' counters; as of a date or as known at a time from the lines' history. */
  balances(q: BalancesQuery): BalancesResult {
    return this.of(BALANCES).balances(q, this.of(HISTORY));
  }

  history(stream: string, q: TimeSlice & Paging & { readonly order?: 'recorded' | 'effective'; readonly scope?: ReadScope }) {
    return this.of(HISTORY).history(stream, q);
  }

  progress(q: TimeSlice & { readonly programme?: string; readonly component?: string; readonly unit?: string; readonly budgetYear?: number; readonly scope?: ReadScope }) {
    return this.of(PROGRESS).progress(q);
  }

  decisions(q: DecisionsQuery) {
    return this.of(DECISION_TRAIL).decisions(q);
  }

  /** Every event a decision caused, with before → after for each line and activity, who recorded it and when. */
  trail(q: TrailQuery) {
    return this.of(DECISION_TRAIL).trail(q);
  }

  adjustments(q: AdjustmentsQuery) {
    return this.of(ADJUSTMENTS).adjustments(q);
  }

  notes(q: NotesQuery) {
    return this.of(NOTES).notes(q);
  }

  /** Red flags by unit, period, rule and review; `scope`: the unit subtrees the caller may see (null: all). */
  redFlags(q: RedFlagsQuery, scope: UnitScope = null) {
    return this.of(RED_FLAGS).list(q, scope);
  }

  /**
   * Carried money unspent after its deadline on a day, computed line by line from the balances: what the red flags'
   * stored spans replace, kept to check them against (tests).
   */
  redFlagsUnspentByScan(q: Omit<RedFlagsQuery, 'page' | 'pageSize' | 'rule' | 'reviewed'>, scope: UnitScope = null) {
    return this.of(RED_FLAGS).unspentByScan(q, scope);
  }

  /** One red flag with all its evidence and reviews (the computed ones as of `asOf`). */
  redFlag(id: string, asOf: string, scope: UnitScope = null) {
    return this.of(RED_FLAGS).flag(id, asOf, scope);
  }

  /** The red-flag rules, their descriptions (with their thresholds) and parameters. */
  redFlagRules() {
    return this.of(RED_FLAGS).ruleList();
  }

  /** What documents stated about a unit and year (estimates, proposals, targets...), in log order. */
  statedFigures(q: StatedFiguresQuery) {
    return this.of(STATED_FIGURES).statedFigures(q);
  }

  /** Outcome indicators per unit and year, and progress against each target. */
  results(q: ResultsQuery) {
    return this.of(RESULTS).results(q);
  }
}
