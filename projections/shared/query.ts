import { InvalidRequest } from '../../src/shared/errors';
import { dateToInt } from './context';

/** Valid time and transaction time of a question: "as of 30/06/2024, as recorded by 15/07/2024". */
export interface TimeSlice {
  /** Effective dates up to and including this day (YYYY-MM-DD). */
  readonly asOf?: string;
  /** Events recorded up to this instant; a bare date means the end of that day in Vietnam (UTC+7). */
  readonly knownAt?: string;
}

/** A time slice as the entry tables compare it: effective date as yyyymmdd, recording time in ms. */
export interface Slice {
  readonly eff: number;
  readonly rec: number;
  readonly asOf: string | null;
  readonly knownAt: string | null;
}

export interface Paging {
  readonly page?: number;
  readonly pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** The slice a question asks for, or null for "now, everything recorded". */
export function sliceOf(q: TimeSlice): Slice | null {
  if (q.asOf === undefined && q.knownAt === undefined) return null;
  let rec = Number.MAX_SAFE_INTEGER;
  if (q.knownAt !== undefined) {
    rec = /^\d{4}-\d{2}-\d{2}$/.test(q.knownAt) ? Date.parse(`${q.knownAt}T23:59:59.999+07:00`) : Date.parse(q.knownAt);
    if (Number.isNaN(rec)) throw InvalidRequest.field('knownAt', `"${q.knownAt}" is not a date YYYY-MM-DD or an ISO instant`);
  }
  return { eff: q.asOf !== undefined ? dateToInt(q.asOf) : 99991231, rec, asOf: q.asOf ?? null, knownAt: q.knownAt ?? null };
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

/** The thing asked for does not exist in the read model (HTTP 404). */
export class NotInReadModel extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotInReadModel';
  }
}
