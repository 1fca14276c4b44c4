import type { Catalogue } from '../catalogue/catalogue';
import { calendarDateProblem } from '../shared/validation/validators';
import { FieldProblem, InvalidRequest } from '../shared/errors';

/** How amounts are shown: in triệu đồng (as the district documents write them) or in đồng. */
export type AmountUnit = 'trieu' | 'dong';
export const AMOUNT_UNITS: readonly AmountUnit[] = ['trieu', 'dong'];

/**
 * What a report is computed for: a unit and everything under it, one programme's budget year, a period ending on
 * the date the figures are as of, what had been recorded by a time (optional) and, always, the log position it was
 * computed at. The same parameters give the same report, cell for cell, at any later time.
 */
export interface ReportParams {
  readonly programme: string;
  readonly unit: string;
  readonly budgetYear: number;
  /** First day of the period (YYYY-MM-DD): disbursements "in the period" are those effective from it. */
  readonly from: string;
  /** The day the figures are as of (valid time), the last day of the period. */
  readonly asOf: string;
  /** Transaction time, as given (date = end of that day in Vietnam, or an instant); null: everything recorded. */
  readonly knownAt: string | null;
  /** The log position the report is computed at: events after it are not counted. */
  readonly position: number;
  readonly amountUnit: AmountUnit;
}

/** Parameters as a request or a command line gives them: text, each optional except unit and budget year. */
export interface ReportRequest {
  readonly programme?: string;
  readonly unit?: string;
  readonly budgetYear?: string | number;
  readonly from?: string;
  readonly asOf?: string;
  readonly knownAt?: string;
  readonly position?: string | number;
  readonly amountUnit?: string;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks a request against the catalogue: every bad field is named at once (INVALID_REQUEST). The position is left
 * out when not given: the caller takes the read model's. Defaults: the programme in force that year, the whole
 * budget year (1/1 to 31/12), amounts in triệu đồng.
 */
export function parseReportRequest(req: ReportRequest, catalogue: Catalogue): Omit<ReportParams, 'position'> & { readonly position?: number } {
  const problems: FieldProblem[] = [];
  const bad = (field: string, problem: string) => problems.push({ field, problem });

  const year = typeof req.budgetYear === 'number' ? req.budgetYear : /^\d{4}$/.test(req.budgetYear ?? '') ? Number(req.budgetYear) : NaN;
  if (req.budgetYear === undefined || req.budgetYear === '') bad('budgetYear', 'is required (the budget year, e.g. 2024)');
  else if (!Number.isInteger(year) || year < 2000 || year > 2100) bad('budgetYear', `must be a year between 2000 and 2100, not "${String(req.budgetYear)}"`);

  let programme = req.programme;
  if (programme !== undefined && !catalogue.programmes.has(programme)) {
    bad('programme', `unknown programme "${programme}"; known: ${[...catalogue.programmes.keys()].join(', ')}`);
  } else if (programme === undefined && Number.isInteger(year)) {
    const inForce = [...catalogue.programmes.values()].filter((p) => p.firstYear <= year && year <= p.lastYear + 1);
    if (inForce.length === 1) programme = inForce[0].code;
    else if (inForce.length === 0) bad('budgetYear', `no programme of the catalogue runs in ${year}`);
    else bad('programme', `several programmes run in ${year} (${inForce.map((p) => p.code).join(', ')}): name one`);
  }

  if (req.unit === undefined || req.unit === '') bad('unit', 'is required (an official unit code: a province, a district or a commune)');
  else if (Number.isInteger(year)) {
    try {
      catalogue.requireUnit('unit', req.unit, year);
    } catch (error) {
      if (error instanceof InvalidRequest) problems.push(...error.problems);
      else throw error;
    }
  }

  const date = (field: string, value: string | undefined, fallback: string): string => {
    if (value === undefined || value === '') return fallback;
    const problem = calendarDateProblem(value);
    if (problem) bad(field, problem);
    return value;
  };
  const from = date('from', req.from, `${year}-01-01`);
  const asOf = date('asOf', req.asOf, `${year}-12-31`);
  if (problems.every((p) => p.field !== 'from' && p.field !== 'asOf') && from > asOf) bad('from', `the period must start (${from}) on or before the day it is as of (${asOf})`);

  let knownAt: string | null = null;
  if (req.knownAt !== undefined && req.knownAt !== '') {
    const ok = calendarDateProblem(req.knownAt) === null || (INSTANT.test(req.knownAt) && !Number.isNaN(Date.parse(req.knownAt)));
    if (!ok) bad('knownAt', `must be a calendar date YYYY-MM-DD (end of that day, Vietnam time) or an ISO instant such as 2024-07-15T10:00:00Z; got "${req.knownAt}"`);
    knownAt = req.knownAt;
  }

  let position: number | undefined;
  if (req.position !== undefined && req.position !== '') {
    position = typeof req.position === 'number' ? req.position : /^\d+$/.test(req.position) ? Number(req.position) : NaN;
    if (!Number.isSafeInteger(position) || position < 0) bad('position', `must be a log position (a whole number), not "${String(req.position)}"`);
  }

  const amountUnit = (req.amountUnit ?? 'trieu') as AmountUnit;
  if (!AMOUNT_UNITS.includes(amountUnit)) bad('amountUnit', `must be one of ${AMOUNT_UNITS.join(', ')}, not "${String(req.amountUnit)}"`);

  if (problems.length > 0) throw new InvalidRequest(problems);
  return { programme: programme as string, unit: req.unit as string, budgetYear: year, from, asOf, knownAt, amountUnit, ...(position !== undefined ? { position } : {}) };
}

/** The day before a date (YYYY-MM-DD). */
export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
