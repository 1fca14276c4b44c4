import { InvalidRequest } from '../../src/shared/errors';
import { dateToInt } from './context';

/** Valid time and transaction time of a question: "as of 30/06/2024, as recorded by 15/07/2024". */
export interface TimeSlice {
  /** Effective dates up to and including this day (YYYY-MM-DD). */
  readonly asOf?: string;
  /** Events recorded up to this instant; a bare date means the end of that day in Vietnam (UTC+7). */
  readonly knownAt?: string;
  /**
   * Events at or before this log position: the exact transaction-time bound a report is recomputed at later
   * (several events can share a recording millisecond, never a position). Must not be past the read model's.
   */
  readonly upToPosition?: number;
}

/** A time slice as the entry tables compare it: effective date as yyyymmdd, recording time in ms. */
export interface Slice {
  readonly eff: number;
  readonly rec: number;
  /** Last log position counted. */
  readonly pos: number;
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly upToPosition: number | null;
}

export interface Paging {
  readonly page?: number;
  readonly pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** The slice a question asks for, or null for "now, everything recorded". */
export function sliceOf(q: TimeSlice): Slice | null {
  if (q.asOf === undefined && q.knownAt === undefined && q.upToPosition === undefined) return null;
  let rec = Number.MAX_SAFE_INTEGER;
  if (q.knownAt !== undefined) {
    rec = /^\d{4}-\d{2}-\d{2}$/.test(q.knownAt) ? Date.parse(`${q.knownAt}T23:59:59.999+07:00`) : Date.parse(q.knownAt);
    if (Number.isNaN(rec)) throw InvalidRequest.field('knownAt', `"${q.knownAt}" is not a date YYYY-MM-DD or an ISO instant`);
  }
  return {
    eff: q.asOf !== undefined ? dateToInt(q.asOf) : 99991231,
    rec,
    pos: q.upToPosition ?? Number.MAX_SAFE_INTEGER,
    asOf: q.asOf ?? null,
    knownAt: q.knownAt ?? null,
    upToPosition: q.upToPosition ?? null,
  };
}

/**
 * A page size written into a statement's SQL: SQLite reads a bound LIMIT's value when it plans, so a statement with
 * `LIMIT ?` is prepared again at every call. Page sizes are few (1 to MAX_PAGE_SIZE, mostly the default), so each is
 * one cached statement.
 */
export function sqlLimit(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a page size must be a whole number, not ${n}`);
  return n;
}

export function pagingOf(q: Paging): { page: number; pageSize: number; offset: number } {
  const page = q.page ?? 1;
  const pageSize = Math.min(q.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/** The thing asked for lies outside the reader's scopes (HTTP 403, FORBIDDEN): the message says which unit it is of. */
export class OutsideScope extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutsideScope';
  }
}

/**
 * A question bounded by a log position the read model has not reached yet: answering it would leave out events
 * that belong to it (HTTP 503 READ_MODEL_BEHIND, as for minPosition).
 */
export class PositionNotReached extends Error {
  constructor(
    readonly position: number,
    readonly upToPosition: number,
  ) {
    super(`the read model is at position ${position}, behind upToPosition ${upToPosition}; retry in a moment`);
    this.name = 'PositionNotReached';
  }
}

/** Refuses a slice bounded past the position the read transaction reflects. */
export function checkReached(slice: Slice | null, position: number): void {
  if (slice?.upToPosition != null && slice.upToPosition > position) throw new PositionNotReached(position, slice.upToPosition);
}

/** The thing asked for does not exist in the read model (HTTP 404). */
export class NotInReadModel extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotInReadModel';
  }
}
